"""Writers of users and role assignments, and the checks of a login (password, TOTP code)."""
from __future__ import annotations

import hmac
import secrets
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache

import pyotp
import sqlalchemy as sa
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

from app.auth.models import RoleAssignment, User
from app.core.errors import Invalid
from app.core.text import nfc
from app.extensions import db
from workflows.vocab import ROLES

#: The shortest password accepted.
MIN_PASSWORD = 8
#: Characters of a generated password: no 0/O, 1/l/I, which a person copies wrongly.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class AccountRefused(Invalid, ValueError):
    """A change of accounts refused (a username taken, a short password, an unknown role):
    nothing was written. A ValueError too, for the command line; `message` in the user's
    language (the commands run in English)."""


def generate_password() -> str:
    """A temporary password an administrator hands over once: 12 random characters in three
    groups ("k7Rt-2mWq-Hx9c"), about 70 bits."""
    chars = [secrets.choice(_ALPHABET) for _i in range(12)]
    return "-".join("".join(chars[i:i + 4]) for i in range(0, 12, 4))


def _check_password(password: str | None) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountRefused(_("A password of at least 8 characters is required."),
                             field="password")


def normal_username(username: str | None) -> str:
    """The one spelling a username is stored, looked up and throttled under: NFC, lower case."""
    return nfc(username or "").lower()


def create_user(username: str, full_name: str, password: str | None, roles=(), *,
                email: str | None = None, locale: str = "vi",
                password_hash: str | None = None) -> User:
    """Create a user holding each (role, org) pair in `roles`.

    `password_hash` (an existing werkzeug hash) replaces `password` for imports and fixtures.
    """
    username = normal_username(username)
    if not username:
        raise AccountRefused(_("A username is required."), field="username")
    if password_hash is None:
        _check_password(password)
    if db.session.scalar(sa.select(User.id).where(User.username == username)):
        raise AccountRefused(_("User “%(username)s” already exists.", username=username),
                             field="username")
    user = User(username=username, full_name=nfc(full_name), email=email or None,
                locale=locale)
    if password_hash is not None:
        user.password_hash = password_hash
    else:
        user.set_password(password)
    for role, org in roles:
        _check_role(role)
    with _refused_on_conflict(_("User “%(username)s” already exists.", username=username),
                              "username"):
        for role, org in roles:
            user.roles.append(RoleAssignment(role=role, org=org))
        db.session.add(user)
    return user


@contextmanager
def _refused_on_conflict(message: str, field: str):
    """Write what the block adds in a savepoint and flush it: a unique row another request
    wrote since the check above (two admins, a double submit) becomes the refusal `message`
    instead of an IntegrityError, and the rest of the transaction stays usable."""
    try:
        with db.session.begin_nested():
            yield
            db.session.flush()
    except sa.exc.IntegrityError:
        raise AccountRefused(message, field=field) from None


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise AccountRefused(_("Unknown role %(role)s.", role=role), field="role")


def add_role(user: User, role: str, org) -> RoleAssignment:
    """Give `user` `role` in `org` (and so in every unit below it)."""
    _check_role(role)
    held = _("%(name)s already holds this role in %(unit)s.", name=user.full_name,
             unit=org.display_name)
    if any(a.role == role and a.org_id == org.id for a in user.roles):
        raise AccountRefused(held, field="role")
    assignment = RoleAssignment(role=role, org=org)
    with _refused_on_conflict(held, "role"):
        user.roles.append(assignment)
    return assignment


def remove_role(user: User, assignment: RoleAssignment) -> None:
    """Take a role from `user`; it stops counting on their next request (each request reads
    the roles afresh)."""
    user.roles.remove(assignment)
    db.session.flush()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """A scrypt hash with the same cost as the users' own, checked for unknown usernames."""
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def authenticate(username: str, password: str) -> User | None:
    """The active user with this username and password, or None.

    An unknown username costs one scrypt run like a wrong password does, so the answer's time
    does not tell which usernames exist.
    """
    user = find_user(username)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def find_user(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == normal_username(username)))


def change_password(user: User, password: str) -> None:
    """Set a new password; every session of the user ends."""
    _check_password(password)
    user.set_password(password)
    user.end_sessions()
    db.session.flush()


def set_active(user: User, active: bool) -> None:
    """Deactivate (every session ends; logging in is refused) or reactivate a user."""
    user.active = active
    if not active:
        user.end_sessions()
    db.session.flush()


def log_out_everywhere(user: User) -> None:
    """End this and every other session and remember-me cookie of the user."""
    user.end_sessions()
    db.session.flush()


def enable_totp(user: User) -> str:
    """Give the user a new TOTP secret (a second login step); their sessions end. Returns the
    otpauth:// URI to enter in an authenticator app."""
    user.totp_secret = pyotp.random_base32()
    user.totp_last_step = None
    user.end_sessions()
    db.session.flush()
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username,
                                                          issuer_name="giamsat")


def disable_totp(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.end_sessions()
    db.session.flush()


def verify_totp(user: User, code: str) -> bool:
    """The code of the current 30-second step (or the one before or after, for clock drift),
    accepted once: a code seen over a shoulder cannot be replayed."""
    code = (code or "").strip().replace(" ", "")
    if not user.totp_secret or not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            if user.totp_last_step is not None and step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            db.session.flush()
            return True
    return False
