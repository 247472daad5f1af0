"""A third-party developer's view: a Python client generated with openapi-python-client from the served
/api/openapi.json, and the whole journey through that client only, against the app as `make run` serves it
(gunicorn, a Celery worker, Redis, a mail catcher). The generated code parses every answer with the
document's schemas (a required field that is missing, or a null where the document does not allow one,
raises), and refuses statuses the document does not declare (raise_on_unexpected_status). On top of
that every answer the client receives is validated against the document's schema for its operation and
status (JSON Schema 2020-12, formats checked)."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import requests
from jsonschema import Draft202012Validator

from tests.conftest import ADMIN_PASSWORD

PACKAGE = "ticketshow_client"
# PDFs (tickets, reports) are bytes to a generated client: the generator's documented override says so.
CONFIG = (
    f"post_hooks: []\nproject_name_override: {PACKAGE}\npackage_name_override: {PACKAGE}\n"
    "content_type_overrides:\n  application/pdf: application/octet-stream\n"
)


@pytest.fixture(scope="module")
def generated(live_server, tmp_path_factory):
    """Generate the client from the live document into a temporary folder and import it."""
    folder = tmp_path_factory.mktemp("client")
    spec_file, config_file = folder / "openapi.json", folder / "config.yaml"
    spec_file.write_bytes(requests.get(f"{live_server.url}/api/openapi.json", timeout=10).content)
    config_file.write_text(CONFIG)
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(spec_file),
            "--meta",
            "none",
            "--config",
            str(config_file),
            "--output-path",
            str(folder / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Every operation became a function: the generator skipped nothing it could not understand.
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield lambda name: importlib.import_module(f"{PACKAGE}.{name}")
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


class DocumentedAnswers:
    """An httpx response hook: every JSON answer must match the schema the document gives its operation and
    status, and every status must be documented for that operation."""

    def __init__(self, spec: dict):
        self.spec, self.checked = spec, []
        self.routes = [
            (re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$"), item)
            for path, item in spec["paths"].items()
        ]

    def __call__(self, response):
        response.read()
        request = response.request
        item = next(item for pattern, item in self.routes if pattern.match(request.url.path))
        operation = item[request.method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], f"{request.method} {request.url.path}: undocumented {status}"
        content = operation["responses"][status].get("content", {})
        media_type = response.headers.get("Content-Type", "").split(";")[0]
        if status == "304":
            assert not response.content and "ETag" in response.headers
        else:
            assert media_type in content, f"{operation['operationId']} {status}: {media_type} not documented"
        if media_type == "application/json":
            schema = {**content[media_type]["schema"], "components": self.spec["components"]}
            Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(response.json())
        self.checked.append((operation["operationId"], status))


def test_the_whole_journey_through_the_generated_client(generated, live_server):
    client_module, models = generated("client"), generated("models")
    api = lambda name: generated(f"api.{name}")  # noqa: E731
    answers = DocumentedAnswers(requests.get(f"{live_server.url}/api/openapi.json", timeout=10).json())
    hooks = {"event_hooks": {"response": [answers]}}
    public = client_module.Client(base_url=live_server.url, raise_on_unexpected_status=True, httpx_args=hooks)

    def logged_in(username, password):
        answer = api("auth.log_in").sync_detailed(
            client=public, body=models.LoginIn(username=username, password=password)
        )
        assert answer.status_code == 200, answer.content
        assert answer.parsed.token_type == "Bearer" and answer.parsed.expires_in > 0
        return client_module.AuthenticatedClient(
            base_url=live_server.url,
            token=answer.parsed.access_token,
            raise_on_unexpected_status=True,
            httpx_args=hooks,
        )

    # The admin creates a theatre and a show allocated to it tomorrow.
    admin = logged_in("admin", ADMIN_PASSWORD)
    suffix = uuid.uuid4().hex[:6]
    theatre = api("theatres.create_theatre").sync(
        client=admin, body=models.TheatreIn(name=f"Kalakshetra {suffix}", place="Chennai", capacity=40)
    )
    assert isinstance(theatre, models.TheatreOut), theatre
    starts_at = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0)
    show = api("shows.create_show").sync(
        client=admin,
        body=models.ShowIn(
            name=f"Mridangam Nights {suffix}",
            rating=4.5,
            tags=["music"],
            ticket_price=19.99,
            screenings=[models.AllocationIn(theatre_id=theatre.id, starts_at=starts_at)],
        ),
    )
    assert isinstance(show, models.ShowOut), show
    assert show.ticket_price == 19.99

    # A new user signs up, logs in and finds the show.
    username = f"rasika-{suffix}"
    created = api("auth.sign_up").sync_detailed(
        client=public,
        body=models.SignupIn(username=username, email=f"{username}@example.com", password="kutcheri-Season-2026"),
    )
    assert created.status_code == 201 and created.parsed.roles == ["user"]
    user = logged_in(username, "kutcheri-Season-2026")
    assert api("auth.get_me").sync(client=user).username == username

    found = api("shows.list_shows").sync(client=public, q=f"Mridangam Nights {suffix}")
    assert [item.id for item in found.items] == [show.id] and found.total == 1 and found.page == 1
    detail = api("shows.get_show").sync_detailed(client=public, show_id=show.id)
    assert detail.status_code == 200 and detail.headers["X-Cache"] in {"HIT", "MISS"}
    (screening,) = detail.parsed.screenings
    assert screening.theatre.id == theatre.id and screening.seats_left == 40 and screening.price == 19.99
    unchanged = api("shows.get_show").sync_detailed(
        client=public, show_id=show.id, if_none_match=detail.headers["ETag"]
    )
    assert unchanged.status_code == 304 and unchanged.parsed is None
    listed = api("screenings.list_screenings").sync(client=public, show_id=show.id)
    assert [item.id for item in listed.items] == [screening.id]

    # Book with an Idempotency-Key; the retry answers the same booking (200) and books nothing more.
    key = str(uuid.uuid4())
    book = api("bookings.create_booking")
    first = book.sync_detailed(
        client=user,
        idempotency_key=key,
        body=models.BookingIn(screening_id=screening.id, quantity=2, expected_unit_price=19.99),
    )
    assert first.status_code == 201, first.content
    assert first.parsed.total_price == 39.98 and first.parsed.status == models.BookingOutStatus.CONFIRMED
    replay = book.sync_detailed(
        client=user,
        idempotency_key=key,
        body=models.BookingIn(screening_id=screening.id, quantity=2, expected_unit_price=19.99),
    )
    assert replay.status_code == 200 and replay.parsed.id == first.parsed.id
    reused = book.sync_detailed(
        client=user, idempotency_key=key, body=models.BookingIn(screening_id=screening.id, quantity=3)
    )
    assert reused.status_code == 422 and reused.parsed.error.code == "idempotency_key_reused"
    assert api("screenings.get_screening").sync(client=public, screening_id=screening.id).seats_left == 38
    too_many = book.sync_detailed(client=user, body=models.BookingIn(screening_id=screening.id, quantity=11))
    assert too_many.status_code == 422 and "quantity" in too_many.parsed.error.details.to_dict()

    mine = api("bookings.list_bookings").sync(client=user)
    assert [item.id for item in mine.items] == [first.parsed.id]
    cancelled = api("bookings.cancel_booking").sync(client=user, booking_id=first.parsed.id)
    assert cancelled.status == models.BookingOutStatus.CANCELLED and cancelled.cancelled_at is not None
    assert api("screenings.get_screening").sync(client=public, screening_id=screening.id).seats_left == 40

    # The user reads this month's report: the booking made (and cancelled) this month is in it.
    month = first.parsed.created_at.strftime("%Y-%m")
    report = api("reports.get_monthly_report").sync_detailed(client=user, month=month)
    assert report.status_code == 200 and report.headers["Content-Type"].startswith("text/html")
    assert f"Mridangam Nights {suffix}" in report.parsed

    # The admin exports the theatre and downloads the CSV once the job is done.
    accepted = api("jobs.export_theatre").sync_detailed(client=admin, theatre_id=theatre.id)
    assert accepted.status_code == 202
    job = wait_until_finished(api("jobs.get_job"), admin, accepted.parsed.job_id)
    assert job.state == generated("models").JobOutState.DONE, job.error
    assert job.result_url == f"/api/exports/{job.id}/download" and job.error is None
    csv = api("jobs.download_export").sync_detailed(client=admin, job_id=job.id)
    assert csv.status_code == 200 and csv.headers["Content-Type"].startswith("text/csv")
    assert f"Mridangam Nights {suffix}" in csv.parsed

    # A user is refused the admin's operations with the documented 403.
    refused = api("theatres.create_theatre").sync_detailed(
        client=user, body=models.TheatreIn(name="Not mine", place="Madurai", capacity=10)
    )
    assert refused.status_code == 403 and refused.parsed.error.code == "admin_only"
    assert {
        ("createBooking", "200"),
        ("createBooking", "201"),
        ("createBooking", "422"),
        ("getShow", "304"),
        ("createTheatre", "403"),
        ("downloadExport", "200"),
    } <= set(answers.checked)


def wait_until_finished(get_job, client, job_id: int, timeout: float = 60):
    """Poll the job through the generated client (the real worker runs it) until it ends."""
    deadline = time.monotonic() + timeout
    while True:
        job = get_job.sync(client=client, job_id=job_id)
        if job.state.value in {"done", "failed"} or time.monotonic() > deadline:
            return job
        time.sleep(0.1)
