"""The only writers of deadlines: the rule table and calendar as configured, and each case's
CaseDeadline rows (start, stop, extend, pause, resume, recompute, sweep).

Case.due_on mirrors the nearest running due date, so lists keep sorting and filtering on it.
Operations flush at most; the caller commits.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, replace
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.calendar import WorkCalendar, fmt_date, local_today
from app.core.deadline_rules import (
    DEFAULT_RULES,
    DeadlineRule,
    allowed_extensions,
    rule_days,
    validate_rule,
)
from app.core.errors import Invalid, NotFound
from app.core.text import nfc
from app.deadlines.models import (
    DAY_OFF,
    MET,
    PAUSED,
    RUNNING,
    STOPPED,
    WORKING_DAY,
    CalendarDay,
    CaseDeadline,
    DeadlineAudit,
    RuleSetting,
)
from app.extensions import db
from workflows.vocab import LETTER, RECOMMENDATION, SUPERVISION

#: Symbolic rules named by the letter workflow, resolved by letter kind (and complaint round).
LETTER_RULES = {
    "letter.screen": {
        "complaint": "complaint.accept",
        "denunciation": "denunciation.initial",
        None: "intake.log",
    },
    "letter.resolve": {
        ("complaint", 2): "complaint.second.resolve",
        "complaint": "complaint.first.resolve",
        "denunciation": "denunciation.resolve",
        None: "petition.reply",
    },
    "letter.forward_reply": {None: "petition.reply"},
}

#: The deadline a new case starts with, per family.
OPENING_RULE = {
    LETTER: "letter.screen",
    RECOMMENDATION: "recommendation.reply",
    SUPERVISION: None,
}

#: Rules whose default duration a deployment sets in its configuration (issue 3).
CONFIG_DAYS = {
    "supervision.draft_report": "SUPERVISION_REPORT_DAYS",
    "recommendation.reply": "RECOMMENDATION_REPLY_DAYS",
}

#: Figures an admin may change; the legal basis and names stay with the code's defaults.
EDITABLE_FIELDS = ("days", "unit", "complex_days", "remote_days", "complex_remote_days",
                   "max_extensions", "extension_days", "warn_before_days")

#: Actions that end a deadline without the awaited act having been done.
NOT_MET_BY = frozenset({"withdraw", "cancel", "postpone", "remind", "escalate",
                        "merge_duplicate"})

COMPLEXITY_VI = {"normal": "bình thường", "complex": "phức tạp",
                 "especially_complex": "đặc biệt phức tạp"}


# -- the rule table and the calendar, cached per process, refreshed on any change ----------

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


def rule_table() -> Mapping[str, DeadlineRule]:
    """Every rule as in force: the defaults overridden by the admins' RuleSetting rows."""
    def build():
        rules = default_rules()
        for setting in db.session.scalars(sa.select(RuleSetting)):
            if setting.code not in rules:
                continue
            candidate = _apply(rules[setting.code], setting.values)
            problems = validate_rule(candidate)
            if problems:  # saved values are validated; a later code change may clash with them
                current_app.logger.warning("ignoring invalid setting of %s: %s", setting.code,
                                           "; ".join(problems))
                continue
            rules[setting.code] = candidate
        return MappingProxyType(rules)

    return _cached("rules", (_stamp(RuleSetting), _config_days()), build)


def _apply(rule: DeadlineRule, values: dict) -> DeadlineRule:
    return replace(rule, **{k: v for k, v in values.items() if k in EDITABLE_FIELDS})


def work_calendar() -> WorkCalendar:
    """The official calendar with the admins' days off and make-up working days."""
    def build():
        rows = db.session.scalars(sa.select(CalendarDay)).all()
        return WorkCalendar({r.day: r.note for r in rows if r.kind == DAY_OFF},
                            [r.day for r in rows if r.kind == WORKING_DAY])

    return _cached("calendar", _stamp(CalendarDay, sa.func.max(CalendarDay.id)), build)


# -- which rule applies ---------------------------------------------------------------------


def resolve_rule(case, code: str | None) -> str | None:
    """The concrete rule code for a code named by a workflow (symbolic letter codes by kind)."""
    if code is None:
        return None
    table = LETTER_RULES.get(code)
    if table is None:
        return code if code in DEFAULT_RULES else None
    letter = getattr(case, "letter", None)
    complaint_round = getattr(letter, "complaint_round", None) or 1
    return table.get((case.kind, complaint_round)) or table.get(case.kind) or table[None]


def modifiers(case) -> tuple[str, bool]:
    """Complexity and remote area of a letter (domain.md §5); other cases are normal."""
    letter = getattr(case, "letter", None) if case.family == LETTER else None
    if letter is None:
        return "normal", False
    return letter.complexity or "normal", bool(letter.remote_area)


