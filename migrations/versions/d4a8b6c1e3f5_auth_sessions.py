"""sessions that end on logout, password change and deactivation

Adds user_account.session_token: every session and remember-me cookie carries it, and drawing a
new one ends them all. Existing users get a random token each, so sessions issued before the
upgrade (which carry the bare user id) end and everyone logs in once more. Adds totp_secret and
totp_last_step for the optional second login step.

Revision ID: d4a8b6c1e3f5
Revises: c3d9e5f7a2b4
Create Date: 2026-11-30 18:45:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4a8b6c1e3f5'
down_revision = 'c3d9e5f7a2b4'
branch_labels = None
depends_on = None

user_account = sa.table('user_account', sa.column('id', sa.Integer()),
                        sa.column('session_token', sa.String(64)))


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_token', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('totp_last_step', sa.BigInteger(), nullable=True))

    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(user_account.c.id)).all():
        conn.execute(user_account.update().where(user_account.c.id == user_id)
                     .values(session_token=secrets.token_urlsafe(32)))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('session_token', existing_type=sa.String(length=64),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('totp_secret')
        batch_op.drop_column('session_token')
