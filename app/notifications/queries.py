"""Read side of notifications: a page of the inbox, the unread badge, a user's choices."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.notifications.kinds import DEFAULT_MODE, KINDS
from app.notifications.models import Notification, NotificationPreference

#: Lines of the inbox per page.
PER_PAGE = 25
#: The badge counts unread notifications up to this, and shows "99+" beyond.
BADGE_CAP = 99


@dataclass
class InboxPage:
    items: list[Notification]
    #: The id to continue after (older ones), None on the last page.
    next_before: int | None


def inbox(user, before: int | None = None, per_page: int = PER_PAGE) -> InboxPage:
    """The user's notifications newest first, `per_page` of them older than `before` (keyset on
    the id: the index (user_id, id) walks straight to the page)."""
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    rows = list(db.session.scalars(stmt.order_by(Notification.id.desc()).limit(per_page + 1)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    return InboxPage(rows, rows[-1].id if more else None)


#: The ids of a user's unread notifications, up to a limit; built once (every page asks).
UNREAD_IDS = (sa.select(Notification.id)
              .where(Notification.user_id == sa.bindparam("user_id"),
                     Notification.read_at.is_(None))
              .limit(sa.bindparam("limit", type_=sa.Integer)))


def unread_count(user, cap: int = BADGE_CAP) -> int:
    """The user's unread notifications, up to cap + 1: one statement reading at most that
    many ids from the index (no COUNT, which the pages' guards refuse)."""
    return len(db.session.scalars(UNREAD_IDS, {"user_id": user.id, "limit": cap + 1}).all())


def badge_text(count: int, cap: int = BADGE_CAP) -> str:
    return f"{cap}+" if count > cap else str(count)


def modes_of(user) -> dict[str, str]:
    """The user's mode for every kind (DEFAULT_MODE where they never chose)."""
    chosen = dict(db.session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == user.id)).all())
    return {kind: chosen.get(kind, DEFAULT_MODE) for kind in KINDS}