# -- computing one deadline -----------------------------------------------------------------


def _closed_pauses(row: CaseDeadline) -> list[tuple[date, date]]:
    return [(date.fromisoformat(p["first"]), date.fromisoformat(p["last"]))
            for p in row.pauses if p["last"]]


def _compute(row: CaseDeadline) -> None:
    """Set the row's duration, due date, warning day and explanation from its own data."""
    rule = row.rule_obj
    base = rule_days(rule, row.complexity, row.remote)
    extra = sum(e["days"] for e in row.extensions)
    result = work_calendar().compute_due(row.start_on, base + extra, rule.unit,
                                         _closed_pauses(row))
    unit = "ngày làm việc" if rule.unit == "working" else "ngày theo lịch"
    lines = [f"{rule.name_vi}: {base} {unit} ({rule.legal_basis})"]
    if base != rule.days:
        lines.append(
            f"Mức độ {COMPLEXITY_VI[row.complexity]}"
            + ("; vùng sâu, vùng xa, đi lại khó khăn" if row.remote else "")
            + f": {base} ngày thay cho {rule.days} ngày")
    for i, ext in enumerate(row.extensions, 1):
        lines.append(f"Gia hạn lần {i} theo quyết định số {ext['number']} ngày "
                     f"{fmt_date(date.fromisoformat(ext['decided_on']))}: thêm {ext['days']} ngày")
    if extra:
        lines.append(f"Tổng thời hạn: {base + extra} ngày")
    if row.due_on != result.due:
        row.warned_at = row.expired_notified_at = None
    row.days = base
    row.due_on = result.due
    row.warn_on = result.due - timedelta(days=rule.warn_before_days)
    row.explanation = lines + result.explanation


def _event_data(row: CaseDeadline) -> dict:
    return {
        "due_on": row.due_on.isoformat(),
        "rule": row.rule_code,
        "legal_basis": row.rule["legal_basis"],
        "explanation": list(row.explanation),
    }


def open_deadlines(case) -> list[CaseDeadline]:
    return [d for d in case.deadlines if d.is_open]


def _sync_case(case) -> None:
    """Case.due_on: the nearest running due date (a paused deadline has none yet)."""
    running = [d for d in case.deadlines if d.status == RUNNING]
    nearest = min(running, key=lambda d: (d.due_on, d.id or 0), default=None)
    due, code = (nearest.due_on, nearest.rule_code) if nearest else (None, None)
    if case.due_on != due or case.due_rule != code:
        case.due_on, case.due_rule = due, code


def _finish(row: CaseDeadline, day: date, trigger: str | None) -> None:
    if row.status == PAUSED:
        _close_pause(row, day)
    row.status = STOPPED if trigger in NOT_MET_BY else MET
    row.ended_on = day
    row.ended_by = trigger


# -- the operations -------------------------------------------------------------------------


def start(case, code: str | None, start_on: date, *, trigger: str | None = None) -> dict:
    """Start the deadline `code` (may be symbolic) counted from `start_on`; it replaces the
    case's open deadlines. Returns the timeline data (due date, legal basis, explanation)."""
    rule_code = resolve_rule(case, code)
    if rule_code is None:
        return {}
    rule = rule_table()[rule_code]
    if rule.direction != "after":
        raise ValueError(f"{rule_code} counts back from an event; it cannot be started")
    for row in open_deadlines(case):
        _finish(row, start_on, trigger)
    complexity, remote = modifiers(case)
    row = CaseDeadline(source_code=code, rule_code=rule_code, rule=asdict(rule),
                       start_on=start_on, complexity=complexity, remote=remote, status=RUNNING,
                       extensions=[], pauses=[], started_by=trigger)
    _compute(row)  # queries the calendar: before the row joins the session
    row.case = case
    db.session.add(row)
    _sync_case(case)
    return _event_data(row)


def stop(case, day: date, outcome: str | None = None) -> None:
    """End the case's open deadlines on `day` (`outcome`: the trigger that ended them)."""
    for row in open_deadlines(case):
        _finish(row, day, outcome)
    _sync_case(case)


def extendable(case) -> CaseDeadline | None:
    return next((d for d in reversed(case.deadlines) if d.status == RUNNING), None)


def extension_refusal(case) -> str | None:
    """Why the case's running deadline cannot be extended once more; None if it can."""
    row = extendable(case)
    if row is None:
        return _("There is no running deadline to extend.")
    rule = row.rule_obj
    name = rule.name_en if _is_en() else rule.name_vi
    if rule.max_extensions == 0:
        return _("The rule “%(rule)s” does not allow extensions.", rule=name)
    allowed = allowed_extensions(rule, row.complexity)
    if len(row.extensions) >= allowed:
        if allowed == 0:
            return _("“%(rule)s” may be extended only when the case is complex or especially "
                     "complex (%(basis)s); set the letter's complexity first.",
                     rule=name, basis=rule.legal_basis)
        return ngettext(
            "“%(rule)s” allows at most %(num)d extension for a case of this complexity "
            "(%(basis)s); it has been granted already.",
            "“%(rule)s” allows at most %(num)d extensions for a case of this complexity "
            "(%(basis)s); they have been granted already.",
            allowed, rule=name, basis=rule.legal_basis)
    return None


