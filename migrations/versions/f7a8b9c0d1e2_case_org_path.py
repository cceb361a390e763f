"""each case carries its unit's path: a subtree's cases are one index range

Revision ID: f7a8b9c0d1e2
Revises: e6f7a8b9c0d1
Create Date: 2026-12-01 04:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f7a8b9c0d1e2'
down_revision = 'e6f7a8b9c0d1'
branch_labels = None
depends_on = None


def upgrade():
    # A province holds ~500 units: its home queues sent their ids as an array per state, and
    # PostgreSQL spent 17 ms planning the work queue alone. With the unit's path on the case, a
    # subtree is a range of one column (bytewise order: COLLATE "C" on PostgreSQL, SQLite's
    # BINARY), read in the index below next to the state. Kept by app.cases.models (a case's
    # unit) and app.cases.services (a unit moved with its subtree).
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.add_column("case_file", sa.Column("org_path", sa.String(400, collation="C"),
                                             nullable=True))
        op.execute("UPDATE case_file SET org_path = organisation.path FROM organisation "
                   "WHERE organisation.id = case_file.org_id")
        op.alter_column("case_file", "org_path", nullable=False)
    else:  # SQLite adds a NOT NULL column only with a default; no batch copy (FTS triggers)
        op.add_column("case_file", sa.Column("org_path", sa.String(400), nullable=False,
                                             server_default=""))
        op.execute("UPDATE case_file SET org_path = (SELECT organisation.path FROM organisation "
                   "WHERE organisation.id = case_file.org_id)")
    op.create_index("ix_case_file_state_path_due", "case_file",
                    ["state", "org_path", "due_on", "id"])


def downgrade():
    op.drop_index("ix_case_file_state_path_due", table_name="case_file")
    op.drop_column("case_file", "org_path")
