"""officers' notifications: the inbox and each user's choice per kind

Revision ID: b16a0n071f1c
Revises: cb358ef923f4
Create Date: 2026-12-01 17:10:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b16a0n071f1c'
down_revision = 'cb358ef923f4'
branch_labels = None
depends_on = None

KINDS = ('approval_requested', 'assignment', 'critique_invitation', 'deadline_passed',
         'deadline_soon', 'portal_letter', 'portal_reply', 'recommendation_overdue')
MODES = ('digest', 'immediate', 'off')


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade():
    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint(_in('kind', KINDS), name=op.f('ck_notification_kind')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_notification_case_id_case_file')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_inbox', ['user_id', 'id'], unique=False)
        batch_op.create_index('ix_notification_unread', ['user_id', 'read_at', 'id'], unique=False)

    op.create_table('notification_preference',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.CheckConstraint(_in('mode', MODES), name=op.f('ck_notification_preference_mode')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_notification_preference_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'kind', name=op.f('pk_notification_preference'))
    )
    op.create_table('notification_cursor',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_notification_cursor'))
    )
    # An existing install starts the fan-out after the timeline it has: the deadline lines
    # written before notifications existed are not told again. A new database gets no row,
    # so it stays empty for `flask restore` (app/backup.py restores only into an empty one).
    op.execute("INSERT INTO notification_cursor (name, last_id) "
               "SELECT 'fanout', MAX(id) FROM case_event HAVING MAX(id) IS NOT NULL")


def downgrade():
    op.drop_table('notification_cursor')
    op.drop_table('notification_preference')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_unread')
        batch_op.drop_index('ix_notification_inbox')
    op.drop_table('notification')
