"""Formal documents (drafts and issued) of a case or of a unit, and the numbering counters of
the registers."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow

__all__ = ["CORRECTIONS", "CaseDocument", "DocumentCounter"]

#: How a document corrects an issued one it names (NĐ 30/2020: an issued document is never
#: edited): "replace" (thay thế) or "correct" (đính chính).
CORRECTIONS = ("replace", "correct")


class CaseDocument(db.Model):
    """A formal document drafted on a case, or by a unit on no case (a periodic report);
    frozen (PDF + SHA-256) once issued.

    The number is unique per issuing unit, year and register (sổ văn bản); it is handed out
    by DocumentCounter under a row lock, and the constraint makes a duplicate impossible.
    """

    __tablename__ = "case_document"
    __table_args__ = (
        sa.UniqueConstraint("org_id", "year", "register", "number", name="register_number"),
        sa.Index("ix_case_document_register", "org_id", "year", "register"),
        sa.CheckConstraint(sa.or_(sa.column("correction").is_(None),
                                  sa.column("correction").in_(CORRECTIONS)), name="correction"),
        sa.CheckConstraint(sa.or_(sa.column("correction").is_(None),
                                  sa.column("replaces_id").is_not(None)),
                           name="correction_names_document"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None for a document of the unit itself (a periodic report, see period_*).
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    #: The period a unit's report covers (None on a case's document).
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    #: The issued document this one replaces or corrects, and how (CORRECTIONS).
    replaces_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_document.id"),
                                                    index=True)
    correction: Mapped[str | None] = mapped_column(sa.String(10))
    #: The issuing unit (the case's unit when the draft was made).
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"))
    #: Code of the template in app.documents.registry.
    template: Mapped[str] = mapped_column(sa.String(40))
    #: "QĐ", "KH", ...; None for a công văn.
    type_code: Mapped[str | None] = mapped_column(sa.String(8))
    #: The register the number comes from ("outgoing": sổ văn bản đi).
    register: Mapped[str] = mapped_column(sa.String(20), default="outgoing")
    #: Addressed to the supervised or denounced party: never carries a reporter's identity.
    to_subject: Mapped[bool] = mapped_column(default=False)
    #: Trích yếu.
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    #: The editable parts: type_name, enacting_authority, addressees, bases, body (text with
    #: light markup), recipients, filing, signature {authority, capacity, signer_title,
    #: signer_name}; signer_name is never typed: it is the approver's name, set on issuing.
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    number: Mapped[int | None]
    year: Mapped[int | None]
    issued_on: Mapped[date | None]
    issued_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: The issued PDF exactly as downloaded, and its SHA-256 (hex) (of the plain PDF even when
    #: it is stored sealed).
    pdf: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    sha256: Mapped[str | None] = mapped_column(sa.String(64))
    #: `pdf` is sealed under IDENTITY_KEY (app.identity seal_bytes): it prints the name and
    #: address of a reporter whose identity is sealed, to be posted to them.
    pdf_sealed: Mapped[bool] = mapped_column(default=False)
    page_count: Mapped[int | None]

    #: The approver of the issuing unit who approved the draft for issuing and signs it; cleared
    #: by any later edit of the draft.
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow,
                                                 onupdate=utcnow)

    case = relationship("Case")
    org = relationship("Organisation")
    issued_by = relationship("User", foreign_keys=[issued_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    replaces = relationship("CaseDocument", remote_side=[id], foreign_keys=[replaces_id],
                            backref=backref("corrected_by", order_by="CaseDocument.id"))

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class DocumentCounter(db.Model):
    """The last number handed out in one register of one unit in one year (locked FOR UPDATE)."""

    __tablename__ = "document_counter"

    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
