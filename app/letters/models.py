"""What a letter (đơn thư) carries beyond the case: receipt, classification and links."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow

__all__ = ["ForwardReply", "LetterDetails"]

COMPLEXITY_LEVELS = ("normal", "complex", "especially_complex")
#: What the body a letter was forwarded to did about it: settled it in the sender's favour,
#: partly, not in their favour, or only answered without settling it.
FORWARD_RESULTS = ("upheld", "partly_upheld", "not_upheld", "answered")


class LetterDetails(db.Model):
    """One row per letter case (Case.family == "letter"), reached as ``case.letter``."""

    __tablename__ = "letter_details"
    __table_args__ = (
        sa.CheckConstraint(sa.column("complexity").in_(COMPLEXITY_LEVELS), name="complexity"),
        sa.CheckConstraint("complaint_round IN (1, 2)", name="complaint_round"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), primary_key=True)
    #: The officer who received the letter.
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: Several signers: how many (the names are in the sealed identity, with the representative).
    signer_count: Mapped[int] = mapped_column(default=1)

    # Classification (phân loại): None while not yet decided.
    is_valid: Mapped[bool | None]
    invalid_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: An anonymous letter is processed only when both hold (Luật Tố cáo 2018, Điều 25).
    names_violator: Mapped[bool] = mapped_column(default=False)
    has_evidence: Mapped[bool] = mapped_column(default=False)
    within_competence: Mapped[bool | None]
    #: The body it is forwarded to, when not within the union's competence.
    competent_body: Mapped[str] = mapped_column(sa.String(255), default="")
    #: Deadline modifiers (domain.md §5).
    complexity: Mapped[str] = mapped_column(sa.String(20), default="normal")
    remote_area: Mapped[bool] = mapped_column(default=False)
    #: 2 for a second complaint (khiếu nại lần hai); the first one is Case.parent.
    complaint_round: Mapped[int] = mapped_column(default=1)
    #: Same-content letter this one is handled with (the earlier one).
    duplicate_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id"),
                                                        index=True)
    forwarded_on: Mapped[date | None]
    #: The superior of the receiving body an unanswered forward was escalated to ("" if none).
    escalated_to: Mapped[str] = mapped_column(sa.String(255), default="", server_default="")

    case = relationship("Case", foreign_keys=[case_id],
                        backref=backref("letter", uselist=False, lazy="select"))
    duplicate_of = relationship("Case", foreign_keys=[duplicate_of_id])
    received_by = relationship("User", foreign_keys=[received_by_id])


class ForwardReply(db.Model):
    """The answer of the body a letter was forwarded to, as the officer recorded it. Holds no
    sender: a denunciation's denouncer never reaches it."""

    __tablename__ = "letter_forward_reply"
    __table_args__ = (
        sa.CheckConstraint(sa.column("result").in_(FORWARD_RESULTS), name="result"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    received_on: Mapped[date]
    #: The receiving body's document (số, ký hiệu) and its date, when it answered in writing.
    document_number: Mapped[str] = mapped_column(sa.String(100), default="")
    document_date: Mapped[date | None]
    text: Mapped[str] = mapped_column(sa.Text)
    result: Mapped[str] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    recorded_by = relationship("User")
