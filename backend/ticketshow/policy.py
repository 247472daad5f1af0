"""Who may do what: every access decision of the API, in one file.

One function per permission. Each takes the principal (auth.service.Principal: id, username, role and
theatre_ids, read once per request; None for an anonymous caller) and, for permissions that depend on a
theatre, the theatre's id. `theatre_id=None` (ANY_THEATRE) asks "at some theatre at all?": routes use it
before the theatre is known (a body field), and the UI to decide which menus to show.

Roles (API.md, "Staff and audit log"):
- admin   the whole chain: catalogue, staff, audit log, jobs, cache, every theatre;
- manager the theatres assigned to them: their screenings (and their prices), layouts, blocked seats,
          CSV exports, bookings (reading and cancelling) and check-in; not theatres or shows themselves;
- scanner check-in at the theatres assigned to them, nothing else;
- user    books for themselves. Staff are users too: they book, rate and read their own reports.

Routes never compare role strings. They declare their permission with one of the decorators below, and
tests/api/test_policy_matrix.py walks the app's URL map: a route without a declaration fails it.

    @bp.patch("/screenings/<int:screening_id>")
    @policy.allow(policy.can_manage_theatre, theatre=policy.theatre_of_screening)
    ...

`theatre` says where the theatre comes from: the name of a URL argument ("theatre_id"), a function of
the URL arguments returning the theatre's id (None when the row does not exist: 404), or IN_BODY, when
the view itself calls `policy.require(permission, data["theatre_id"])` once the body is parsed.
docs/staff.md is the table of who may do what; keep it in step with this file.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask_jwt_extended import current_user

from .apidoc import annotate
from .errors import Forbidden, NotFound
from .extensions import verify_access_token
from .i18n import _

ADMIN, MANAGER, SCANNER, USER = "admin", "manager", "scanner", "user"
ROLES = (ADMIN, MANAGER, SCANNER, USER)
STAFF_ROLES = (MANAGER, SCANNER)  # roles tied to theatres (admins have every theatre)
ANY_THEATRE = None
IN_BODY = "in_body"
BEARER = "BearerAuth"


# ---- the permissions --------------------------------------------------------------------------------


def is_admin(principal) -> bool:
    return principal is not None and principal.role == ADMIN


def _at_theatre(principal, roles: tuple[str, ...], theatre_id: int | None) -> bool:
    """Admin anywhere; one of `roles` at an assigned theatre (at any of them when theatre_id is None)."""
    if principal is None:
        return False
    if principal.role == ADMIN:
        return True
    if principal.role not in roles:
        return False
    if theatre_id is None:
        return bool(principal.theatre_ids)
    return theatre_id in principal.theatre_ids


def can_hold_seats(principal) -> bool:
    """Hold seats at any screening, for themselves: anyone logged in (staff are customers too)."""
    return principal is not None


def can_edit_catalogue(principal) -> bool:
    """Create, edit and remove theatres and shows, their images and dynamic pricing: the admin only."""
    return is_admin(principal)


def can_manage_theatre(principal, theatre_id: int | None) -> bool:
    """A theatre's screenings (create, move, price, remove), layout, blocked seats, price history."""
    return _at_theatre(principal, (MANAGER,), theatre_id)


def can_export_theatre(principal, theatre_id: int | None) -> bool:
    """Start a theatre's CSV export and download it."""
    return _at_theatre(principal, (MANAGER,), theatre_id)


def can_view_theatre_bookings(principal, theatre_id: int | None) -> bool:
    """Read other people's bookings for the theatre's screenings."""
    return _at_theatre(principal, (MANAGER,), theatre_id)


def can_cancel_theatre_bookings(principal, theatre_id: int | None) -> bool:
    """Cancel someone else's booking for one of the theatre's screenings (an audited staff cancellation)."""
    return _at_theatre(principal, (MANAGER,), theatre_id)


def can_check_in(principal, theatre_id: int | None) -> bool:
    """Check tickets in at the door, and read a screening's check-in figures."""
    return _at_theatre(principal, (MANAGER, SCANNER), theatre_id)


def can_view_waitlists(principal, theatre_id: int | None) -> bool:
    """A screening's waiting list in figures (length, seats wanted, offers out and made, conversions)."""
    return _at_theatre(principal, (MANAGER,), theatre_id)


def can_view_dashboard(principal) -> bool:
    """The dashboard's figures: the admin's cover the chain, a manager's their theatres only."""
    return is_admin(principal) or can_manage_theatre(principal, ANY_THEATRE)


def can_list_jobs(principal) -> bool:
    """The list of past jobs (exports): the admin's lists every job, a manager's the ones they started."""
    return is_admin(principal) or can_export_theatre(principal, ANY_THEATRE)


def can_run_jobs(principal) -> bool:
    """Run a scheduled job now: daily reminders, monthly reports, the forecast."""
    return is_admin(principal)


