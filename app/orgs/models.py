"""The union's organisation tree with dated parent links (units merge and dissolve)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.text import fold
from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


def path_range(column, path: str):
    """SQL condition: `column`, a copy of a unit's path compared bytewise, lies under the unit
    whose path is `path` (itself included): "/1/4/" <= column < "/1/40", since "0" follows "/".
    One range of an index, where a prefix LIKE needs a pattern index and SQLite's
    case-insensitive LIKE none at all."""
    return sa.and_(column >= path, column < path[:-1] + "0")


def name_matches(q: str):
    """SQL condition: the unit's name, label or short name holds `q`, with or without its
    accents ("ha tinh", "HÀ TĨNH" and "Hà Tĩnh" all find "LĐLĐ tỉnh Hà Tĩnh"); wildcards are
    literal. Both sides are folded: Organisation.search_text and the query."""
    return Organisation.search_text.contains(fold(q), autoescape=True)


class Organisation(db.Model):
    __tablename__ = "organisation"
    __table_args__ = (
        sa.CheckConstraint("level BETWEEN 1 AND 4", name="level"),
        #: A subtree's prefix match (LIKE '/1/4/%') on PostgreSQL, whose collation keeps a
        #: plain btree from serving LIKE.
        sa.Index("ix_organisation_path_pattern", "path",
                 postgresql_ops={"path": "varchar_pattern_ops"}).ddl_if(dialect="postgresql"),
        #: The unit search (LIKE '%phrase%') on PostgreSQL; SQLite scans the column.
        sa.Index("ix_organisation_search_trgm", "search_text", postgresql_using="gin",
                 postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    #: Used in document numbers: "Số: 05/QĐ-LĐLĐ".
    short_name: Mapped[str] = mapped_column(sa.String(40))
    #: How lists, menus and choices name the unit, short and unambiguous ("LĐLĐ Hà Tĩnh",
    #: "CĐCS Thép Vũng Áng"), where the short name is the same for every province; empty: the
    #: name (`display_name`).
    label: Mapped[str] = mapped_column(sa.String(80), default="", server_default="")
    #: The name printed in the header of documents when it is too long for its column
    #: ("LĐLĐ TỈNH BÀ RỊA - VŨNG TÀU" for a long name); empty: the name.
    header_name: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    #: Used in the date line: "Hà Tĩnh, ngày 05 tháng 01 năm 2026".
    place_name: Mapped[str] = mapped_column(sa.String(120))
    #: 1 TLĐ, 2 province/sector, 3 directly above grassroots, 4 grassroots (Luật Công đoàn 2024 Điều 8).
    level: Mapped[int] = mapped_column(sa.SmallInteger)
    #: The current parent; history lives in OrgParentLink.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    #: Materialised path of ids, "/1/4/9/": a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(sa.String(400), index=True, default="")
    dissolved_on: Mapped[date | None]
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: `search_text_of` the names, what the unit searches match: "ha tinh" finds "Hà Tĩnh".
    #: Kept by `_keep_search_text` on every ORM write; bulk inserts fill it themselves.
    search_text: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    parent: Mapped[Organisation | None] = relationship(
        remote_side=[id], foreign_keys=[parent_id]
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.short_name}>"

    @hybrid_property
    def display_name(self) -> str:
        """The unit as lists and choices name it: its label, else its full name."""
        return self.label or self.name

    @display_name.inplace.expression
    @classmethod
    def _display_name_expression(cls):
        return sa.case((cls.label != "", cls.label), else_=cls.name)

    @property
    def is_active(self) -> bool:
        return self.dissolved_on is None

    def contains(self, other: Organisation) -> bool:
        """True when `other` is this unit or lies below it."""
        return other.path.startswith(self.path)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


def search_text_of(name: str | None, label: str | None, short_name: str | None) -> str:
    """Organisation.search_text: the name, label and short name folded (no diacritics, "đ" as
    "d", lower-case), so a search folded the same way matches with or without accents."""
    return fold(" ".join(filter(None, (name, label, short_name))))


@sa.event.listens_for(Organisation, "before_insert")
@sa.event.listens_for(Organisation, "before_update")
def _keep_search_text(mapper, connection, target):
    """search_text follows the names on every write, whichever writer changed them: a
    mapper event, so no service, script or test helper can forget it."""
    state = sa.inspect(target)
    if state.has_identity and not any(
            getattr(state.attrs, name).history.has_changes()
            for name in ("name", "label", "short_name")):
        return
    target.search_text = search_text_of(target.name, target.label, target.short_name)


class OrgParentLink(db.Model):
    """Which unit was the parent of which, and when."""

    __tablename__ = "org_parent_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    parent_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    valid_from: Mapped[date]
    #: Set when the unit moves on; `app.orgs.queries.tree_on` reads the links ended after a day.
    valid_to: Mapped[date | None] = mapped_column(index=True)


def indented(org: Organisation) -> str:
    """A unit in a choice list of the tree: indented by its level, named by its label."""
    return "— " * (org.level - 1) + org.display_name


#: gin_trgm_ops of the unit search index comes from pg_trgm, made before the table (the
#: cases' search index, app.cases.models, needs it too).
sa.event.listen(Organisation.__table__, "before_create", sa.DDL(
    "CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
