"""the parent links ended after a day (the organisation tree of a past period)

Revision ID: a9b8c7d6e5f4
Revises: f7a8b9c0d1e2
Create Date: 2026-12-01 10:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a9b8c7d6e5f4'
down_revision = 'f7a8b9c0d1e2'
branch_labels = None
depends_on = None


def upgrade():
    # app.orgs.queries.tree_on(day) reads the links ended after a day (the units moved since):
    # a handful among 10^5 links, one index range instead of a scan of the table.
    op.create_index("ix_org_parent_link_valid_to", "org_parent_link", ["valid_to"])


def downgrade():
    op.drop_index("ix_org_parent_link_valid_to", table_name="org_parent_link")
