"""a family's cases in a state by due date (the home page's overdue lines)

Revision ID: e6f7a8b9c0d1
Revises: d4e5f6a7b8c9
Create Date: 2026-12-01 04:15:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e6f7a8b9c0d1'
down_revision = 'd4e5f6a7b8c9'
branch_labels = None
depends_on = None


def upgrade():
    # The home page counts a family's overdue cases state by state (family, state, due_on <
    # today): with (family, state) alone PostgreSQL ANDed two bitmaps, one of them every case
    # past its due date (30,000 rows at 10^6 cases, 6 ms). (family, state) is a prefix of this
    # index and of ix_case_file_family_state_received: the old index goes.
    op.create_index("ix_case_file_family_state_due", "case_file",
                    ["family", "state", "due_on", "id"])
    op.drop_index("ix_case_file_family_state", table_name="case_file")


def downgrade():
    op.create_index("ix_case_file_family_state", "case_file", ["family", "state"])
    op.drop_index("ix_case_file_family_state_due", table_name="case_file")
