"""A screening's waiting list in figures, for its staff (issue 20, item 3): the dashboard's `waitlists` rows and
GET /api/screenings/{id}/waitlist/figures give exact counts on a scenario with joins, offers, a conversion and a
lapse; the admin and the managers of the theatre see them, nobody else (policy.can_view_waitlists)."""

from datetime import datetime

import time_machine

from tests.api.test_catalog import later
from tests.waitlist.test_waitlist_api import book, cancel, entries, join


def make_staff(client, admin, api, role, theatre_id):
    person = api.new_user()
    response = client.put(
        f"/api/admin/staff/{person['id']}", headers=admin, json={"role": role, "theatre_ids": [theatre_id]}
    )
    assert response.status_code == 200, response.get_json()
    return person["headers"]


def figures(client, headers, screening_id):
    return client.get(f"/api/screenings/{screening_id}/waitlist/figures", headers=headers)


def dashboard_rows(client, headers):
    response = client.get("/api/admin/dashboard", headers=headers)
    assert response.status_code == 200, response.get_json()
    return {row["screening_id"]: row for row in response.get_json()["waitlists"]}


FIGURE_KEYS = ("length", "seats_wanted", "offers_out", "offers_made", "conversions")


def counts(row):
    return {key: row[key] for key in FIGURE_KEYS}


def test_figures_count_joins_offers_a_conversion_and_a_lapse(app, api, client, admin):
    theatre = api.create_theatre(admin, name="Figures hall", capacity=4)
    show = api.create_show(admin, name="Waiting Game", ticket_price=200)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    quiet = api.create_screening(admin, show["id"], theatre["id"], later(3))  # nobody waits: no row
    sid = screening["id"]
    owner_one, owner_two = api.new_user(), api.new_user()
    pair_one = book(client, owner_one, sid, 2)
    pair_two = book(client, owner_two, sid, 2)
    a, b, c, d = api.new_user(), api.new_user(), api.new_user(), api.new_user()
    for person, quantity in ((a, 2), (b, 2), (c, 3), (d, 1)):
        assert join(client, person, sid, quantity).status_code == 201
    assert counts(figures(client, admin, sid).get_json()) == {
        "length": 4,
        "seats_wanted": 8,
        "offers_out": 0,
        "offers_made": 0,
        "conversions": 0,
    }

    cancel(client, owner_one, pair_one["id"])  # a is offered the pair...
    offer_a = entries(client, a)[0]
    booked = client.post("/api/bookings", json={"hold_id": offer_a["hold"]["id"]}, headers=a["headers"])
    assert booked.status_code == 201  # ...and books it: a conversion
    cancel(client, owner_two, pair_two["id"])  # b is offered the next pair
    offer_b = entries(client, b)[0]
    assert offer_b["state"] == "offered"
    assert counts(figures(client, admin, sid).get_json()) == {
        "length": 2,  # c (3) and d (1)
        "seats_wanted": 4,
        "offers_out": 1,  # b's
        "offers_made": 2,
        "conversions": 1,
    }

    # b lets the offer lapse; the beat passes the pair on: c (3) does not fit and keeps its place, d (1) is offered
    lapse = datetime.fromisoformat(offer_b["hold"]["expires_at"])
    with time_machine.travel(lapse, tick=False):
        assert counts(figures(client, admin, sid).get_json())["offers_out"] == 0  # lapsed by the clock already
        with app.app_context():
            from ticketshow.waitlist import service

            assert service.beat_pass() == {"offered": 1, "closed": 0}
        assert entries(client, b)[0]["state"] == "expired" and entries(client, d)[0]["state"] == "offered"
        expected = {"length": 1, "seats_wanted": 3, "offers_out": 1, "offers_made": 3, "conversions": 1}
        answer = figures(client, admin, sid)
        assert answer.status_code == 200 and answer.get_json() == {"screening_id": sid, **expected}
        rows = dashboard_rows(client, admin)
        assert quiet["id"] not in rows
        row = rows[sid]
        assert counts(row) == expected
        assert row["show"] == {"id": show["id"], "name": "Waiting Game"}
        assert row["theatre"]["id"] == theatre["id"] and row["theatre"]["name"] == "Figures hall"
        assert datetime.fromisoformat(row["starts_at"]) == datetime.fromisoformat(screening["starts_at"])
    # a screening nobody waited for answers zeros
    assert figures(client, admin, quiet["id"]).get_json() == {
        "screening_id": quiet["id"],
        **dict.fromkeys(FIGURE_KEYS, 0),
    }


def test_only_the_admin_and_the_managers_of_the_theatre_see_the_figures(api, client, admin):
    alpha = api.create_theatre(admin, name="Alpha hall", capacity=2)
    beta = api.create_theatre(admin, name="Beta hall", capacity=2)
    show = api.create_show(admin)
    at_alpha = api.create_screening(admin, show["id"], alpha["id"], later(2))
    at_beta = api.create_screening(admin, show["id"], beta["id"], later(2))
    for screening in (at_alpha, at_beta):
        book(client, api.new_user(), screening["id"], 2)
        assert join(client, api.new_user(), screening["id"], 1).status_code == 201
    manager_a = make_staff(client, admin, api, "manager", alpha["id"])
    manager_b = make_staff(client, admin, api, "manager", beta["id"])
    scanner_a = make_staff(client, admin, api, "scanner", alpha["id"])
    user = api.new_user()["headers"]

    for headers in (admin, manager_a):
        answer = figures(client, headers, at_alpha["id"])
        assert answer.status_code == 200 and answer.get_json()["length"] == 1
    refused = figures(client, manager_b, at_alpha["id"])
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "not_your_theatre"
    for headers in (user, scanner_a):
        refused = figures(client, headers, at_alpha["id"])
        assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "staff_only"
    assert figures(client, {}, at_alpha["id"]).status_code == 401
    for headers in (admin, manager_a):  # a screening that does not exist
        missing = figures(client, headers, 987654)
        assert missing.status_code == 404
    assert figures(client, user, 987654).status_code == 403  # a user learns nothing about ids

    # the dashboard: the admin sees both lists, each manager the one of their theatre
    assert set(dashboard_rows(client, admin)) >= {at_alpha["id"], at_beta["id"]}
    assert set(dashboard_rows(client, manager_a)) == {at_alpha["id"]}
    assert set(dashboard_rows(client, manager_b)) == {at_beta["id"]}
    assert client.get("/api/admin/dashboard", headers=user).status_code == 403
