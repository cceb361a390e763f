"""Figures of workplace dialogue and grassroots democracy for a unit's subtree over a period:
what the dashboard and the periodic report (app.reports, through queries.workplace_figures)
show beside the case figures.

How the figures are defined, so that a past period always gives the same numbers:

* The subtree is the units under `org` at the end of the period (the dated tree of
  app.orgs.queries, as app.cases.queries.subtree_condition reads it): a dialogue counts under
  the unit of its case, an employer under the grassroots union that covers it.
* Dialogues held: dialogue cases whose timeline has the "hold" transition in the period (the
  line is dated the day the dialogue was held), by kind (periodic, on request, on an event).
* Agreed items done / not done: items whose follow-up ("dialogue_item_followed" lines) is
  dated in the period by its own day (data["on"]); an item followed more than once in the
  period counts once, by its last follow-up there.
* Employers covered: registered with a `covered_since` on or before the end of the period.
  Their periodic dialogue (rule "dialogue.periodic": days, warn_before_days) falls due `days`
  after the last periodic dialogue held (or the day coverage began); on the reference day (the
  end of the period, or today while it runs) an employer is overdue when that day has passed,
  due when it comes within `warn_before_days`.
* Workers' conferences held in the period at those employers.
* Democracy regulations: the employers whose workforce at the end (their last headcount on or
  before it) requires them (rules.needs_regulations), and of those, how many had regulations
  issued on or before the end.

Every figure is a count that adds up over units (`counts_by_unit`, for the reports' snapshots
of units with units below them); the share is worked out from two of them (`with_share`).
A fixed number of statements, whatever the number of employers or dialogues: the dated tree
(one, two when units moved), the rule table, and one aggregate each for dialogues held, items
followed and employers.
"""
from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.core.calendar import local_today
from app.core.dates import local_midnight
from app.deadlines import queries as deadline_queries
from app.extensions import db
from app.orgs.models import Organisation
from app.orgs.queries import bytewise, tree_on
from app.workplace import rules
from app.workplace.models import (
    DemocracyRegulation,
    DialogueItem,
    DialogueRecord,
    Employer,
    EmployerHeadcount,
    WorkersConference,
)
from workflows.vocab import DIALOGUE, DIALOGUE_KINDS

#: The counts `figures` returns (each an int), in the order the reports list them.
KEYS = (
    *(f"held.{kind}" for kind in DIALOGUE_KINDS), "held",
    "items.done", "items.not_done",
    "employers", "dialogue.overdue", "dialogue.due",
    "conferences",
    "regulations.required", "regulations.issued",
)
#: The share of employers required to have regulations that have them (None: none required).
SHARE = "regulations.share"
FOLLOWED = "dialogue_item_followed"


def _positions(n: int):
    """GROUP BY the first n select items by position (a correlated subquery repeated in GROUP
    BY would carry other bind parameters and not match its select item)."""
    return [sa.literal_column(str(i)) for i in range(1, n + 1)]


def _unit_ids(org: Organisation, day: date) -> sa.Select:
    """The units under `org` (itself included) as the tree stood on `day`: the condition of
    app.cases.queries.subtree_condition, on the unit table."""
    tree = tree_on(day)
    units = (tree.subtree(org, bytewise(Organisation.path)) if tree.moves
             else Organisation.path.startswith(org.path, autoescape=True))
    return sa.select(Organisation.id).where(units)


def figures(org: Organisation, date_from: date, date_to: date,
            today: date | None = None) -> dict:
    """The figures of `org` and the units below it for the period [date_from, date_to]: every
    count of KEYS, and SHARE."""
    units = _unit_ids(org, date_to)
    tally = _counts(Case.org_id.in_(units), Employer.org_id.in_(units), date_from, date_to,
                    today, by_org=False)
    return with_share(tally.get(None, Counter()))


def counts_by_unit(date_from: date, date_to: date,
                   today: date | None = None) -> dict[int, Counter]:
    """The counts of every unit on its own (its dialogue cases, the employers it covers), for
    the snapshots that add each unit's counts to its ancestors."""
    return _counts(sa.true(), sa.true(), date_from, date_to, today, by_org=True)


def with_share(counts: Counter) -> dict:
    """Every count of KEYS (0 when absent) and SHARE."""
    out = {key: int(counts.get(key, 0)) for key in KEYS}
    required = out["regulations.required"]
    out[SHARE] = out["regulations.issued"] / required if required else None
    return out


def _counts(cases, employers, date_from: date, date_to: date, today: date | None,
            by_org: bool) -> dict[int | None, Counter]:
    reference = min(date_to, today or local_today())
    out: dict[int | None, Counter] = {}

    def add(row):
        org_id, rest = (row[0], tuple(row[1:])) if by_org else (None, tuple(row))
        return out.setdefault(org_id, Counter()), rest

    for row in db.session.execute(_held(cases, date_from, date_to, by_org)):
        counts, (kind, n) = add(row)
        if kind in DIALOGUE_KINDS:
            counts[f"held.{kind}"] += n
        counts["held"] += n
    for row in db.session.execute(_followed(cases, date_from, date_to, by_org)):
        counts, (status, n) = add(row)
        if status in ("done", "not_done"):
            counts[f"items.{status}"] += n
    for row in db.session.execute(_employers(employers, date_from, date_to, reference,
                                             by_org)):
        counts, (workers, regulated, state, n, conferences) = add(row)
        counts["employers"] += n
        counts["conferences"] += int(conferences or 0)
        if state:
            counts[f"dialogue.{state}"] += n
        if rules.needs_regulations(workers):
            counts["regulations.required"] += n
            if regulated:
                counts["regulations.issued"] += n
    return out


