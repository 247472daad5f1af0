"""forecasts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 16:52:36.401719

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('forecast_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('training_samples', sa.Integer(), nullable=False),
    sa.Column('screenings_forecast', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=200), nullable=False),
    sa.Column('validation_mae', sa.Float(), nullable=True),
    sa.Column('baseline_mae', sa.Float(), nullable=True),
    sa.Column('feature_importances', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_forecast_runs'))
    )
    op.create_table('popularity_scores',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('trending', sa.Boolean(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('show', 'theatre')", name=op.f('ck_popularity_scores_kind_known')),
    sa.CheckConstraint('score BETWEEN 0 AND 100', name=op.f('ck_popularity_scores_score_range')),
    sa.PrimaryKeyConstraint('kind', 'subject_id', name=op.f('pk_popularity_scores'))
    )
    op.create_table('screening_forecasts',
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('predicted_occupancy', sa.Float(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('predicted_occupancy BETWEEN 0 AND 1', name=op.f('ck_screening_forecasts_occupancy_range')),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_screening_forecasts_screening_id_screenings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('screening_id', name=op.f('pk_screening_forecasts'))
    )


def downgrade():
    op.drop_table('screening_forecasts')
    op.drop_table('popularity_scores')
    op.drop_table('forecast_runs')
