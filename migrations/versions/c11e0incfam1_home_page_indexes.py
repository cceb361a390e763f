"""the home page's state-and-unit index carries each case's family (PostgreSQL: INCLUDE), so a
province's queues and warnings are read from the index alone

Revision ID: c11e0incfam1
Revises: b16d0f01dun1
Create Date: 2026-12-01 21:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c11e0incfam1'
down_revision = 'b16d0f01dun1'
branch_labels = None
depends_on = None

COLUMNS = ["state", "org_path", "due_on", "id"]


def upgrade():
    if op.get_bind().dialect.name != "postgresql":  # SQLite has no INCLUDE: its index stays
        return
    op.drop_index("ix_case_file_state_path_due", table_name="case_file")
    op.create_index("ix_case_file_state_path_due", "case_file", COLUMNS,
                    postgresql_include=["family"])


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_case_file_state_path_due", table_name="case_file")
    op.create_index("ix_case_file_state_path_due", "case_file", COLUMNS)
