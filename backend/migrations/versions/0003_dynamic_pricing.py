"""dynamic pricing

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:46:56.923507

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('price_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('screening_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('previous_price', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('seats_sold', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['screening_id'], ['screenings.id'], name=op.f('fk_price_changes_screening_id_screenings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_price_changes'))
    )
    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.create_index('ix_price_changes_screening', ['screening_id', 'changed_at'], unique=False)

    # Existing screenings keep their price as the base: nothing was dynamic before this revision.
    op.add_column('screenings', sa.Column('base_price', sa.Integer(), nullable=True))
    op.execute("UPDATE screenings SET base_price = price")
    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.alter_column('base_price', existing_type=sa.Integer(), nullable=False)
        batch_op.add_column(sa.Column('previous_price', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('base_price_non_negative', 'base_price >= 0')

    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dynamic_pricing', sa.Boolean(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('price_floor_pct', sa.Integer(), server_default=sa.text('80'), nullable=False))
        batch_op.add_column(sa.Column('price_ceiling_pct', sa.Integer(), server_default=sa.text('150'), nullable=False))
        batch_op.create_check_constraint(
            'dynamic_pricing_bounds',
            'price_floor_pct BETWEEN 10 AND 100 AND price_ceiling_pct BETWEEN 100 AND 500')



def downgrade():
    with op.batch_alter_table('shows', schema=None) as batch_op:
        batch_op.drop_constraint('dynamic_pricing_bounds', type_='check')
        batch_op.drop_column('price_ceiling_pct')
        batch_op.drop_column('price_floor_pct')
        batch_op.drop_column('dynamic_pricing')

    with op.batch_alter_table('screenings', schema=None) as batch_op:
        batch_op.drop_constraint('base_price_non_negative', type_='check')
        batch_op.drop_column('previous_price')
        batch_op.drop_column('base_price')

    with op.batch_alter_table('price_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_price_changes_screening')

    op.drop_table('price_changes')
