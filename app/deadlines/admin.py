"""Administration of the rule table and the calendar: an admin's overrides of a rule's figures
and the days off and make-up working days, each change audited (DeadlineAudit); a calendar
change recomputes the open deadlines it moves.

The rule table and the national calendar belong to the admins of the top unit; an admin of a
lower unit enters and removes local days off of their subtree (CalendarDay.org_id)."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.dates import format_day
from app.core.deadline_rules import DeadlineRule, validate_rule
from app.core.errors import Forbidden, Invalid, NotFound
from app.core.text import nfc
from app.deadlines import can_manage_days_of, is_national_admin
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


def _require_national(actor) -> None:
    if not is_national_admin(actor):
        raise Forbidden(_("Only an administrator of the top unit may change the national "
                          "deadline rules and calendar."))


def save_rule(actor, code: str, values: dict) -> DeadlineRule:
    """Override the editable figures of rule `code`; refused (422, nothing saved) if invalid."""
    _require_national(actor)
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
    _require_national(actor)
    setting = db.session.get(RuleSetting, code)
    if setting is None:
        return
    _audit(actor, "rule_reset", code, {"before": dict(setting.values)})
    db.session.delete(setting)
    db.session.flush()


def _require_days_of(actor, org) -> None:
    if org is None:
        _require_national(actor)
    elif not can_manage_days_of(actor, org):
        raise Forbidden(_("You may enter local days off only for the units you administer."))


def _where(org) -> dict:
    """The audit's record of whose calendar changed."""
    return {"unit": org.name, "unit_id": org.id} if org is not None else {}


def add_calendar_day(actor, day: date, kind: str, note: str = "", org=None) -> CalendarDay:
    """Enter a day off or a make-up working day (national), or a local day off of `org`'s
    subtree; open deadlines it affects are recomputed."""
    _require_days_of(actor, org)
    if kind not in (DAY_OFF, WORKING_DAY):
        raise Invalid(_("Choose a day off or a working day."), field="kind")
    if org is not None and kind != DAY_OFF:
        raise Invalid(_("A unit enters local days off only; make-up working days are "
                        "national."), field="kind")
    org_id = org.id if org is not None else None
    if db.session.scalar(sa.select(CalendarDay.id).where(
            CalendarDay.day == day, CalendarDay.org_id.is_(None) if org is None
            else CalendarDay.org_id == org_id)):
        raise Invalid(_("%(day)s is already in the list; remove it first.", day=format_day(day)),
                      field="day")
    is_working = work_calendar(org).is_working_day(day)
    if kind == DAY_OFF and not is_working:
        raise Invalid(_("%(day)s is already a day off.", day=format_day(day)), field="day")
    if kind == WORKING_DAY and is_working:
        raise Invalid(_("%(day)s is already a working day.", day=format_day(day)), field="day")
    row = CalendarDay(day=day, kind=kind, note=nfc(note or "").strip(), created_by_id=actor.id,
                      org_id=org_id)
    db.session.add(row)
    _audit(actor, "day_added", day.isoformat(),
           {"kind": kind, "note": row.note, **_where(org)})
    db.session.flush()
    recompute_from(day, actor, org)
    return row


def remove_calendar_day(actor, day_id: int) -> None:
    row = db.session.get(CalendarDay, day_id)
    if row is None:
        raise NotFound(_("This day is not in the list."))
    org = row.org
    _require_days_of(actor, org)
    _audit(actor, "day_removed", row.day.isoformat(),
           {"kind": row.kind, "note": row.note, **_where(org)})
    day = row.day
    db.session.delete(row)
    db.session.flush()
    recompute_from(day, actor, org)
