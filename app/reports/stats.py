"""Statistics of a unit and its subtree over a period: the one source of the dashboard, the
periodic report (PDF, XLSX) and their tests.

How the figures are defined:

* The cases *handled in a period* are those received in it plus those carried over (received
  before it and not closed at its start).
* The state of a case at a moment is the destination of its last transition before that moment,
  read off the append-only timeline (CaseEvent). A report on a past period therefore gives the
  same figures whenever it is run; a case without a timeline falls back to its current state.
* The units of a subtree are those under it at the end of the period: a unit that moved to
  another parent since counts under the one it had then (app.orgs.queries, dated links).
* Deadlines: an open case is overdue when its running deadline (Case.due_on) lies before the
  reference day, the end of the period or today, whichever comes first.
* Recommendations are counted by the period they were sent in (Case.received_on); "answered"
  means at least one reply received by the end of the period.
* Letters follow Biểu 01/XLD: carried over / received, kind, validity, competence, the handling
  decision (thụ lý, hướng dẫn, chuyển đơn, lưu đơn), results and what is still open; forwarded
  letters by whether the receiving body answered by the end of the period, still awaits it,
  and of those, past the reply deadline on the reference day.

Where the figures come from (`figures`): a grassroots unit is computed live (`compute`); a unit
with units below it reads one StatsSnapshot row, written by `refresh_snapshots` (the background
job, `flask stats refresh`), which counts every case once per standard period and adds each
unit's counts to its ancestors. An ended period's snapshot is frozen; the current period's is
as old as the last refresh, and the page says "as of" when. Without a snapshot (a custom period)
the figures are computed live.

Workplace dialogue and grassroots democracy (`Stats.workplace`, when the workplace feature is
installed) come from app.workplace.queries: dialogues held, agreed items followed up, employers
covered and where their periodic dialogue stands, workers' conferences and democracy
regulations, counted from the dialogues' timelines and the employers' dated records; a
snapshot keeps them summed over the subtree like the case figures.

Only cases, their timeline, letter details and recommendation replies are read: the sealed
identity store (app.identity) is never touched, so no statistic can hold a reporter's identity.
Small counts in a publishable report are masked by `publishable` (see there).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.cases.models import Case, CaseEvent
from app.cases.plugins import installed
from app.cases.queries import subtree_condition
from app.core.calendar import local_today
from app.core.dates import LOCAL_TZ, format_day, local_midnight, parse_day
from app.core.errors import Invalid
from app.core.params import MAX_YEAR, MIN_YEAR, year_arg
from app.extensions import db
from app.followup.queries import answered_by
from app.letters.queries import details_columns, outerjoin_details
from app.orgs.models import Organisation
from app.orgs.queries import tree_on
from app.reports.models import StatsSnapshot
from app.workplace import queries as workplace_queries
from workflows import letter, recommendation
from workflows.registry import WORKFLOWS
from workflows.vocab import LETTER, RECOMMENDATION

#: Handling decisions of a classified letter (Biểu 01/XLD "kết quả xử lý đơn").
DECISIONS = ("accept", "guide", "forward", "file_away")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    #: "h1", "h2", "year" or "custom".
    kind: str = "custom"

    @property
    def label_vi(self) -> str:
        if self.kind == "h1":
            return f"6 tháng đầu năm {self.start.year}"
        if self.kind == "h2":
            return f"6 tháng cuối năm {self.start.year}"
        if self.kind == "year":
            return f"năm {self.start.year}"
        return f"từ ngày {format_day(self.start)} đến ngày {format_day(self.end)}"

    def months(self) -> list[date]:
        """First day of each month the period touches."""
        out, day = [], self.start.replace(day=1)
        while day <= self.end:
            out.append(day)
            day = (day + timedelta(days=32)).replace(day=1)
        return out


@dataclass
class Stats:
    org: object
    period: Period
    #: Day the deadlines are judged on: the end of the period or today, whichever is first.
    reference: date
    #: family -> carried, received, total, closed, open, overdue, on_time
    families: dict[str, Counter] = field(default_factory=dict)
    #: channel -> cases received in the period
    channels: Counter = field(default_factory=Counter)
    #: (family, state) -> cases handled in the period, by their state at its end
    states: Counter = field(default_factory=Counter)
    #: (first day of month, received, closed)
    months: list[tuple[date, int, int]] = field(default_factory=list)
    #: issued, answered, implemented, not_implemented, awaiting, overdue
    recommendations: Counter = field(default_factory=Counter)
    #: Biểu 01/XLD lines, see `_letters`
    letters: Counter = field(default_factory=Counter)
    #: When the figures were computed, for a snapshot; None when computed for this request.
    as_of: datetime | None = None
    #: Workplace dialogue and democracy counts (app.workplace.stats.KEYS); None without the
    #: workplace feature (or in a snapshot written before it).
    workplace: dict | None = None

    @property
    def totals(self) -> Counter:
        out = Counter()
        for counts in self.families.values():
            out.update(counts)
        return out


def _terminal(family_col, state_col):
    return sa.or_(*(sa.and_(family_col == fam, state_col.in_(
        [s.name for s in wf.states if s.is_terminal])) for fam, wf in WORKFLOWS.items()))


#: Every terminal state name: no name is terminal in one workflow and open in another (a test
#: holds this), so "is terminal" needs no family and reads a state expression only once.
TERMINAL_STATES = sorted({s.name for wf in WORKFLOWS.values() for s in wf.states
                          if s.is_terminal})


def _state_at(moment: datetime, case_id):
    """The state of case `case_id` at `moment`: the destination of its last transition before
    it, one backward step of ix_case_event_state_at per case (None without a timeline)."""
    return (sa.select(CaseEvent.to_state)
            .where(CaseEvent.case_id == case_id, CaseEvent.to_state.is_not(None),
                   CaseEvent.created_at < moment)
            .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
            .limit(1).scalar_subquery())


def _bucket(column, bounds: list):
    """Index of the month bucket `column` falls in (bounds are each month's first moment)."""
    return sa.case(*((column < b, i) for i, b in enumerate(bounds[1:])), else_=len(bounds) - 2)


def _grouped(*columns):
    """SELECT columns..., count(*) GROUP BY every column, by position (a scalar subquery
    repeated in GROUP BY would carry other bind parameters and not match its select item)."""
    return (sa.select(*columns, sa.func.count())
            .group_by(*(sa.literal_column(str(i)) for i in range(1, len(columns) + 1))))


def _handled(scope, period: Period, reference: date) -> sa.Subquery:
    """One row per case of `scope` handled in the period, with its state at the end."""
    start, end = local_midnight(period.start), local_midnight(period.end + timedelta(days=1))
    state_start = sa.func.coalesce(_state_at(start, Case.id), "")
    state_end = sa.func.coalesce(_state_at(end, Case.id), Case.state)
    return (
        sa.select(
            Case.id, Case.org_id, Case.family, Case.channel, Case.kind, Case.is_anonymous,
            Case.received_on, (Case.received_on < period.start).label("carried"),
            state_end.label("state_end"),
            sa.case((Case.due_on.is_(None), None), (Case.due_on < reference, "overdue"),
                    else_="on_time").label("deadline"),
        )
        .where(scope, Case.received_on <= period.end,
               sa.or_(Case.received_on >= period.start, state_start.not_in(TERMINAL_STATES)))
        .subquery()
    )


def _empty(org, period: Period, today: date) -> Stats:
    return Stats(org=org, period=period, reference=min(period.end, today),
                 months=[(m, 0, 0) for m in period.months()])


def compute(org, period: Period, today: date | None = None) -> Stats:
    """Every figure of the dashboard and the periodic report for `org` and the units below it,
    computed now from the cases and their timelines."""
    today = today or local_today()
    stats = _empty(org, period, today)
    _tally(subtree_condition(org, on=period.end), period, stats.reference,
           lambda org_id: (stats,))
    _add_workplace(stats, today)
    return stats


def workplace_installed() -> bool:
    return "workplace" in installed().features


def _add_workplace(stats: Stats, today: date) -> None:
    """The workplace figures of the unit's subtree, computed now (a fixed few statements)."""
    if workplace_installed():
        stats.workplace = workplace_queries.workplace_figures(
            stats.org, stats.period.start, stats.period.end, today)


def _tally(scope, period: Period, reference: date, targets, by_org: bool = False) -> None:
    """Count the cases of `scope` into the Stats that `targets(org_id)` names (org_id is None
    unless `by_org`: then every query is also grouped by the case's unit)."""
    handled = _handled(scope, period, reference)
    org_key = (handled.c.org_id,) if by_org else ()
    dims = (handled.c.family, handled.c.channel, handled.c.carried, handled.c.state_end,
            handled.c.deadline)
    for row in db.session.execute(_grouped(*org_key, *dims)):
        org_id, (family, channel, carried, state, deadline, n) = (
            (row[0], row[1:]) if by_org else (None, row))
        is_open = not WORKFLOWS[family].state(state).is_terminal
        for stats in targets(org_id):
            counts = stats.families.setdefault(family, Counter())
            counts["carried" if carried else "received"] += n
            counts["total"] += n
            counts["open" if is_open else "closed"] += n
            if is_open and deadline:
                counts[deadline] += n
            if not carried:
                stats.channels[channel] += n
            stats.states[(family, state)] += n
    _months(scope, period, targets, by_org)
    _recommendations(scope, period, reference, targets, by_org)
    _letters(handled, period, targets, by_org)


def _months(scope, period: Period, targets, by_org: bool) -> None:
    months = period.months()
    key = (Case.org_id,) if by_org else ()
    received = db.session.execute(
        _grouped(*key, _bucket(Case.received_on, months + [period.end + timedelta(days=1)]))
        .where(scope, Case.received_on.between(period.start, period.end)))
    bounds = [local_midnight(max(m, period.start)) for m in months]
    bounds.append(local_midnight(period.end + timedelta(days=1)))
    closed = db.session.execute(
        sa.select(*key, _bucket(CaseEvent.created_at, bounds),
                  sa.func.count(sa.distinct(Case.id)))
        .join(Case, Case.id == CaseEvent.case_id)
        .where(scope, _terminal(Case.family, CaseEvent.to_state),
               CaseEvent.created_at >= bounds[0], CaseEvent.created_at < bounds[-1])
        .group_by(*(sa.literal_column(str(i)) for i in range(1, len(key) + 2))))
    for column, result in ((1, received), (2, closed)):
        for row in result:
            org_id, (i, n) = (row[0], row[1:]) if by_org else (None, row)
            for stats in targets(org_id):
                entry = list(stats.months[i])
                entry[column] += n
                stats.months[i] = tuple(entry)


def _any(*where, correlate=None):
    """Whether a row matches `where`, looked up per case: a LIMIT 1 subquery, which PostgreSQL
    cannot turn into a hash of the whole table as it may an EXISTS in a select list."""
    found = sa.select(sa.literal(1)).where(*where).limit(1)
    if correlate is not None:
        found = found.correlate(correlate)
    return found.scalar_subquery().is_not(None)


def _has_event(moment: datetime, **where):
    return _any(CaseEvent.case_id == Case.id, CaseEvent.created_at < moment,
                *(getattr(CaseEvent, k) == v for k, v in where.items()))


def _recommendations(scope, period: Period, reference: date, targets, by_org: bool) -> None:
    end = local_midnight(period.end + timedelta(days=1))
    answered = answered_by(period.end, Case.id)
    state = sa.func.coalesce(_state_at(end, Case.id), Case.state)
    key = (Case.org_id,) if by_org else ()
    rows = db.session.execute(
        _grouped(*key, answered.label("answered"),
                 _has_event(end, to_state="implemented").label("implemented"),
                 _has_event(end, to_state="not_implemented").label("not_implemented"),
                 state.in_(recommendation.PENDING).label("awaiting"),
                 sa.and_(Case.due_on < reference, state.in_(recommendation.PENDING))
                 .label("overdue"))
        .where(scope, Case.family == RECOMMENDATION,
               Case.received_on.between(period.start, period.end)))
    for row in rows:
        org_id, (*flags, n) = (row[0], row[1:]) if by_org else (None, row)
        for out in (s.recommendations for s in targets(org_id)):
            out["issued"] += n
            for name, flag in zip(("answered", "implemented", "not_implemented", "awaiting",
                                   "overdue"), flags):
                if flag:
                    out[name] += n


def _letters(handled: sa.Subquery, period: Period, targets, by_org: bool) -> None:
    """Biểu 01/XLD: every line counts letters handled in the period, by their state at its end."""
    end = local_midnight(period.end + timedelta(days=1))
    decision = (sa.select(CaseEvent.action)
                .where(CaseEvent.case_id == handled.c.id, CaseEvent.action.in_(DECISIONS),
                       CaseEvent.created_at < end)
                .order_by(CaseEvent.created_at.desc(), CaseEvent.id.desc())
                .limit(1).correlate(handled).scalar_subquery())
    resolved = _any(CaseEvent.case_id == handled.c.id,
                    CaseEvent.action == "record_result", CaseEvent.created_at < end,
                    correlate=handled)
    # A forwarded letter whose receiving body answered (app.letters: record_reply).
    answered = _any(CaseEvent.case_id == handled.c.id,
                    CaseEvent.action == "record_reply", CaseEvent.created_at < end,
                    correlate=handled)
    key = (handled.c.org_id,) if by_org else ()
    details = details_columns()
    rows = db.session.execute(outerjoin_details(
        _grouped(*key, handled.c.carried, handled.c.kind, handled.c.is_anonymous,
                 handled.c.state_end, details.is_valid, details.within_competence,
                 (details.signer_count > 1).label("several"), decision.label("decision"),
                 resolved.label("resolved"), answered.label("answered"),
                 handled.c.deadline)
        .select_from(handled), handled.c.id)
        .where(handled.c.family == LETTER))
    for row in rows:
        org_id, rest = (row[0], row[1:]) if by_org else (None, row)
        (carried, kind, anonymous, state, valid, competent, several, decided, done,
         answered_, deadline, n) = rest
        for out in (s.letters for s in targets(org_id)):
            out["total"] += n
            out["carried" if carried else "received"] += n
            out[f"kind.{kind or 'unknown'}"] += n
            out[{True: "valid", False: "invalid", None: "unclassified"}[valid]] += n
            out[{True: "competent", False: "not_competent",
                 None: "competence_unknown"}[competent]] += n
            out[f"decision.{decided or 'none'}"] += n
            if anonymous:
                out["anonymous"] += n
            if several:
                out["several_signers"] += n
            if done:
                out["resolved"] += n
            if state == "withdrawn":
                out["withdrawn"] += n
            if state in letter.BEFORE_RESULT:
                out["open"] += n
            if answered_:
                out["forward.answered"] += n
            if state in letter.FORWARD_PENDING:
                out["forward.awaiting"] += n
                if deadline == "overdue":
                    out["forward.overdue"] += n


# -- snapshots: units with units below them read their figures from one row ---------------


def to_json(stats: Stats) -> dict:
    return {
        "reference": stats.reference.isoformat(),
        "families": {k: dict(v) for k, v in stats.families.items()},
        "channels": dict(stats.channels),
        "states": [[family, state, n] for (family, state), n in sorted(stats.states.items())],
        "months": [[m.isoformat(), r, c] for m, r, c in stats.months],
        "recommendations": dict(stats.recommendations),
        "letters": dict(stats.letters),
        "workplace": dict(stats.workplace) if stats.workplace is not None else None,
    }


def from_json(org, period: Period, data: dict, as_of: datetime | None) -> Stats:
    return Stats(
        org=org, period=period, reference=date.fromisoformat(data["reference"]),
        families={k: Counter(v) for k, v in data["families"].items()},
        channels=Counter(data["channels"]),
        states=Counter({(family, state): n for family, state, n in data["states"]}),
        months=[(date.fromisoformat(m), r, c) for m, r, c in data["months"]],
        recommendations=Counter(data["recommendations"]), letters=Counter(data["letters"]),
        as_of=as_of, workplace=data.get("workplace"),
    )


def has_units_below(org) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Organisation.parent_id == org.id)))