def can_view_forecast(principal) -> bool:
    """The chain's forecast overview (the expected seats of every theatre)."""
    return is_admin(principal)


def can_flush_cache(principal) -> bool:
    return is_admin(principal)


def can_manage_staff(principal) -> bool:
    """Grant and remove the manager and scanner roles; list staff and find users."""
    return is_admin(principal)


def can_read_audit(principal) -> bool:
    return is_admin(principal)


def can_read_metrics(principal) -> bool:
    """Prometheus metrics. The local machine may also scrape without a token (observability.py checks
    the address first, then this)."""
    return is_admin(principal)


def can_view_job(principal, requested_by: int | None) -> bool:
    """A job's state: the admin, or whoever started it."""
    return is_admin(principal) or (principal is not None and principal.id == requested_by)


def visible_theatres(principal) -> frozenset[int] | None:
    """The theatres whose figures the principal may read: None means every theatre (the admin)."""
    if is_admin(principal):
        return None
    if principal is not None and principal.role == MANAGER:
        return frozenset(principal.theatre_ids)
    return frozenset()


def permissions_of(principal) -> list[str]:
    """What the UI may offer this principal (the server checks again on every request)."""
    checks = {
        "edit_catalogue": can_edit_catalogue(principal),
        "manage_theatres": can_manage_theatre(principal, ANY_THEATRE),
        "export_theatres": can_export_theatre(principal, ANY_THEATRE),
        "view_theatre_bookings": can_view_theatre_bookings(principal, ANY_THEATRE),
        "check_in": can_check_in(principal, ANY_THEATRE),
        "view_dashboard": can_view_dashboard(principal),
        "view_waitlists": can_view_waitlists(principal, ANY_THEATRE),
        "run_jobs": can_run_jobs(principal),
        "view_forecast": can_view_forecast(principal),
        "flush_cache": can_flush_cache(principal),
        "manage_staff": can_manage_staff(principal),
        "read_audit": can_read_audit(principal),
    }
    return [name for name, allowed in checks.items() if allowed]


# ---- finding the theatre of a request ---------------------------------------------------------------


def theatre_of_screening(kwargs: dict) -> int | None:
    """The theatre of the URL's screening_id (removed screenings too: the service answers 404 for those)."""
    return _theatre_id("SELECT theatre_id FROM screenings WHERE id = ?", kwargs["screening_id"])


def theatre_of_booking(booking_id: int) -> int | None:
    return _theatre_id(
        "SELECT s.theatre_id FROM bookings AS b JOIN screenings AS s ON s.id = b.screening_id WHERE b.id = ?",
        booking_id,
    )


def _theatre_id(sql: str, row_id: int) -> int | None:
    from .extensions import db

    row = db.session.execute(db.text(sql.replace("?", ":id")), {"id": row_id}).first()
    return None if row is None else row[0]


# ---- declaring and enforcing them on routes ---------------------------------------------------------


def denial(permission: Callable, principal) -> Forbidden:
    """The 403 for a principal refused a permission, with a code the UI can explain."""
    if permission in _ADMIN_ONLY:
        return Forbidden(_("Only an admin can do this."), code="admin_only")
    if permission in _CHAIN_WIDE or not permission(principal, ANY_THEATRE):
        return Forbidden(_("Only theatre staff can do this."), code="staff_only")
    return Forbidden(_("This belongs to a theatre you are not assigned to."), code="not_your_theatre")


def require(permission: Callable, *theatre: int | None) -> None:
    """Raise 403 unless the current caller has the permission (at `theatre`, for theatre permissions)."""
    principal = current_user
    if not permission(principal, *theatre):
        raise denial(permission, principal)


def _declare(function, name: str, theatre=None):
    function.__policy__ = name
    function.__policy_theatre__ = theatre
    return function


def public(view):
    """Anyone, logged in or not."""
    return _declare(view, "public")


def declare_framework_routes(app) -> None:
    """APIFlask's own routes (the OpenAPI document and its browsable view) are public."""
    for endpoint in ("openapi.spec", "openapi.docs", "openapi.swagger_ui_oauth_redirect"):
        view = app.view_functions.get(endpoint)
        if view is not None:
            app.view_functions[endpoint] = public(wraps(view)(lambda *a, _view=view, **k: _view(*a, **k)))


