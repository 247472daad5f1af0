"""Schemathesis against the app as `make run` serves it: for every read operation (GET) of the document,
generated requests, valid and invalid, with the admin's token, and each answer checked for a documented
status code, a documented content type and headers, a body that matches the documented schema, and no
server error. Bounded: a few examples per operation, no example database, so it stays well under a minute."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import ADMIN_PASSWORD

EXAMPLES = 5  # per operation and mode: about 200 requests in all
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def admin_token(live_server):
    response = requests.post(
        f"{live_server.url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture(scope="module")
def read_schema(live_server, admin_token):
    """The served document, GET operations only, with a catalogue to read (a theatre, a show with an
    upcoming screening, a booking) so lists and details answer real items, not just 404s."""
    url, headers = live_server.url, {"Authorization": f"Bearer {admin_token}"}
    suffix = uuid.uuid4().hex[:6]
    theatre = requests.post(
        f"{url}/api/theatres",
        headers=headers,
        timeout=10,
        json={"name": f"Sangeet Mahal {suffix}", "place": "Pune", "capacity": 30},
    ).json()
    starts_at = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    show = requests.post(
        f"{url}/api/shows",
        headers=headers,
        timeout=10,
        json={
            "name": f"Tamasha {suffix}",
            "rating": 3.5,
            "tags": ["folk"],
            "ticket_price": 149.5,
            "screenings": [{"theatre_id": theatre["id"], "starts_at": starts_at}],
        },
    ).json()
    screening_id = requests.get(f"{url}/api/shows/{show['id']}", timeout=10).json()["screenings"][0]["id"]
    booked = requests.post(
        f"{url}/api/bookings", headers=headers, timeout=10, json={"screening_id": screening_id, "quantity": 1}
    )
    assert booked.status_code == 201, booked.text
    schema = schemathesis.openapi.from_url(f"{url}/api/openapi.json", timeout=10)
    schema.config.update(base_url=url)
    return schema.include(method="GET")


def test_reads_conform_to_the_document(read_schema, admin_token):
    headers = {"Authorization": f"Bearer {admin_token}"}
    failures, exercised = [], []
    for result in read_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate],
            )
            def check(case):
                case.call_and_validate(headers=headers, checks=CHECKS, timeout=30)

            try:
                check()
            except Unsatisfiable:  # nothing to make invalid: an operation without parameters (health)
                assert mode == GenerationMode.NEGATIVE and not operation.query and not operation.path_parameters
            except Exception as error:  # every operation is checked; all failures are reported together
                failures.append(f"{operation.label} ({mode.value}): {error}")
            exercised.append(operation.label)
    assert "GET /api/shows" in exercised and "GET /api/bookings/{booking_id}" in exercised
    assert not failures, "\n\n".join(failures)