def figures(org, period: Period, today: date | None = None) -> Stats:
    """The figures the dashboard and the periodic report show.

    A grassroots unit (no unit below it) is computed live. A unit with units below it reads its
    snapshot when `refresh_snapshots` wrote one: a frozen one for a period that had ended, the
    last refresh for the current period (`as_of` says when); without one it is computed live.
    Reading never writes."""
    today = today or local_today()
    if not has_units_below(org):
        return compute(org, period, today)
    snap = db.session.execute(
        sa.select(StatsSnapshot.figures, StatsSnapshot.computed_at, StatsSnapshot.is_final)
        .where(StatsSnapshot.org_id == org.id, StatsSnapshot.period_start == period.start,
               StatsSnapshot.period_end == period.end)).first()
    if snap is not None and (snap.is_final or period.end >= today):
        computed = snap.computed_at
        if computed.tzinfo is None:  # SQLite hands back naive UTC
            computed = computed.replace(tzinfo=UTC)
        found = from_json(org, period, snap.figures, computed.astimezone(LOCAL_TZ))
        if found.workplace is None:  # a snapshot written before the workplace figures
            _add_workplace(found, today)
        return found
    return compute(org, period, today)


def snapshot_periods(today: date, years=None) -> list[Period]:
    """The standard periods kept as snapshots: those of `years` (by default this year and the
    last) that have started by `today`."""
    years = years or (today.year - 1, today.year)
    return [p for year in sorted(set(years)) for p in
            (standard_period("h1", year), standard_period("h2", year),
             standard_period("year", year)) if p.start <= today]


