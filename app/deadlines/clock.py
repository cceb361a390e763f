"""A case's deadlines: which rule applies, and the CaseDeadline rows it starts, stops, extends,
pauses, resumes and recomputes.

Case.due_on mirrors the nearest running due date, so lists keep sorting and filtering on it.
Operations flush at most; the caller commits.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext

from app.core.dates import format_day
from app.core.deadline_rules import (
    DEFAULT_RULES,
    allowed_extensions,
    rule_days,
    shown_basis,
)
from app.core.errors import Invalid
from app.core.text import nfc
from app.deadlines.models import MET, PAUSED, RUNNING, STOPPED, CaseDeadline
from app.deadlines.table import rule_table, work_calendar
from app.documents import services as documents
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
    # Counted from the forwarding (or the latest reminder, escalation): not from receipt.
    "letter.forward_reply": {None: "forward.reply"},
    # Started beside the resolution of a denunciation (Action.also_starts); nothing otherwise.
    "letter.notify": {"denunciation": "denunciation.notify", None: None},
}

#: The deadline a new case starts with, per family.
OPENING_RULE = {
    LETTER: "letter.screen",
    RECOMMENDATION: "recommendation.reply",
    SUPERVISION: None,
}

#: Actions that end a deadline without the awaited act having been done.
NOT_MET_BY = frozenset({"withdraw", "cancel", "postpone", "remind", "escalate",
                        "merge_duplicate"})

COMPLEXITY_VI = {"normal": "bình thường", "complex": "phức tạp",
                 "especially_complex": "đặc biệt phức tạp"}

#: Where an app keeps the readers of start events other features know (read_start_day).
START_DAY_READERS = "giamsat.deadline_start_days"


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


# -- the day a deadline counts from -----------------------------------------------------------


def read_start_day(app, event: str, reader) -> None:
    """`reader(case) -> date | None` gives the day the start event `event` happens (None: not
    known yet); registered by the feature that knows it (app.supervision: the fieldwork's last
    day). A rule's period then counts from that day, or from the step's day when it is later."""
    app.extensions.setdefault(START_DAY_READERS, {})[event] = reader


def start_day(case, rule, step_day: date) -> date:
    """The day `rule`'s period counts from, for a deadline started by a step on `step_day`:
    the rule's start event decides (a letter's receipt, the fieldwork's last day); the step's
    own day when the event is the step itself (acceptance: the day the officer entered)."""
    if rule.start_event == "received" and case.received_on is not None:
        return case.received_on
    readers = current_app.extensions.get(START_DAY_READERS, {}) if has_app_context() else {}
    reader = readers.get(rule.start_event)
    event_day = reader(case) if reader is not None else None
    return max(step_day, event_day) if event_day is not None else step_day


# -- computing one deadline -----------------------------------------------------------------


def _closed_pauses(row: CaseDeadline) -> list[tuple[date, date]]:
    return [(date.fromisoformat(p["first"]), date.fromisoformat(p["last"]))
            for p in row.pauses if p["last"]]


def _due(row: CaseDeadline, case=None, more_days: int = 0):
    """The calendar's result for the row's period (its base, its extensions and `more_days`)
    on the calendar of the case's unit (national days and the local days off above it)."""
    rule = row.rule_obj
    total = (rule_days(rule, row.complexity, row.remote)
             + sum(e["days"] for e in row.extensions) + more_days)
    case = case if case is not None else row.case
    calendar = work_calendar(case.org if case is not None else None)
    return calendar.compute_due(row.start_on, total, rule.unit, _closed_pauses(row))


def due_if_extended(row: CaseDeadline, days: int) -> date:
    """The due date `row` would have with an extension of `days` (a decision being drafted)."""
    return _due(row, more_days=days).due


def _compute(row: CaseDeadline, case=None) -> None:
    """Set the row's duration, due date, warning day and explanation from its own data."""
    rule = row.rule_obj
    base = rule_days(rule, row.complexity, row.remote)
    extra = sum(e["days"] for e in row.extensions)
    result = _due(row, case)
    unit = "ngày làm việc" if rule.unit == "working" else "ngày theo lịch"
    lines = [f"{rule.name_vi}: {base} {unit} ({shown_basis(rule)})"]
    if base != rule.days:
        lines.append(
            f"Mức độ {COMPLEXITY_VI[row.complexity]}"
            + ("; vùng sâu, vùng xa, đi lại khó khăn" if row.remote else "")
            + f": {base} ngày thay cho {rule.days} ngày")
    for i, ext in enumerate(row.extensions, 1):
        lines.append(f"Gia hạn lần {i} theo quyết định số {ext['number']} ngày "
                     f"{format_day(date.fromisoformat(ext['decided_on']))}: "
                     f"thêm {ext['days']} ngày")
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
        "legal_basis": shown_basis(row.rule),
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


