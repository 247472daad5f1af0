"""GET /api/metrics: who may read it, what it counts, and that gunicorn's workers are summed."""

from __future__ import annotations

import re

import pytest
import requests

from ticketshow.jobs import service as jobs

from ..conftest import ADMIN_PASSWORD, LiveServer

FAR = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def app_redis_url(redis_server):
    """Redis database 9, which no Celery worker consumes: with --dist loadfile a live server's worker started
    by another file in this process may still be draining database 0, and queue lengths here must be exact."""
    return redis_server["url"].rsplit("/", 1)[0] + "/9"


def sample(text: str, name: str, **labels) -> float:
    """The value of one sample, 0 when absent."""
    want = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        metric, _, value = line.rpartition(" ")
        found = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?", metric)
        if found and found.group(1) == name:
            have = ",".join(sorted(part for part in re.findall(r'[a-z_]+="[^"]*"', found.group(2) or "")))
            if have == want:
                return float(value)
    return 0.0


def scrape(client, **kwargs) -> str:
    response = client.get("/api/metrics", **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return response.get_data(as_text=True)


def test_local_scrape_is_open_others_need_the_admin(client, api, admin):
    assert client.get("/api/metrics").status_code == 200  # the test client comes from 127.0.0.1
    anonymous = client.get("/api/metrics", environ_base=FAR)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    user = api.new_user()
    forbidden = client.get("/api/metrics", headers=user["headers"], environ_base=FAR)
    assert forbidden.status_code == 403 and forbidden.get_json()["error"]["code"] == "admin_only"
    assert client.get("/api/metrics", headers=admin, environ_base=FAR).status_code == 200
    # A proxy on this machine makes every visitor local: forwarded requests need the token too.
    assert client.get("/api/metrics", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 401


def test_requests_are_counted_by_url_rule_not_path(client, api, admin):
    theatre = api.create_theatre(admin)
    before = scrape(client)
    rule = "/api/theatres/<int:theatre_id>"
    for _ in range(3):
        assert client.get(f"/api/theatres/{theatre['id']}").status_code == 200
    assert client.get("/api/theatres/999999").status_code == 404
    after = scrape(client)
    assert (
        sample(after, "http_requests_total", route=rule, method="GET", status="200")
        - sample(before, "http_requests_total", route=rule, method="GET", status="200")
        == 3
    )
    assert (
        sample(after, "http_requests_total", route=rule, method="GET", status="404")
        - sample(before, "http_requests_total", route=rule, method="GET", status="404")
        == 1
    )
    assert f"/api/theatres/{theatre['id']}" not in after
    assert (
        sample(after, "http_request_duration_seconds_count", route=rule, method="GET")
        - sample(before, "http_request_duration_seconds_count", route=rule, method="GET")
        == 4
    )
    assert 'le="0.05"' in after


def test_bookings_cache_and_jobs_are_counted(client, api, admin):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], "2099-01-01T18:00:00+05:30")
    user = api.new_user()
    before = scrape(client)
    booked = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 3}, headers=user["headers"]
    )
    assert booked.status_code == 201
    refused = client.post(
        "/api/bookings", json={"screening_id": screening["id"], "quantity": 500}, headers=user["headers"]
    )
    assert refused.status_code in (409, 422)
    assert client.post(f"/api/bookings/{booked.get_json()['id']}/cancel", headers=user["headers"]).status_code == 200
    held = client.post(f"/api/screenings/{screening['id']}/holds", json={"quantity": 2}, headers=user["headers"])
    assert held.status_code == 201, held.get_json()
    assert client.post(f"/api/holds/{held.get_json()['id']}/renew", headers=user["headers"]).status_code == 200
    from_hold = client.post("/api/bookings", json={"hold_id": held.get_json()["id"]}, headers=user["headers"])
    assert from_hold.status_code == 201, from_hold.get_json()
    other = client.post(f"/api/screenings/{screening['id']}/holds", json={"seats": ["A9"]}, headers=user["headers"])
    assert client.delete(f"/api/holds/{other.get_json()['id']}", headers=user["headers"]).status_code == 204
    client.get("/api/shows")
    client.get("/api/shows")
    jobs.create("export", None, {"theatre_id": theatre["id"]})
    after = scrape(client)
    delta = lambda name, **labels: sample(after, name, **labels) - sample(before, name, **labels)  # noqa: E731
    assert delta("ticketshow_bookings_total", event="confirmed") == 2
    assert delta("ticketshow_seats_booked_total") == 5
    for event in ("created", "renewed", "booked", "released"):
        assert delta("ticketshow_holds_total", event=event) == (2 if event == "created" else 1), event
    assert delta("ticketshow_bookings_total", event="cancelled") == 1
    assert delta("ticketshow_cache_lookups_total", result="miss") >= 1
    assert delta("ticketshow_cache_lookups_total", result="hit") >= 1
    assert delta("ticketshow_jobs", kind="export", state="pending") == 1
    assert sample(after, "ticketshow_redis_up") == 1
    # No worker here. The three notices owed (two confirmations, one cancellation) wake the notice relay
    # (tickets/notices.py): its pass waits in the default queue, one message per wake-up, so one for the
    # burst unless the wake-up lapsed (2 s) between two of them on a slow machine; nothing is in the mail
    # queue until a pass runs.
    assert 1 <= sample(after, "celery_queue_length", queue="default") <= 3
    assert sample(after, "celery_queue_length", queue="mail") == 0
    assert "celery_queue_length" in after


