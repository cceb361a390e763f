"""Tables of app.api: the users' API tokens."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.orgs.models import utcnow

#: What a token may do: read anything its user may read; write (open cases, log letters);
#: fire workflow steps. A token acts for its user and never beyond the user's own roles.
SCOPES = ("read", "write", "transition")


class ApiToken(db.Model):
    """A bearer token of one user. Only the SHA-256 of the token is stored (the token is 32
    random bytes: a fast hash suffices, nothing to guess); the token itself is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: The token's first characters ("gs_AbCd1234"), shown in the list to tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    #: Hex SHA-256 of the whole token: how a request's token is found.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The granted SCOPES, space-separated in SCOPES order ("read transition").
    scopes: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    #: Updated at most once per app.api.services.TOUCH_SECONDS, not on every request.
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user = relationship("User")

    def __repr__(self) -> str:
        return f"<ApiToken {self.prefix} of user {self.user_id}>"

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
