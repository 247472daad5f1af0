"""Log out everywhere, password change and password reset.

users.tokens_valid_after: tokens issued before it stop working (all of them, or all but
users.kept_token_jti, the session that changed the password). password_resets: one row per emailed reset
link, keeping only the SHA-256 of its token; single-use, 30 minutes.

Revision ID: 0012_sessions_and_resets
Revises: 0011_seat_maps
"""
import sqlalchemy as sa
from alembic import op

revision = "0012_sessions_and_resets"
down_revision = "0011_seat_maps"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("tokens_valid_after", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("kept_token_jti", sa.String(length=64), nullable=True))
    op.create_table(
        "password_resets",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_password_resets")),
    )
    op.create_index(op.f("ix_password_resets_user_id"), "password_resets", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_password_resets_user_id"), table_name="password_resets")
    op.drop_table("password_resets")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("kept_token_jti")
        batch.drop_column("tokens_valid_after")
