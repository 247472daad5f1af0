"""Role × endpoint matrix, generated from the app's own URL map.

Every route must declare its policy (ticketshow/policy.py: policy.public, policy.logged_in or
policy.allow(policy.can_...)); a route without one fails test_every_route_declares_a_policy. Then every
route is called by every role that may not use it, against rows of theatre B, and must answer 401
(anonymous) or 403/404 (others) while the database stays exactly as it was. The roles: an anonymous
caller, a plain user, a scanner and a manager of theatre A, and (for the routes only the admin may use on
theatre B) the admin is the only one allowed.

Adding an endpoint: declare its policy on the route; if its URL has an argument not in ARGUMENTS, add a
row of theatre B (or someone else's) for it; if its policy is new, add it to ALLOWED.
"""

from __future__ import annotations

import sqlite3

import pytest

from tests.api.test_catalog import later
from tests.factories import book_seats
from ticketshow import policy

ROLES = ("anonymous", "user", "scanner_a", "manager_a", "admin")
STAFF_OF_A = {"user", "scanner_a", "manager_a", "admin"}

# Who may use a route of each policy, when the route's rows belong to theatre B (or to somebody else).
ALLOWED = {
    "public": set(ROLES),
    "logged_in": STAFF_OF_A,  # routes without URL arguments; with one, the row is a stranger's: admin only
    "can_hold_seats": STAFF_OF_A,  # anyone logged in holds seats for themselves, at any screening
    "can_edit_catalogue": {"admin"},
    "can_manage_theatre": {"admin"},
    "can_export_theatre": {"admin"},
    "can_view_theatre_bookings": {"admin"},
    "can_cancel_theatre_bookings": {"admin"},
    "can_check_in": {"admin"},
    "can_view_waitlists": {"admin"},
    "can_view_dashboard": {"admin", "manager_a"},  # a manager's covers their theatres only (test below)
    "can_list_jobs": {"admin", "manager_a"},  # a manager's lists the jobs they started
    "can_run_jobs": {"admin"},
    "can_view_forecast": {"admin"},
    "can_flush_cache": {"admin"},
    "can_manage_staff": {"admin"},
    "can_read_audit": {"admin"},
    "can_read_metrics": {"admin"},  # and the local machine: the matrix calls from elsewhere (REMOTE)
}
# URL arguments naming a row that belongs to one user: anyone else but staff is told it does not exist.
OWNED_ROWS = {"booking_id", "hold_id", "entry_id", "job_id"}
REMOTE = {"REMOTE_ADDR": "203.0.113.7"}  # a client on another machine (TEST-NET-3)

# Calls that a route's policy lets through but whose query asks for what is not theirs: refused all the same
# (the admin's user_id filter is ignored for others: they get their own bookings, never a stranger's).
QUERY_CASES: list[tuple[str, str, set[str]]] = []


@pytest.fixture
def world(app, api, client, admin):
    """Theatres A and B with a screening each, staff of A, and a stranger's booking and export at B."""
    from ticketshow.extensions import db
    from ticketshow.jobs import service as jobs
    from ticketshow.jobs.models import EXPORT
    from ticketshow.waitlist.models import WaitlistEntry

    theatre_a = api.create_theatre(admin, name="Alpha")
    theatre_b = api.create_theatre(admin, name="Beta")
    show = api.create_show(admin, name="Sholay")
    screening_a = api.create_screening(admin, show["id"], theatre_a["id"], later(2))
    screening_b = api.create_screening(admin, show["id"], theatre_b["id"], later(3))
    people = {"anonymous": {}, "admin": admin}
    ids = {}
    for role, staff_role in (("user", None), ("scanner_a", "scanner"), ("manager_a", "manager"), ("stranger", None)):
        person = api.new_user()
        people[role], ids[role] = person["headers"], person["id"]
        if staff_role:
            response = client.put(
                f"/api/admin/staff/{person['id']}",
                headers=admin,
                json={"role": staff_role, "theatre_ids": [theatre_a["id"]]},
            )
            assert response.status_code == 200, response.get_json()
    booking_b = book_seats(ids["stranger"], screening_b["id"], 2)
    hold_b = client.post(
        f"/api/screenings/{screening_b['id']}/holds", json={"quantity": 2}, headers=people["stranger"]
    ).get_json()
    export_b = jobs.create(EXPORT, None, {"theatre_id": theatre_b["id"], "theatre_name": "Beta"})
    entry_b = WaitlistEntry(screening_id=screening_b["id"], user_id=ids["stranger"], quantity=1, state="waiting")
    db.session.add(entry_b)
    db.session.commit()
    return {
        "people": people,
        "ids": ids,
        "theatre_a": theatre_a["id"],
        "screening_a": screening_a["id"],
        "show": show["id"],
        "ticket_code_b": ticket_code(booking_b.id),
        # A value for every URL argument: a row of theatre B, or somebody else's.
        "arguments": {
            "theatre_id": theatre_b["id"],
            "screening_id": screening_b["id"],
            "show_id": show["id"],
            "booking_id": booking_b.id,
            "job_id": export_b.id,
            "user_id": ids["stranger"],
            "filename": "nothing.png",
            "hold_id": hold_b["id"],
            "entry_id": entry_b.id,
            "locale": "hi",
        },
    }


