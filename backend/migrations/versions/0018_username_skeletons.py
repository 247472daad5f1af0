"""Usernames get a second unique key, the look-alike skeleton; username_key becomes the exact PRECIS form.

- users.username_key: recomputed as the exact RFC 8265 UsernameCaseMapped form of the stored name
  (auth/usernames.username_key), which is all that login looks up from now on (it was a folded
  look-alike key, so a look-alike typed at login opened the account it imitated).
- users.username_skeleton (new, unique index): UTS #39's skeleton of the case-preserved name, then
  case-folded (auth/usernames.username_skeleton); the old key folded case first, so "biII" and "bill"
  (capital I's) got different keys while they look the same.
For every account, in id order (the oldest keeps what is contested):
- a stored name the profile refuses (only rows written by hand) keys on its lower-cased self;
- when the exact key is already an older account's (impossible after 0010, but hand-written rows), the
  name gets "-<id>" appended, as 0010 did, and a warning names it;
- when the skeleton is already an older account's, both accounts are kept as they are, the newer one's
  skeleton stays NULL (the older one's still refuses every new look-alike), and a warning names both, for
  the admin to settle with their owners. Nothing fails.

Revision ID: 0018_username_skeletons
Revises: 0017_show_search
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "0018_username_skeletons"
down_revision = "0017_show_search"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    from ticketshow.auth.usernames import MAX_LENGTH, username_key, username_skeleton

    bind = op.get_bind()
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_skeleton", sa.String(length=255), nullable=True))
    users = bind.execute(sa.text("SELECT id, username, username_key FROM users ORDER BY id")).fetchall()
    keys: dict[str, int] = {}
    skeletons: dict[str, tuple[int, str]] = {}
    changes = []
    for user_id, username, old_key in users:
        name, suffix = username, 1
        key = username_key(name) or name.lower()
        while key in keys:
            tail = f"-{user_id}" if suffix == 1 else f"-{user_id}-{suffix}"
            name = username[: MAX_LENGTH - len(tail)] + tail
            key = username_key(name) or name.lower()
            suffix += 1
        keys[key] = user_id
        if name != username:
            log.warning("user %s renamed from %r to %r: user %s has the same name in another case",
                        user_id, username, name, keys[username_key(username) or username.lower()])
        skeleton = username_skeleton(name)
        if skeleton in skeletons:
            older_id, older_name = skeletons[skeleton]
            log.warning("user %s (%r) looks like user %s (%r): both kept, and new look-alikes of them are "
                        "refused; ask one of them to choose another name", user_id, name, older_id, older_name)
            skeleton = None
        else:
            skeletons[skeleton] = (user_id, name)
        changes.append({"id": user_id, "username": name, "key": key, "skeleton": skeleton, "old_key": old_key})
    # Two passes: a key may move to a value another row still holds until its own turn.
    for change in changes:
        if change["key"] != change["old_key"]:
            bind.execute(sa.text("UPDATE users SET username_key = :tmp WHERE id = :id"),
                         {"tmp": f"\x00migrating-{change['id']}", "id": change["id"]})
    for change in changes:
        bind.execute(sa.text("UPDATE users SET username = :username, username_key = :key, "
                             "username_skeleton = :skeleton WHERE id = :id"), change)
    op.create_index("ix_users_username_skeleton", "users", ["username_skeleton"], unique=True)


def downgrade():
    op.drop_index("ix_users_username_skeleton", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("username_skeleton")
