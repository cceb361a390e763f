"""authors of drafts and the approver who signs an issued document

Revision ID: e5f2c7d9a1b6
Revises: d4a8b6c1e3f5
Create Date: 2026-11-30 18:45:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'e5f2c7d9a1b6'
down_revision = 'd4a8b6c1e3f5'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
