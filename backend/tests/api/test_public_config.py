"""GET /api/config: the settings the UI formats and limits with, as the server has them."""

from __future__ import annotations

import dataclasses

from tests.conftest import make_settings
from ticketshow import create_app


def test_config_answers_the_settings_with_an_etag(client):
    response = client.get("/api/config")
    assert response.status_code == 200
    assert response.get_json() == {
        "timezone": "Asia/Kolkata",
        "booking_max_quantity": 10,
        "cancellation_cutoff_minutes": 60,
    }
    assert response.headers["Cache-Control"] == "no-cache"
    etag = response.headers["ETag"]
    again = client.get("/api/config", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get("/api/config", headers={"If-None-Match": '"other"'}).status_code == 200


def test_config_follows_the_environment(data_dir, redis_server, client):
    settings = dataclasses.replace(
        make_settings(data_dir, redis_server["url"]), app_timezone="Europe/London", booking_max_quantity=4
    )
    london = create_app(settings).test_client().get("/api/config")
    assert london.get_json()["timezone"] == "Europe/London"
    assert london.get_json()["booking_max_quantity"] == 4
    assert london.headers["ETag"] != client.get("/api/config").headers["ETag"]
