"""Waiting lists for houseful screenings: waitlist_entries.

One active (waiting or offered) entry per user per screening: a partial unique index. Offers are seat holds
(hold_id), one entry per hold.

Revision ID: 0015_waitlist
Revises: 0014_tickets
"""
import sqlalchemy as sa
from alembic import op

revision = "0015_waitlist"
down_revision = "0014_tickets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "waitlist_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("booking_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("offered_at", sa.DateTime(), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("notified_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("quantity BETWEEN 1 AND 100", name=op.f("ck_waitlist_entries_quantity_range")),
        sa.CheckConstraint("state IN ('waiting', 'offered', 'booked', 'expired', 'declined', 'left', 'closed')",
                           name=op.f("ck_waitlist_entries_state_known")),
        sa.ForeignKeyConstraint(["screening_id"], ["screenings.id"],
                                name=op.f("fk_waitlist_entries_screening_id_screenings")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_waitlist_entries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waitlist_entries")),
        sqlite_autoincrement=True,
    )
    op.create_index("uq_waitlist_active_user_screening", "waitlist_entries", ["user_id", "screening_id"],
                    unique=True, sqlite_where=sa.text("state IN ('waiting', 'offered')"))
    op.create_index("uq_waitlist_hold", "waitlist_entries", ["hold_id"], unique=True,
                    sqlite_where=sa.text("hold_id IS NOT NULL"))
    op.create_index("ix_waitlist_screening_state", "waitlist_entries", ["screening_id", "state", "id"])
    op.create_index(op.f("ix_waitlist_entries_user_id"), "waitlist_entries", ["user_id"])


def downgrade():
    op.drop_table("waitlist_entries")
