"""the units' folded names (organisation.search_text), so that a unit search finds
"Hà Tĩnh" from "ha tinh", with its trigram index on PostgreSQL

Revision ID: b16d0f01dun1
Revises: b16c0ap170ce
Create Date: 2026-12-02 09:00:00

"""
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b16d0f01dun1'
down_revision = 'b16c0ap170ce'
branch_labels = None
depends_on = None

#: Units folded and written per statement by the backfill.
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


def search_text_of(name, label, short_name):
    """app.orgs.models.search_text_of as of this revision."""
    return fold(" ".join(filter(None, (name, label, short_name))))


def _backfill_search_text():
    """organisation.search_text = the folded names, by keyset batches."""
    bind = op.get_bind()
    org = sa.table("organisation", sa.column("id", sa.Integer), sa.column("name", sa.String),
                   sa.column("label", sa.String), sa.column("short_name", sa.String),
                   sa.column("search_text", sa.Text))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(org.c.id, org.c.name, org.c.label, org.c.short_name)
            .where(org.c.id > last).order_by(org.c.id).limit(BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        texts = [(row[0], search_text_of(row[1], row[2], row[3])) for row in rows]
        if bind.dialect.name == "postgresql":
            values = sa.values(sa.column("id", sa.Integer), sa.column("text", sa.Text),
                               name="v").data(texts)
            bind.execute(sa.update(org).where(org.c.id == values.c.id)
                         .values(search_text=values.c.text))
        else:
            bind.execute(sa.update(org).where(org.c.id == sa.bindparam("row_id"))
                         .values(search_text=sa.bindparam("text")),
                         [{"row_id": i, "text": t} for i, t in texts])


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='',
                                      nullable=False))
    _backfill_search_text()
    if op.get_bind().dialect.name == "postgresql":
        # LIKE '%phrase%' reads the trigram index (pg_trgm, as the case search does);
        # SQLite scans the one narrow column.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index("ix_organisation_search_trgm", "organisation", ["search_text"],
                        postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_organisation_search_trgm", table_name="organisation")
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('search_text')
