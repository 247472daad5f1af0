"""staff roles: theatres assigned to managers and scanners

Revision ID: 0008_staff_roles
Revises: 0007_job_recovery
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_staff_roles'
down_revision = '0007_job_recovery'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_theatres',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('theatre_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_theatres_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['theatre_id'], ['theatres.id'], name=op.f('fk_staff_theatres_theatre_id_theatres')),
    sa.PrimaryKeyConstraint('user_id', 'theatre_id', name=op.f('pk_staff_theatres'))
    )
    with op.batch_alter_table('staff_theatres', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_theatres_theatre_id'), ['theatre_id'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_theatres', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_theatres_theatre_id'))
    op.drop_table('staff_theatres')
