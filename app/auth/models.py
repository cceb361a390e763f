"""Users and the roles they hold in units of the organisation tree.

Sessions end on the server's word with a per-user session token rather than server-side session
storage: the signed session cookie and the remember-me cookie carry "id:token" (`get_id`), the
user loader accepts them only while the token is the user's current one, and logout, a password
change and deactivation draw a new token, which ends every session and remember-me cookie of
that user at once (on every device). It needs no session store to run, back up or share between
app servers, and costs no query beyond the one that loads the user anyway.
"""
from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.orgs.models import Organisation, utcnow
from workflows.vocab import ROLES


#: The start of a service account's password hash (User.is_service_account).
SERVICE_HASH_PREFIX = "!"


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(160))
    email: Mapped[str | None] = mapped_column(sa.String(200))
    #: scrypt via werkzeug (a memory-hard KDF).
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    locale: Mapped[str] = mapped_column(sa.String(5), default="vi")
    active: Mapped[bool] = mapped_column(default=True)
    #: Part of every session and remember-me cookie; drawing a new one ends them all.
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    #: Base32 TOTP secret when the user logs in with a second step (approvers, admins); None: off.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    #: The last 30-second step whose code was accepted: a code is good once.
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    roles: Mapped[list[RoleAssignment]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.username}>"

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def get_id(self) -> str:  # flask-login: what the session and remember-me cookies carry
        return f"{self.id}:{self.session_token}"

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued so far."""
        self.session_token = new_session_token()

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method="scrypt")

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @hybrid_property
    def is_service_account(self) -> bool:
        """An account the system acts through (the public portal's logs members' letters),
        which nobody logs in as: its hash starts with SERVICE_HASH_PREFIX, which no werkzeug
        hash does, so no password matches it. The administration pages leave it alone (an
        admin could otherwise give it a password, or deactivate the portal)."""
        return (self.password_hash or "").startswith(SERVICE_HASH_PREFIX)

    @is_service_account.inplace.expression
    @classmethod
    def _is_service_account(cls) -> sa.ColumnElement[bool]:
        """SQL: lists of people (who acts next, whom to notify, the users page) leave it out."""
        return cls.password_hash.startswith(SERVICE_HASH_PREFIX)

    @property
    def home_org(self) -> Organisation | None:
        """The unit of the user's first role (the one shown in the header)."""
        return self.roles[0].org if self.roles else None


class RoleAssignment(db.Model):
    """A user holds `role` in `org`; it applies to the unit and every unit below it."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "org_id", "role", name="user_org_role"),
        sa.CheckConstraint(sa.column("role").in_(sorted(ROLES)), name="role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(sa.String(32))

    user: Mapped[User] = relationship(back_populates="roles")
    org: Mapped[Organisation] = relationship(lazy="joined")
