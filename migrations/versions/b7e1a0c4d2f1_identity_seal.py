"""identity seals that outlive the letter's kind

Revision ID: b7e1a0c4d2f1
Revises: f4e22a53a4dc
Create Date: 2026-11-30 18:45:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

# revision identifiers, used by Alembic.
revision = 'b7e1a0c4d2f1'
down_revision = 'f4e22a53a4dc'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
