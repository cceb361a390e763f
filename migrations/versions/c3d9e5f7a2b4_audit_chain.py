"""hash-chained timeline (tamper-evident audit trail)

Revision ID: c3d9e5f7a2b4
Revises: b7e1a0c4d2f1
Create Date: 2026-11-30 18:45:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'c3d9e5f7a2b4'
down_revision = 'b7e1a0c4d2f1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
