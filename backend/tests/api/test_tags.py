"""Issue 16, item 4: filters from the catalogue. GET /api/tags lists the tags a person can filter by (those
of shows with upcoming screenings), with how many such shows carry each, so the UI offers chips, not a
free-text box."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def later(days: int) -> str:
    return (datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=days)).isoformat()


def test_tags_of_shows_with_upcoming_screenings_most_used_first(api, client, admin):
    hall = api.create_theatre(admin, name="Marina Hall", place="Chennai")
    on = lambda days: [{"theatre_id": hall["id"], "starts_at": later(days)}]  # noqa: E731
    api.create_show(admin, name="Heist", tags=["Thriller", "comedy"], screenings=on(1))
    api.create_show(admin, name="Laughs", tags=["comedy"], screenings=on(2))
    api.create_show(admin, name="Nothing on", tags=["horror"])  # no screenings: nothing to book, no chip
    gone = api.create_show(admin, name="Removed", tags=["drama"], screenings=on(3))
    assert client.delete(f"/api/shows/{gone['id']}?force=true", headers=admin).status_code == 204

    answer = client.get("/api/tags")
    assert answer.status_code == 200
    assert answer.get_json() == [{"tag": "comedy", "shows": 2}, {"tag": "thriller", "shows": 1}]
    # each value is what the shows filter takes
    names = [s["name"] for s in client.get("/api/shows?tag=thriller").get_json()["items"]]
    assert names == ["Heist"]


def test_tags_are_public_cached_and_follow_catalogue_changes(api, client, admin):
    hall = api.create_theatre(admin, name="Marina Hall", place="Chennai")
    show = api.create_show(
        admin, name="Heist", tags=["thriller"], screenings=[{"theatre_id": hall["id"], "starts_at": later(1)}]
    )
    first = client.get("/api/tags")
    assert first.headers["X-Cache"] == "MISS"
    again = client.get("/api/tags", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert client.patch(f"/api/shows/{show['id']}", json={"tags": ["mystery"]}, headers=admin).status_code == 200
    assert client.get("/api/tags").get_json() == [{"tag": "mystery", "shows": 1}]


def test_no_tags_when_nothing_is_on(client):
    assert client.get("/api/tags").get_json() == []
