"""An email address belongs to one account, kept by the database itself: users.email_key (new, unique index),
the stored address lower-cased (auth/emails.email_key). Until now only the check under the write lock kept
two cases of one address ("A@x.in", "a@x.in") apart; two writers racing past it could both get in.

For every account, in id order (the oldest keeps what is contested): the key of its stored address (as the
app normalises addresses, else the stored text trimmed, for rows written by hand); when an older account
already has that key, both accounts are kept as they are, the newer one's key stays NULL (the older one's
still refuses every new twin, and a password reset for the address goes to the older one, as it did), and
a warning names both, for the admin to settle with their owners. Nothing fails.

Revision ID: 0021_email_keys
Revises: 0020_job_summary_codes
"""
import logging

import sqlalchemy as sa
from alembic import op

revision = "0021_email_keys"
down_revision = "0020_job_summary_codes"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def _normalised(address: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return address.strip()


def upgrade():
    from ticketshow.auth.emails import email_key

    bind = op.get_bind()
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email_key", sa.String(length=254), nullable=True))
    owners: dict[str, tuple[int, str]] = {}
    for user_id, email in bind.execute(sa.text("SELECT id, email FROM users ORDER BY id")).fetchall():
        key = email_key(_normalised(email))
        if key in owners:
            older_id, older_email = owners[key]
            log.warning("user %s (%r) has the address of user %s (%r): both kept, and new accounts with it are "
                        "refused; ask one of them to change it", user_id, email, older_id, older_email)
            continue
        owners[key] = (user_id, email)
        bind.execute(sa.text("UPDATE users SET email_key = :key WHERE id = :id"), {"key": key, "id": user_id})
    op.create_index("ix_users_email_key", "users", ["email_key"], unique=True)


def downgrade():
    op.drop_index("ix_users_email_key", table_name="users")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email_key")
