"""The user's language: users.locale.

"en", "hi" or "ta" once the user chooses one (PATCH /api/auth/me/preferences); NULL until then, when the
request's Accept-Language decides the language of messages, emails and PDFs.

Revision ID: 0016_user_locale
Revises: 0015_waitlist
"""
import sqlalchemy as sa
from alembic import op

revision = "0016_user_locale"
down_revision = "0015_waitlist"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locale")
