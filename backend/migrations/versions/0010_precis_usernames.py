"""Usernames follow RFC 8265: existing names are normalised and look-alike clashes renamed.

For every account, in id order (so the oldest account keeps a contested name):
- the name becomes its UsernameCasePreserved form (auth/usernames.canonical_username: width-mapped, NFC,
  single spaces); from a name the profile disallows, invisible characters are dropped, controls become
  spaces and other disallowed characters (emoji) "-" (an empty result becomes "user-<id>");
- its key becomes the look-alike key of the time (`_look_alike_key` below: case folded first, then the
  UTS #39 skeleton; 0018 replaced it with the exact PRECIS key plus a skeleton of the case-preserved name);
- when that key is already taken by an older account, the name gets "-<id>" appended (then "-<id>-2"...)
  until it is free.
Every renamed account is named in a warning (old and new name), for the admin to tell its owner; logging
in with the old name of a renamed account no longer works. Password hashes are not touched: a hash made
before the OpaqueString profile is upgraded at the next successful login.

Revision ID: 0010_precis_usernames
Revises: 0009_audit_log
"""
import logging
import unicodedata

import sqlalchemy as sa
from alembic import op

revision = "0010_precis_usernames"
down_revision = "0009_audit_log"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _salvage(name: str, user_id: int) -> str:
    """Invisible (format) characters dropped, controls become spaces, other disallowed characters "-"."""
    kept = "".join("" if unicodedata.category(c) == "Cf" else " " if unicodedata.category(c) == "Cc"
                   else c if unicodedata.category(c)[0] in "LMN" or (c.isascii() and c.isprintable()) else "-"
                   for c in name)
    kept = "-".join(part for part in kept.split("-") if part.strip()) if "-" in kept else kept
    return " ".join(kept.split()) or f"user-{user_id}"


def _look_alike_key(raw: str) -> str:
    """users.username_key as this migration made it (kept here: auth/usernames.py has moved on since)."""
    from ticketshow.auth.usernames import _invisible, _prototypes
    from ticketshow.text import fold

    visible = "".join(char for char in unicodedata.normalize("NFD", raw) if not _invisible(char))
    folded = fold(" ".join(visible.split()))
    table = _prototypes()
    return fold("".join(table.get(char, char) for char in unicodedata.normalize("NFD", folded)))


def upgrade():
    from ticketshow.auth.usernames import MAX_LENGTH, canonical_username
    from ticketshow.errors import Invalid

    username_key = _look_alike_key

    bind = op.get_bind()
    users = bind.execute(sa.text("SELECT id, username, username_key FROM users ORDER BY id")).fetchall()
    taken: set[str] = set()
    changes = []
    for user_id, username, old_key in users:
        try:
            name = canonical_username(username)
        except Invalid:
            try:
                name = canonical_username(_salvage(username, user_id))
            except Invalid:
                name = f"user-{user_id}"
        base, suffix = name, 1
        while username_key(name) in taken:
            tail = f"-{user_id}" if suffix == 1 else f"-{user_id}-{suffix}"
            name = base[:MAX_LENGTH - len(tail)] + tail
            suffix += 1
        key = username_key(name)
        taken.add(key)
        if name != username:
            log.warning("user %s renamed from %r to %r (RFC 8265 usernames; look-alikes are one name)",
                        user_id, username, name)
        if (name, key) != (username, old_key):
            changes.append({"id": user_id, "username": name, "key": key})
    # Two passes: a key may move to a value another row still holds until its own turn.
    for change in changes:
        bind.execute(sa.text("UPDATE users SET username_key = :tmp WHERE id = :id"),
                     {"tmp": f"\x00migrating-{change['id']}", "id": change["id"]})
    for change in changes:
        bind.execute(sa.text("UPDATE users SET username = :username, username_key = :key WHERE id = :id"), change)


def downgrade():
    pass
