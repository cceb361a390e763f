"""indexes for the home page's queues, the case page and the duplicate check

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2026-11-30 21:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2c3d4e5f6a7'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    # The home page's queues read one state at a time in due order (due_on ASC NULLS LAST, id
    # is PostgreSQL's ascending order) and stop at their limit.
    op.create_index("ix_case_file_state_due", "case_file", ["state", "due_on", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # The widest warning window of a running deadline, read off the index's end, bounds
        # the walk of the cases due soon.
        op.create_index("ix_case_deadline_warn_span", "case_deadline",
                        [sa.text("(due_on - warn_on)")],
                        postgresql_where=sa.text("status = 'running'"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_case_deadline_warn_span", table_name="case_deadline")
    op.drop_index("ix_case_file_state_due", table_name="case_file")
