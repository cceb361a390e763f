"""The administrators' audit trail: who changed which user or unit, when, and what."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow

#: The changes an administrator makes, each written as one AdminEvent.
ACTIONS = ("user_created", "role_added", "role_removed", "user_deactivated",
           "user_reactivated", "password_reset", "unit_created", "unit_changed", "unit_moved")


class AdminEvent(db.Model):
    """One change made on the administration pages, written in the change's own transaction
    (append-only). Never holds a password: a reset records that it happened and who did it."""

    __tablename__ = "admin_event"
    __table_args__ = (
        sa.CheckConstraint(sa.column("action").in_(ACTIONS), name="action"),
        sa.Index("ix_admin_event_user", "user_id", "id"),
        sa.Index("ix_admin_event_org", "org_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    action: Mapped[str] = mapped_column(sa.String(20))
    #: The user changed (their account or one of their roles), if any.
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    #: The unit the change concerns, which decides which administrators see it: the unit
    #: created, changed or moved, the unit of the role given or taken, and for a change of
    #: the account itself the unit above all the user's roles (None: a user with no role,
    #: seen by the top unit's administrators only).
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id"))
    #: {"before": {...}, "after": {...}} of what changed, names as well as ids.
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User", foreign_keys=[actor_id], lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="joined")
    org = relationship("Organisation", lazy="joined")
