"""The world's users with email addresses, and helpers to read what they were told."""
import pytest
import sqlalchemy as sa

from app.core import jobs
from app.notifications.models import Notification


def address(username: str) -> str:
    return f"{username}@congdoan.example.vn"


@pytest.fixture
def people(db, world):
    """The world, each user with an email address."""
    for username, user in world.users.items():
        user.email = address(username)
    db.session.commit()
    return world


def told(db, user, kind=None) -> list[Notification]:
    """The user's notifications (of `kind`), oldest first."""
    stmt = sa.select(Notification).where(Notification.user_id == user.id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


def commit_and_send(db) -> None:
    """What the end of a request does: commit, then run what waited for the commit."""
    db.session.commit()
    jobs.run_ready()
