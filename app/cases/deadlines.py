"""Which deadline rule a case runs under, and its due date on the working-day calendar."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from flask import current_app, has_app_context

from app.core.calendar import WorkCalendar
from app.core.deadline_rules import DEFAULT_RULES, rule_days
from workflows.vocab import LETTER, RECOMMENDATION, SUPERVISION

#: Symbolic rules named by workflows, resolved per letter kind.
_LETTER_RULES = {
    "letter.screen": {
        "complaint": "complaint.accept",
        "denunciation": "denunciation.initial",
        None: "intake.log",
    },
    "letter.resolve": {
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


#: Rules whose duration a deployment sets in its configuration (issue 3: "configurable").
CONFIG_DAYS = {
    "supervision.draft_report": "SUPERVISION_REPORT_DAYS",
    "recommendation.reply": "RECOMMENDATION_REPLY_DAYS",
}


@lru_cache(maxsize=1)
def calendar() -> WorkCalendar:
    return WorkCalendar()


def resolve_rule(case, code: str | None) -> str | None:
    if code is None:
        return None
    if code in _LETTER_RULES:
        table = _LETTER_RULES[code]
        return table.get(case.kind, table[None])
    return code if code in DEFAULT_RULES else None


def start_deadline(case, code: str | None, start: date) -> dict:
    """Set the case's running deadline from `start`; return how it was computed (for the event)."""
    rule_code = resolve_rule(case, code)
    if rule_code is None:
        return {}
    rule = DEFAULT_RULES[rule_code]
    days = rule_days(rule, "normal", False)
    if rule_code in CONFIG_DAYS and has_app_context():
        days = int(current_app.config.get(CONFIG_DAYS[rule_code], days))
    result = calendar().compute_due(start, days, rule.unit)
    case.due_on = result.due
    case.due_rule = rule_code
    return {
        "due_on": result.due.isoformat(),
        "rule": rule_code,
        "legal_basis": rule.legal_basis,
        "explanation": list(result.explanation),
    }
