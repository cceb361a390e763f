"""API tokens: per user, hashed, with scopes, expiry and revocation

Revision ID: b16c0ap170ce
Revises: b16b0p0r7a10
Create Date: 2026-12-01 17:10:00

"""
import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401


# revision identifiers, used by Alembic.
revision = 'b16c0ap170ce'
down_revision = 'b16b0p0r7a10'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
