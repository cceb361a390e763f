"""Read side of deadlines: a case's deadlines, the user's warnings, the admin pages' lists."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.permissions import scope_condition
from app.cases.models import Case
from app.cases.queries import (
    COUNT_CAP,
    TODAY,
    actionable_condition,
    acts_nationally,
    kept_statement,
    role_shape,
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


def _soon_until(today):
    """The last day a due-soon case may be due: `today` plus the widest warning window (days
    between warn_on and due_on) of a running deadline, read off the end of
    ix_case_deadline_warn_span on PostgreSQL."""
    def widest(span):
        return sa.func.coalesce(sa.select(sa.func.max(span))
                                .where(CaseDeadline.status == RUNNING).scalar_subquery(), 0)

    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.cast(today, sa.Date)
                       + widest(CaseDeadline.due_on - CaseDeadline.warn_on), sa.Date)
    # SQLite stores dates as text.
    days = widest(sa.func.julianday(CaseDeadline.due_on) - sa.func.julianday(CaseDeadline.warn_on))
    return sa.func.date(today, sa.func.printf("+%d days", sa.cast(days, sa.Integer)))


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
    past their due date; each as (count, first DeadlineWarnings by due date). A count above
    `cap` is cap + 1.

    Read through the cases: a case's due_on is its nearest running due date (and a case has
    one running deadline at a time), so an overdue case is one with due_on < today and a
    due-soon one lies between today and the widest warning window. One statement whatever
    the scope: the window, both lists' counts and their rows (built once per role_shape and
    kept)."""
    today = today or local_today()
    statement = _warning_statement(role_shape(user), limit, cap)
    result = db.session.execute(statement, {"today": today}).all()
    rows = [DeadlineWarning(r.case_id, r.code, r.title, Label(r.name_vi, r.name_en), r.due_on)
            for r in result if r.case_id is not None]
    lists = {"due_soon": [w for w in rows if w.due_on >= today],
             "overdue": [w for w in rows if w.due_on < today]}
    return {key: (getattr(result[0], key), lists[key][:limit]) for key in WARNING_LISTS}


@kept_statement
def _warning_statement(shape, limit: int, cap: int):
    """One statement: a row of both lists' counts, joined to the rows of both lists (none:
    one row of counts and NULLs). Each list's first cap + 1 cases in (due date, id) order are
    read once (a CTE) for its count and its first `limit` cases: a national officer's walk
    the running deadlines' index by date, a province's read each state's range of
    ix_case_file_state_path_due from the index alone and sort it."""
    today = TODAY
    soon_until = _soon_until(today)
    # Nationwide, the states are checked on an expression no index holds: the planner then
    # walks ix_case_file_running_due by date and stops at the cap, instead of reading each
    # state's due-soon cases (3,400 deadlines looked up at 10^6 cases) to sort them.
    actionable = actionable_condition(
        shape, Case.state.concat(sa.literal_column("''")) if acts_nationally(shape)
        else Case.state)
    in_window = sa.and_(CaseDeadline.status == RUNNING, CaseDeadline.warn_on <= today,
                        CaseDeadline.due_on >= today)
    cases = {
        "due_soon": sa.and_(
            Case.due_on >= today, Case.due_on <= soon_until,
            # OFFSET 0 keeps the check a per-case lookup (ix_case_deadline_case_id) that the
            # walk by date stops after: made a join, PostgreSQL hashed the country's
            # deadlines in the window (12,000 rows at 10^6 cases) for 101 cases.
            sa.select(CaseDeadline.id).where(CaseDeadline.case_id == Case.id, in_window)
            .offset(0).exists()),
        "overdue": Case.due_on < today,
    }
    found = {key: sa.select(Case.id, Case.due_on).where(actionable, cases[key])
             .order_by(Case.due_on, Case.id).limit(cap + 1).cte(f"{key}_cases")
             for key in WARNING_LISTS}
    counts = sa.select(*(sa.select(sa.func.count()).select_from(found[key]).scalar_subquery()
                         .label(key) for key in WARNING_LISTS)).subquery()
    # The first `limit` cases of each list hold its first `limit` deadlines in (due date,
    # case) order: every case before one of them has a running deadline due no later.
    firsts = [sa.select(cte.c.id).order_by(cte.c.due_on, cte.c.id).limit(limit).subquery()
              for cte in found.values()]
    ids = sa.union_all(*(sa.select(first.c.id) for first in firsts)).subquery()
    rows = (sa.select(CaseDeadline.case_id, Case.code, Case.title,
                      CaseDeadline.rule["name_vi"].as_string().label("name_vi"),
                      CaseDeadline.rule["name_en"].as_string().label("name_en"),
                      CaseDeadline.due_on, CaseDeadline.id.label("deadline_id"))
            .join(Case, Case.id == CaseDeadline.case_id)
            .where(CaseDeadline.case_id.in_(sa.select(ids.c.id)), CaseDeadline.status == RUNNING,
                   sa.or_(in_window, CaseDeadline.due_on < today))
            .subquery())
    return (sa.select(counts, rows).select_from(counts.outerjoin(rows, sa.true()))
            .order_by(rows.c.due_on, rows.c.case_id, rows.c.deadline_id))


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
