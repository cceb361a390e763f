"""Dates and times as users read them: "05/03/2026" and "05/03/2026 08:30" in Vietnam time.

Timestamps are stored in UTC (``DateTime(timezone=True)`` filled by ``app.orgs.models.utcnow``):
PostgreSQL hands them back aware, SQLite naive. A naive datetime is therefore taken as UTC, an
aware one is converted, and both are shown in the app's time zone (BABEL_DEFAULT_TIMEZONE,
Asia/Ho_Chi_Minh). Pages, exports and PDFs format through these functions so that a time recorded
at 08:30 in Hà Nội reads 08:30, never the stored 01:30.

The text is Babel's, from explicit CLDR patterns. In an app context the time zone is
Flask-Babel's (``flask_babel.format_datetime`` / ``to_user_timezone``, which take a naive
datetime as UTC); outside one (a script, a builder called on its own) it is ``LOCAL_TZ``, with the
same result. Babel writes numeric fields with ASCII digits in every locale, so a calendar date's
text depends on the date alone: it is memoised, as an export writes the same few hundred days
into 10^5 rows (Flask-Babel's per-call lookups cost ~50 µs, a CSV of 100,000 cases 3x as long).

The formal date line of documents ("ngày 05 tháng 3 năm 2026", Nghị định 30/2020) is not made
here: see ``app.core.pdf.layout.format_date_line``.
"""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import flask_babel
from babel import dates as babel_dates
from flask import current_app, has_app_context

#: The unions' clock: every "today" (deadlines, notice periods, dates received) is Vietnam's
#: (app.core.calendar.local_today).
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local_midnight(day: date) -> datetime:
    """The first instant of `day` in Vietnam (LOCAL_TZ), in UTC (timeline times are UTC)."""
    return datetime.combine(day, datetime.min.time(), LOCAL_TZ).astimezone(UTC)


#: CLDR patterns: day/month/year, 24-hour clock.
DAY_PATTERN = "dd/MM/yyyy"
MOMENT_PATTERN = "dd/MM/yyyy HH:mm"

#: The years a typed day may fall in: year 1 or 9999 would overflow the conversions to and from
#: the time zone (local_midnight), and no record of the unions is older than 1900.
FIRST_INPUT_YEAR, LAST_INPUT_YEAR = 1900, 2100

#: A typed day: d/m/yyyy with "/", "." or "-" between (one separator throughout), ddmmyyyy
#: (what a phone's numeric keypad can type), or ISO yyyy-mm-dd (what forms posted by scripts and
#: the event data hold). ASCII digits only: \d alone would take other scripts' digits.
_TYPED_DAY = (
    re.compile(r"(?P<d>\d{1,2})(?P<sep>[/.-])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4})", re.ASCII),
    re.compile(r"(?P<d>\d{2})(?P<m>\d{2})(?P<y>\d{4})", re.ASCII),
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})", re.ASCII),
)


def _with_babel() -> bool:
    return has_app_context() and "babel" in current_app.extensions


def _parse(value: str) -> date | datetime:
    """An ISO date ("2026-03-05", as event data keeps dates) or date-time string."""
    value = value.strip()
    if len(value) <= 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


@lru_cache(maxsize=8192)
def _day_text(day: date) -> str:
    return babel_dates.format_date(day, DAY_PATTERN, locale="vi")


def parse_day(text: str | None) -> date | None:
    """The day `text` names as people type it (dd/mm/yyyy, d/m/yyyy, dd.mm.yyyy, ddmmyyyy) or
    as ISO yyyy-mm-dd; None for an empty, malformed or impossible one (31/02/2026). Never
    month-first: 05/01/2026 is the 5th of January whatever the browser's language.

    The year is not bounded here: callers check FIRST_INPUT_YEAR..LAST_INPUT_YEAR."""
    text = (text or "").strip()
    for pattern in _TYPED_DAY:
        match = pattern.fullmatch(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:  # 31/02, month 13, year 0
                return None
    return None


def to_local(value: datetime) -> datetime:
    """`value` (naive = UTC, or aware) as an aware datetime in the app's time zone."""
    if _with_babel():
        return flask_babel.to_user_timezone(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(LOCAL_TZ)


def format_day(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy. A datetime gives its day in Vietnam (04/03 20:00 UTC is 05/03 there); a
    string is an ISO date or date-time; "" for None or ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _parse(value)
    if isinstance(value, datetime):
        value = to_local(value).date()
    return _day_text(value)


def format_moment(value: datetime | date | str | None) -> str:
    """dd/mm/yyyy HH:mm in Vietnam time; a naive datetime is UTC. A date, or a string holding
    only a date, has no time to show and gives format_day's dd/mm/yyyy; "" for None or ""."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = _parse(value)
    if not isinstance(value, datetime):
        return format_day(value)
    # MOMENT_PATTERN is digits only: the memoised day and the clock read off the local time
    # write what Babel's format_datetime writes, without its per-call look-ups (a timeline of
    # 30 lines spent 4% of its case page there).
    local = to_local(value)
    return f"{_day_text(local.date())} {local.hour:02d}:{local.minute:02d}"


def format_dmy(value: date | datetime | str | None) -> str:
    """The ``dmy`` template filter: a datetime with its time (Vietnam time), a date or an ISO
    date string as dd/mm/yyyy."""
    if isinstance(value, datetime):
        return format_moment(value)
    return format_day(value)
