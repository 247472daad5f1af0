"""The mail a booking owes its owner: booking_notices, the outbox of tickets/notices.py.

One row per (booking, kind) — "confirmed" or "cancelled" — written in the transaction that made the news, so a
broker that is down at that moment loses no mail: the worker marks the row sent, the beat queues again the
rows still owed. Bookings made before this table have no row and are not mailed again.

Revision ID: 0019_booking_notices
Revises: 0018_username_skeletons
"""
import sqlalchemy as sa
from alembic import op

revision = "0019_booking_notices"
down_revision = "0018_username_skeletons"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "booking_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=True),
        sa.Column("lease_until", sa.DateTime(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('confirmed', 'cancelled')", name=op.f("ck_booking_notices_kind_known")),
        sa.CheckConstraint("state IN ('pending', 'sending', 'sent', 'skipped', 'failed')",
                           name=op.f("ck_booking_notices_state_known")),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], ondelete="CASCADE",
                                name=op.f("fk_booking_notices_booking_id_bookings")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_notices")),
        sa.UniqueConstraint("booking_id", "kind", name=op.f("uq_booking_notices_booking_kind")),
    )
    op.create_index("ix_booking_notices_state", "booking_notices", ["state", "created_at"])


def downgrade():
    op.drop_index("ix_booking_notices_state", table_name="booking_notices")
    op.drop_table("booking_notices")
