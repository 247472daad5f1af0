"""E-tickets: check-in time on tickets, ticket ids never reused, revoked tickets, check-in nonces.

The tickets table is rebuilt with AUTOINCREMENT: a ticket's id is in its signed QR code, so an id freed by a
cancellation must never be given to another ticket (the old code would let its holder in).

Revision ID: 0014_tickets
Revises: 0013_clean_one_line_text
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_tickets'
down_revision = '0013_clean_one_line_text'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tickets', schema=None, recreate='always',
                              table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(), nullable=True))
    op.create_table(
        'revoked_tickets',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('screening_id', sa.Integer(), nullable=False),
        sa.Column('seat_label', sa.String(length=16), nullable=False),
        sa.Column('checked_in_at', sa.DateTime(), nullable=True),
        sa.Column('revoked_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['booking_id'], ['bookings.id'], name=op.f('fk_revoked_tickets_booking_id_bookings'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_revoked_tickets')),
    )
    op.create_index('ix_revoked_tickets_booking', 'revoked_tickets', ['booking_id'], unique=False)
    op.create_table(
        'checkin_nonces',
        sa.Column('actor_id', sa.Integer(), nullable=False),
        sa.Column('nonce', sa.String(length=100), nullable=False),
        sa.Column('status', sa.Integer(), nullable=False),
        sa.Column('answer', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('actor_id', 'nonce', name=op.f('pk_checkin_nonces')),
    )


def downgrade():
    op.drop_table('checkin_nonces')
    op.drop_index('ix_revoked_tickets_booking', table_name='revoked_tickets')
    op.drop_table('revoked_tickets')
    with op.batch_alter_table('tickets', schema=None, recreate='always') as batch_op:
        batch_op.drop_column('checked_in_at')
