"""Staff roles (PUT/GET /api/admin/staff, /api/auth/me) and the audit log (GET /api/admin/audit, the rows
every admin or staff write adds, in its own transaction, and the triggers that keep rows as they are)."""

from __future__ import annotations

import io
import sqlite3

import pytest
from sqlalchemy import func, select

from tests.api.test_catalog import later
from tests.api.test_roles_and_bad_input import png_bytes
from tests.factories import book_seats
from tests.tasks.test_job_recovery import app_without_broker  # noqa: F401  (a fixture)
from ticketshow import audit
from ticketshow.audit.models import AuditEntry
from ticketshow.audit.service import NotInTransaction
from ticketshow.catalog.models import Theatre
from ticketshow.database import driver_write_transaction, immediate_transaction
from ticketshow.extensions import db


def audit_rows(client, admin, **filters) -> dict:
    query = "&".join(f"{key}={value}" for key, value in filters.items())
    response = client.get(f"/api/admin/audit?{query}", headers=admin)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def audit_count() -> int:
    db.session.rollback()  # a fresh read
    return db.session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.fixture
def theatres(api, admin):
    return api.create_theatre(admin, name="Alpha"), api.create_theatre(admin, name="Beta")


# ---- staff --------------------------------------------------------------------------------------------


def test_grant_list_me_and_revoke(api, client, admin, theatres):
    alpha, beta = theatres
    person = api.new_user("Meera")
    response = client.put(
        f"/api/admin/staff/{person['id']}",
        headers=admin,
        json={"role": "manager", "theatre_ids": [beta["id"], alpha["id"], alpha["id"]]},
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "user_id": person["id"],
        "username": "Meera",
        "email": person["email"],
        "role": "manager",
        "theatre_ids": sorted([alpha["id"], beta["id"]]),
    }
    me = client.get("/api/auth/me", headers=person["headers"]).get_json()  # the same token: effective at once
    assert me["roles"] == ["manager"] and me["theatre_ids"] == sorted([alpha["id"], beta["id"]])
    assert "manage_theatres" in me["permissions"] and "edit_catalogue" not in me["permissions"]

    listed = client.get("/api/admin/staff", headers=admin).get_json()
    assert {(i["username"], i["role"]) for i in listed["items"]} == {("admin", "admin"), ("Meera", "manager")}
    assert set(listed) == {"items", "total", "page", "per_page"} and listed["total"] == 2
    api.new_user("meenakshi")
    found = client.get("/api/admin/staff?q=MEE", headers=admin).get_json()
    assert [i["username"] for i in found["items"]] == ["meenakshi", "Meera"]  # by folded name
    at_beta = client.get(f"/api/admin/staff?theatre_id={beta['id']}", headers=admin).get_json()
    assert [i["username"] for i in at_beta["items"]] == ["Meera"]

    screening = api.create_screening(admin, api.create_show(admin)["id"], beta["id"], later(2))
    assert (
        client.patch(f"/api/screenings/{screening['id']}", headers=person["headers"], json={"price": 99}).status_code
        == 200
    )
    revoked = client.put(f"/api/admin/staff/{person['id']}", headers=admin, json={"role": "user", "theatre_ids": []})
    assert revoked.status_code == 200 and revoked.get_json()["theatre_ids"] == []
    assert client.get("/api/auth/me", headers=person["headers"]).get_json()["roles"] == ["user"]
    refused = client.patch(f"/api/screenings/{screening['id']}", headers=person["headers"], json={"price": 98})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "staff_only"

    rows = audit_rows(client, admin, entity="staff", entity_id=person["id"])["items"]
    assert [(r["action"], r["before"], r["after"]) for r in rows] == [
        (
            "revoke",
            {"role": "manager", "theatre_ids": sorted([alpha["id"], beta["id"]])},
            {"role": "user", "theatre_ids": []},
        ),
        (
            "grant",
            {"role": "user", "theatre_ids": []},
            {"role": "manager", "theatre_ids": sorted([alpha["id"], beta["id"]])},
        ),
    ]


