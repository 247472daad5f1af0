"""Small rules of the job services, without a worker: formula escaping, month and date parsing, mail shape."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from ticketshow import clock
from ticketshow.errors import Invalid
from ticketshow.exports.service import safe_cell
from ticketshow.notifications.mail import Attachment, Mail, build_message


@pytest.mark.parametrize("cell", ["=1+1", "+91 98", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_is_escaped(cell):
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Hamlet", "पृथ्वी", "", 42, -5, None])
def test_other_cells_are_left_alone(cell):
    assert safe_cell(cell) == cell


def test_local_months_and_days(app):
    assert clock.month_start("2026-11") == date(2026, 11, 1)
    assert clock.month_start("2100-12") == date(2100, 12, 1)
    # 9999-12 passed once and its month's end (10000-01-01) overflowed: a 500 on the report, a failed job
    for bad in ("2026-13", "2026-1", "11-2026", "", "1999-12", "2101-01", "9999-12"):
        with pytest.raises(Invalid):
            clock.month_start(bad)
    assert clock.parse_day("2026-02-28") == date(2026, 2, 28)
    for bad in ("2026-02-30", "9999-12-31", "0001-01-01", "1999-12-31", "2101-01-01"):
        with pytest.raises(Invalid):
            clock.parse_day(bad)
    assert clock.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    start, end = clock.month_bounds(date(2026, 3, 1))  # IST is UTC+05:30 all year
    assert start == datetime(2026, 2, 28, 18, 30, tzinfo=timezone.utc)
    assert end == datetime(2026, 3, 31, 18, 30, tzinfo=timezone.utc)


def test_mail_is_multipart_utf8_with_attachment():
    message = build_message(
        Mail(
            to="asha@example.com",
            to_name="आशा",
            subject="आशा, your month",
            text="नमस्ते",
            html="<p>नमस्ते</p>",
            attachments=[Attachment("r.pdf", b"%PDF-1.7", "application", "pdf")],
        ),
        "Ticket Show <no-reply@ticketshow.local>",
    )
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw  # the Hindi name and subject are encoded words
    assert message.get_body(("plain",)).get_content().strip() == "नमस्ते"
    assert message.get_body(("html",)).get_content().strip() == "<p>नमस्ते</p>"
    assert [part.get_filename() for part in message.iter_attachments()] == ["r.pdf"]
    assert message["Message-ID"].endswith("@ticketshow.local>")
