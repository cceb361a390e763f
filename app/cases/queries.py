"""Read side of cases: scoped lists, filters, the user's work queue."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.core.calendar import local_today
from app.core.permissions import scope_condition
from app.core.text import fold
from app.extensions import db
from app.orgs.models import Organisation
from workflows import recommendation
from workflows.registry import WORKFLOWS

SORTS = {
    "newest": (Case.received_on.desc(), Case.id.desc()),
    "oldest": (Case.received_on.asc(), Case.id.asc()),
    "due": (sa.case((Case.due_on.is_(None), 1), else_=0), Case.due_on.asc(), Case.id.asc()),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
}


@dataclass
class CaseFilter:
    family: str | None = None
    channel: str | None = None
    state: str | None = None
    org_id: int | None = None
    q: str | None = None
    overdue: bool = False
    open_only: bool = False
    #: Cases with a running deadline that falls on or before this day.
    due_by: date | None = None
    sort: str = "newest"


def scoped_cases(user) -> sa.Select:
    return sa.select(Case).where(scope_condition(user, Case.org_id))


def get_case_for(user, case_id: int) -> Case | None:
    """The case if it exists and lies in the user's scope; None otherwise (404 either way)."""
    return db.session.scalar(scoped_cases(user).where(Case.id == case_id))


def filtered_cases(user, f: CaseFilter, today: date | None = None) -> sa.Select:
    stmt = scoped_cases(user)
    if f.family in WORKFLOWS:
        stmt = stmt.where(Case.family == f.family)
    if f.channel:
        stmt = stmt.where(Case.channel == f.channel)
    if f.state:
        stmt = stmt.where(Case.state == f.state)
    if f.org_id:
        org = db.session.get(Organisation, f.org_id)
        if org is not None:
            stmt = stmt.where(
                Case.org_id.in_(sa.select(Organisation.id)
                                .where(Organisation.path.startswith(org.path)))
            )
    if f.q:
        for word in fold(f.q).split():
            stmt = stmt.where(Case.search_text.contains(word, autoescape=True))
    if f.overdue:
        stmt = stmt.where(Case.due_on < (today or local_today()))
    if f.due_by:
        stmt = stmt.where(Case.due_on <= f.due_by)
    if f.open_only or f.overdue:
        stmt = stmt.where(sa.or_(*(
            sa.and_(Case.family == fam, Case.state.in_(wf.open_states))
            for fam, wf in WORKFLOWS.items()
        )))
    return stmt.order_by(*SORTS.get(f.sort, SORTS["newest"]))


def actionable_condition(user):
    """Cases whose current state offers an action to one of the user's roles in their scope."""
    clauses = []
    for assignment in user.roles:
        pairs = [
            sa.and_(Case.family == fam, Case.state.in_(sorted(
                {src for a in wf.actions if assignment.role in a.roles for src in a.sources})))
            for fam, wf in WORKFLOWS.items()
            if any(assignment.role in a.roles for a in wf.actions)
        ]
        if not pairs:
            continue
        subtree = sa.select(Organisation.id).where(
            Organisation.path.startswith(assignment.org.path, autoescape=True))
        clauses.append(sa.and_(Case.org_id.in_(subtree), sa.or_(*pairs)))
    return sa.or_(*clauses) if clauses else sa.false()


#: The order of every queue: soonest deadline first, cases without one last (PostgreSQL's
#: own order for ASC, so an index on (state, due_on, id) reads it as it is).
QUEUE_ORDER = (Case.due_on.asc().nulls_last(), Case.id.asc())
#: Queue counts stop here: beyond it the page says "1000+" (a count of a national scope
#: would read a million rows per request).
COUNT_CAP = 1000


def queue(branches, limit: int) -> sa.Select:
    """The first `limit` cases in QUEUE_ORDER among `branches`, (state, condition) pairs:
    each branch reads one state's (state, due_on, id) index in order and stops at `limit`, so
    no branch sorts more than its own first rows, whatever the scope holds."""
    tops = [sa.select(Case.id, Case.due_on).where(Case.state == state, condition)
            .order_by(*QUEUE_ORDER).limit(limit).subquery() for state, condition in branches]
    if not tops:
        return sa.select(Case).where(sa.false())
    union = sa.union_all(*(sa.select(top) for top in tops)).subquery()
    first = (sa.select(union.c.id).order_by(union.c.due_on.asc().nulls_last(), union.c.id)
             .limit(limit))
    return sa.select(Case).where(Case.id.in_(first)).order_by(*QUEUE_ORDER)


