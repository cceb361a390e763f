"""Read side of deadlines: a case's deadlines, the user's warnings, the admin pages' lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.permissions import scope_condition
from app.cases.models import Case
from app.cases.queries import (
    COUNT_CAP,
    TODAY,
    actionable_branches,
    kept_statement,
    queue_count,
    queue_ids,
    role_shape,
    units_of,
)
from app.core.calendar import (
    local_today,
    official_holidays,
    official_working_weekend_days,
)
from app.core.deadline_rules import DeadlineRule
from app.deadlines.models import RUNNING, CalendarDay, CaseDeadline, DeadlineAudit
from app.deadlines.table import rule_table
from app.extensions import db
from workflows.base import Label
from workflows.vocab import ADMIN


def rule(code: str) -> DeadlineRule:
    """Rule `code` as in force: the one table every reader reads (the code's defaults, the
    deployment's durations, the admins' overrides)."""
    return rule_table()[code]


def of_case(case) -> list[CaseDeadline]:
    """Every deadline of the case, the latest first."""
    return sorted(case.deadlines, key=lambda d: d.id or 0, reverse=True)


def _warn_span() -> int:
    """The widest warning window (days between warn_on and due_on) of a running deadline: a
    due-soon case is due at most this many days from today. PostgreSQL reads it off the end
    of ix_case_deadline_warn_span."""
    if db.session.get_bind().dialect.name == "postgresql":
        span = CaseDeadline.due_on - CaseDeadline.warn_on
    else:  # SQLite stores dates as text
        span = sa.func.julianday(CaseDeadline.due_on) - sa.func.julianday(CaseDeadline.warn_on)
    return int(db.session.scalar(
        sa.select(sa.func.max(span)).where(CaseDeadline.status == RUNNING)) or 0)


#: The two lists of warnings, in the order the home page shows them.
WARNING_LISTS = ("due_soon", "overdue")


@dataclass(frozen=True)
class DeadlineWarning:
    """A line of the home page's warnings: a running deadline and its case's code and title."""

    case_id: int
    code: str | None
    title: str
    name: Label
    due_on: date


def warnings_for(user, today: date | None = None, limit: int = 10,
                 cap: int = COUNT_CAP) -> dict:
    """Running deadlines of the cases the user can act on: inside their warning window, and
    past their due date; each as (count, first DeadlineWarnings by due date). A count above `cap` is
    cap + 1.

    Read through the cases: a case's due_on is its nearest running due date (and a case has
    one running deadline at a time), so an overdue case is one with due_on < today and a
    due-soon one lies between today and the widest warning window. Each is read as the work
    queue is (app.cases.queries.actionable_branches: state by state, through the indexes that
    hold the state, the unit's path and the due date) and stops at its limit; three
    statements whatever the scope: the window, both counts, and the rows of both lists (the
    last two built once per role_shape and kept)."""
    today = today or local_today()
    counts_stmt, rows_stmt = _warning_statements(role_shape(user), limit, cap)
    params = {"today": today, "soon_until": today + timedelta(days=_warn_span())}
    counts = db.session.execute(counts_stmt, params).one()._asdict()
    rows = [DeadlineWarning(r.case_id, r.code, r.title, Label(r.name_vi, r.name_en), r.due_on)
            for r in db.session.execute(rows_stmt, params)]
    lists = {"due_soon": [w for w in rows if w.due_on >= today],
             "overdue": [w for w in rows if w.due_on < today]}
    return {key: (counts[key], lists[key][:limit]) for key in WARNING_LISTS}


@kept_statement
def _warning_statements(shape, limit: int, cap: int):
    today = TODAY
    soon_until = sa.bindparam("soon_until", type_=sa.Date)
    branches, units = actionable_branches(shape), units_of(shape)
    in_window = sa.and_(CaseDeadline.status == RUNNING, CaseDeadline.warn_on <= today,
                        CaseDeadline.due_on >= today)
    cases = {
        "due_soon": sa.and_(
            Case.due_on >= today, Case.due_on <= soon_until,
            sa.select(CaseDeadline.id).where(CaseDeadline.case_id == Case.id, in_window)
            .exists()),
        "overdue": Case.due_on < today,
    }
    lists = {key: [(state, sa.and_(condition, cases[key])) for state, condition in branches]
             for key in WARNING_LISTS}
    counts = sa.select(*(queue_count(lists[key], cap, units).label(key)
                         for key in WARNING_LISTS))
    # The first `limit` cases of each list hold its first `limit` deadlines in (due date,
    # case) order: every case before one of them has a running deadline due no later.
    firsts = [queue_ids(lists[key], limit, units).subquery() for key in WARNING_LISTS]
    ids = sa.union_all(*(sa.select(first.c.id) for first in firsts)).subquery()
    rows = (sa.select(CaseDeadline.case_id, Case.code, Case.title,
                      CaseDeadline.rule["name_vi"].as_string().label("name_vi"),
                      CaseDeadline.rule["name_en"].as_string().label("name_en"),
                      CaseDeadline.due_on)
            .join(Case, Case.id == CaseDeadline.case_id)
            .where(CaseDeadline.case_id.in_(sa.select(ids.c.id)), CaseDeadline.status == RUNNING,
                   sa.or_(in_window, CaseDeadline.due_on < today))
            .order_by(CaseDeadline.due_on, CaseDeadline.case_id, CaseDeadline.id))
    return counts, rows


def calendar_year(year: int, user) -> dict:
    """The official holidays and swaps of `year` beside the admins' entries: the national ones
    and the local days off of the units `user` administers (and below)."""
    rows = db.session.scalars(
        sa.select(CalendarDay).options(joinedload(CalendarDay.org))
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31),
               sa.or_(CalendarDay.org_id.is_(None),
                      scope_condition(user, CalendarDay.org_id, roles={ADMIN})))
        .order_by(CalendarDay.day, CalendarDay.id)).all()
    return {
        "holidays": official_holidays(year),
        "working_weekends": official_working_weekend_days(year),
        "entries": rows,
    }


def audit_log(kinds: tuple[str, ...], limit: int = 20) -> list[DeadlineAudit]:
    return list(db.session.scalars(
        sa.select(DeadlineAudit).where(DeadlineAudit.action.in_(kinds))
        .order_by(DeadlineAudit.id.desc()).limit(limit)))
