"""Employers a grassroots union covers and their yearly duties at the workplace: dialogue (Bộ luật
Lao động 2019 Điều 63–64, Nghị định 145/2020), the workers' conference, the regulations on
democracy at the workplace and the People's Inspection Board (Luật Thực hiện dân chủ ở cơ sở
2022, chương IV); and the records of a dialogue case: its details, items and participants."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import Organisation, utcnow

__all__ = ["DemocracyRegulation", "DialogueItem", "DialogueParticipant", "DialogueRecord",
           "Employer", "EmployerHeadcount", "InspectionBoard", "InspectionReport",
           "WorkersConference"]

SIDES = ("workers", "employer")
SOURCES = ("mandatory", "workers", "employer")
REGULATION_KINDS = ("issued", "updated")


def _in(column: str, values) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(values), name=column)


class Employer(db.Model):
    """Doanh nghiệp, cơ quan, đơn vị: a workplace covered by a grassroots union (org)."""

    __tablename__ = "employer"
    __table_args__ = (
        #: The employers of a unit by name (the unit's list, the duties page).
        sa.Index("ix_employer_org_name", "org_id", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The grassroots union that covers it.
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    name: Mapped[str] = mapped_column(sa.String(255))
    #: Mã số thuế: 10 digits, or 10 digits, a dash and 3 for a branch; unique when given.
    tax_code: Mapped[str | None] = mapped_column(sa.String(14), unique=True)
    address: Mapped[str] = mapped_column(sa.String(255), default="")
    sector: Mapped[str] = mapped_column(sa.String(120), default="")
    kind: Mapped[str] = mapped_column(sa.String(20), default="enterprise")
    #: Legal representative (người đại diện theo pháp luật): prefilled on the dialogue's
    #: employer side.
    representative: Mapped[str] = mapped_column(sa.String(255), default="")
    #: The day the union began to cover it: the first yearly duties count from here.
    covered_since: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    org: Mapped[Organisation] = relationship(lazy="joined")
    headcounts: Mapped[list[EmployerHeadcount]] = relationship(
        order_by="EmployerHeadcount.as_of.desc()", back_populates="employer")

    def __repr__(self) -> str:
        return f"<Employer {self.id} {self.name}>"

    def workers_on(self, day: date) -> int | None:
        """The number of workers declared on or before `day` (the latest such), None if none."""
        for row in self.headcounts:
            if row.as_of <= day:
                return row.workers
        return None


class EmployerHeadcount(db.Model):
    """The number of workers on a day (the minimum of participants and the duty to issue
    democracy regulations follow it)."""

    __tablename__ = "employer_headcount"
    __table_args__ = (sa.UniqueConstraint("employer_id", "as_of", name="employer_day"),
                      sa.CheckConstraint("workers >= 0", name="workers"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"))
    as_of: Mapped[date]
    workers: Mapped[int]
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    employer: Mapped[Employer] = relationship(back_populates="headcounts")


class WorkersConference(db.Model):
    """Hội nghị người lao động held at an employer (Luật Thực hiện dân chủ ở cơ sở 2022)."""

    __tablename__ = "workers_conference"
    __table_args__ = (sa.Index("ix_workers_conference_employer_day", "employer_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"))
    held_on: Mapped[date]
    participants: Mapped[int]
    resolutions: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class DemocracyRegulation(db.Model):
    """The employer's regulations on democracy at the workplace, issued or updated."""

    __tablename__ = "democracy_regulation"
    __table_args__ = (_in("kind", REGULATION_KINDS),
                      sa.Index("ix_democracy_regulation_employer_day", "employer_id",
                               "issued_on"))

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"))
    kind: Mapped[str] = mapped_column(sa.String(10), default="issued")
    issued_on: Mapped[date]
    #: Số, ký hiệu of the employer's decision.
    reference: Mapped[str] = mapped_column(sa.String(100), default="")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class InspectionBoard(db.Model):
    """Ban thanh tra nhân dân of a public service unit or agency, per term."""

    __tablename__ = "inspection_board"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    elected_on: Mapped[date]
    #: One member per line.
    members: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    reports: Mapped[list[InspectionReport]] = relationship(
        order_by="InspectionReport.reported_on.desc()", back_populates="board")


class InspectionReport(db.Model):
    """A report of the People's Inspection Board (to the workers' conference, on a matter)."""

    __tablename__ = "inspection_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(sa.ForeignKey("inspection_board.id"), index=True)
    reported_on: Mapped[date]
    content: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    board: Mapped[InspectionBoard] = relationship(back_populates="reports")


class DialogueRecord(db.Model):
    """What a dialogue case holds beside the case: the employer, why it is held (Case.kind:
    periodic, on_request, on_event), when and where, and the dates of its steps."""

    __tablename__ = "dialogue_record"
    __table_args__ = (
        #: An employer's dialogues by the day they were held (the yearly duty, the statistics).
        sa.Index("ix_dialogue_record_employer_held", "employer_id", "held_on"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"))
    #: On request: which side asked, and when.
    requested_by: Mapped[str | None] = mapped_column(sa.String(10))
    requested_on: Mapped[date | None]
    #: On an event: which event of Điều 63(2)(c) (workflows.vocab.DIALOGUE_EVENTS).
    event: Mapped[str | None] = mapped_column(sa.String(20))
    scheduled_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(255), default="")
    agenda_sent_on: Mapped[date | None]
    held_on: Mapped[date | None]
    #: The workforce the minimum of participants was checked against.
    workers: Mapped[int | None]
    published_on: Mapped[date | None]
    #: How the minutes were made public (notice board, meeting, internal network…).
    published_how: Mapped[str] = mapped_column(sa.String(255), default="")

    employer: Mapped[Employer] = relationship(lazy="joined")


class DialogueItem(db.Model):
    """One item of a dialogue's content: gathered before, decided at the dialogue (agreed or
    not), and an agreed item followed up to done or not done."""

    __tablename__ = "dialogue_item"
    __table_args__ = (
        _in("source", SOURCES),
        sa.CheckConstraint("outcome IS NULL OR outcome IN ('agreed', 'not_agreed')",
                           name="outcome"),
        sa.CheckConstraint("status IS NULL OR status IN ('done', 'not_done')", name="status"),
        #: Agreed items still to be followed up, by due date (the home page, the statistics).
        sa.Index("ix_dialogue_item_follow", "outcome", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(sa.String(10))
    text: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str | None] = mapped_column(sa.String(12))
    #: What was agreed (who does what), or why it was not.
    outcome_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: An agreed item: by when it is to be done.
    due_on: Mapped[date | None]
    status: Mapped[str | None] = mapped_column(sa.String(10))
    status_on: Mapped[date | None]
    status_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: A supervision opened from a not-agreed item.
    opened_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id"))


class DialogueParticipant(db.Model):
    """Someone who took part for one side; those who sign the minutes are marked."""

    __tablename__ = "dialogue_participant"
    __table_args__ = (_in("side", SIDES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    side: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[str] = mapped_column(sa.String(255))
    position: Mapped[str] = mapped_column(sa.String(255), default="")
    signs: Mapped[bool] = mapped_column(default=False)
