"""A reporter's identity, kept apart from the case and encrypted at rest (domain.md §6).

Only app.identity.services reads or writes these rows; nothing else may join them.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow

#: Why an identity is sealed.
SEAL_REASONS = ("denunciation", "requested")


class SealedIdentity(db.Model):
    """Who sent a case in: name, address, contact, co-signers, as one Fernet token."""

    __tablename__ = "sealed_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), unique=True)
    #: Fernet token (AES-128-CBC + HMAC-SHA256) of the identity as JSON.
    ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: Keyed digest (HMAC-SHA256) of the folded name, to find letters from the same sender
    #: without decrypting anything; useless without the key.
    sender_digest: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SealedFile(db.Model):
    """A file that reveals the reporter (a scan of the handwritten letter), encrypted."""

    __tablename__ = "sealed_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), index=True)
    #: Fernet token of {"filename", "content_type"} as JSON.
    meta_ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary)
    #: Fernet token of the file's bytes.
    data_ciphertext: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class IdentitySeal(db.Model):
    """A case whose reporter was ever sealed: a denunciation (Luật Tố cáo 2018, Điều 9 khoản 1
    điểm b; Điều 47, people protected), or a sender who asked for confidentiality.

    The row outlives the letter's kind: reclassifying a denunciation as a complaint does not
    lift the seal. Only the leader of the case's own unit lifts it, with a reason (lifted_*),
    and every later read of the identity is still audited, since it was once sealed.
    """

    __tablename__ = "identity_seal"
    __table_args__ = (
        sa.CheckConstraint(sa.column("reason").in_(SEAL_REASONS), name="reason"),
    )

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), primary_key=True)
    #: Why it was (last) sealed: "denunciation" or "requested" by the sender.
    reason: Mapped[str] = mapped_column(sa.String(20))
    sealed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    sealed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    lifted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    lift_reason: Mapped[str] = mapped_column(sa.Text, default="")

    #: Reached as ``case.identity_seal``: loaded once per case object, absence included, so a
    #: page asking "sealed?" many times costs one query.
    case = relationship("Case", backref=backref("identity_seal", uselist=False, lazy="select"))

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None
