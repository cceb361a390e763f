"""Deadlines of cases, admin-entered calendar days and admin overrides of the rule table."""
from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.core.calendar import local_today
from app.core.deadline_rules import DeadlineRule
from app.extensions import db
from app.orgs.models import utcnow
from workflows.base import Label

__all__ = ["CalendarDay", "CaseDeadline", "DeadlineAudit", "RuleSetting"]

RUNNING, MET, STOPPED, PAUSED = "running", "met", "stopped", "paused"
STATUSES = (RUNNING, MET, STOPPED, PAUSED)
DAY_OFF, WORKING_DAY = "off", "working"

_RULE_FIELDS = frozenset(f.name for f in fields(DeadlineRule))


class CaseDeadline(db.Model):
    """One deadline of a case, kept after it ends: how it was computed, extended and paused."""

    __tablename__ = "case_deadline"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(STATUSES), name="status"),
        sa.Index("ix_case_deadline_status_due", "status", "due_on"),
        #: The widest warning window of a running deadline, read off the index's end: it
        #: bounds the home page's walk of the cases due soon (PostgreSQL).
        sa.Index("ix_case_deadline_warn_span", sa.text("(due_on - warn_on)"),
                 postgresql_where=sa.text("status = 'running'")).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    #: The code the workflow named ("letter.resolve"); re-resolved when the letter changes.
    source_code: Mapped[str | None] = mapped_column(sa.String(60))
    rule_code: Mapped[str] = mapped_column(sa.String(60))
    #: The rule's figures and legal basis when the deadline started (later admin edits apply
    #: to deadlines started afterwards).
    rule: Mapped[dict] = mapped_column(sa.JSON)
    #: The day of the event; the period starts the day after (BLDS 2015 Điều 147).
    start_on: Mapped[date]
    #: The day of the step that started it, when the rule's start event is another day (the
    #: fieldwork's last day, the day a letter was received): start_on is read from the event
    #: again whenever the deadline is recomputed. None: start_on itself.
    event_on: Mapped[date | None]
    #: Duration after modifiers, before extensions.
    days: Mapped[int]
    complexity: Mapped[str] = mapped_column(sa.String(20), default="normal")
    remote: Mapped[bool] = mapped_column(default=False)
    due_on: Mapped[date]
    #: First day of the warning window (due_on minus the rule's warn_before_days).
    warn_on: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default=RUNNING)
    #: Written extension decisions: [{"number", "decided_on", "reason", "days", "by"}].
    extensions: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: Pauses: [{"first": iso, "last": iso or None while paused}], inclusive days not counted.
    pauses: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: How the due date was computed, line by line (Vietnamese, kept as an audit record).
    explanation: Mapped[list] = mapped_column(sa.JSON, default=list)
    started_by: Mapped[str | None] = mapped_column(sa.String(40))
    ended_on: Mapped[date | None]
    ended_by: Mapped[str | None] = mapped_column(sa.String(40))
    warned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    expired_notified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    case = relationship("Case", backref=backref("deadlines", order_by="CaseDeadline.id",
                                                lazy="select"))

    @property
    def rule_obj(self) -> DeadlineRule:
        return DeadlineRule(**{k: v for k, v in self.rule.items() if k in _RULE_FIELDS})

    @property
    def name(self) -> Label:
        return Label(self.rule["name_vi"], self.rule["name_en"])

    @property
    def is_open(self) -> bool:
        return self.status in (RUNNING, PAUSED)

    @property
    def paused_since(self) -> date | None:
        if self.status == PAUSED and self.pauses and self.pauses[-1]["last"] is None:
            return date.fromisoformat(self.pauses[-1]["first"])
        return None

    def is_late(self, today: date | None = None) -> bool:
        """Ended after its due date, or still running past it."""
        if self.status == PAUSED:
            return False
        end = self.ended_on if self.ended_on else (today or local_today())
        return end > self.due_on

    def days_left(self, today: date | None = None) -> int:
        return (self.due_on - (today or local_today())).days

    def is_warning(self, today: date | None = None) -> bool:
        today = today or local_today()
        return self.status == RUNNING and self.warn_on <= today <= self.due_on


class CalendarDay(db.Model):
    """A day off (e.g. a bridge day decided by the Government) or a make-up working day entered
    by an admin; wins over the ``holidays`` package. A day of a unit (`org_id`) is a local day
    off of that unit and every unit below it; the national days have none."""

    __tablename__ = "calendar_day"
    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_((DAY_OFF, WORKING_DAY)), name="kind"),
        sa.UniqueConstraint("day", "org_id", name="uq_calendar_day_day_org"),
        #: One national entry a day (NULLs are distinct in the constraint above).
        sa.Index("uq_calendar_day_national", "day", unique=True,
                 postgresql_where=sa.text("org_id IS NULL"),
                 sqlite_where=sa.text("org_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    #: The unit whose subtree the day off concerns; None: national.
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    #: The decision it comes from ("Thông báo 6150/TB-BNV ...") or the holiday's name.
    note: Mapped[str] = mapped_column(sa.String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    created_by = relationship("User")
    org = relationship("Organisation")


class RuleSetting(db.Model):
    """An admin's override of a default deadline rule's figures."""

    __tablename__ = "deadline_rule_setting"

    code: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    #: Only the editable figures (days, unit, modifiers, extensions, warn days).
    values: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    updated_by = relationship("User")


class DeadlineAudit(db.Model):
    """Who changed the rule table or the calendar, when, and what (append-only)."""

    __tablename__ = "deadline_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: "rule_saved", "rule_reset", "day_added", "day_removed".
    action: Mapped[str] = mapped_column(sa.String(20))
    #: The rule code or the ISO date.
    target: Mapped[str] = mapped_column(sa.String(60))
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", lazy="joined")
