"""the public portal: receipts (code and slow hash of the secret) and the messages with the sender

Revision ID: b16b0p0r7a10
Revises: b16a0n071f1c
Create Date: 2026-12-01 17:10:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'b16b0p0r7a10'
down_revision = 'b16a0n071f1c'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