def test_gunicorn_workers_are_summed_and_start_from_zero(tmp_path, redis_server):
    server = LiveServer(tmp_path, redis_server["url"], WEB_CONCURRENCY="3").start()
    try:
        session = requests.Session()
        for _ in range(60):  # new connections spread over the three workers
            assert requests.get(f"{server.url}/api/health", timeout=5).status_code == 200
        text = session.get(f"{server.url}/api/metrics", timeout=5).text
        assert sample(text, "http_requests_total", route="/api/health", method="GET", status="200") >= 60
        files = list((tmp_path / "metrics").glob("*.db"))
        assert len(files) >= 2, files  # more than one worker wrote: the scrape summed processes
        token = session.post(
            f"{server.url}/api/auth/login", json={"username": "admin", "password": ADMIN_PASSWORD}
        ).json()["access_token"]
        assert (
            session.get(
                f"{server.url}/api/metrics", headers={"Authorization": f"Bearer {token}", "X-Forwarded-For": "1.2.3.4"}
            ).status_code
            == 200
        )
    finally:
        server.stop()
    # A restart empties the directory: counters start again with the server.
    server = LiveServer(tmp_path, redis_server["url"], WEB_CONCURRENCY="2").start()
    try:
        text = requests.get(f"{server.url}/api/metrics", timeout=5).text
        assert sample(text, "http_requests_total", route="/api/health", method="GET", status="200") < 60
    finally:
        server.stop()


def test_metrics_are_in_the_openapi_document(client):
    operation = client.get("/api/openapi.json").get_json()["paths"]["/api/metrics"]["get"]
    assert "text/plain" in operation["responses"]["200"]["content"]
    assert {"401", "403"} <= set(operation["responses"])


def test_the_grafana_dashboard_graphs_only_metrics_we_export(client):
    import json

    from ..conftest import ROOT

    dashboard = json.loads((ROOT / "docs" / "ops" / "grafana-dashboard.json").read_text())
    exprs = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    used = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for expr in exprs
        for name in re.findall(r"([a-z_]+)\{", expr)
        if name not in {"by", "rate", "sum", "max", "min"}
    }
    text = scrape(client)
    families = set(re.findall(r"^# TYPE ([a-z_]+) ", text, re.M))
    families |= {name[: -len("_total")] for name in families} | {f"{name}_total" for name in families}
    assert used and used <= families, used - families
