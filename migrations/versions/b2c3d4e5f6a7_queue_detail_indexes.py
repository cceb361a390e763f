"""indexes for the home page's queues, the case page and the duplicate check

Revision ID: b2c3d4e5f6a7
Revises: a1b2c3d4e5f6
Create Date: 2026-11-30 21:30:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b2c3d4e5f6a7'
down_revision = 'a1b2c3d4e5f6'
branch_labels = None
depends_on = None

#: Rows folded and written per statement by the subject_key backfill.
BATCH = 20_000
_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def fold(value):
    """app.core.text.fold as of this revision (a migration imports nothing from the app; a
    test keeps the two equal)."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def _backfill_subject_key():
    """case_file.subject_key = the folded subject name (cut to 255), by keyset batches."""
    bind = op.get_bind()
    case = sa.table("case_file", sa.column("id", sa.Integer),
                    sa.column("subject_name", sa.String), sa.column("subject_key", sa.String))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(case.c.id, case.c.subject_name)
            .where(case.c.id > last, case.c.subject_name != "")
            .order_by(case.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        keys = [(row[0], fold(row[1])[:255]) for row in rows]
        if bind.dialect.name == "postgresql":
            values = sa.values(sa.column("id", sa.Integer), sa.column("key", sa.String),
                               name="v").data(keys)
            bind.execute(sa.update(case).where(case.c.id == values.c.id)
                         .values(subject_key=values.c.key))
        else:
            bind.execute(sa.update(case).where(case.c.id == sa.bindparam("row_id"))
                         .values(subject_key=sa.bindparam("key")),
                         [{"row_id": i, "key": k} for i, k in keys])


def upgrade():
    # The home page's queues read one state at a time in due order (due_on ASC NULLS LAST, id
    # is PostgreSQL's ascending order) and stop at their limit.
    op.create_index("ix_case_file_state_due", "case_file", ["state", "due_on", "id"])
    # The duplicate check of a letter: the letters about the same subject (folded name),
    # latest first. SQLite adds and drops the column in place (3.35+): a batch copy of the
    # table would lose the search table's triggers on it.
    op.add_column("case_file", sa.Column("subject_key", sa.String(length=255), nullable=False,
                                         server_default=""))
    _backfill_subject_key()
    op.create_index("ix_case_file_subject_key", "case_file",
                    ["family", "subject_key", "received_on", "id"])
    if op.get_bind().dialect.name == "postgresql":
        # The widest warning window of a running deadline, read off the index's end, bounds
        # the walk of the cases due soon.
        op.create_index("ix_case_deadline_warn_span", "case_deadline",
                        [sa.text("(due_on - warn_on)")],
                        postgresql_where=sa.text("status = 'running'"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_case_deadline_warn_span", table_name="case_deadline")
    op.drop_index("ix_case_file_subject_key", table_name="case_file")
    op.drop_column("case_file", "subject_key")
    op.drop_index("ix_case_file_state_due", table_name="case_file")
