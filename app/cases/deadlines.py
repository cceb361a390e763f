"""Kept for callers of the first version: deadlines now live in app.deadlines.services."""
from app.deadlines.services import (  # noqa: F401
    CONFIG_DAYS,
    OPENING_RULE,
    resolve_rule,
    start,
    stop,
)
