"""The rule table and the working-day calendar as configured: the code's defaults with the
deployment's durations and the admins' overrides, the official calendar with the admins' days
off and make-up working days. Both are cached per process and rebuilt on any change, on any
app server."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from types import MappingProxyType

import sqlalchemy as sa
from flask import current_app, has_app_context

from app.core.calendar import WorkCalendar
from app.core.deadline_rules import DEFAULT_RULES, DeadlineRule, validate_rule
from app.deadlines.models import DAY_OFF, WORKING_DAY, CalendarDay, RuleSetting
from app.extensions import db

#: Rules whose default duration a deployment sets in its configuration (issue 3).
CONFIG_DAYS = {
    "supervision.notice": "SUPERVISION_NOTICE_DAYS",
    "supervision.draft_report": "SUPERVISION_REPORT_DAYS",
    "recommendation.reply": "RECOMMENDATION_REPLY_DAYS",
}

#: Figures an admin may change; the legal basis and names stay with the code's defaults.
EDITABLE_FIELDS = ("days", "unit", "complex_days", "remote_days", "complex_remote_days",
                   "max_extensions", "extension_days", "warn_before_days")

_cache: dict[str, tuple[tuple, object]] = {}


def _stamp(model, *extra) -> tuple:
    """A cheap fingerprint of a small admin table: a change on any app server changes it."""
    return tuple(db.session.execute(sa.select(
        sa.func.count(), sa.func.max(model.updated_at), *extra)).one())


def _cached(name: str, key: tuple, build):
    key = (db.engine.url.render_as_string(), *key)
    hit = _cache.get(name)
    if hit is not None and hit[0] == key:
        return hit[1]
    value = build()
    _cache[name] = (key, value)
    return value


def _config_days() -> tuple:
    if not has_app_context():
        return ()
    return tuple((code, current_app.config[key]) for code, key in CONFIG_DAYS.items()
                 if key in current_app.config)


def default_rules() -> dict[str, DeadlineRule]:
    """The code's defaults with the deployment's configured durations."""
    rules = dict(DEFAULT_RULES)
    for code, days in _config_days():
        candidate = replace(rules[code], days=int(days))
        if not validate_rule(candidate):
            rules[code] = candidate
    return rules


def apply_setting(rule: DeadlineRule, values: dict) -> DeadlineRule:
    """`rule` with the editable figures of a RuleSetting's `values`."""
    return replace(rule, **{k: v for k, v in values.items() if k in EDITABLE_FIELDS})


def rule_table() -> Mapping[str, DeadlineRule]:
    """Every rule as in force: the defaults overridden by the admins' RuleSetting rows."""
    def build():
        rules = default_rules()
        for setting in db.session.scalars(sa.select(RuleSetting)):
            if setting.code not in rules:
                continue
            candidate = apply_setting(rules[setting.code], setting.values)
            problems = validate_rule(candidate)
            if problems:  # saved values are validated; a later code change may clash with them
                current_app.logger.warning("ignoring invalid setting of %s: %s", setting.code,
                                           "; ".join(problems))
                continue
            rules[setting.code] = candidate
        return MappingProxyType(rules)

    return _cached("rules", (_stamp(RuleSetting), _config_days()), build)


class Calendars:
    """The admins' calendar days read once: the national calendar, and a unit's calendar with
    the local days off of the unit and the units above it (built on first use, kept)."""

    def __init__(self, rows) -> None:
        self.national = WorkCalendar({r.day: r.note for r in rows
                                      if r.org_id is None and r.kind == DAY_OFF},
                                     [r.day for r in rows
                                      if r.org_id is None and r.kind == WORKING_DAY])
        self._working = [r.day for r in rows if r.org_id is None and r.kind == WORKING_DAY]
        self._national_off = {r.day: r.note for r in rows
                              if r.org_id is None and r.kind == DAY_OFF}
        self._local: dict[int, dict] = {}
        for r in rows:
            if r.org_id is not None and r.kind == DAY_OFF:
                self._local.setdefault(r.org_id, {})[r.day] = r.note
        self._by_units: dict[tuple[int, ...], WorkCalendar] = {}

    def of_units(self, unit_ids) -> WorkCalendar:
        """The calendar of a case whose unit and the units above it are `unit_ids`."""
        key = tuple(i for i in unit_ids if i in self._local)
        if not key:
            return self.national
        if key not in self._by_units:
            off = dict(self._national_off)
            for unit_id in key:
                off.update(self._local[unit_id])
            self._by_units[key] = WorkCalendar(off, [d for d in self._working if d not in off])
        return self._by_units[key]


def calendars() -> Calendars:
    """Every admin-entered day, read once per change of the table (one statement when it
    changed, one fingerprint otherwise)."""
    def build():
        return Calendars(db.session.execute(sa.select(
            CalendarDay.day, CalendarDay.kind, CalendarDay.note, CalendarDay.org_id)).all())

    return _cached("calendar", _stamp(CalendarDay, sa.func.max(CalendarDay.id)), build)


def work_calendar(org=None) -> WorkCalendar:
    """The official calendar with the admins' days off and make-up working days; for `org`,
    with the local days off of the unit and of the units above it too."""
    found = calendars()
    return found.national if org is None else found.of_units(org.ancestor_ids)
