"""Bookings remember the fingerprint of the request their Idempotency-Key was used for.

Existing bookings get none (NULL): a retry of one of them still replays it, as before.

Revision ID: 0006_idempotency_fingerprint
Revises: 0005_theatre_busy
"""
import sqlalchemy as sa
from alembic import op

revision = "0006_idempotency_fingerprint"
down_revision = "0005_theatre_busy"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bookings") as batch:
        batch.add_column(sa.Column("request_fingerprint", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("bookings") as batch:
        batch.drop_column("request_fingerprint")
