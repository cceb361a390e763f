"""Failed logins counted per account and per address; a lockout once either count is spent.

Only failures count (a successful login costs nothing and clears the account's count), so an
office behind one address or a test suite logging in thousands of times is never slowed down.
The counts live in Flask-Limiter's storage: Redis when REDIS_URL is set (shared by every app
server), memory otherwise. The account key is the normalised username whether or not such a
user exists, so a lockout tells nothing about which usernames exist.
"""
from __future__ import annotations

import hashlib
import math
import time
from contextlib import contextmanager

from flask import current_app, request
from limits import parse

from app.auth.services import normal_username
from app.extensions import limiter


def _checks(username: str) -> list[tuple]:
    account = hashlib.sha256(normal_username(username).encode()).hexdigest()
    return [
        (parse(current_app.config["LOGIN_FAILURES_PER_ACCOUNT"]), "login-account", account),
        (parse(current_app.config["LOGIN_FAILURES_PER_ADDRESS"]), "login-address",
         request.remote_addr or "unknown"),
    ]


def locked_for(username: str) -> int | None:
    """Seconds until a login for `username` from this address is accepted again, or None."""
    waits = []
    for item, *keys in _checks(username):
        with _storage_errors_logged():
            if not limiter.limiter.test(item, *keys):
                reset_at = limiter.limiter.get_window_stats(item, *keys).reset_time
                waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_failure(username: str) -> None:
    for item, *keys in _checks(username):
        with _storage_errors_logged():
            limiter.limiter.hit(item, *keys)


def record_success(username: str) -> None:
    """A successful login forgives the account's earlier failures (not the address's)."""
    item, *keys = _checks(username)[0]
    with _storage_errors_logged():
        limiter.limiter.clear(item, *keys)


@contextmanager
def _storage_errors_logged():
    """An unreachable Redis must not stop people logging in: count nothing, tell the operator."""
    try:
        yield
    except Exception as exc:  # the storage's own errors (redis.ConnectionError, timeouts...)
        current_app.logger.error("Login throttling unavailable (rate-limit storage): %s", exc)
