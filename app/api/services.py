"""Writers of app.api: create and revoke a user's API tokens, and find the token a request
carries."""
from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.api.models import SCOPES, ApiToken
from app.auth.models import User
from app.core.calendar import local_today
from app.core.dates import LOCAL_TZ, format_day
from app.core.errors import Invalid, NotFound
from app.core.text import clean
from app.extensions import db

#: Every token starts so: a secret scanner (and a person) recognises it.
TOKEN_PREFIX = "gs_"
#: Characters of the token kept in clear to tell tokens apart in the list.
SHOWN_CHARS = 11
NAME_MAX = 100
#: A token's last use is written at most this often (never a write per request).
TOUCH_SECONDS = 60


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def max_days() -> int:
    return int(current_app.config.get("API_TOKEN_MAX_DAYS", 365))


def end_of(day: date) -> datetime:
    """The last moment of `day` in Vietnam, in UTC: a token "valid until 05/01/2026" works all
    that day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).astimezone(UTC)


def create_token(user, *, name: str, scopes, expires_on: date | None,
                 today: date | None = None) -> tuple[ApiToken, str]:
    """A new token of `user`: the row, and the token itself, which is shown once and never
    stored (only its SHA-256)."""
    today = today or local_today()
    name = " ".join((clean(name) or "").split())
    if not name:
        raise Invalid(_("Give the token a name (what it is used for)."), field="name")
    if len(name) > NAME_MAX:
        raise Invalid(_("At most %(n)d characters.", n=NAME_MAX), field="name")
    wanted = set(scopes or ())
    if not wanted or not wanted <= set(SCOPES):
        raise Invalid(_("Choose at least one permission."), field="scopes")
    if expires_on is None:
        raise Invalid(_("Give the day the token expires."), field="expires_on")
    last = today + timedelta(days=max_days())
    if not today < expires_on <= last:
        raise Invalid(_("The token must expire after today and at the latest on %(day)s.",
                        day=format_day(last)), field="expires_on")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, prefix=raw[:SHOWN_CHARS],
                     token_hash=hash_token(raw),
                     scopes=" ".join(s for s in SCOPES if s in wanted),
                     expires_at=end_of(expires_on))
    db.session.add(token)
    db.session.flush()
    return token, raw


def revoke_token(user, token_id: int) -> ApiToken:
    """Revoke one of `user`'s tokens: it stops working at once. Revoking twice is harmless."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id,
                                                        ApiToken.user_id == user.id))
    if token is None:
        raise NotFound(_("Token not found."))
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        db.session.flush()
    return token


def _aware(moment: datetime | None) -> datetime | None:
    """SQLite hands back the naive UTC wall clock it stored."""
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment


def authenticate(raw: str, now: datetime | None = None) -> ApiToken | None:
    """The live token `raw` is, with its user: None when unknown, revoked, expired or its user
    deactivated (the caller answers the same whatever the reason). One statement; its last use
    is written at most once per TOUCH_SECONDS."""
    now = now or datetime.now(UTC)
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    row = db.session.execute(
        sa.select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_token(raw))).first()
    if row is None:
        return None
    token, user = row
    if (token.revoked_at is not None or _aware(token.expires_at) <= now
            or not user.is_active):
        return None
    last = _aware(token.last_used_at)
    if last is None or (now - last).total_seconds() >= TOUCH_SECONDS:
        db.session.execute(sa.update(ApiToken).where(ApiToken.id == token.id)
                           .values(last_used_at=now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
    return token


def is_live(token: ApiToken, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return token.revoked_at is None and _aware(token.expires_at) > now
