"""Read side of deadlines: a case's deadlines, the user's warnings, the admin pages' lists."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.cases.models import Case
from app.cases.queries import COUNT_CAP, actionable_condition
from app.core.calendar import (
    local_today,
    official_holidays,
    official_working_weekend_days,
)
from app.deadlines.models import RUNNING, CalendarDay, CaseDeadline, DeadlineAudit
from app.extensions import db


def of_case(case) -> list[CaseDeadline]:
    """Every deadline of the case, the latest first."""
    return sorted(case.deadlines, key=lambda d: d.id or 0, reverse=True)


def warnings_for(user, today: date | None = None, limit: int = 10,
                 cap: int = COUNT_CAP) -> dict:
    """Running deadlines of the cases the user can act on: inside their warning window, and
    past their due date; each as (count, first rows by due date). A count above `cap` is
    cap + 1; both counts come in one statement, the rows read (status, due_on) in order."""
    today = today or local_today()
    actionable = actionable_condition(user)
    conds = {"due_soon": sa.and_(CaseDeadline.warn_on <= today, CaseDeadline.due_on >= today),
             "overdue": CaseDeadline.due_on < today}

    def running(cond):
        return (sa.select(CaseDeadline).join(Case)
                .where(CaseDeadline.status == RUNNING, cond, actionable))

    counts = db.session.execute(sa.select(*(
        sa.select(sa.func.count()).select_from(
            running(cond).with_only_columns(sa.literal(1)).limit(cap + 1).subquery())
        .scalar_subquery().label(key) for key, cond in conds.items()))).one()._asdict()
    return {key: (counts[key], db.session.scalars(
        running(cond).options(contains_eager(CaseDeadline.case))
        .order_by(CaseDeadline.due_on, CaseDeadline.id).limit(limit)).all())
        for key, cond in conds.items()}


def calendar_year(year: int) -> dict:
    """The official holidays and swaps of `year` beside the admins' entries."""
    rows = db.session.scalars(
        sa.select(CalendarDay)
        .where(CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31))
        .order_by(CalendarDay.day)).all()
    return {
        "holidays": official_holidays(year),
        "working_weekends": official_working_weekend_days(year),
        "entries": rows,
    }


def audit_log(kinds: tuple[str, ...], limit: int = 20) -> list[DeadlineAudit]:
    return list(db.session.scalars(
        sa.select(DeadlineAudit).where(DeadlineAudit.action.in_(kinds))
        .order_by(DeadlineAudit.id.desc()).limit(limit)))