def ticket_code(booking_id: int) -> str:
    """A real code of one of the booking's tickets (a scan at theatre B's door)."""
    from ticketshow.booking.models import Ticket
    from ticketshow.extensions import db
    from ticketshow.tickets.service import code_of

    ticket = db.session.scalars(db.select(Ticket).where(Ticket.booking_id == booking_id)).first()
    return code_of(ticket.id, ticket.screening_id, ticket.seat_label)


def bodies(world) -> dict:
    """Valid bodies where a route reads its theatre from the body (so the theatre check itself is what
    refuses); others get {} (they are refused before their input is read)."""
    b = world["arguments"]["theatre_id"]
    return {
        ("POST", "/api/screenings"): {"show_id": world["show"], "theatre_id": b, "starts_at": later(6)},
        ("POST", "/api/checkin"): {"code": world["ticket_code_b"], "screening_id": world["arguments"]["screening_id"]},
        ("PUT", "/api/shows/<int:show_id>/rating"): {"score": 5},
    }


def routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, app.view_functions[rule.endpoint]


def database_state(app) -> dict:
    """Every row of every table, but the per-request visit records (any logged-in request writes those)."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        state = {}
        for table in tables:
            if table == "user_visits":
                continue
            try:
                rows = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            except sqlite3.OperationalError:  # a WITHOUT ROWID table (the search index's show_search_idx)
                rows = connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()
            if table == "users":  # last_seen_at moves with any logged-in request
                columns = [c[1] for c in connection.execute('PRAGMA table_info("users")')]
                seen = columns.index("last_seen_at")
                rows = [row[:seen] + row[seen + 1 :] for row in rows]
            state[table] = rows
    return state


def test_every_route_declares_a_policy(app):
    undeclared = [
        f"{method} {rule.rule}" for rule, method, view in routes(app) if getattr(view, "__policy__", None) is None
    ]
    assert undeclared == [], "declare a policy (ticketshow/policy.py) on: " + ", ".join(undeclared)
    unknown = {
        f"{method} {rule.rule}: {view.__policy__}"
        for rule, method, view in routes(app)
        if view.__policy__ not in ALLOWED
    }
    assert unknown == set(), "say who may use these policies in ALLOWED: " + ", ".join(sorted(unknown))


def refusals(app, client, world) -> list[str]:
    """Call every route as every role that may not use it; list what was not refused as it should be."""
    wrong, checked = [], 0
    for rule, method, view in routes(app):
        missing = [arg for arg in rule.arguments if arg not in world["arguments"]]
        assert not missing, f"{rule.rule}: add a row for {missing} to the world's arguments"
        path = rule.build(world["arguments"], append_unknown=False)[1] if rule.arguments else rule.rule
        allowed = ALLOWED[view.__policy__]
        if view.__policy__ == "logged_in" and rule.arguments:
            allowed = {"admin"}  # the row is a stranger's, at theatre B
        body = bodies(world).get((method, rule.rule), {})
        for role in ROLES:
            if role in allowed:
                continue
            response = client.open(path, method=method, json=body, headers=world["people"][role], environ_base=REMOTE)
            expected = {401} if role == "anonymous" else {403, 404}
            if role == "user" and view.__policy__ == "logged_in" and set(rule.arguments) & OWNED_ROWS:
                expected = {404}  # another user's booking, tickets, hold or entry: not even its existence
            if response.status_code not in expected or not (response.is_json and "error" in response.get_json()):
                wrong.append(f"{role} {method} {path}: {response.status_code}")
            checked += 1
    for method, template, refused in QUERY_CASES:
        path = template.format(**world["arguments"])
        for role in refused:
            response = client.open(path, method=method, headers=world["people"][role], environ_base=REMOTE)
            if response.status_code not in {403, 404}:
                wrong.append(f"{role} {method} {path}: {response.status_code}")
            checked += 1
    assert checked > 100  # the matrix really ran
    return wrong


def test_roles_that_may_not_use_a_route_are_refused_and_change_nothing(app, client, world):
    before = database_state(app)
    assert refusals(app, client, world) == []
    assert database_state(app) == before


def test_the_matrix_catches_a_route_without_its_check(app, client, world):
    """Control: the same walk, on an app where one manager-only route lost its check, reports it."""
    view = app.view_functions["pricing.price_history"]
    unguarded = view.__wrapped__  # the route as it would be without policy.allow
    unguarded.__policy__ = view.__policy__
    app.view_functions["pricing.price_history"] = unguarded
    wrong = refusals(app, client, world)
    path = f"/api/admin/screenings/{world['arguments']['screening_id']}/prices"
    assert {line.split(":")[0] for line in wrong} == {
        f"{role} GET {path}" for role in ("anonymous", "user", "scanner_a", "manager_a")
    }


def test_manager_of_a_runs_theatre_a(app, client, world):
    """What the matrix refuses at theatre B, the manager of A may do at A."""
    manager, a, screening_a = world["people"]["manager_a"], world["theatre_a"], world["screening_a"]
    created = client.post(
        "/api/screenings", headers=manager, json={"show_id": world["show"], "theatre_id": a, "starts_at": later(8)}
    )
    assert created.status_code == 201, created.get_json()
    moved = client.patch(f"/api/screenings/{screening_a}", headers=manager, json={"price": 321})
    assert moved.status_code == 200 and moved.get_json()["base_price"] == 321
    assert client.get(f"/api/admin/screenings/{screening_a}/prices", headers=manager).status_code == 200
    customer = world["ids"]["user"]
    booking = book_seats(customer, screening_a, 1)
    listed = client.get(f"/api/theatres/{a}/bookings", headers=manager).get_json()
    assert [item["id"] for item in listed["items"]] == [booking.id]
    assert listed["items"][0]["customer"]["id"] == customer and listed["items"][0]["customer"]["username"]
    assert client.get(f"/api/bookings/{booking.id}", headers=manager).status_code == 200
    cancelled = client.post(f"/api/bookings/{booking.id}/cancel", headers=manager)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert cancelled.get_json()["cancel_reason"] == "cancelled_by_staff"
    dashboard = client.get("/api/admin/dashboard", headers=manager).get_json()
    assert [t["id"] for t in dashboard["per_theatre"]] == [a]
    removed = client.delete(f"/api/screenings/{created.get_json()['id']}", headers=manager)
    assert removed.status_code == 204
    # ...and stays a customer: books for themselves, sees their own bookings.
    own = client.post("/api/bookings", headers=manager, json={"screening_id": screening_a, "quantity": 1})
    assert own.status_code == 201
    assert [b["id"] for b in client.get("/api/bookings", headers=manager).get_json()["items"]] == [own.get_json()["id"]]


def test_scanner_has_no_theatre_powers_and_nobody_is_staff_without_theatres(client, world):
    scanner = world["people"]["scanner_a"]
    for path in (
        f"/api/admin/screenings/{world['screening_a']}/prices",
        "/api/admin/dashboard",
        f"/api/theatres/{world['theatre_a']}/bookings",
    ):
        response = client.get(path, headers=scanner)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "staff_only", path
    assert policy.can_check_in(policy_principal("scanner", {1}), 1)
    assert not policy.can_check_in(policy_principal("scanner", {1}), 2)
    assert not policy.can_manage_theatre(policy_principal("manager", set()), policy.ANY_THEATRE)
    assert policy.can_manage_theatre(policy_principal("admin", set()), 99)


def policy_principal(role, theatres):
    from ticketshow.auth.service import Principal

    return Principal(1, "someone", role, frozenset(theatres))


def test_docs_staff_md_lists_every_route_as_the_app_has_it(app):
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[3] / "docs" / "staff.md").read_text(encoding="utf-8")
    table = policy.route_table(app)
    assert "| NONE |" not in table and "| ? |" not in table
    assert table in doc, "run `cd backend && ../.venv/bin/flask --app ticketshow staff-doc` and commit docs/staff.md"


def test_staff_of_a_may_read_everything_of_a_their_policies_allow(app, client, world):
    """The other side of the matrix: every GET route a manager's (or scanner's) policy allows answers them,
    on theatre A's rows, with anything but 401/403 — so a wrongly found theatre cannot lock staff out."""
    from ticketshow.jobs import service as jobs
    from ticketshow.jobs.models import EXPORT

    booking_a = book_seats(world["ids"]["stranger"], world["screening_a"], 1)
    export_a = jobs.create(EXPORT, None, {"theatre_id": world["theatre_a"], "theatre_name": "Alpha"})
    arguments = {
        **world["arguments"],
        "theatre_id": world["theatre_a"],
        "screening_id": world["screening_a"],
        "booking_id": booking_a.id,
        "job_id": export_a.id,
    }
    principals = {
        "manager_a": policy_principal("manager", {world["theatre_a"]}),
        "scanner_a": policy_principal("scanner", {world["theatre_a"]}),
    }
    checked = 0
    for rule, method, view in routes(app):
        name = view.__policy__
        if method != "GET" or name in ("public", "logged_in") or not rule.rule.startswith("/api/"):
            continue
        permission = getattr(policy, name)
        theatre_scoped = permission not in policy._CHAIN_WIDE
        path = rule.build(arguments, append_unknown=False)[1] if rule.arguments else rule.rule
        for role, principal in principals.items():
            allowed = permission(principal, world["theatre_a"]) if theatre_scoped else permission(principal)
            if not allowed:
                continue
            response = client.get(path, headers=world["people"][role], environ_base=REMOTE)
            assert response.status_code < 500 and response.status_code not in {401, 403}, (
                role,
                path,
                response.status_code,
            )
            checked += 1
    assert checked >= 4  # price history, export download, dashboard, jobs list
