"""Tables of app.notifications: the inbox's rows, each user's choice per kind, and where the
fan-out and the digest have got to."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.notifications.kinds import DEFAULT_MODE, KINDS, MODES
from app.orgs.models import utcnow


class Notification(db.Model):
    """One line of a user's inbox. `params` holds only what the message shows (the case's code
    and title, a due date): never a sender's name or contact."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_(sorted(KINDS)), name="kind"),
        #: The inbox, newest first, by keyset.
        sa.Index("ix_notification_inbox", "user_id", "id"),
        #: The unread badge and "mark all read".
        sa.Index("ix_notification_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(32))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_file.id"))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    #: When its email went out (immediately or in a digest); None: not (yet) emailed.
    emailed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class NotificationPreference(db.Model):
    """How a user receives one kind; no row: DEFAULT_MODE."""

    __tablename__ = "notification_preference"
    __table_args__ = (sa.CheckConstraint(sa.column("mode").in_(sorted(MODES)), name="mode"),)

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    mode: Mapped[str] = mapped_column(sa.String(10), default=DEFAULT_MODE)


class NotificationCursor(db.Model):
    """The last id a pass has handled: "fanout" (timeline lines of the nightly sweep),
    "digest" (notifications)."""

    __tablename__ = "notification_cursor"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    last_id: Mapped[int] = mapped_column(sa.BigInteger, default=0)
