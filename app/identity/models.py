"""A reporter's identity, kept apart from the case and encrypted at rest (domain.md §6).

Only app.identity.services reads or writes these rows; nothing else may join them.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.orgs.models import utcnow


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
