"""Vietnamese working-day calendar and deadline arithmetic (Bộ luật Dân sự 2015, Điều 147–148).

Pure Python: no Flask, no database. Public holidays come from the ``holidays`` package
(``country_holidays("VN")``), which includes lunar Tết, compensatory days off ("nghỉ bù") and the
official weekday/weekend swaps it knows about (a Saturday worked in exchange for a bridge day off is
listed in ``weekend_workdays``). Swaps and extra days off decided later are entered by an admin and
passed in as ``extra_days_off`` / ``extra_working_days``; those admin entries win over the package.

Counting rules (domain.md §5):

* a period in days starts on the day *after* the start event (Điều 147(1));
* ``calendar`` periods count every day; when the last day is not a working day (weekend, public
  holiday, admin day off) the period ends on the next working day (Điều 148(5));
* ``working`` periods count only working days, so they always end on a working day;
* paused days (pause/resume, inclusive ranges) are not counted, and the period cannot end on one;
* ``days == 0`` gives the start date itself, moved to the next working day when it is not one;
  a negative number of days raises ``ValueError``.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from types import MappingProxyType
from typing import Literal

import holidays

from app.core.dates import LOCAL_TZ, format_day

Unit = Literal["calendar", "working"]
UNITS: tuple[str, ...] = ("calendar", "working")

#: Name shown for an admin-entered day off given without a name.
EXTRA_DAY_OFF_NAME = "Ngày nghỉ bổ sung"

WEEKDAY_NAMES_VI = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")

_ONE_DAY = timedelta(days=1)
# A guard against endless scans (e.g. an admin marking a whole year off): ten years.
_MAX_SCAN_DAYS = 3660
# Suffixes the package appends to holiday names; dropped when grouping days in explanations.
_NAME_SUFFIXES = (" (nghỉ bù, dự kiến)", " (nghỉ bù)", " (dự kiến)")


@dataclass(frozen=True)
class DueDate:
    """A computed deadline and the steps, in Vietnamese, that explain it."""

    due: date
    explanation: list[str]


def weekday_vi(d: date) -> str:
    return WEEKDAY_NAMES_VI[d.weekday()]


@cache
def _official_year(year: int) -> tuple[Mapping[date, str], frozenset[date]]:
    """Holidays and swapped working weekend days of one year, as the ``holidays`` package has them."""
    vn = holidays.country_holidays("VN", years=year, language="vi")
    names = {d: vn[d] for d in sorted(vn) if d.year == year}
    # weekend_workdays also carries cross-year swaps (e.g. 27/12/2014 for 2015); keep this year's.
    working_weekend_days = frozenset(d for d in vn.weekend_workdays if d.year == year)
    return MappingProxyType(names), working_weekend_days


def official_holidays(year: int) -> list[tuple[date, str]]:
    """The public holidays of ``year`` as the ``holidays`` package records them, in order."""
    return list(_official_year(year)[0].items())


def official_working_weekend_days(year: int) -> list[date]:
    """Saturdays/Sundays of ``year`` worked in exchange for a bridge day off."""
    return sorted(_official_year(year)[1])


def _as_date(value: date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, date):
        raise TypeError(f"expected a date, got {type(value).__name__}")
    return value


def _group_label(names: list[str]) -> str:
    """One short label for a run of consecutive holidays ("Tết Nguyên Đán", not five names)."""
    labels: list[str] = []
    for name in names:
        for part in name.split("; "):
            for suffix in _NAME_SUFFIXES:
                if part.endswith(suffix):
                    part = part[: -len(suffix)]
                    break
            if "Tết Nguyên Đán" in part or part == "29 Tết":
                part = "Tết Nguyên Đán"
            if part not in labels:
                labels.append(part)
    return ", ".join(labels)


def _merge_periods(periods: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Overlapping or touching pauses as disjoint ranges, so no day is reported twice."""
    merged: list[tuple[date, date]] = []
    for first, last in sorted((_as_date(a), _as_date(b)) for a, b in periods):
        if merged and first <= merged[-1][1] + _ONE_DAY:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _fmt_range(first: date, last: date) -> str:
    return format_day(first) if first == last else f"{format_day(first)}–{format_day(last)}"