def test_staff_errors(api, client, admin, theatres):
    alpha, _ = theatres
    person = api.new_user()
    cases = [
        (f"/api/admin/staff/{person['id']}", {"role": "admin", "theatre_ids": [alpha["id"]]}, 422, "role"),
        (f"/api/admin/staff/{person['id']}", {"role": "manager", "theatre_ids": []}, 422, "theatre_ids"),
        (f"/api/admin/staff/{person['id']}", {"role": "scanner", "theatre_ids": [999999]}, 422, "theatre_ids"),
        (f"/api/admin/staff/{person['id']}", {"role": "user", "theatre_ids": [alpha["id"]]}, 422, "theatre_ids"),
        (f"/api/admin/staff/{person['id']}", {"role": "manager", "theatre_ids": "1"}, 422, "theatre_ids"),
        ("/api/admin/staff/999999", {"role": "manager", "theatre_ids": [alpha["id"]]}, 404, None),
        ("/api/admin/staff/1", {"role": "user", "theatre_ids": []}, 409, None),  # the admin
    ]
    before = audit_count()
    for path, body, status, field in cases:
        response = client.put(path, headers=admin, json=body)
        assert response.status_code == status, (body, response.get_json())
        if field:
            assert field in response.get_json()["error"]["details"], body
    assert client.get("/api/auth/me", headers=person["headers"]).get_json()["roles"] == ["user"]
    assert audit_count() == before
    removed = api.create_theatre(admin, name="Gone")
    client.delete(f"/api/theatres/{removed['id']}", headers=admin)
    response = client.put(
        f"/api/admin/staff/{person['id']}", headers=admin, json={"role": "manager", "theatre_ids": [removed["id"]]}
    )
    assert response.status_code == 422


# ---- every staff write is audited ------------------------------------------------------------------


def admin_writes(world) -> dict:
    """A valid call, as the admin, for every route that only staff may use and that writes."""
    t, s, sc, u = world["theatre"], world["show"], world["screening"], world["user"]
    door, code = world["checkin"]

    def image():
        return {"image": (io.BytesIO(png_bytes()), "a.png")}

    return {
        ("POST", "/api/theatres"): ("/api/theatres", {"name": "New", "place": "Goa", "capacity": 10}),
        ("PATCH", "/api/theatres/<int:theatre_id>"): (f"/api/theatres/{t}", {"name": "Renamed"}),
        ("PUT", "/api/theatres/<int:theatre_id>/image"): (f"/api/theatres/{t}/image", image()),
        ("POST", "/api/shows"): ("/api/shows", {"name": "New", "rating": 1, "tags": [], "ticket_price": 1}),
        ("PATCH", "/api/shows/<int:show_id>"): (
            f"/api/shows/{s}",
            {"name": "Renamed", "dynamic_pricing": {"enabled": True}},
        ),
        ("PUT", "/api/shows/<int:show_id>/image"): (f"/api/shows/{s}/image", image()),
        ("POST", "/api/screenings"): ("/api/screenings", {"show_id": s, "theatre_id": t, "starts_at": later(5)}),
        ("PATCH", "/api/screenings/<int:screening_id>"): (f"/api/screenings/{sc}", {"price": 1}),
        ("DELETE", "/api/admin/cache"): ("/api/admin/cache", None),
        ("POST", "/api/checkin"): ("/api/checkin", {"code": code, "screening_id": door}),
        ("POST", "/api/theatres/<int:theatre_id>/export"): (f"/api/theatres/{t}/export", None),
        ("POST", "/api/admin/jobs/daily-reminders"): ("/api/admin/jobs/daily-reminders", {}),
        ("POST", "/api/admin/jobs/monthly-reports"): ("/api/admin/jobs/monthly-reports", {"month": "2026-10"}),
        ("POST", "/api/admin/jobs/forecast"): ("/api/admin/jobs/forecast", None),
        ("PUT", "/api/admin/staff/<int:user_id>"): (f"/api/admin/staff/{u}", {"role": "scanner", "theatre_ids": [t]}),
        ("PUT", "/api/screenings/<int:screening_id>/blocked-seats"): (
            f"/api/screenings/{sc}/blocked-seats",
            {"seats": ["A1", "A2"]},
        ),
        ("PUT", "/api/theatres/<int:theatre_id>/layout"): (
            f"/api/theatres/{t}/layout",
            {
                "categories": [{"code": "std", "name": "Standard", "price_pct": 100}],
                "rows": [
                    {"label": "A", "seats": [{"number": 1, "category": "std"}, None, {"number": 2, "category": "std"}]}
                ],
            },
        ),
        # removals last, children first; forced, so future bookings are cancelled and the row says so
        ("DELETE", "/api/screenings/<int:screening_id>"): (f"/api/screenings/{sc}?force=true", None),
        ("DELETE", "/api/shows/<int:show_id>"): (f"/api/shows/{s}?force=true", None),
        ("DELETE", "/api/theatres/<int:theatre_id>"): (f"/api/theatres/{t}?force=true", None),
    }