def decision_problem(case, decision: dict, today: date) -> Invalid | None:
    """What is wrong with a written extension decision; None if it may be applied."""
    row = extendable(case)
    number = nfc(decision.get("number") or "").strip()
    decided_on = decision.get("decided_on")
    days = decision.get("days")
    if not number:
        return Invalid(_("Give the number of the written extension decision."), field="number")
    if not isinstance(decided_on, date):
        return Invalid(_("Give the date of the written extension decision."), field="decided_on")
    if decided_on > today:
        return Invalid(_("The decision date cannot be in the future."), field="decided_on")
    if decided_on < row.start_on:
        return Invalid(_("The decision cannot predate the start of the deadline (%(day)s).",
                         day=fmt_date(row.start_on)), field="decided_on")
    if decided_on > row.due_on:
        return Invalid(_("An extension must be decided before the deadline expires "
                         "(%(day)s).", day=fmt_date(row.due_on)), field="decided_on")
    limit = row.rule_obj.extension_days
    if days is not None and not 1 <= days <= limit:
        return Invalid(_("An extension is at most %(num)d days.", num=limit), field="days")
    return None


def extend(case, actor, decision: dict, today: date) -> dict:
    """Extend the running deadline by a written decision {number, decided_on, reason, days}."""
    refusal = extension_refusal(case)
    if refusal:
        raise Invalid(refusal)
    problem = decision_problem(case, decision, today)
    if problem:
        raise problem
    row = extendable(case)
    row.extensions = [*row.extensions, {
        "number": nfc(decision["number"]).strip(),
        "decided_on": decision["decided_on"].isoformat(),
        "reason": nfc(decision.get("reason") or "").strip(),
        "days": decision.get("days") or row.rule_obj.extension_days,
        "by": actor.id if actor is not None else None,
    }]
    _compute(row)
    _sync_case(case)
    return {**_event_data(row), "extension": row.extensions[-1]["number"]}


def pause(case, day: date) -> dict:
    """Stop the clock of the running deadlines from `day` (inclusive) until resumed."""
    for row in case.deadlines:
        if row.status == RUNNING:
            row.status = PAUSED
            row.pauses = [*row.pauses, {"first": day.isoformat(), "last": None}]
    _sync_case(case)
    return {"paused_on": day.isoformat()}


def _close_pause(row: CaseDeadline, day: date) -> None:
    """The pause covers its first day to the day before `day`; an empty one is dropped."""
    first = row.pauses[-1]["first"]
    last = day - timedelta(days=1)
    closed = [{"first": first, "last": last.isoformat()}] if last.isoformat() >= first else []
    row.pauses = [*row.pauses[:-1], *closed]


def resume(case, day: date) -> dict:
    """Restart paused deadlines on `day`; their due dates move by the days lost."""
    data: dict = {}
    for row in case.deadlines:
        if row.status == PAUSED:
            _close_pause(row, day)
            row.status = RUNNING
            _compute(row)
            data = _event_data(row)
    _sync_case(case)
    return data


def recompute(case, actor=None) -> list[CaseDeadline]:
    """Recompute the case's open deadlines from what they depend on; writes a timeline line
    (by `actor`) for each running due date that moved. Returns the deadlines that moved.

    Nothing watches for changes: whoever changes what a case's deadlines depend on calls this
    in the same transaction. That is a letter's kind, complaint round, complexity or remote
    area (app.letters.services: classify_letter, open_second_complaint) and the calendar
    (recompute_from, from the calendar's administration)."""
    from app.cases.services import record_event

    moved = []
    complexity, remote = modifiers(case)
    for row in open_deadlines(case):
        code = resolve_rule(case, row.source_code) or row.rule_code
        if code != row.rule_code:
            row.rule_code, row.rule = code, asdict(rule_table()[code])
        before = row.due_on
        row.complexity, row.remote = complexity, remote
        _compute(row)
        if row.due_on != before and row.status == RUNNING:
            moved.append(row)
            record_event(case, actor, "deadline_recomputed", data=_event_data(row))
    _sync_case(case)
    return moved