def capped_count(condition, cap: int = COUNT_CAP):
    """A scalar subquery: how many cases meet `condition`, counting no further than cap + 1."""
    capped = sa.select(sa.literal(1)).where(condition).limit(cap + 1).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def _actionable_states(user) -> dict[str, list]:
    """Per state, the conditions under which it offers one of the user's roles an action:
    (family, units of the role's subtree), one per role assignment and family."""
    by_state: dict[str, list] = {}
    for assignment in user.roles:
        subtree = None
        for fam, wf in WORKFLOWS.items():
            states = {src for a in wf.actions if assignment.role in a.roles for src in a.sources}
            if not states:
                continue
            if subtree is None:
                subtree = sa.select(Organisation.id).where(
                    Organisation.path.startswith(assignment.org.path, autoescape=True))
            for state in states:
                by_state.setdefault(state, []).append(
                    sa.and_(Case.family == fam, Case.org_id.in_(subtree)))
    return by_state


def actionable_condition(user):
    """Cases whose current state offers an action to one of the user's roles in their scope."""
    by_state = _actionable_states(user)
    if not by_state:
        return sa.false()
    return sa.or_(*(sa.and_(Case.state == state, sa.or_(*conds))
                    for state, conds in sorted(by_state.items())))


def work_queue(user, limit: int = 20) -> list[Case]:
    """Cases waiting for an action the user's roles allow, soonest deadline first."""
    branches = [(state, sa.or_(*conds)) for state, conds in sorted(
        _actionable_states(user).items())]
    return list(db.session.scalars(queue(branches, limit)))


def count_by_state(user) -> list[tuple[str, str, int]]:
    stmt = (
        sa.select(Case.family, Case.state, sa.func.count())
        .where(scope_condition(user, Case.org_id))
        .group_by(Case.family, Case.state)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


def timeline(case: Case) -> list[CaseEvent]:
    return list(db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    ))


#: States that wait for an approver's decision, read off the workflows.
APPROVAL_STATES = tuple(sorted({
    source for wf in WORKFLOWS.values() for a in wf.actions
    if a.trigger.startswith("approve") for source in a.sources}))

#: The lines of a work summary: (key, family, states, only overdue?).
SUMMARY_LINES = (
    ("approvals", None, APPROVAL_STATES, False),
    ("drafts_due", "supervision", ("fieldwork",), False),
    ("notices", "supervision", ("delegation_formed",), False),
    ("overdue_recommendations", "recommendation", recommendation.PENDING, True),
    ("overdue_letters", "letter", WORKFLOWS["letter"].open_states, True),
)


def _summary_line(scope, family, states, overdue: bool, today: date):
    """(state, condition) branches of one summary line."""
    condition = [scope]
    if family:
        condition.append(Case.family == family)
    if overdue:
        condition.append(Case.due_on < today)
    return [(state, sa.and_(*condition)) for state in states]


def work_summary(scope, today: date | None = None, limit: int = 10,
                 scopes: dict | None = None, cap: int = COUNT_CAP) -> dict:
    """Per line: (count, first cases by due date) inside `scope` (a SQL condition on Case);
    `scopes` narrows single lines (approvals are asked only of approvers). A count above
    `cap` is cap + 1 (shown "cap+"); the counts of every line come in one statement."""
    today = today or local_today()
    lines = {key: _summary_line((scopes or {}).get(key, scope), family, states, overdue, today)
             for key, family, states, overdue in SUMMARY_LINES}
    counts = db.session.execute(sa.select(*(
        capped_count(sa.or_(*(sa.and_(Case.state == state, cond) for state, cond in branches)),
                     cap).label(key)
        for key, branches in lines.items()))).one()._asdict()
    return {key: (counts[key], db.session.scalars(queue(branches, limit)).all())
            for key, branches in lines.items()}


def subtree_condition(org):
    return Case.org_id.in_(sa.select(Organisation.id).where(
        Organisation.path.startswith(org.path, autoescape=True)))
