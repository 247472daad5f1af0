"""audit log: append-only, UPDATE and DELETE refused by triggers

Revision ID: 0009_audit_log
Revises: 0008_staff_roles
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_audit_log'
down_revision = '0008_staff_roles'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.Text(), nullable=True),
    sa.Column('after', sa.Text(), nullable=True),
    sa.Column('ip', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_entity', ['entity', 'entity_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_actor', ['actor_id', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_at', ['at'], unique=False)
    # Nobody edits history: not an endpoint, not a service, not a slip at the sqlite3 prompt.
    op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be changed'); END")
    op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
               "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: rows cannot be deleted'); END")


def downgrade():
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_delete")
    op.execute("DROP TRIGGER IF EXISTS audit_log_no_update")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_at')
        batch_op.drop_index('ix_audit_log_actor')
        batch_op.drop_index('ix_audit_log_entity')
    op.drop_table('audit_log')
