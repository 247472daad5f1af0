"""Job errors as a code with parameters (jobs.error_code, jobs.error_params), beside the English `error`:
answers word the error in the reader's language from them (jobs/wording.py, JobError). Older rows keep
their English error and have no code.

Revision ID: 0022_job_error_codes
Revises: 0021_email_keys
"""
import sqlalchemy as sa
from alembic import op

revision = "0022_job_error_codes"
down_revision = "0021_email_keys"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(sa.Column("error_code", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("error_params", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("error_params")
        batch.drop_column("error_code")