def recompute_from(day: date, actor=None) -> int:
    """Recompute every open deadline a calendar change on `day` may move."""
    from app.cases.models import Case

    cases = db.session.scalars(
        sa.select(Case).join(CaseDeadline)
        .where(CaseDeadline.status.in_((RUNNING, PAUSED)),
               sa.or_(CaseDeadline.status == PAUSED,
                      sa.and_(CaseDeadline.start_on < day, CaseDeadline.due_on >= day)))
        .distinct()).all()
    return sum(len(recompute(case, actor)) for case in cases)


#: Deadline rows a sweep handles per statement (and per commit, from the command).
SWEEP_CHUNK = 1000


def sweep(today: date | None = None, *, chunk: int = SWEEP_CHUNK, on_chunk=None) -> dict:
    """Write, once per due date, "deadline_warning" inside the warning window and
    "deadline_expired" the day after the due date. Idempotent; for cron.

    Works through the due rows in chunks taken by keyset (due date, id) and locked with SKIP
    LOCKED, so two sweeps at once share the work: per chunk one statement reads the rows, one
    loads their cases, one locks their audit heads, the events go in bulk and two statements
    mark the rows. `on_chunk` (the command's commit) runs after each chunk is flushed."""
    from app.cases.models import Case
    from app.cases.services import record_events

    today = today or local_today()
    now = datetime.now(UTC)
    counts = {"warned": 0, "expired": 0}
    after = (date.min, 0)
    while True:
        rows = db.session.execute(
            sa.select(CaseDeadline.id, CaseDeadline.case_id, CaseDeadline.due_on,
                      CaseDeadline.warned_at, CaseDeadline.rule_code, CaseDeadline.rule,
                      CaseDeadline.explanation)
            .where(CaseDeadline.status == RUNNING, CaseDeadline.warn_on <= today,
                   CaseDeadline.expired_notified_at.is_(None),
                   sa.or_(CaseDeadline.due_on < today, CaseDeadline.warned_at.is_(None)),
                   CaseDeadline.due_on >= after[0],  # where the index range starts
                   sa.tuple_(CaseDeadline.due_on, CaseDeadline.id) > after)
            .order_by(CaseDeadline.due_on, CaseDeadline.id).limit(chunk)
            .with_for_update(skip_locked=True)).all()
        if not rows:
            break
        after = (rows[-1].due_on, rows[-1].id)
        cases = {c.id: c for c in db.session.scalars(
            sa.select(Case).where(Case.id.in_({r.case_id for r in rows})))}
        entries, expired, warned = [], [], []
        for row in rows:
            case = cases[row.case_id]
            if not case.is_open:
                continue
            data = {"due_on": row.due_on.isoformat(), "rule": row.rule_code,
                    "legal_basis": row.rule["legal_basis"],
                    "explanation": list(row.explanation)}
            if row.due_on < today:
                entries.append({"case": case, "actor": None, "action": "deadline_expired",
                                "data": data, "at": now})
                expired.append(row.id)
                if row.warned_at is None:
                    warned.append(row.id)
            else:
                data["days_left"] = (row.due_on - today).days
                entries.append({"case": case, "actor": None, "action": "deadline_warning",
                                "data": data, "at": now})
                warned.append(row.id)
                counts["warned"] += 1
        counts["expired"] += len(expired)
        if entries:
            record_events(entries)
        for ids, values in ((expired, {"expired_notified_at": now}),
                            (warned, {"warned_at": now})):
            if ids:
                db.session.execute(sa.update(CaseDeadline).where(CaseDeadline.id.in_(ids))
                                   .values(**values),
                                   execution_options={"synchronize_session": "evaluate"})
        db.session.flush()
        if on_chunk is not None:
            on_chunk()
        if len(rows) < chunk:
            break
    return counts


# -- administration -------------------------------------------------------------------------


def _audit(actor, action: str, target: str, data: dict) -> None:
    db.session.add(DeadlineAudit(actor_id=actor.id, action=action, target=target, data=data))


def save_rule(actor, code: str, values: dict) -> DeadlineRule:
    """Override the editable figures of rule `code`; refused (422, nothing saved) if invalid."""
    defaults = default_rules()
    if code not in defaults:
        raise NotFound(_("Unknown deadline rule."))
    values = {k: values.get(k) for k in EDITABLE_FIELDS}
    candidate = _apply(defaults[code], values)
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
        raise Invalid(_("%(day)s is already in the list; remove it first.", day=fmt_date(day)),
                      field="day")
    is_working = work_calendar().is_working_day(day)
    if kind == DAY_OFF and not is_working:
        raise Invalid(_("%(day)s is already a day off.", day=fmt_date(day)), field="day")
    if kind == WORKING_DAY and is_working:
        raise Invalid(_("%(day)s is already a working day.", day=fmt_date(day)), field="day")
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


def _is_en() -> bool:
    from app.core.i18n import current_locale

    return has_app_context() and (current_locale() or "vi").startswith("en")
