"""The deadlines feature's public API, and the only writers of deadlines. Other packages import
from here (or from app.deadlines.queries); the work is done in one module per job:

- app.deadlines.table: the rule table and the calendar as configured, cached per process;
- app.deadlines.clock: a case's deadlines (start, stop, extend, pause, resume, recompute);
- app.deadlines.sweep: the nightly warnings and expiry notices;
- app.deadlines.admin: the admins' changes of rules and calendar days, audited.

Case.due_on mirrors the nearest running due date, so lists keep sorting and filtering on it.
Operations flush at most; the caller commits. Nothing recomputes behind the caller's back:
whoever changes what a case's deadlines depend on calls `recompute`.
"""
from __future__ import annotations

from app.deadlines.admin import (
    RuleInvalid,
    add_calendar_day,
    remove_calendar_day,
    reset_rule,
    save_rule,
)
from app.deadlines.clock import (
    COMPLEXITY_VI,
    LETTER_RULES,
    NOT_MET_BY,
    OPENING_RULE,
    _event_data,  # noqa: F401  (tests/perf/test_sweep.py checks the sweep's lines with it)
    decision_problem,
    due_if_extended,
    extend,
    extendable,
    extension_refusal,
    meet_by_documents,
    modifiers,
    open_deadlines,
    pause,
    read_start_day,
    recompute,
    recompute_from,
    resolve_rule,
    resume,
    start,
    start_day,
    stop,
)
from app.deadlines.sweep import SWEEP_CHUNK, sweep
from app.deadlines.table import (
    CONFIG_DAYS,
    EDITABLE_FIELDS,
    default_rules,
    rule_table,
    work_calendar,
)

__all__ = [
    "COMPLEXITY_VI", "CONFIG_DAYS", "EDITABLE_FIELDS", "LETTER_RULES", "NOT_MET_BY",
    "OPENING_RULE", "SWEEP_CHUNK", "RuleInvalid", "add_calendar_day", "decision_problem",
    "due_if_extended",
    "default_rules", "extend", "extendable", "extension_refusal", "meet_by_documents",
    "modifiers",
    "open_deadlines", "pause", "read_start_day", "recompute", "recompute_from",
    "remove_calendar_day", "reset_rule", "resolve_rule", "resume", "rule_table", "save_rule",
    "start", "start_day", "stop", "sweep", "work_calendar",
]
