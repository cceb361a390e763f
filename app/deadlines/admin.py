"""Administration of the rule table and the calendar: an admin's overrides of a rule's figures
and the days off and make-up working days, each change audited (DeadlineAudit); a calendar
change recomputes the open deadlines it moves."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.dates import format_day
from app.core.deadline_rules import DeadlineRule, validate_rule
from app.core.errors import Invalid, NotFound
from app.core.text import nfc
from app.deadlines.clock import recompute_from
from app.deadlines.models import (
    DAY_OFF,
    WORKING_DAY,
    CalendarDay,
    DeadlineAudit,
    RuleSetting,
)
from app.deadlines.table import (
    EDITABLE_FIELDS,
    apply_setting,
    default_rules,
    work_calendar,
)
from app.extensions import db


def _audit(actor, action: str, target: str, data: dict) -> None:
    db.session.add(DeadlineAudit(actor_id=actor.id, action=action, target=target, data=data))


def save_rule(actor, code: str, values: dict) -> DeadlineRule:
    """Override the editable figures of rule `code`; refused (422, nothing saved) if invalid."""
    defaults = default_rules()
    if code not in defaults:
        raise NotFound(_("Unknown deadline rule."))
    values = {k: values.get(k) for k in EDITABLE_FIELDS}
    candidate = apply_setting(defaults[code], values)
    problems = validate_rule(candidate)
    if problems:
        raise RuleInvalid(problems)
    setting = db.session.get(RuleSetting, code) or RuleSetting(code=code)
    before = dict(setting.values or {})
    setting.values = values
    setting.updated_by_id = actor.id
    setting.updated_at = datetime.now(UTC)
    db.session.add(setting)
    _audit(actor, "rule_saved", code, {"before": before, "after": values})
    db.session.flush()
    return candidate


class RuleInvalid(Invalid):
    """validate_rule's problems, each starting with the field it concerns."""

    def __init__(self, problems: list[str]):
        super().__init__(_("The rule was not saved: %(problems)s", problems="; ".join(problems)))
        self.problems = problems


def reset_rule(actor, code: str) -> None:
    setting = db.session.get(RuleSetting, code)
    if setting is None:
        return
    _audit(actor, "rule_reset", code, {"before": dict(setting.values)})
    db.session.delete(setting)
    db.session.flush()


def add_calendar_day(actor, day: date, kind: str, note: str = "") -> CalendarDay:
    """Enter a day off or a make-up working day; open deadlines it affects are recomputed."""
    if kind not in (DAY_OFF, WORKING_DAY):
        raise Invalid(_("Choose a day off or a working day."), field="kind")
    if db.session.scalar(sa.select(CalendarDay.id).where(CalendarDay.day == day)):
        raise Invalid(_("%(day)s is already in the list; remove it first.", day=format_day(day)),
                      field="day")
    is_working = work_calendar().is_working_day(day)
    if kind == DAY_OFF and not is_working:
        raise Invalid(_("%(day)s is already a day off.", day=format_day(day)), field="day")
    if kind == WORKING_DAY and is_working:
        raise Invalid(_("%(day)s is already a working day.", day=format_day(day)), field="day")
    row = CalendarDay(day=day, kind=kind, note=nfc(note or "").strip(), created_by_id=actor.id)
    db.session.add(row)
    _audit(actor, "day_added", day.isoformat(), {"kind": kind, "note": row.note})
    db.session.flush()
    recompute_from(day, actor)
    return row


def remove_calendar_day(actor, day_id: int) -> None:
    row = db.session.get(CalendarDay, day_id)
    if row is None:
        raise NotFound(_("This day is not in the list."))
    _audit(actor, "day_removed", row.day.isoformat(), {"kind": row.kind, "note": row.note})
    day = row.day
    db.session.delete(row)
    db.session.flush()
    recompute_from(day, actor)
