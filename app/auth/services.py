"""Writers of users and role assignments."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import RoleAssignment, User
from app.core.text import nfc
from app.extensions import db
from workflows.vocab import ROLES


def create_user(username: str, full_name: str, password: str | None, roles=(), *,
                email: str | None = None, locale: str = "vi",
                password_hash: str | None = None) -> User:
    """Create a user holding each (role, org) pair in `roles`.

    `password_hash` (an existing werkzeug hash) replaces `password` for imports and fixtures.
    """
    username = nfc(username).lower()
    if not username or (password_hash is None and len(password or "") < 8):
        raise ValueError("A username and a password of at least 8 characters are required.")
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise ValueError(f"User {username!r} already exists.")
    user = User(username=username, full_name=nfc(full_name), email=email, locale=locale)
    if password_hash is not None:
        user.password_hash = password_hash
    else:
        user.set_password(password)
    for role, org in roles:
        if role not in ROLES:
            raise ValueError(f"Unknown role {role!r}.")
        user.roles.append(RoleAssignment(role=role, org=org))
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(username: str, password: str) -> User | None:
    user = db.session.scalar(sa.select(User).where(User.username == nfc(username).lower()))
    if user is None or not user.active or not user.check_password(password):
        return None
    return user