def _held(cases, date_from: date, date_to: date, by_org: bool) -> sa.Select:
    """Dialogue cases held in the period, by kind: one lookup per dialogue case of the
    "hold" line in the period (the case's timeline index, never the whole timeline)."""
    start, end = local_midnight(date_from), local_midnight(date_to + timedelta(days=1))
    held = (sa.select(sa.literal(1))
            .where(CaseEvent.case_id == Case.id, CaseEvent.action == "hold",
                   CaseEvent.to_state.is_not(None), CaseEvent.created_at >= start,
                   CaseEvent.created_at < end)
            .limit(1).correlate(Case).scalar_subquery())
    key = (Case.org_id,) if by_org else ()
    return (sa.select(*key, Case.kind, sa.func.count())
            .where(cases, Case.family == DIALOGUE, held.is_not(None))
            .group_by(*_positions(len(key) + 1)))


def _followed(cases, date_from: date, date_to: date, by_org: bool) -> sa.Select:
    """Agreed items by the status of their last follow-up dated in the period (data["on"], an
    ISO day, compares as text), read from the timeline of each item's dialogue."""
    day = CaseEvent.data["on"].as_string()
    status = (sa.select(CaseEvent.data["status"].as_string())
              .where(CaseEvent.case_id == DialogueItem.case_id, CaseEvent.action == FOLLOWED,
                     CaseEvent.data["item_id"].as_integer() == DialogueItem.id,
                     day >= date_from.isoformat(), day <= date_to.isoformat())
              .order_by(day.desc(), CaseEvent.id.desc())
              .limit(1).correlate(DialogueItem).scalar_subquery())
    key = (Case.org_id,) if by_org else ()
    return (sa.select(*key, status, sa.func.count())
            .select_from(DialogueItem).join(Case, Case.id == DialogueItem.case_id)
            .where(cases, Case.family == DIALOGUE, DialogueItem.outcome == "agreed")
            .group_by(*_positions(len(key) + 1)))


def _employers(employers, date_from: date, date_to: date, reference: date,
               by_org: bool) -> sa.Select:
    """The employers covered at the end of the period, grouped by their workforce (capped at
    the regulations' threshold, so the groups stay few and rules.needs_regulations decides),
    whether they have regulations, where their periodic dialogue stands on `reference`, with
    the workers' conferences they held in the period."""
    rule = deadline_queries.rule("dialogue.periodic")
    last_periodic = (sa.select(sa.func.max(DialogueRecord.held_on))
                     .join(Case, Case.id == DialogueRecord.case_id)
                     .where(DialogueRecord.employer_id == Employer.id, Case.kind == "periodic",
                            DialogueRecord.held_on <= reference)
                     .correlate(Employer).scalar_subquery())
    # Due `rule.days` after the last periodic dialogue (or the start of coverage).
    since = sa.func.coalesce(last_periodic, Employer.covered_since)
    overdue_before = reference - timedelta(days=rule.days)
    due_until = overdue_before + timedelta(days=rule.warn_before_days)
    state = sa.case((since < overdue_before, "overdue"), (since <= due_until, "due"),
                    else_=None)
    workers = (sa.select(EmployerHeadcount.workers)
               .where(EmployerHeadcount.employer_id == Employer.id,
                      EmployerHeadcount.as_of <= date_to)
               .order_by(EmployerHeadcount.as_of.desc()).limit(1)
               .correlate(Employer).scalar_subquery())
    regulated = (sa.select(sa.literal(1))
                 .where(DemocracyRegulation.employer_id == Employer.id,
                        DemocracyRegulation.issued_on <= date_to)
                 .limit(1).correlate(Employer).scalar_subquery())
    conferences = (sa.select(sa.func.count())
                   .where(WorkersConference.employer_id == Employer.id,
                          WorkersConference.held_on.between(date_from, date_to))
                   .correlate(Employer).scalar_subquery())
    each = (sa.select(Employer.org_id.label("org_id"), workers.label("workers"),
                      regulated.is_not(None).label("regulated"), state.label("state"),
                      conferences.label("conferences"))
            .where(employers, Employer.covered_since <= date_to)
            .subquery())
    threshold = rules.REGULATION_THRESHOLD
    capped = sa.case((each.c.workers > threshold, threshold), else_=each.c.workers)
    key = (each.c.org_id,) if by_org else ()
    return (sa.select(*key, capped, each.c.regulated, each.c.state, sa.func.count(),
                      sa.func.sum(each.c.conferences))
            .group_by(*_positions(len(key) + 3)))