# Routes any customer may use for themselves (their own bookings and holds): not staff writes, not audited.
CUSTOMER_POLICIES = {"public", "logged_in", "can_hold_seats"}


def test_every_staff_write_adds_its_audit_row(app, api, client, admin):
    theatre = api.create_theatre(admin)
    show = api.create_show(admin)
    screening = api.create_screening(admin, show["id"], theatre["id"], later(2))
    user = api.new_user()
    # A screening starting within the hour, check-in open, with one ticket sold (POST /api/checkin).
    hall = api.create_theatre(admin)
    door = api.create_screening(admin, show["id"], hall["id"], later(0, 1))
    ticket = client.get(f"/api/bookings/{book_seats(user['id'], door['id'], 1).id}/tickets", headers=admin).get_json()[
        0
    ]
    world = {
        "theatre": theatre["id"],
        "show": show["id"],
        "screening": screening["id"],
        "user": user["id"],
        "checkin": (door["id"], ticket["code"]),
    }
    calls = admin_writes(world)
    staff_writes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"GET", "HEAD", "OPTIONS"}
        if app.view_functions[rule.endpoint].__policy__ not in CUSTOMER_POLICIES
    }
    assert staff_writes - set(calls) == set(), "give these staff writes a valid call in admin_writes()"
    for key, (path, body) in calls.items():
        before = audit_count()
        if body and "image" in body:
            response = client.open(path, method=key[0], headers=admin, data=body, content_type="multipart/form-data")
        else:
            response = client.open(path, method=key[0], headers=admin, json=body)
        assert response.status_code in {200, 201, 202, 204}, (key, response.get_json())
        assert audit_count() > before, f"{key} wrote without an audit row"
    entries = audit_rows(client, admin, per_page=100)["items"]
    assert {e["actor"]["username"] for e in entries} == {"admin"} and {e["ip"] for e in entries} == {"127.0.0.1"}
    kinds = [(e["action"], e["entity"]) for e in entries]
    for expected in [
        ("create", "theatre"),
        ("update", "theatre"),
        ("create", "show"),
        ("update", "show"),
        ("create", "screening"),
        ("update", "screening"),
        ("flush", "cache"),
        ("start", "export"),
        ("start", "job"),
        ("grant", "staff"),
        ("delete", "screening"),
        ("delete", "show"),
        ("delete", "theatre"),
        ("update", "layout"),
        ("update", "blocked_seats"),
        ("checkin", "ticket"),
    ]:
        assert expected in kinds, expected
    renamed = audit_rows(client, admin, entity="theatre", entity_id=theatre["id"], action="update")["items"]
    assert renamed[-1]["before"] == {"name": theatre["name"]} and renamed[-1]["after"] == {"name": "Renamed"}
    priced = audit_rows(client, admin, entity="screening", entity_id=screening["id"], action="update")["items"][0]
    assert priced["before"] == {"base_price": 200.00} and priced["after"] == {"base_price": 1.00}


