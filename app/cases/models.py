"""The Case aggregate of every family and its append-only timeline."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm import attributes as orm_attributes

from app.auth.models import User
from app.core.calendar import local_today
from app.core.text import fold
from app.extensions import db
from app.orgs.models import Organisation, path_range, utcnow
from workflows.registry import ALL_STATES, WORKFLOWS, get_workflow
from workflows.vocab import CHANNELS, INTAKE_FORMS, SUBJECT_CATEGORIES, SUBJECT_KINDS

#: Room for the folded subject name: folding rarely lengthens a name (a decomposed Hangul
#: syllable, a dotted capital I), and the key is cut to fit.
SUBJECT_KEY_LENGTH = 255


def subject_key_of(name: str | None) -> str:
    """Case.subject_key: the subject's name folded (no diacritics, "đ" as "d", lower-case,
    single spaces), cut to the column's length."""
    return fold(name)[:SUBJECT_KEY_LENGTH]


def _in(column: str, values) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(sorted(values)), name=column)


class Case(db.Model):
    __tablename__ = "case_file"
    __table_args__ = (
        _in("family", WORKFLOWS),
        _in("state", ALL_STATES),
        _in("channel", CHANNELS),
        _in("intake_form", INTAKE_FORMS),
        _in("subject_kind", SUBJECT_KINDS),
        sa.CheckConstraint(
            sa.or_(sa.column("subject_category").is_(None),
                   sa.column("subject_category").in_(sorted(SUBJECT_CATEGORIES))),
            name="subject_category",
        ),
        sa.Index("ix_case_file_org_state", "org_id", "state"),
        sa.Index("ix_case_file_family_state_due", "family", "state", "due_on", "id"),
        #: The list's sorts, walked in order with a LIMIT and a keyset condition (id breaks
        #: ties): national lists, one unit's list, a family and state filter.
        sa.Index("ix_case_file_received", "received_on", "id"),
        sa.Index("ix_case_file_org_received", "org_id", "received_on", "id"),
        sa.Index("ix_case_file_family_state_received", "family", "state", "received_on", "id"),
        sa.Index("ix_case_file_due_id", "due_on", "id"),
        sa.Index("ix_case_file_updated", "updated_at", "id"),
        #: Phrase search (LIKE '%phrase%') on PostgreSQL; SQLite has the case_search FTS5 table.
        sa.Index("ix_case_file_search_trgm", "search_text", postgresql_using="gin",
                 postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        #: The home page's queues: one state at a time, soonest deadline first.
        sa.Index("ix_case_file_state_due", "state", "due_on", "id"),
        #: A subtree's queues and counts state by state: one range of org_path each.
        sa.Index("ix_case_file_state_path_due", "state", "org_path", "due_on", "id",
                 postgresql_include=["family"]),
        #: The list's deadline filters (overdue, due by): the running deadlines with every
        #: sort key, so a page sorts its matches from the index alone (PostgreSQL).
        sa.Index("ix_case_file_running_due", "due_on", "id",
                 postgresql_include=["received_on", "updated_at", "org_id", "family", "state"],
                 postgresql_where=sa.text("due_on IS NOT NULL")).ddl_if(dialect="postgresql"),
        #: A letter's duplicate check: the letters about the same subject, latest first.
        sa.Index("ix_case_file_subject_key", "family", "subject_key", "received_on", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Human reference, "GS-2026-000123": family prefix, year of receipt, id.
    code: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    family: Mapped[str] = mapped_column(sa.String(20))
    #: Family-specific sub-type: supervision kind, letter kind, dialogue kind, critique kind.
    kind: Mapped[str | None] = mapped_column(sa.String(20))
    channel: Mapped[str] = mapped_column(sa.String(20))
    intake_form: Mapped[str] = mapped_column(sa.String(20))
    state: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(300))
    #: What is supervised or critiqued (nội dung giám sát, trích yếu): document titles are
    #: composed from it ("Về việc thành lập Đoàn giám sát {subject_matter}"), never from the
    #: title, which may already say "Giám sát …".
    subject_matter: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")

    subject_kind: Mapped[str] = mapped_column(sa.String(20), default="organisation")
    subject_name: Mapped[str] = mapped_column(sa.String(255), default="")
    subject_category: Mapped[str | None] = mapped_column(sa.String(20))
    subject_position: Mapped[str] = mapped_column(sa.String(255), default="")
    subject_unit: Mapped[str] = mapped_column(sa.String(255), default="")
    #: The Party committee managing the person (results of 124/44 supervision go there).
    subject_party_committee: Mapped[str] = mapped_column(sa.String(255), default="")

    #: The reporter's identity is never on this row: it is sealed in app.identity.
    is_anonymous: Mapped[bool] = mapped_column(default=False)

    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    #: The path of the case's unit (Organisation.path), kept here so that a subtree's cases are
    #: one range of an index (`in_subtree`): set whenever the case's unit is set
    #: (`_keep_org_path`) and rewritten when a unit moves with its subtree
    #: (app.cases.services). Compared bytewise: COLLATE "C" on PostgreSQL, SQLite's BINARY.
    org_path: Mapped[str] = mapped_column(
        sa.String(400).with_variant(sa.String(400, collation="C"), "postgresql"))
    #: A linked case: a recommendation's supervision, a second complaint's first one.
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    received_on: Mapped[date]
    #: The running deadline, if any, and the rule that set it.
    due_on: Mapped[date | None] = mapped_column(index=True)
    due_rule: Mapped[str | None] = mapped_column(sa.String(60))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: Folded (no diacritics, lower-case) title, summary, subject and code, for search.
    #: Never holds a reporter's identity.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: The subject's name folded (`subject_key_of`): letters about the same subject share it.
    subject_key: Mapped[str] = mapped_column(sa.String(SUBJECT_KEY_LENGTH), default="",
                                             server_default="")
    #: Optimistic lock: every UPDATE checks and bumps it.
    version: Mapped[int] = mapped_column(default=1)

    org: Mapped[Organisation] = relationship(lazy="joined")
    parent: Mapped[Case | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Case]] = relationship(back_populates="parent")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="save-update, merge",
        passive_deletes="all",
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Case {self.code} {self.family}:{self.state}>"

    @property
    def workflow(self):
        return get_workflow(self.family)

    @property
    def state_label(self):
        return self.workflow.state(self.state).label

    @property
    def is_open(self) -> bool:
        return not self.workflow.state(self.state).is_terminal

    def is_overdue(self, today: date | None = None) -> bool:
        return self.due_on is not None and self.due_on < (today or local_today())

    def takes(self, record: str) -> bool:
        """`record` (a feature's: "plan", "points"…) may be written in the current state, as
        the workflow says (workflows.base.State.records)."""
        return record in self.workflow.state(self.state).records


class CaseEvent(db.Model):
    """One line of a case's timeline and audit trail; rows are never updated or deleted."""

    __tablename__ = "case_event"
    __table_args__ = (
        #: Also serves every "events of this case" lookup (case_id is its leading column).
        sa.Index("ix_case_event_case_id_seq", "case_id", "seq", unique=True),
        #: A case's state at a moment (statistics): its last transition before it, read
        #: backwards from the index without touching the table on PostgreSQL.
        sa.Index("ix_case_event_state_at", "case_id", "created_at", "id",
                 postgresql_where=sa.text("to_state IS NOT NULL"),
                 postgresql_include=["to_state"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"))
    #: None for the system (scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The trigger fired, or a non-transition action code ("open", "edit", ...).
    action: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: Untranslated structured details (Indico-style), shown by the timeline template.
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Position in the case's hash chain, 1..n in id order (app.cases.audit).
    seq: Mapped[int]
    #: The previous event's `hash` (app.cases.audit.GENESIS for the first one).
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    #: Hex SHA-256 of this event's content and `prev_hash`.
    hash: Mapped[str] = mapped_column(sa.String(64))

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship(lazy="joined")


class AuditHead(db.Model):
    """The anchor of a case's hash chain: its last event's seq and hash, so that deleting the
    last events is detected too. `record_event` locks this row while it appends."""

    __tablename__ = "case_audit_head"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(default=0)
    hash: Mapped[str] = mapped_column(sa.String(64))


class CaseHandler(db.Model):
    """A user named to handle a case (người được giao xử lý); with the unit's leader, the only
    people who may see a sealed reporter identity."""

    __tablename__ = "case_handler"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    added_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")


class Attachment(db.Model):
    """A file received or produced in a case, kept in the database (shared by all app servers).

    Checked and stored through app.core.uploads."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    #: What it belongs to: "working_session", "dialogue", "reply", "case".
    owner_kind: Mapped[str] = mapped_column(sa.String(30), default="case")
    owner_id: Mapped[int | None]
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class AppendOnlyError(RuntimeError):
    pass


def in_subtree(path: str):
    """SQL condition: the case's unit lies under the unit whose path is `path` (itself
    included): one range of org_path."""
    return path_range(Case.org_path, path)


@event.listens_for(Case, "before_insert")
@event.listens_for(Case, "before_update")
def _keep_org_path(mapper, connection, target):
    """org_path follows the case's unit whenever a case is written with a new unit."""
    # get_history reads the one attribute; inspect(target).attrs built all 37 of them first.
    if target.org_path and not orm_attributes.get_history(target, "org_id").has_changes():
        return
    org = sa.inspect(target).dict.get("org")  # never a lazy load inside the flush
    target.org_path = org.path if org is not None and org.id == target.org_id else (
        connection.scalar(sa.select(Organisation.path).where(Organisation.id == target.org_id)))


@event.listens_for(CaseEvent, "before_update")
def _refuse_update(mapper, connection, target):
    raise AppendOnlyError("case events are append-only")


@event.listens_for(CaseEvent, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AppendOnlyError("case events are append-only")


#: SQLite's search index: an FTS5 table with the trigram tokenizer over case_file.search_text
#: (external content, kept in step by triggers), so that LIKE '%phrase%' reads an index there
#: too. The migration a1b2c3d4e5f6 creates the same objects.
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

sa.event.listen(Case.__table__, "before_create", sa.DDL(
    "CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))
for _statement in SQLITE_SEARCH_DDL:
    sa.event.listen(Case.__table__, "after_create",
                    sa.DDL(_statement).execute_if(dialect="sqlite"))
sa.event.listen(Case.__table__, "after_drop",
                sa.DDL("DROP TABLE IF EXISTS case_search").execute_if(dialect="sqlite"))
