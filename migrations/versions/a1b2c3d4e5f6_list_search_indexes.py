"""indexes for the case list's sorts and keyset pages, and the search index

Revision ID: a1b2c3d4e5f6
Revises: e5f2c7d9a1b6
Create Date: 2026-11-30 21:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1b2c3d4e5f6'
down_revision = 'e5f2c7d9a1b6'
branch_labels = None
depends_on = None

#: (name, columns): each sort of the list walked in order, alone or after a common filter.
SORT_INDEXES = (
    ("ix_case_file_received", ["received_on", "id"]),
    ("ix_case_file_org_received", ["org_id", "received_on", "id"]),
    ("ix_case_file_family_state_received", ["family", "state", "received_on", "id"]),
    ("ix_case_file_due_id", ["due_on", "id"]),
    ("ix_case_file_updated", ["updated_at", "id"]),
)

#: SQLite's search index (app.cases.models.SQLITE_SEARCH_DDL, repeated: a migration stays as
#: it was written whatever the models become).
SQLITE_SEARCH_DDL = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS case_search USING fts5(search_text, "
    "content='case_file', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS case_search_insert AFTER INSERT ON case_file BEGIN "
    "INSERT INTO case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS case_search_delete AFTER DELETE ON case_file BEGIN "
    "INSERT INTO case_search(case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS case_search_update AFTER UPDATE OF search_text ON case_file "
    "BEGIN INSERT INTO case_search(case_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO case_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)


def upgrade():
    for name, columns in SORT_INDEXES:
        op.create_index(name, "case_file", columns)
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_case_file_search_trgm", "case_file", ["search_text"],
                        postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"})
        op.create_index("ix_case_file_running_due", "case_file", ["due_on", "id"],
                        postgresql_include=["received_on", "updated_at", "org_id", "family",
                                            "state"],
                        postgresql_where="due_on IS NOT NULL")
        op.create_index("ix_organisation_path_pattern", "organisation", ["path"],
                        postgresql_ops={"path": "varchar_pattern_ops"})
    elif dialect == "sqlite":
        for statement in SQLITE_SEARCH_DDL:
            op.execute(statement)
        op.execute("INSERT INTO case_search(case_search) VALUES ('rebuild')")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.drop_index("ix_organisation_path_pattern", table_name="organisation")
        op.drop_index("ix_case_file_running_due", table_name="case_file")
        op.drop_index("ix_case_file_search_trgm", table_name="case_file")
    elif dialect == "sqlite":
        for trigger in ("case_search_insert", "case_search_delete", "case_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS case_search")
    for name, _columns in reversed(SORT_INDEXES):
        op.drop_index(name, table_name="case_file")