def test_forced_deletion_and_staff_cancellation_name_the_bookings(app, api, client, admin, theatres):
    alpha, _ = theatres
    show = api.create_show(admin)
    first = api.create_screening(admin, show["id"], alpha["id"], later(2))
    second = api.create_screening(admin, show["id"], alpha["id"], later(3))
    customer = api.new_user()
    cancelled_by_staff = book_seats(customer["id"], first["id"], 2).id
    owner_cancels = book_seats(customer["id"], first["id"], 1).id
    removed_with = book_seats(customer["id"], second["id"], 1).id
    manager = api.new_user()
    client.put(
        f"/api/admin/staff/{manager['id']}", headers=admin, json={"role": "manager", "theatre_ids": [alpha["id"]]}
    )

    assert client.post(f"/api/bookings/{cancelled_by_staff}/cancel", headers=manager["headers"]).status_code == 200
    assert client.post(f"/api/bookings/{owner_cancels}/cancel", headers=customer["headers"]).status_code == 200
    rows = audit_rows(client, admin, entity="booking")["items"]
    assert len(rows) == 1  # the owner's own cancellation is not a staff write
    assert rows[0]["entity_id"] == cancelled_by_staff and rows[0]["action"] == "cancel"
    assert rows[0]["actor"] == {"id": manager["id"], "username": manager["username"]}
    assert rows[0]["before"] == {"status": "confirmed", "seats": [1, 2], "user_id": customer["id"]}
    assert rows[0]["after"] == {"status": "cancelled", "cancel_reason": "cancelled_by_staff"}

    assert client.delete(f"/api/screenings/{second['id']}?force=true", headers=manager["headers"]).status_code == 204
    row = audit_rows(client, admin, entity="screening", action="delete")["items"][0]
    assert row["entity_id"] == second["id"] and row["actor"]["id"] == manager["id"]
    assert row["after"]["force"] is True and row["after"]["cancelled_bookings"] == [removed_with]
    assert row["before"]["theatre_id"] == alpha["id"]


# ---- one transaction with the change --------------------------------------------------------------


def test_a_rolled_back_change_leaves_no_audit_row(app, api, admin, theatres):
    from ticketshow.catalog import service as catalog

    alpha, _ = theatres
    before = audit_count()
    with app.test_request_context(), pytest.raises(RuntimeError, match="after the change"):
        with immediate_transaction(db.session):
            catalog.update_theatre(alpha["id"], {"name": "Never"})
            assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1  # written...
            raise RuntimeError("something failed after the change")
    assert audit_count() == before  # ...and rolled back with the change
    assert db.session.get(Theatre, alpha["id"]).name == "Alpha"
    with app.test_request_context():  # control: the same change, committed, keeps its row
        catalog.update_theatre(alpha["id"], {"name": "Kept"})
    assert audit_count() == before + 1


def test_driver_sql_transactions_carry_their_audit_row(app):
    before = audit_count()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "10.1.2.3"}):
        with pytest.raises(ZeroDivisionError), driver_write_transaction(db.session) as sqlite:
            audit.record("checkin", "ticket", 7, {"status": "valid"}, {"status": "checked_in"}, sqlite=sqlite)
            1 / 0  # noqa: B018  (the failure that must roll the audit row back)
        assert audit_count() == before
        with driver_write_transaction(db.session) as sqlite:
            audit.record("checkin", "ticket", 7, {"status": "valid"}, {"status": "checked_in"}, sqlite=sqlite)
    row = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (row.action, row.entity, row.entity_id, row.ip, row.actor_id) == ("checkin", "ticket", 7, "10.1.2.3", None)


def test_record_refuses_to_run_outside_a_write_transaction(app):
    with app.test_request_context():
        with pytest.raises(NotInTransaction):
            audit.record("update", "theatre", 1, {}, {})
        connection = sqlite3.connect(":memory:", isolation_level=None)
        with pytest.raises(NotInTransaction):
            audit.record("update", "theatre", 1, {}, {}, sqlite=connection)
    assert audit_count() == 0


