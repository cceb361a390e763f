"""Supervision records around a case: plan, delegation, working and dialogue sessions,
report versions and the unit's annual programme."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow

DELEGATION_ROLES = ("leader", "deputy", "member", "secretary")


class SupervisionPlan(db.Model):
    """Kế hoạch giám sát (44/HD-TLĐ): one per case, edited until the committee approves it."""

    __tablename__ = "supervision_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), unique=True)
    purpose: Mapped[str] = mapped_column(sa.Text, default="")
    content: Mapped[str] = mapped_column(sa.Text, default="")
    form: Mapped[str] = mapped_column(sa.Text, default="")
    place: Mapped[str] = mapped_column(sa.String(255), default="")
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    #: What the subject must prepare (outline of its own report).
    subject_preparation: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)


class DelegationMember(db.Model):
    """A member of the đoàn giám sát named by the decision."""

    __tablename__ = "delegation_member"
    __table_args__ = (
        sa.CheckConstraint(sa.column("role").in_(DELEGATION_ROLES), name="role"),
        sa.UniqueConstraint("case_id", "user_id", name="case_user"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    #: The member's account, when they use the system; outside members have only a name.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    position: Mapped[str] = mapped_column(sa.String(255), default="")
    role: Mapped[str] = mapped_column(sa.String(20))

    user = relationship("User")


class WorkingSession(db.Model):
    """Buổi làm việc of the delegation with the subject, with its minutes."""

    __tablename__ = "working_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(255), default="")
    participants: Mapped[str] = mapped_column(sa.Text, default="")
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    documents_received: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class DialogueSession(db.Model):
    """Đối thoại with the supervised party (BLLĐ 2019 Điều 63): both sides, agreed and not."""

    __tablename__ = "dialogue_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    held_on: Mapped[date]
    #: One participant per line.
    union_side: Mapped[str] = mapped_column(sa.Text, default="")
    other_side: Mapped[str] = mapped_column(sa.Text, default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")
    agreed: Mapped[str] = mapped_column(sa.Text, default="")
    not_agreed: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SupervisionReport(db.Model):
    """One version of the report (báo cáo kết quả giám sát); frozen once approved."""

    __tablename__ = "supervision_report"
    __table_args__ = (sa.UniqueConstraint("case_id", "version", name="case_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    version: Mapped[int] = mapped_column(default=1)
    #: [{"item", "strengths", "shortcomings", "causes"}] per content item.
    findings: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: [{"addressee", "text", "due_days"}]: become recommendation cases when issued.
    recommendations: Mapped[list] = mapped_column(sa.JSON, default=list)
    conclusion: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    author = relationship("User", foreign_keys=[author_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])

    @property
    def is_frozen(self) -> bool:
        return self.approved_at is not None


class ProgrammeItem(db.Model):
    """A line of the unit's annual supervision programme; linked to its case once started."""

    __tablename__ = "programme_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    subject_name: Mapped[str] = mapped_column(sa.String(255), default="")
    planned_quarter: Mapped[int | None]
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    case = relationship("Case")
