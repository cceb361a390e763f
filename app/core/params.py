"""Request parameters: every query-string and form value arrives without control characters,
and numbers are read from them in one way that never raises.

`CleanRequest` is the application's request class, so `request.args` and `request.form` (and
the WTForms forms fed from them) never carry a NUL, which PostgreSQL refuses, or another C0
control. `int_arg` and `year_arg` read numbers: only ASCII digits, within bounds (an id fits a
PostgreSQL integer), else the default.
"""
from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import IntegerConverter

from app.core.text import strip_controls

#: The largest id a PostgreSQL integer column holds.
MAX_ID = 2**31 - 1
MIN_YEAR, MAX_YEAR = 2000, 2100


class CleanMultiDict(ImmutableMultiDict):
    """An ImmutableMultiDict whose text keys and values are stripped of control characters."""

    def __init__(self, mapping=None):
        items = MultiDict(mapping).items(multi=True)
        super().__init__([(strip_controls(k), strip_controls(v)) for k, v in items])


class CleanRequest(Request):
    parameter_storage_class = CleanMultiDict


class IdConverter(IntegerConverter):
    """`<int:...>` in a route: an id beyond a PostgreSQL integer is simply not found (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def int_arg(args, name: str, default: int | None = None, *, minimum: int = 0,
            maximum: int = MAX_ID) -> int | None:
    """The ASCII digits of `args[name]` as an int within [minimum, maximum], else `default`.

    `str.isdigit()` and `int()` accept superscripts and other scripts' digits, and an
    unbounded number overflows the database: both are refused here."""
    raw = (args.get(name) or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)):
        return default
    value = int(raw)
    return value if minimum <= value <= maximum else default


def year_arg(args, name: str = "year", default: int | None = None) -> int | None:
    """A year between MIN_YEAR and MAX_YEAR, else `default`."""
    return int_arg(args, name, default, minimum=MIN_YEAR, maximum=MAX_YEAR)
