"""Read side of app.api: a user's tokens."""
from __future__ import annotations

import sqlalchemy as sa

from app.api.models import ApiToken
from app.extensions import db

#: The tokens page lists at most this many (the newest first).
LISTED = 200


def tokens_of(user) -> list[ApiToken]:
    """The user's tokens, the newest first (through the user_id index)."""
    return list(db.session.scalars(
        sa.select(ApiToken).where(ApiToken.user_id == user.id)
        .order_by(ApiToken.id.desc()).limit(LISTED)))
