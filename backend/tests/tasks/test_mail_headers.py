"""Header values in mail are built safely whatever is stored: a CR/LF, a bidi override or an invisible
character in a stored username neither adds a recipient nor stops the daily reminder for anyone else."""

from __future__ import annotations

from sqlalchemy import text, update

from ticketshow.auth.models import User
from ticketshow.extensions import db
from ticketshow.notifications.mail import Mail, build_message

from .conftest import wait_for_job
from .test_reminders import _forget_visits

EVIL_NAMES = [
    "ann\r\nBcc: x@example.org",
    "bob\nSubject: free tickets",
    "cat\r\n\r\nbody",
    "dan\u202eevil",
    "eve\x00\x07",
    "fay\u2028Cc: y@example.org",
    "gus\u0085To: z@example.org",
]


def test_build_message_keeps_every_header_on_one_line():
    for name in EVIL_NAMES:
        message = build_message(
            Mail(to="p@example.com", to_name=name, subject=f"{name}, your show", text="hi"),
            "Ticket Show <no-reply@ticketshow.local>",
        )
        head = message.as_bytes().split(b"\n\n", 1)[0].decode()
        fields = [line.split(":", 1)[0] for line in head.split("\n") if line and not line[0].isspace()]
        assert sorted(fields) == sorted(
            ["From", "To", "Subject", "Message-ID", "Content-Type", "Content-Transfer-Encoding", "MIME-Version"]
        ), (name, head)
        assert [str(a.addr_spec) for a in message["To"].addresses] == ["p@example.com"]
        assert "\n" not in str(message["Subject"]) and "\r" not in str(message["Subject"])


def test_a_stored_crlf_name_cannot_break_the_daily_reminder_for_others(api, admin, client, smtp, worker, redis_server):
    people = {name: api.new_user(name) for name in ("alpha", "beta", "gamma", "delta")}
    # Bad rows from before the username rules (the migration renames them; a direct write can still make one).
    for index, name in enumerate(EVIL_NAMES[:3]):
        db.session.execute(
            update(User).where(User.id == people[("alpha", "beta", "gamma")[index]]["id"]).values(username=name)
        )
    db.session.commit()
    _forget_visits(redis_server["url"])
    started = client.post("/api/admin/jobs/daily-reminders", json={}, headers=admin)
    job = wait_for_job(client, admin, started.get_json()["job_id"])
    assert job["state"] == "done", job
    smtp.wait_for(4)
    assert {name: len(smtp.to(person["email"])) for name, person in people.items()} == {
        "alpha": 1,
        "beta": 1,
        "gamma": 1,
        "delta": 1,
    }
    for message in smtp.messages:
        assert message["Bcc"] is None and message["Cc"] is None
        assert len(message["To"].addresses) == 1 and message["To"].addresses[0].domain == "example.com"
    assert db.session.execute(text("SELECT count(*) FROM users")).scalar() >= 5
