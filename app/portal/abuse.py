"""What keeps robots off the portal without a third-party captcha (the app works offline):
rate limits per address and per receipt code, a small proof of work on submit, single-use
challenges.

The counts live in Flask-Limiter's storage, as app.auth.throttle's do: Redis when REDIS_URL is
set (shared by every app server), memory otherwise (then each server counts on its own). An
unreachable storage counts nothing and is logged: the portal stays open.

Proof of work: the server hands out a challenge "<time>.<nonce>.<signature>" (HMAC under the
app's SECRET_KEY, valid CHALLENGE_MINUTES); the browser (app/static/portal/pow.js) finds a
counter such that sha256("<challenge>:<counter>") starts with PORTAL_POW_BITS zero bits, about
65,000 tries for 16 bits: a moment on a phone, a real cost per letter for a flood. A challenge
is accepted once.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from contextlib import contextmanager

from flask import current_app, request
from limits import parse

from app.extensions import limiter

#: How long a challenge stays good: time enough to write a letter.
CHALLENGE_MINUTES = 30
#: A spent challenge is remembered a little longer than it stays good.
_SPENT = f"1 per {CHALLENGE_MINUTES + 1} minutes"


def address() -> str:
    return request.remote_addr or "unknown"


def _code_key(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _submit():
    return parse(current_app.config["PORTAL_SUBMIT_LIMIT"]), "portal-submit", address()


def _follow(code: str):
    return [(parse(current_app.config["PORTAL_FOLLOW_LIMIT_ADDRESS"]), "portal-follow-address",
             address()),
            (parse(current_app.config["PORTAL_FOLLOW_LIMIT_CODE"]), "portal-follow-code",
             _code_key(code))]


def _wait(checks) -> int | None:
    """Seconds until every limit of `checks` allows one more, or None when they do now."""
    waits = []
    for item, *keys in checks:
        with _storage_errors_logged():
            if not limiter.limiter.test(item, *keys):
                reset_at = limiter.limiter.get_window_stats(item, *keys).reset_time
                waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def _hit(checks) -> None:
    for item, *keys in checks:
        with _storage_errors_logged():
            limiter.limiter.hit(item, *keys)


def _answers(receipt_id: int):
    return (parse(current_app.config["PORTAL_ANSWER_LIMIT_CODE"]), "portal-answer",
            str(receipt_id))


def answer_wait(receipt_id: int) -> int | None:
    """Seconds before the sender following receipt `receipt_id` may send another answer (a
    valid code and secret do not let a flood of messages and files reach the officers)."""
    return _wait([_answers(receipt_id)])


def count_answer(receipt_id: int) -> None:
    _hit([_answers(receipt_id)])


def submit_wait() -> int | None:
    """Seconds before this address may send another letter, or None."""
    return _wait([_submit()])


def count_submit() -> None:
    """A letter sent, or an attempt refused as a robot's, counts against the address."""
    _hit([_submit()])


def follow_wait(code: str) -> int | None:
    """Seconds before this address may try receipt code `code` again, or None."""
    return _wait(_follow(code))


def count_follow_failure(code: str) -> None:
    """A wrong code or secret counts against the address and the code (whether or not such
    a code exists: the count tells nothing about which codes do)."""
    _hit(_follow(code))


# -- proof of work --------------------------------------------------------------------------


def _bits() -> int:
    return int(current_app.config["PORTAL_POW_BITS"])


def _signature(body: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"giamsat/portal-pow:{body}:{_bits()}".encode(),
                    hashlib.sha256).hexdigest()[:32]


def new_challenge() -> str:
    body = f"{int(time.time())}.{secrets.token_hex(12)}"
    return f"{body}.{_signature(body)}"


def leading_zero_bits(digest: bytes) -> int:
    bits = 0
    for byte in digest:
        if byte:
            return bits + 8 - byte.bit_length()
        bits += 8
    return bits


def solves(challenge: str, counter: str, bits: int) -> bool:
    digest = hashlib.sha256(f"{challenge}:{counter}".encode()).digest()
    return leading_zero_bits(digest) >= bits


def check_work(challenge: str | None, counter: str | None) -> bool:
    """The challenge is ours, fresh, solved by `counter` and not used before (it is spent now)."""
    challenge, counter = (challenge or "").strip(), (counter or "").strip()
    parts = challenge.split(".")
    if len(parts) != 3 or not counter.isdigit() or len(counter) > 20:
        return False
    issued, nonce, signature = parts
    if not issued.isdigit() or not hmac.compare_digest(signature,
                                                        _signature(f"{issued}.{nonce}")):
        return False
    if not 0 <= time.time() - int(issued) <= CHALLENGE_MINUTES * 60:
        return False
    if not solves(challenge, counter, _bits()):
        return False
    first_use = True  # an unreachable storage cannot tell: accept
    with _storage_errors_logged():
        first_use = limiter.limiter.hit(parse(_SPENT), "portal-pow", nonce)
    return first_use


@contextmanager
def _storage_errors_logged():
    """An unreachable Redis must not close the portal: count nothing, tell the operator."""
    try:
        yield
    except Exception as exc:  # the storage's own errors (redis.ConnectionError, timeouts...)
        current_app.logger.error("Portal rate limits unavailable (rate-limit storage): %s", exc)