class WorkCalendar:
    """Working days in Vietnam: Monday–Friday minus public holidays, plus swapped working weekends.

    ``extra_days_off`` may be an iterable of dates or a mapping ``date -> name``; an extra day off
    wins over everything else. ``extra_working_days`` turns a day into a working day even if the
    package lists it as a holiday (use it for swaps decided after the package was released, or to
    correct an estimate). A date in both raises ``ValueError``.
    """

    def __init__(
        self,
        extra_days_off: Iterable[date] | Mapping[date, str] = (),
        extra_working_days: Iterable[date] = (),
    ) -> None:
        if isinstance(extra_days_off, Mapping):
            days_off = {_as_date(d): (str(n).strip() or None) if n else None
                        for d, n in extra_days_off.items()}
        else:
            days_off = {_as_date(d): None for d in extra_days_off}
        working = frozenset(_as_date(d) for d in extra_working_days)
        clash = sorted(working.intersection(days_off))
        if clash:
            raise ValueError(
                "dates both off and working: " + ", ".join(format_day(d) for d in clash)
            )
        self._extra_days_off: Mapping[date, str | None] = MappingProxyType(days_off)
        self._extra_working_days = working

    # -- single days -------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        d = _as_date(d)
        if d in self._extra_days_off:
            return False
        if d in self._extra_working_days:
            return True
        names, working_weekend_days = _official_year(d.year)
        if d.weekday() >= 5:
            return d in working_weekend_days
        return d not in names

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is a day off other than an ordinary weekend; None for working days and
        ordinary Saturdays/Sundays."""
        d = _as_date(d)
        if d in self._extra_days_off:
            return self._extra_days_off[d] or _official_year(d.year)[0].get(d) or EXTRA_DAY_OFF_NAME
        if self.is_working_day(d):
            return None
        return _official_year(d.year)[0].get(d)

    def next_working_day(self, d: date) -> date:
        """``d`` itself when it is a working day, otherwise the first working day after it."""
        return self._roll_forward(_as_date(d), frozenset())

    # -- periods -------------------------------------------------------------------------------

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start`` (``start`` not counted). n=0: next_working_day."""
        return self.compute_due(start, n, "working").due

    def add_calendar_days(self, start: date, n: int) -> date:
        """``start`` + n days, moved to the next working day when that day is not one
        (BLDS 2015 Điều 147–148). n=0: next_working_day(start)."""
        return self.compute_due(start, n, "calendar").due

    def compute_due(
        self,
        start: date,
        days: int,
        unit: Unit,
        paused_periods: Iterable[tuple[date, date]] = (),
    ) -> DueDate:
        """Deadline for a period of ``days`` ``unit`` days after the event on ``start``.

        ``paused_periods`` are inclusive ``(first_paused_day, last_paused_day)`` ranges; their
        days are not counted, so the deadline moves by the days lost (every day for calendar
        periods, the working days inside the pause for working-day periods).
        """
        start = _as_date(start)
        if isinstance(days, bool) or not isinstance(days, int):
            raise TypeError("days must be an int")
        if days < 0:
            raise ValueError("days must not be negative")
        if unit not in UNITS:
            raise ValueError(f"unknown unit {unit!r}; expected one of {UNITS}")
        paused = self._paused_days(paused_periods)

        if days == 0:
            due = self._roll_forward(start, paused)
            lines = [f"Thời hạn 0 ngày: tính từ ngày {format_day(start)}"]
            if due != start:
                lines.append(self._moved_line(start, due, paused, first_word="Ngày bắt đầu"))
            lines.append(self._due_line(due))
            return DueDate(due, lines)

        first = start + _ONE_DAY
        lines = [f"Bắt đầu từ ngày {format_day(first)} "
                 f"(ngày tiếp theo sau ngày {format_day(start)})"]
        counted = 0
        day = start
        while counted < days:
            day += _ONE_DAY
            if (day - start).days > days + _MAX_SCAN_DAYS:
                raise RuntimeError("no end of period found within ten years")
            if day in paused:
                continue
            if unit == "calendar" or self.is_working_day(day):
                counted += 1
        last_counted = day

        if unit == "calendar":
            lines.append(
                f"Tính {days} ngày theo lịch (kể cả ngày nghỉ): ngày thứ {days} là "
                f"{weekday_vi(last_counted)} {format_day(last_counted)}"
            )
            due = self._roll_forward(last_counted, paused)
        else:
            lines.append(f"Tính {days} ngày làm việc (không tính thứ Bảy, Chủ nhật, ngày nghỉ lễ, Tết)")
            lines.extend(self._working_walk_lines(start, last_counted, paused))
            due = last_counted

        lines.extend(self._pause_lines(paused_periods, start, due, unit))
        if due != last_counted:
            lines.append(self._moved_line(last_counted, due, paused, first_word="Ngày cuối"))
        lines.append(self._due_line(due))
        return DueDate(due, lines)

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    def _paused_days(paused_periods: Iterable[tuple[date, date]]) -> frozenset[date]:
        result: set[date] = set()
        for first, last in paused_periods:
            first, last = _as_date(first), _as_date(last)
            if last < first:
                raise ValueError(
                    f"pause ends before it starts: {format_day(first)}–{format_day(last)}")
            if (last - first).days > _MAX_SCAN_DAYS:
                raise ValueError("pause longer than ten years")
            result.update(first + timedelta(days=i) for i in range((last - first).days + 1))
        return frozenset(result)

    def _roll_forward(self, d: date, paused: frozenset[date]) -> date:
        origin = d
        while d in paused or not self.is_working_day(d):
            d += _ONE_DAY
            if (d - origin).days > _MAX_SCAN_DAYS:
                raise RuntimeError("no working day found within ten years")
        return d

    def _day_off_reason(self, d: date) -> str:
        name = self.holiday_name(d)
        if name:
            return f"ngày nghỉ {format_day(d)} ({_group_label([name])})"
        return f"{weekday_vi(d)} {format_day(d)}"

    def _moved_line(self, d: date, due: date, paused: frozenset[date], first_word: str) -> str:
        reason = "ngày tạm dừng " + format_day(d) if d in paused else self._day_off_reason(d)
        return (f"{first_word} rơi vào {reason}, chuyển sang ngày làm việc tiếp theo "
                f"{format_day(due)}")

    @staticmethod
    def _due_line(due: date) -> str:
        return f"Hạn cuối: {weekday_vi(due)} {format_day(due)}"

    def _working_walk_lines(self, start: date, last: date, paused: frozenset[date]) -> list[str]:
        """Holiday runs skipped and swapped weekend days counted while walking working days."""
        lines: list[str] = []
        run: list[tuple[date, str]] = []

        def flush() -> None:
            if run:
                lines.append(
                    f"Bỏ qua {_fmt_range(run[0][0], run[-1][0])}: {_group_label([n for _, n in run])}"
                )
                run.clear()

        day = start + _ONE_DAY
        while day <= last:
            name = None if day in paused else self.holiday_name(day)
            if name:
                run.append((day, name))
            else:
                flush()
                if day not in paused and day.weekday() >= 5 and self.is_working_day(day):
                    lines.append(f"Tính cả {weekday_vi(day)} {format_day(day)}: ngày làm việc bù")
            day += _ONE_DAY
        flush()
        return lines

    def _pause_lines(
        self,
        paused_periods: Iterable[tuple[date, date]],
        start: date,
        due: date,
        unit: str,
    ) -> list[str]:
        lines = []
        for first, last in _merge_periods(paused_periods):
            lo, hi = max(first, start + _ONE_DAY), min(last, due)
            if lo > hi:
                continue
            span = [lo + timedelta(days=i) for i in range((hi - lo).days + 1)]
            if unit == "calendar":
                lost, what = len(span), "ngày"
            else:
                lost, what = sum(self.is_working_day(d) for d in span), "ngày làm việc"
            if lost:
                lines.append(f"Tạm dừng {_fmt_range(first, last)}: không tính {lost} {what}")
        return lines


def local_today() -> date:
    """Today's date in Vietnam, whatever the server's own clock zone (UTC+7 runs ahead)."""
    return datetime.now(LOCAL_TZ).date()
