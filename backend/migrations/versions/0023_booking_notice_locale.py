"""booking_notices.locale: the language of the owner's own request that made the news.

The web process no longer puts a message on the mail queue per booking: it wakes the notice relay, a worker
task that queues every owed notice (tickets/notices.py). The message used to carry the request's language
for an owner who chose none; the outbox row keeps it now. Rows written before this have none (the owner's
choice, else English, as the beat already did for them).

Revision ID: 0023_booking_notice_locale
Revises: 0022_job_error_codes
"""
import sqlalchemy as sa
from alembic import op

revision = "0023_booking_notice_locale"
down_revision = "0022_job_error_codes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("booking_notices") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("booking_notices") as batch:
        batch.drop_column("locale")
