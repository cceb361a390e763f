"""Tables of app.portal: the receipt a sender follows their letter with, and the messages
between the sender and the officers.

Only app.portal reads or writes them. The receipt holds no identity: the sender's name and
contact are sealed in app.identity like those of any letter.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow
from workflows.vocab import LETTER_KINDS

#: Who wrote a message: an officer to the sender, or the sender through the portal.
TO_MEMBER, FROM_MEMBER = "to_member", "from_member"
DIRECTIONS = (TO_MEMBER, FROM_MEMBER)


class PortalReceipt(db.Model):
    """One per letter sent through the portal: the receipt code the sender was given and a
    slow hash of their secret (never the secret itself)."""

    __tablename__ = "portal_receipt"
    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_(sorted(LETTER_KINDS)), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"), unique=True)
    #: Ten characters of an unambiguous alphabet, stored without the dashes shown to people.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    #: scrypt of the secret under `salt` (hex), app.portal.services.hash_secret.
    secret_hash: Mapped[str] = mapped_column(sa.String(128))
    salt: Mapped[str] = mapped_column(sa.String(64))
    #: The kind the sender chose (the letter's own kind is set when officers classify it).
    kind: Mapped[str] = mapped_column(sa.String(20))
    #: The sender asked for confidentiality, or sent a denunciation: a named sender's files
    #: are sealed (app.portal.services.files_are_sealed).
    confidential: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    #: The last time the sender followed the letter (a successful login to it).
    last_seen_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    case = relationship("Case")


class PortalMessage(db.Model):
    """A question or reply of an officer to the sender, or the sender's answer."""

    __tablename__ = "portal_message"
    __table_args__ = (
        sa.CheckConstraint(sa.column("direction").in_(DIRECTIONS), name="direction"),
        #: A case's thread in order.
        sa.Index("ix_portal_message_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_file.id"))
    direction: Mapped[str] = mapped_column(sa.String(12))
    text: Mapped[str] = mapped_column(sa.Text, default="")
    #: The officer who wrote it (None for the sender's own messages); never shown to the sender.
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: Files of the sender's answer kept with the sealed identity (their names are sealed too).
    sealed_files: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    author = relationship("User")