def logged_in(view):
    """Any logged-in caller. The service still decides about the rows it touches (a booking is its
    owner's, or readable by staff of its theatre): say so in the docstring of the route."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        verify_access_token()
        return view(*args, **kwargs)

    annotate(wrapper, security=BEARER)
    return _declare(wrapper, "logged_in")


def checked_in_view(permission: Callable):
    """Declare a permission that the view checks itself with `require`, because something comes before it
    (GET /api/metrics: the local machine needs no token). Prefer `allow`."""

    def decorator(view):
        return _declare(view, permission.__name__, None)

    return decorator


def allow(permission: Callable, *, theatre: str | Callable | None = None):
    """Route decorator: a logged-in caller with `permission` (401 without a token, 403 without the right).

    Put it right under the route decorator, above @bp.input, so that callers without the right are
    refused before their input is even read. See the module docstring for `theatre`.
    """
    theatre_permission = permission not in _CHAIN_WIDE
    if theatre_permission and theatre is None:
        raise TypeError(f"{permission.__name__} depends on a theatre: say where it comes from (theatre=...)")

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = verify_access_token()
            if not theatre_permission:
                allowed = permission(principal)
            elif is_admin(principal):
                allowed = True  # every theatre: no lookup needed
            elif theatre == IN_BODY:
                allowed = permission(principal, ANY_THEATRE)  # the view checks the body's theatre
            else:
                theatre_id = kwargs[theatre] if isinstance(theatre, str) else theatre(kwargs)
                if theatre_id is None and permission(principal, ANY_THEATRE):
                    raise NotFound()  # staff asked for a row that does not exist
                allowed = theatre_id is not None and permission(principal, theatre_id)
            if not allowed:
                raise denial(permission, principal)
            return view(*args, **kwargs)

        # The OpenAPI document says who may call it and lists the 403 (openapi.ACCESS_RULES).
        annotate(wrapper, security=BEARER, x_access="admin" if permission in _ADMIN_ONLY else permission.__name__)
        return _declare(wrapper, permission.__name__, theatre)

    return decorator


# ---- the table in docs/staff.md ------------------------------------------------------------------

WHO = {
    "public": "anyone",
    "logged_in": "anyone logged in (the service decides per row: their own, or staff of its theatre)",
    "can_hold_seats": "anyone logged in, for themselves",
    "can_edit_catalogue": "admin",
    "can_manage_theatre": "admin; manager of the theatre",
    "can_export_theatre": "admin; manager of the theatre",
    "can_view_theatre_bookings": "admin; manager of the theatre",
    "can_cancel_theatre_bookings": "admin; manager of the theatre",
    "can_check_in": "admin; manager or scanner of the theatre",
    "can_view_waitlists": "admin; manager of the theatre",
    "can_view_dashboard": "admin (the chain); manager (their theatres)",
    "can_list_jobs": "admin (every job); manager (the jobs they started)",
    "can_run_jobs": "admin",
    "can_view_forecast": "admin",
    "can_flush_cache": "admin",
    "can_manage_staff": "admin",
    "can_read_audit": "admin",
    "can_read_metrics": "admin; the local machine without a token",
}


def access_rules() -> dict[str, str]:
    """What each non-admin permission means, for the description of the operations behind it."""
    rules = {}
    for name, who in WHO.items():
        if name in ("public", "logged_in") or name in {p.__name__ for p in _ADMIN_ONLY}:
            continue
        rules[name] = (
            f"Who may call it: {who}. Anyone else gets 403 `staff_only`, or `not_your_theatre` "
            f"for staff of other theatres."
        )
    return rules


DOC_START, DOC_END = "<!-- routes:start (flask --app ticketshow staff-doc) -->", "<!-- routes:end -->"


def route_table(app) -> str:
    """Every /api route with its permission and who has it, as the markdown table of docs/staff.md."""
    lines = [DOC_START, "| method | path | permission | who | theatre from |", "| --- | --- | --- | --- | --- |"]
    rows = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in ("/api/openapi.json", "/api/docs"):
            continue
        view = app.view_functions[rule.endpoint]
        name = getattr(view, "__policy__", None) or "NONE"
        theatre = getattr(view, "__policy_theatre__", None)
        source = (
            ""
            if theatre is None
            else "the body"
            if theatre == IN_BODY
            else f"`{theatre}`"
            if isinstance(theatre, str)
            else f"`{theatre.__name__}`"
        )
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            rows.append((rule.rule, method, name, WHO.get(name, "?"), source))
    for path, method, name, who, source in sorted(rows):
        lines.append(f"| {method} | `{path}` | `{name}` | {who} | {source} |")
    lines.append(DOC_END)
    return "\n".join(lines)


def write_route_table(app, path) -> None:
    text = path.read_text(encoding="utf-8")
    before, _, rest = text.partition(DOC_START)
    _, _, after = rest.partition(DOC_END)
    path.write_text(before + route_table(app) + after, encoding="utf-8")


# Permissions that do not depend on a theatre, and those only the admin ever has.
_CHAIN_WIDE = {
    can_hold_seats,
    can_edit_catalogue,
    can_view_dashboard,
    can_list_jobs,
    can_run_jobs,
    can_view_forecast,
    can_flush_cache,
    can_manage_staff,
    can_read_audit,
    can_read_metrics,
    is_admin,
}
_ADMIN_ONLY = {
    can_edit_catalogue,
    can_run_jobs,
    can_view_forecast,
    can_flush_cache,
    can_manage_staff,
    can_read_audit,
    can_read_metrics,
    is_admin,
}