def test_sqlite_refuses_to_change_or_delete_audit_rows(app, api, admin, client, theatres):
    count = audit_count()
    assert count >= 2
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    connection = sqlite3.connect(path, isolation_level=None)
    for statement in (
        "UPDATE audit_log SET action = 'nothing'",
        "UPDATE audit_log SET before = NULL WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
    ):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            connection.execute(statement)
    connection.close()
    assert audit_count() == count
    assert {row["action"] for row in audit_rows(client, admin)["items"]} == {"create"}


# ---- reading ----------------------------------------------------------------------------------------


def test_audit_filters_pages_and_answers_in_the_contract_shape(app, api, client, admin, theatres):
    alpha, beta = theatres
    for n in range(3):
        client.patch(f"/api/theatres/{alpha['id']}", headers=admin, json={"capacity": 101 + n})
    everything = audit_rows(client, admin)
    assert everything["total"] == 5 and everything["page"] == 1 and everything["per_page"] == 20
    ids = [row["id"] for row in everything["items"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    first = everything["items"][0]
    assert set(first) == {"id", "at", "actor", "action", "entity", "entity_id", "before", "after", "ip"}
    assert first["at"].endswith("+05:30") and first["after"] == {"capacity": 103}
    page_two = audit_rows(client, admin, per_page=2, page=2)
    assert [r["id"] for r in page_two["items"]] == ids[2:4] and page_two["total"] == 5
    assert audit_rows(client, admin, entity="theatre", entity_id=beta["id"])["total"] == 1
    assert audit_rows(client, admin, action="update")["total"] == 3
    assert audit_rows(client, admin, actor_id=1)["total"] == 5
    assert audit_rows(client, admin, actor_id=999)["total"] == 0
    assert audit_rows(client, admin, **{"from": "2000-01-01T00:00:00Z", "to": "2000-01-02T00:00:00Z"})["total"] == 0
    assert audit_rows(client, admin, **{"from": first["at"].replace("+", "%2B")})["total"] >= 1
    for bad in ("from=yesterday", "entity_id=0", "actor_id=x", "per_page=0"):
        response = client.get(f"/api/admin/audit?{bad}", headers=admin)
        assert response.status_code == 422, bad
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        assert client.open("/api/admin/audit", method=method, headers=admin).status_code == 405


def test_a_job_the_queue_refused_is_audited_as_started_then_discarded(app_without_broker):  # noqa: F811
    """The job row is committed with its audit row, then deleted when the broker refuses the message: audit
    rows are never deleted, so the discard is a row of its own."""
    from tests.conftest import Api

    client = app_without_broker.test_client()
    api = Api(client)
    admin = api.admin_headers()
    theatre = api.create_theatre(admin)
    assert client.post(f"/api/theatres/{theatre['id']}/export", headers=admin).status_code == 503
    rows = audit_rows(client, admin, entity="export")["items"]
    assert [(r["action"], r["after"]) for r in rows] == [
        ("discard", {"reason": "queue_unavailable"}),
        (
            "start",
            {
                "kind": "export",
                "params": {"theatre_id": theatre["id"], "theatre_name": theatre["name"], "locale": "en"},
            },
        ),
    ]
    assert rows[0]["entity_id"] == rows[1]["entity_id"]


def test_staff_only_refusals_name_no_theatre_the_caller_never_gave(api, client):
    """A user opening the dashboard (which names no theatre) was told "Only staff of this theatre can do
    this.": found calling the API as a plain user."""
    user = api.new_user()
    for path in ("/api/admin/dashboard", "/api/jobs"):
        refused = client.get(path, headers=user["headers"]).get_json()["error"]
        assert (refused["code"], refused["message"]) == ("staff_only", "Only theatre staff can do this."), path
    hindi = client.get("/api/admin/dashboard", headers={**user["headers"], "Accept-Language": "hi"}).get_json()
    assert hindi["error"]["message"] == "यह सिर्फ़ थिएटर का स्टाफ़ कर सकता है।"
