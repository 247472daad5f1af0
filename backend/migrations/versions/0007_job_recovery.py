"""job recovery: attempts, heartbeat and retry time on jobs; a delivery state per batch recipient

Revision ID: 0007_job_recovery
Revises: 0006_idempotency_fingerprint
"""
from alembic import op
import sqlalchemy as sa

revision = "0007_job_recovery"
down_revision = "0006_idempotency_fingerprint"
branch_labels = None
depends_on = None

STATE_CHECK = "state IN ('pending', 'sending', 'sent', 'failed', 'skipped')"


def upgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("task_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("retry_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_jobs_state", ["state"], unique=False)
    for table in ("reminder_log", "report_log"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("state", sa.String(length=8), nullable=False, server_default="pending"))
            batch.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
            batch.add_column(sa.Column("last_attempt_at", sa.DateTime(), nullable=True))
            batch.create_check_constraint("state_known", STATE_CHECK)
    # Rows delivered before this revision are sent (or skipped: a report with nothing to say).
    op.execute("UPDATE reminder_log SET state = 'sent', attempts = 1 WHERE emailed_at IS NOT NULL")
    op.execute("UPDATE report_log SET state = CASE WHEN error = 'nothing to report' THEN 'skipped' ELSE 'sent' END,"
               " attempts = 1 WHERE sent_at IS NOT NULL")
    # Jobs from before: the task follows from the kind.
    op.execute("UPDATE jobs SET task_name = CASE kind WHEN 'export' THEN 'exports.theatre_csv'"
               " WHEN 'daily_reminders' THEN 'notifications.daily_reminders'"
               " WHEN 'monthly_reports' THEN 'reports.monthly_reports'"
               " WHEN 'forecast' THEN 'popularity.nightly_forecast' END")


def downgrade():
    for table in ("report_log", "reminder_log"):
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_state_known"), type_="check")
            batch.drop_column("last_attempt_at")
            batch.drop_column("attempts")
            batch.drop_column("state")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_index("ix_jobs_state")
        batch.drop_column("retry_at")
        batch.drop_column("heartbeat_at")
        batch.drop_column("attempts")
        batch.drop_column("task_name")