def start(case, code: str | None, step_day: date, *, trigger: str | None = None,
          alongside: bool = False) -> dict:
    """Start the deadline `code` (may be symbolic) for a step on `step_day`, counted from the
    day of its rule's start event (start_day); it replaces the case's open deadlines, or runs
    beside them (`alongside`: Action.also_starts). Returns the timeline data (due date, legal
    basis, explanation)."""
    rule_code = resolve_rule(case, code)
    if rule_code is None:
        return {}
    rule = rule_table()[rule_code]
    if rule.direction != "after":
        raise ValueError(f"{rule_code} counts back from an event; it cannot be started")
    for row in ([] if alongside else open_deadlines(case)):
        _finish(row, step_day, trigger)
    complexity, remote = modifiers(case)
    row = CaseDeadline(source_code=code, rule_code=rule_code, rule=asdict(rule),
                       start_on=start_day(case, rule, step_day), event_on=step_day,
                       complexity=complexity, remote=remote, status=RUNNING,
                       extensions=[], pauses=[], started_by=trigger)
    _compute(row, case)  # queries the calendar: before the row joins the session
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
    """The running deadline an extension would move: the newest whose rule allows
    extensions, else the newest running one (whose refusal then says why)."""
    running = [d for d in reversed(case.deadlines) if d.status == RUNNING]
    return next((d for d in running if d.rule_obj.max_extensions), running[0] if running
                else None)


def meet_by_documents(case, day: date) -> list[CaseDeadline]:
    """End as met, on `day`, each open deadline whose rule's documents (DeadlineRule.met_by)
    have all been issued on the case; returns them."""
    met = []
    for row in open_deadlines(case):
        codes = row.rule.get("met_by") or ()
        if codes and documents.all_issued(case, codes):
            _finish(row, day, "document_issued")
            met.append(row)
    if met:
        _sync_case(case)
    return met


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
                     rule=name, basis=shown_basis(rule))
        return ngettext(
            "“%(rule)s” allows at most %(num)d extension for a case of this complexity "
            "(%(basis)s); it has been granted already.",
            "“%(rule)s” allows at most %(num)d extensions for a case of this complexity "
            "(%(basis)s); they have been granted already.",
            allowed, rule=name, basis=shown_basis(rule))
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
                         day=format_day(row.start_on)), field="decided_on")
    if decided_on > row.due_on:
        return Invalid(_("An extension must be decided before the deadline expires "
                         "(%(day)s).", day=format_day(row.due_on)), field="decided_on")
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
    area (app.letters.services: classify_letter, open_second_complaint), the day of a start
    event (app.supervision.services.save_plan: the fieldwork's last day) and the calendar
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
        row.start_on = start_day(case, row.rule_obj, row.event_on or row.start_on)
        _compute(row, case)
        if row.due_on != before and row.status == RUNNING:
            moved.append(row)
            record_event(case, actor, "deadline_recomputed", data=_event_data(row))
    _sync_case(case)
    return moved


def recompute_from(day: date, actor=None, org=None) -> int:
    """Recompute every open deadline a calendar change on `day` may move (of the cases of
    `org`'s subtree for a local day off)."""
    from app.cases.models import Case, in_subtree

    cases = db.session.scalars(
        sa.select(Case).join(CaseDeadline)
        .where(CaseDeadline.status.in_((RUNNING, PAUSED)),
               sa.or_(CaseDeadline.status == PAUSED,
                      sa.and_(CaseDeadline.start_on < day, CaseDeadline.due_on >= day)),
               in_subtree(org.path) if org is not None else sa.true())
        .distinct()).all()
    return sum(len(recompute(case, actor)) for case in cases)


def _is_en() -> bool:
    from app.core.i18n import current_locale

    return has_app_context() and (current_locale() or "vi").startswith("en")
