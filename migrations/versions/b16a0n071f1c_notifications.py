"""officers' notifications: the inbox and each user's choice per kind

Revision ID: b16a0n071f1c
Revises: cb358ef923f4
Create Date: 2026-12-01 17:10:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'b16a0n071f1c'
down_revision = 'cb358ef923f4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
