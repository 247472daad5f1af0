"""Job summaries as a code with parameters (jobs.summary_code, jobs.summary_params), beside the English
`summary`: answers word the summary in the reader's language from them (jobs/wording.py). Older rows keep
their English summary and have no code.

Revision ID: 0020_job_summary_codes
Revises: 0019_booking_notices
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_job_summary_codes"
down_revision = "0019_booking_notices"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("summary_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("summary_params", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("summary_params")
        batch.drop_column("summary_code")
