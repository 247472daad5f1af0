"""Staff: granting and removing the manager and scanner roles and their theatres (ticketshow.policy reads them).

A role change takes effect on the member's next request: the role and theatres are read with the caller on
every request (auth.service.principal_and_revocation), never taken from the token.
"""

from __future__ import annotations

from sqlalchemy import case, delete, or_, select

from .. import audit, policy
from ..auth.models import User
from ..auth.usernames import username_key, username_skeleton
from ..catalog.models import Theatre
from ..database import immediate_transaction
from ..errors import Conflict, Invalid, NotFound
from ..extensions import db
from ..i18n import _
from ..pagination import paginate
from .models import StaffTheatre


def _theatres_of(user_ids) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    if user_ids:
        for user_id, theatre_id in db.session.execute(
            select(StaffTheatre.user_id, StaffTheatre.theatre_id)
            .where(StaffTheatre.user_id.in_(user_ids))
            .order_by(StaffTheatre.theatre_id)
        ):
            found.setdefault(user_id, []).append(theatre_id)
    return found


def _describe(user: User, theatre_ids: list[int]) -> dict:
    return {
        "user_id": user.id,
        "username": user.username,
        "email": user.email,
        "role": user.role,
        "theatre_ids": theatre_ids,
    }


def set_role(user_id: int, role: str, theatre_ids: list[int]) -> dict:
    """Make a user a manager or a scanner of `theatre_ids`, or a plain user again (role "user", no theatres).

    Returns {user_id, username, email, role, theatre_ids}. Audited in the same transaction: action "grant"
    (to manager or scanner) or "revoke" (to user), entity "staff", before/after {role, theatre_ids}.
    Raises NotFound (no such user), Conflict `admin_role` (an admin's role is not changed here, so nobody
    locks the chain out), Invalid naming `theatre_ids` (unknown or removed theatres; none for a staff role;
    some for "user").
    """
    if role not in policy.STAFF_ROLES + (policy.USER,):
        raise Invalid({"role": _("Must be one of manager, scanner, user.")})
    wanted = sorted(set(theatre_ids))
    if role == policy.USER and wanted:
        raise Invalid({"theatre_ids": _("A user has no theatres: send [] to remove the staff role.")})
    if role != policy.USER and not wanted:
        raise Invalid(
            {
                "theatre_ids": _("A manager needs at least one theatre.")
                if role == policy.MANAGER
                else _("A scanner needs at least one theatre.")
            }
        )
    with immediate_transaction(db.session):
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound(_("No such user."), details={"user_id": user_id})
        if user.role == policy.ADMIN:
            raise Conflict(
                _("An admin's role cannot be changed here."), code="admin_role", details={"user_id": user_id}
            )
        live = set(db.session.scalars(select(Theatre.id).where(Theatre.id.in_(wanted), Theatre.removed_at.is_(None))))
        unknown = [t for t in wanted if t not in live]
        if unknown:
            raise Invalid({"theatre_ids": _("No such theatre: %(ids)s.", ids=", ".join(map(str, unknown)))})
        before = {"role": user.role, "theatre_ids": _theatres_of([user.id]).get(user.id, [])}
        db.session.execute(delete(StaffTheatre).where(StaffTheatre.user_id == user.id))
        db.session.add_all(StaffTheatre(user_id=user.id, theatre_id=t) for t in wanted)
        user.role = role
        after = {"role": role, "theatre_ids": wanted}
        audit.record("revoke" if role == policy.USER else "grant", "staff", user.id, before, after)
        result = _describe(user, wanted)
    return result


# GET /api/admin/staff?sort=: the admin's staff table (issue 16). Each key orders one way; ties fall to the
# username and then the id, so a page boundary never moves between two requests of the same list.
_ROLE_RANK = case({"admin": 0, "manager": 1, "scanner": 2}, value=User.role, else_=3)  # the widest rights first
STAFF_SORTS = {
    "username": (User.username_key, User.id),  # A to Z, case-mapped: the default, as before `sort` existed
    "-username": (User.username_key.desc(), User.id.desc()),
    "role": (_ROLE_RANK, User.username_key, User.id),  # admins, managers, scanners, users; each A to Z
    "-created_at": (User.created_at.desc(), User.id.desc()),  # the newest accounts first (finding a new hire)
}


def list_staff(
    *,
    q: str | None = None,
    role: str | None = None,
    theatre_id: int | None = None,
    sort: str = "username",
    page: int = 1,
    per_page: int = 20,
) -> dict:
    """Admins and staff by username; with `q`, any user whose username contains it (to find one to grant a
    role); `role` and `theatre_id` narrow it; `sort` is one of STAFF_SORTS. A page: {"items": [{user_id,
    username, email, role, theatre_ids}], "total", "page", "per_page"}."""
    statement = select(User)
    if q:
        # by the name regardless of case and width (username_key), and by look-alikes (username_skeleton:
        # "bill" also finds "biII"), so that an admin sees every account a name could stand for
        def contains(column, text: str):
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            return column.like(f"%{escaped}%", escape="\\")

        statement = statement.where(
            or_(
                contains(User.username_key, username_key(q) or q.lower()),
                contains(User.username_skeleton, username_skeleton(q)),
            )
        )
    elif role is None:
        statement = statement.where(or_(User.role == policy.ADMIN, User.role.in_(policy.STAFF_ROLES)))
    if role:
        statement = statement.where(User.role == role)
    if theatre_id is not None:
        statement = statement.where(
            User.id.in_(select(StaffTheatre.user_id).where(StaffTheatre.theatre_id == theatre_id))
        )
    result = paginate(statement.order_by(*STAFF_SORTS[sort or "username"]), page, per_page)
    theatres = _theatres_of([u.id for u in result["items"]])
    result["items"] = [_describe(u, theatres.get(u.id, [])) for u in result["items"]]
    return result
