"""Domain errors carry the HTTP status a view answers with and a message for the user."""
from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Invalid(DomainError):
    """The input breaks a rule; nothing was saved."""

    status = 422


class Forbidden(DomainError):
    """The actor's role does not allow this here."""

    status = 403


class NotFound(DomainError):
    """Missing, or outside the actor's scope: the two are indistinguishable on purpose."""

    status = 404


class Conflict(DomainError):
    """The case moved on (state or version) since the actor loaded it."""

    status = 409


class IdentityKeyError(RuntimeError):
    """The stored identity cannot be decrypted with the configured key (wrong or rotated key).

    Raised instead of showing anything: a wrong key must fail loudly, never print garbage."""