def refresh_snapshots(today: date | None = None, years=None, progress=None) -> dict:
    """Write the snapshot of every unit with units below it for the standard periods (see
    `snapshot_periods`): the current period is recomputed, a past one is computed once and
    frozen. One pass per period counts the cases by unit and adds each unit's counts to its
    ancestors. Flushes; the caller commits. Returns {"periods": n, "snapshots": n}."""
    today = today or local_today()
    now = datetime.now(UTC)
    paths = dict(db.session.execute(sa.select(Organisation.id, Organisation.path)).all())
    parents = set(db.session.scalars(
        sa.select(Organisation.parent_id).where(Organisation.parent_id.is_not(None))
        .distinct()))
    counts = {"periods": 0, "snapshots": 0}
    todo = [p for p in snapshot_periods(today, years) if not db.session.scalar(
        sa.select(sa.exists().where(
            StatsSnapshot.period_start == p.start, StatsSnapshot.period_end == p.end,
            StatsSnapshot.is_final.is_(True))))]
    for done, period in enumerate(todo):
        tallies = {org_id: _empty(None, period, today) for org_id in parents}
        # Each unit counts under the ancestors it had at the end of the period.
        tree = tree_on(period.end)
        chains: dict[int, tuple[int, ...]] = {}

        def targets(org_id, tallies=tallies, tree=tree, chains=chains):
            chain = chains.get(org_id)
            if chain is None:
                path = tree.path(paths.get(org_id) or "")
                ids = (int(part) for part in path.strip("/").split("/") if part)
                chain = chains[org_id] = tuple(i for i in ids if i in tallies)
            return [tallies[i] for i in chain]

        _tally(sa.true(), period, min(period.end, today), targets, by_org=True)
        if workplace_installed():
            for stats in tallies.values():
                stats.workplace = Counter()
            by_unit = workplace_queries.workplace_counts_by_unit(period.start, period.end,
                                                                 today)
            for org_id, counts in by_unit.items():
                for stats in targets(org_id):
                    stats.workplace.update(counts)
            for stats in tallies.values():
                stats.workplace = workplace_queries.workplace_totals(stats.workplace)
        db.session.execute(sa.delete(StatsSnapshot).where(
            StatsSnapshot.period_start == period.start, StatsSnapshot.period_end == period.end))
        db.session.execute(sa.insert(StatsSnapshot), [
            {"org_id": org_id, "period_kind": period.kind, "period_start": period.start,
             "period_end": period.end, "computed_at": now, "is_final": period.end < today,
             "figures": to_json(stats)} for org_id, stats in tallies.items()])
        counts["periods"] += 1
        counts["snapshots"] += len(tallies)
        if progress is not None:
            progress((done + 1) * 100 // len(todo))
    db.session.flush()
    return counts


#: The longest period a report covers (one chart point per month).
MAX_MONTHS = 60


def _parse_day(raw: str | None, message: str) -> date:
    """A day typed as every date field reads it (app.core.dates.parse_day), in the years
    reports cover (year 1 or 9999 would overflow the time zone)."""
    day = parse_day(raw)
    if day is None or not MIN_YEAR <= day.year <= MAX_YEAR:
        raise Invalid(message)
    return day


def _standard(start: date, end: date) -> str:
    """The name of the standard period [start, end] is, "custom" otherwise."""
    for kind in ("h1", "h2", "year"):
        p = standard_period(kind, start.year)
        if (p.start, p.end) == (start, end):
            return kind
    return "custom"


def standard_period(kind: str, year: int) -> Period:
    first, last = {"h1": ((1, 1), (6, 30)), "h2": ((7, 1), (12, 31))}.get(
        kind, ((1, 1), (12, 31)))
    return Period(date(year, *first), date(year, *last), kind if kind in ("h1", "h2") else "year")


def parse_period(args, today: date | None = None) -> Period:
    """The period asked for: from/to (yyyy-mm-dd or dd/mm/yyyy), or period=h1|h2|year with
    year=; by default the current year. Raises Invalid (422) on bad input."""
    today = today or local_today()
    if args.get("from") or args.get("to"):
        start = _parse_day(args.get("from"), _("Enter the first day of the period as dd/mm/yyyy."))
        end = _parse_day(args.get("to"), _("Enter the last day of the period as dd/mm/yyyy."))
        if end < start:
            raise Invalid(_("The period ends before it starts."))
        if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
            raise Invalid(_("A report covers at most %(n)d months.", n=MAX_MONTHS))
        return Period(start, end, _standard(start, end))
    year = year_arg(args) if args.get("year") else today.year
    if year is None:
        raise Invalid(_("Enter a year between %(first)d and %(last)d.", first=MIN_YEAR,
                        last=MAX_YEAR))
    return standard_period(args.get("period") or "year", year)
