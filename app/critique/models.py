"""Social critique (phản biện xã hội) of a draft: the draft and its articles, the forms of
critique (conference, written consultation, direct dialogue), the invited units' comments,
the consolidated points and the drafting body's response to each."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import Organisation, utcnow

__all__ = ["ArticleComment", "Consultation", "ConsultationInvitee", "Critique",
           "CritiqueMeeting", "CritiquePoint", "DraftArticle"]

MEETING_KINDS = ("conference", "dialogue")
POSITIONS = ("agree", "amend", "remove")
RESPONSES = ("taken_in", "explained", "not_taken_in")


def _in(column: str, values) -> sa.CheckConstraint:
    return sa.CheckConstraint(sa.column(column).in_(values), name=column)


class Critique(db.Model):
    """The draft received for critique (one per case)."""

    __tablename__ = "critique"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), unique=True)
    drafting_body: Mapped[str] = mapped_column(sa.String(255))
    #: The day the drafting body will submit the draft for adoption (Luật MTTQ 2015: the draft
    #: must reach the union at least 15 days before it); unknown for a draft logged through the
    #: generic case form. The critique document itself, once approved, is the case's issued
    #: CaseDocument "critique_document" (app.critique.documents), numbered in the unit's register.
    submission_on: Mapped[date | None]


class DraftArticle(db.Model):
    """A section or article of the draft (Điều 1, Mục 2…) that comments and points refer to."""

    __tablename__ = "draft_article"
    __table_args__ = (sa.UniqueConstraint("case_id", "number", name="case_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    position: Mapped[int]
    #: As printed in the draft: "1", "5a", "Mục 2".
    number: Mapped[str] = mapped_column(sa.String(20))
    heading: Mapped[str] = mapped_column(sa.String(300), default="")
    text: Mapped[str] = mapped_column(sa.Text, default="")

    @property
    def reference(self) -> str:
        """"Điều 5" for a bare number, the number as typed otherwise."""
        return f"Điều {self.number}" if self.number[:1].isdigit() else self.number


class CritiqueMeeting(db.Model):
    """A hội nghị phản biện (invitation, then minutes) or a direct dialogue with the drafters."""

    __tablename__ = "critique_meeting"
    __table_args__ = (_in("kind", MEETING_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    held_on: Mapped[date]
    place: Mapped[str] = mapped_column(sa.String(255), default="")
    participants: Mapped[str] = mapped_column(sa.Text, default="")
    #: Empty until the meeting has been held.
    minutes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class Consultation(db.Model):
    """Gửi dự thảo lấy ý kiến: the draft sent to lower units and experts with a deadline."""

    __tablename__ = "critique_consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    deadline: Mapped[date]
    message: Mapped[str] = mapped_column(sa.Text, default="")
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    sent_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    case = relationship("Case")
    invitees: Mapped[list[ConsultationInvitee]] = relationship(
        back_populates="consultation", order_by="ConsultationInvitee.id")


class ConsultationInvitee(db.Model):
    """One addressee of a consultation: a lower unit, or a named expert without an account."""

    __tablename__ = "critique_invitee"
    __table_args__ = (
        sa.UniqueConstraint("consultation_id", "org_id", name="consultation_org"),
        sa.CheckConstraint(sa.or_(sa.column("org_id").isnot(None),
                                  sa.column("expert_name") != ""), name="unit_or_expert"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("critique_consultation.id"),
                                                 index=True)
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    expert_name: Mapped[str] = mapped_column(sa.String(160), default="")
    expert_org: Mapped[str] = mapped_column(sa.String(255), default="")
    expert_email: Mapped[str] = mapped_column(sa.String(200), default="")
    #: First time comments came in; None while the response is missing.
    responded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: The response (or its latest change) came after the deadline.
    is_late: Mapped[bool] = mapped_column(default=False)
    reminder_count: Mapped[int] = mapped_column(default=0)
    reminded_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    consultation: Mapped[Consultation] = relationship(back_populates="invitees")
    org: Mapped[Organisation | None] = relationship()
    comments: Mapped[list[ArticleComment]] = relationship(back_populates="invitee")

    @property
    def name(self) -> str:
        if self.org is not None:
            return self.org.display_name
        return f"{self.expert_name} ({self.expert_org})" if self.expert_org else self.expert_name


class ArticleComment(db.Model):
    """An invitee's comment on one article: agree, propose a change, or propose removal."""

    __tablename__ = "critique_comment"
    __table_args__ = (
        sa.UniqueConstraint("invitee_id", "article_id", name="invitee_article"),
        _in("position", POSITIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invitee_id: Mapped[int] = mapped_column(sa.ForeignKey("critique_invitee.id"), index=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("draft_article.id"), index=True)
    position: Mapped[str] = mapped_column(sa.String(10))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    is_late: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    invitee: Mapped[ConsultationInvitee] = relationship(back_populates="comments")
    author = relationship("User")


class CritiquePoint(db.Model):
    """A point of the consolidated critique and the drafting body's response to it."""

    __tablename__ = "critique_point"
    __table_args__ = (
        sa.CheckConstraint(sa.or_(sa.column("response").is_(None),
                                  sa.column("response").in_(RESPONSES)), name="response"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    position: Mapped[int]
    #: The article the point is about; None for a general point.
    article_id: Mapped[int | None] = mapped_column(sa.ForeignKey("draft_article.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: Tiếp thu / giải trình / không tiếp thu, as the drafting body answered.
    response: Mapped[str | None] = mapped_column(sa.String(20))
    response_text: Mapped[str] = mapped_column(sa.Text, default="")
    responded_on: Mapped[date | None]
    response_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    article: Mapped[DraftArticle | None] = relationship()
