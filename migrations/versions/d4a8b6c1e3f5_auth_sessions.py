"""sessions that end on logout, password change and deactivation

Revision ID: d4a8b6c1e3f5
Revises: c3d9e5f7a2b4
Create Date: 2026-11-30 18:45:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'd4a8b6c1e3f5'
down_revision = 'c3d9e5f7a2b4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
