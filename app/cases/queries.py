"""Read side of cases: scoped lists, filters, the user's work queue."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import orm
from sqlalchemy.sql import visitors
from sqlalchemy.sql.elements import BindParameter

from app.auth import permissions
from app.auth.permissions import scope_condition
from app.cases.models import Case, in_subtree
from app.core.calendar import local_today
from app.core.text import fold
from app.extensions import db
from app.orgs.models import Organisation
from app.orgs.queries import bytewise, tree_on
from workflows import recommendation
from workflows.registry import ALL_STATES, WORKFLOWS
from workflows.vocab import APPROVER, CHANNELS, HANDLER

#: The orders the list offers, `id` breaking ties so that every order is total. "due" puts
#: the cases with a deadline first, soonest first, then the others by id.
SORTS = {
    "newest": (Case.received_on.desc(), Case.id.desc()),
    "oldest": (Case.received_on.asc(), Case.id.asc()),
    "due": (Case.due_on.asc().nulls_last(), Case.id.asc()),
    "updated": (Case.updated_at.desc(), Case.id.desc()),
}


@dataclass(frozen=True, eq=False)
class Segment:
    """A run of a sort that one index walks: the rows meeting `where`, ordered by `key` (None:
    by id alone) then id, descending or not."""

    where: sa.ColumnElement | None
    key: sa.Column | None
    descending: bool


#: The segments of each sort, walked in turn: a nullable key splits its sort in two, since a
#: row comparison never passes from the values to the NULLs.
SEGMENTS = {
    "newest": (Segment(None, Case.received_on, True),),
    "oldest": (Segment(None, Case.received_on, False),),
    "due": (Segment(Case.due_on.is_not(None), Case.due_on, False),
            Segment(Case.due_on.is_(None), None, False)),
    "updated": (Segment(None, Case.updated_at, True),),
}

#: The query-string arguments of the next and the previous page.
PAGE_TOKEN_ARG, PREV_TOKEN_ARG = "after", "before"


@dataclass(frozen=True)
class Position:
    """Where a keyset page starts: a sort's segment and the key values of a row in it."""

    sort: str
    segment: int
    key: date | datetime | None
    id: int


def _encode(value) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # SQLite hands back the UTC wall clock it stored
            value = value.replace(tzinfo=UTC)
        delta = value - _EPOCH
        return str((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)
    return value.isoformat()


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _decode(column, text: str):
    if isinstance(column.type, sa.DateTime):
        return _EPOCH + timedelta(microseconds=int(text))
    return date.fromisoformat(text)


def page_token(sort: str, case: Case | CaseRow) -> str:
    """The opaque, URL-safe token of `case`'s place in `sort`: "newest.0.2026-05-01.123"."""
    for number, segment in enumerate(SEGMENTS[sort]):
        key = None if segment.key is None else getattr(case, segment.key.key)
        if segment.key is not None and key is None:
            continue  # a NULL key belongs to a later segment
        parts = [sort, str(number)] + ([] if key is None else [_encode(key)]) + [str(case.id)]
        return ".".join(parts)
    raise ValueError(f"no segment of {sort!r} holds case {case.id}")


def parse_token(token: str | None, sort: str) -> Position | None:
    """The position a token names, or None when it is absent, garbled or of another sort."""
    if not token or len(token) > 80:
        return None
    parts = token.split(".")
    try:
        if parts[0] != sort:
            return None
        number = int(parts[1])
        segment = SEGMENTS[sort][number]
        if number < 0 or len(parts) != (3 if segment.key is None else 4):
            return None
        key = None if segment.key is None else _decode(segment.key, parts[2])
        return Position(sort, number, key, int(parts[-1]))
    except (KeyError, IndexError, ValueError, OverflowError):
        return None


@dataclass
class CasePage:
    """One keyset page of the list: its rows and the tokens of its neighbours."""

    items: list[CaseRow] | list[Case]
    sort: str
    has_prev: bool
    has_next: bool

    @property
    def next_token(self) -> str | None:
        return page_token(self.sort, self.items[-1]) if self.has_next and self.items else None

    @property
    def prev_token(self) -> str | None:
        return page_token(self.sort, self.items[0]) if self.has_prev and self.items else None


def segment_query(stmt: sa.Select, sort: str, number: int, start: Position | None,
                  forward: bool = True) -> sa.Select:
    """`stmt` restricted to segment `number` of `sort`, past `start` if it lies in it, in the
    segment's order (reversed when not `forward`): what one index walks."""
    segment = SEGMENTS[sort][number]
    keys = (Case.id,) if segment.key is None else (segment.key, Case.id)
    descending = segment.descending == forward
    if segment.where is not None:
        stmt = stmt.where(segment.where)
    if start is not None and number == start.segment:
        values = (start.id,) if segment.key is None else (start.key, start.id)
        row, at = (keys[0], values[0]) if len(keys) == 1 else (
            sa.tuple_(*keys), sa.tuple_(*(sa.literal(v, c.type) for v, c in zip(values, keys))))
        stmt = stmt.where(row < at if descending else row > at)
    return stmt.order_by(*(k.desc() if descending else k.asc() for k in keys))


class UnitName(NamedTuple):
    """The unit of a list's row, as the row shows it."""
    id: int
    display_name: str


class CaseRow:
    """A case as a list shows it and pages by, read as columns rather than as an entity: a
    list page's 26 entities, each with its unit joined in, took twice as long to load as their
    columns. It answers what Case answers of those columns (state_label, is_open, is_overdue:
    Case's own code) and `org` with the unit's id and name; nothing else of the case."""

    __slots__ = (
        "code",
        "due_on",
        "family",
        "id",
        "kind",
        "org",
        "received_on",
        "state",
        "title",
        "updated_at",
    )
    COLUMNS = (Case.id, Case.code, Case.family, Case.kind, Case.state, Case.title,
               Case.received_on, Case.due_on, Case.updated_at)

    workflow = Case.workflow
    state_label = Case.state_label
    is_open = Case.is_open
    is_overdue = Case.is_overdue

    def __init__(self, row):
        (self.id, self.code, self.family, self.kind, self.state, self.title, self.received_on,
         self.due_on, self.updated_at, org_id, org_name) = row
        self.org = UnitName(org_id, org_name)

    @property
    def org_id(self) -> int:
        return self.org.id

    def __repr__(self) -> str:
        return f"<CaseRow {self.code} {self.family}:{self.state}>"


#: The unit of a CaseRow, joined under its own name (made once: an alias made per query
#: built its 13 columns' proxies each time).
_ROW_UNIT = orm.aliased(Organisation, name="row_unit")
_ROW_COLUMNS = (*CaseRow.COLUMNS, _ROW_UNIT.id, _ROW_UNIT.display_name)
_ROW_JOIN = (_ROW_UNIT, _ROW_UNIT.id == Case.org_id)


def as_rows(stmt: sa.Select) -> sa.Select:
    """`stmt`, a select of Case, selecting what makes a CaseRow instead."""
    return stmt.with_only_columns(*_ROW_COLUMNS, maintain_column_froms=False).join(*_ROW_JOIN)


def _rows_of(stmt: sa.Select) -> list[CaseRow]:
    """The CaseRows of `stmt`, a select of Case in its order."""
    return [CaseRow(row) for row in db.session.execute(as_rows(stmt))]


def _walk(stmt: sa.Select, sort: str, start: Position | None, forward: bool,
          limit: int, ids_first: bool = False, entities: bool = False) -> list:
    """Up to `limit` rows of `stmt` from `start` (excluded) in `sort`'s order, or in reverse
    order when not `forward`: one LIMIT query per segment reached, each an index walk.
    `ids_first` picks the ids before joining the units, for a search whose matches are
    sorted rather than walked. The rows are CaseRows, or Case entities when `entities`."""
    last = len(SEGMENTS[sort]) - 1
    first = start.segment if start else (0 if forward else last)
    rows: list = []
    for number in (range(first, last + 1) if forward else range(first, -1, -1)):
        part = segment_query(stmt, sort, number, start, forward).limit(limit - len(rows))
        if ids_first:
            part = (sa.select(Case).where(Case.id.in_(part.with_only_columns(Case.id)))
                    .order_by(*part._order_by_clauses))
        rows += db.session.scalars(part).all() if entities else _rows_of(part)
        if len(rows) >= limit:
            break
    return rows


def case_page(user, f: CaseFilter, per_page: int, after: str | None = None,
              before: str | None = None, today: date | None = None,
              entities: bool = False) -> CasePage:
    """A page of the filtered list after (or before) a token's row; page one without one. No
    OFFSET and no COUNT: a page costs the same at any depth. Its items are CaseRows, or Case
    entities when `entities` (what needs more of a case than a list shows)."""
    stmt = _filtered(user, f, today)
    # Searches and deadline filters sort their matches (from the trigram index, or the
    # running deadlines' index, which carries the sort keys) rather than walk a sort. SQLite
    # always picks the ids first: it joins each matching case to its unit before sorting, and a
    # province's 4,000 cases at 10^5 cost 8 ms that way, 1 ms from the covering index alone.
    ids_first = (bool(f.q) or f.overdue or f.due_by is not None
                 or db.session.get_bind().dialect.name == "sqlite")
    back = parse_token(before, f.sort) if before else None
    if back is not None:
        rows = _walk(stmt, f.sort, back, False, per_page + 1, ids_first, entities)
        if len(rows) >= per_page:
            return CasePage(rows[:per_page][::-1], f.sort, len(rows) > per_page, True)
    start = parse_token(after, f.sort) if after and back is None else None
    rows = _walk(stmt, f.sort, start, True, per_page + 1, ids_first, entities)
    return CasePage(rows[:per_page], f.sort, start is not None, len(rows) > per_page)


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
    #: Match every word of `q` anywhere instead of `q` as a phrase (the list falls back to it
    #: when the phrase matches nothing).
    words: bool = False


@dataclass(frozen=True)
class OrgKey:
    """The fields of a unit that a queue's statement is built from."""

    id: int
    path: str
    level: int
    parent_id: int | None


@dataclass(frozen=True)
class RoleKey:
    role: str
    org: OrgKey


@dataclass(frozen=True)
class RoleShape:
    """A user as far as the queues' statements are concerned: which role they hold in which
    unit. Hashable, and standing in for the user wherever those statements are built
    (scope_condition, actionable_condition, units_of), so that each shape's statements are
    built once per process and kept: at 10^6 cases building the home page's statements cost
    more Python than the database took to run them. The units' paths are part of the shape (a
    moved unit makes a new one); the day is given when the statement runs."""

    roles: tuple[RoleKey, ...]


def role_shape(user) -> RoleShape:
    return RoleShape(tuple(sorted(
        (RoleKey(a.role, OrgKey(a.org.id, a.org.path, a.org.level, a.org.parent_id))
         for a in user.roles), key=lambda r: (r.org.path, r.role))))


def kept_statement(builder):
    """`builder(shape, *args)` builds its statements once per process for each RoleShape,
    arguments and database dialect (builders pick SQL per dialect) and keeps the 256 last
    used; the kept statements take what varies per request (the day) when they run.

    Every value is written into the SQL (`_inline_values`), the day's too when it runs: the
    text of a kept statement is then the same all day and carries no parameter, so the driver
    prepares it after a few runs and PostgreSQL plans it once per connection, and that plan
    knows every value, as a plan made for the values at hand would. With parameters it either
    planned each run again (1-3 ms per statement, most of a queue's time) or, given a plan for
    any parameters, lost what the values tell it (a partial index on a status, a date's
    selectivity)."""
    keep = functools.lru_cache(maxsize=256)(
        lambda _dialect, *args: _inline_values(builder(*args), db.session.get_bind().dialect))

    @functools.wraps(builder)
    def kept(*args):
        return keep(db.session.get_bind().dialect.name, *args)

    kept.cache_info = keep.cache_info
    return kept


def _inline_values(built, dialect):
    """`built` (a statement, or tuples and dicts of them) with every bound value written in
    the SQL text: the builders' own values (states, families, unit paths, limits) as SQL
    literals of `dialect` once and for all, the values given when it runs (the day) rendered
    then (literal_execute). Never a user's input. Rendering a hundred values on every run
    cost the home page's statements more Python than their results."""
    if isinstance(built, tuple):
        return tuple(_inline_values(part, dialect) for part in built)
    if isinstance(built, dict):
        return {key: _inline_values(part, dialect) for key, part in built.items()}

    def inline(element, **_kw):
        if not isinstance(element, BindParameter) or element.literal_execute:
            return None
        written = _literal(element, dialect)
        return written if written is not None else element.render_literal_execute()

    return visitors.replacement_traverse(built, {}, inline)


def _literal(bind: BindParameter, dialect):
    """`bind`'s value (a string or a whole number) as literal SQL of `dialect`, or None when it
    has none yet (given when the statement runs) or is of another type."""
    if (bind.callable is not None or bind.value is None
            or not isinstance(bind.type, sa.String | sa.Integer)):
        return None  # a JSON path, for one, is written as the driver's bind makes it
    render = bind.type.literal_processor(dialect)
    if render is None:
        return None
    if bind.expanding:
        values = list(bind.value)
        if not values or any(v is None for v in values):
            return None
        return sa.literal_column("(" + ", ".join(render(v) for v in values) + ")", bind.type)
    return sa.literal_column(render(bind.value), bind.type)


def scoped_cases(user) -> sa.Select:
    return sa.select(Case).where(scope_condition(user, Case.org_id))


def get_case_for(user, case_id: int) -> Case | None:
    """The case if it exists and lies in the user's scope; None otherwise (404 either way)."""
    return db.session.scalar(scoped_cases(user).where(Case.id == case_id))


#: The FTS5 table (trigram tokenizer) that indexes case_file.search_text on SQLite.
SEARCH_FTS = sa.table("case_search", sa.column("rowid", sa.Integer),
                      sa.column("search_text", sa.Text))


#: A phrase longer than this probes the trigram index with its two longest words only: every
#: trigram of a long phrase reads its posting list, and the common ones cost most (measured at
#: 10^6 cases: 63 ms for a 36-letter phrase, 7-30 ms for its longest words).
PROBE_PHRASE_MAX = 20


def _like(column, text: str):
    return column.like("%" + re.sub(r"([\\%_])", r"\\\1", text) + "%", escape="\\")


def search_condition(q: str):
    """Cases whose folded text holds the folded query as a phrase (LIKE '%phrase%', wildcards
    literal), through the trigram index: pg_trgm's GIN, or SQLite's FTS5 table."""
    phrase = fold(q)
    if len(phrase) < 3:
        return _like(Case.search_text, phrase)
    if db.session.get_bind().dialect.name == "sqlite":
        quoted = '"' + phrase.replace('"', '""') + '"'
        return sa.and_(Case.id.in_(sa.select(SEARCH_FTS.c.rowid).where(
            SEARCH_FTS.c.search_text.match(quoted))), _like(Case.search_text, phrase))
    words = sorted(set(phrase.split()), key=len, reverse=True)[:2]
    if len(phrase) <= PROBE_PHRASE_MAX or len(words) < 2 or len(words[1]) < 3:
        return _like(Case.search_text, phrase)
    # The phrase itself is checked on an expression the index does not hold.
    return sa.and_(*(_like(Case.search_text, w) for w in words),
                   _like(Case.search_text.concat(sa.literal_column("''")), phrase))


def _units(user, org_id: int | None):
    """The condition on Case.org_id of the user's scope and the unit filter: a unit inside
    the scope puts its subtree alone (two IN conditions on org_id multiply their estimates,
    and the planner then sorted a whole province's cases: 0.4 s at 10^6)."""
    scope = scope_condition(user, Case.org_id)
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None or org.parent_id is None:
        return scope
    subtree = subtree_condition(org)
    return subtree if permissions.roles_in(user, org) else sa.and_(scope, subtree)


def _filtered(user, f: CaseFilter, today: date | None = None) -> sa.Select:
    stmt = sa.select(Case).where(_units(user, f.org_id))
    if f.family in WORKFLOWS:
        stmt = stmt.where(Case.family == f.family)
    # An unknown channel or state matches nothing, without reading the table to find so.
    if f.channel:
        stmt = stmt.where(Case.channel == f.channel if f.channel in CHANNELS else sa.false())
    if f.state:
        stmt = stmt.where(Case.state == f.state if f.state in ALL_STATES else sa.false())
    if f.q and fold(f.q):
        terms = fold(f.q).split() if f.words else [f.q]
        stmt = stmt.where(*(search_condition(term) for term in terms))
    if f.overdue:
        stmt = stmt.where(Case.due_on < (today or local_today()))
    if f.due_by:
        stmt = stmt.where(Case.due_on <= f.due_by)
    if f.open_only or f.overdue:
        # Under a deadline filter the states are read off the running deadlines' index:
        # checked on an expression no index holds, the planner does not walk the
        # (state, due_on) index instead, whose estimate it takes 100 times too low.
        stmt = stmt.where(open_condition(
            Case.state.concat(sa.literal_column("''")) if f.overdue or f.due_by
            else Case.state))
    return stmt


def open_condition(state=Case.state):
    """Open cases: `state IN (every open state)` when no family ends in a state another
    keeps open (so the two agree), else family by family. One IN list is estimated as
    the share it is; an OR of (family, states) pairs was estimated 800 times too few at
    10^6 cases, and the planner then sorted every overdue case."""
    open_states = set().union(*(wf.open_states for wf in WORKFLOWS.values()))
    if all(s.name not in open_states for wf in WORKFLOWS.values() for s in wf.states
           if s.name not in wf.open_states):
        return state.in_(sorted(open_states))
    return sa.or_(*(sa.and_(Case.family == fam, state.in_(wf.open_states))
                    for fam, wf in WORKFLOWS.items()))


def filtered_cases(user, f: CaseFilter, today: date | None = None) -> sa.Select:
    """The whole filtered list in its sort's order (exports walk it; the page uses case_page)."""
    return _filtered(user, f, today).order_by(*SORTS.get(f.sort, SORTS["newest"]))


#: The order of every queue: soonest deadline first, cases without one last (PostgreSQL's
#: own order for ASC, so an index on (state, due_on, id) reads it as it is).
QUEUE_ORDER = (Case.due_on.asc().nulls_last(), Case.id.asc())
#: Queue counts stop here: beyond it the page says "100+" (a count of a national scope
#: would read a million rows per request; the dashboard has the statistics).
COUNT_CAP = 100


def count_cap() -> int:
    """How far the home page counts before it says "over N" (HOME_COUNT_CAP)."""
    return current_app.config.get("HOME_COUNT_CAP", COUNT_CAP)


#: The families whose workflow has each state: a case in a state is of one of them.
STATE_FAMILIES = {state: frozenset(fam for fam, wf in WORKFLOWS.items() if state in wf.state_names)
                  for state in ALL_STATES}


def states_imply(states, families) -> bool:
    """Every family that has one of `states` is among `families`: a case in one of the states
    is of one of them."""
    return all(STATE_FAMILIES.get(state, frozenset()) <= set(families) for state in states)


def family_condition(states, families):
    """Case.family IN `families`, or no condition when `states` imply it (states_imply): a
    condition on family is checked on the table, while the queues' indexes hold state,
    org_path and due_on, and read a branch without it from the index alone (a province's
    overdue cases: 1,100 table rows read for 101 counted)."""
    if states_imply(states, families):
        return sa.true()
    return Case.family.in_(sorted(families))


def _in_units(branches, units):
    """The cases of `branches` in a small scope (`units`), read by state and unit."""
    return sa.and_(units, Case.state.in_(sorted({s for s, _c in branches})),
                   sa.or_(*(sa.and_(Case.state == s, c) for s, c in branches)))


def _branch_tops(branches, limit: int, *columns):
    """`columns` of the first `limit` cases of each branch, each reading its state's index in
    queue order and stopping there, as one UNION ALL subquery."""
    tops = [sa.select(*columns).where(Case.state == state, condition)
            .order_by(*QUEUE_ORDER).limit(limit).subquery() for state, condition in branches]
    return sa.union_all(*(sa.select(top) for top in tops)).subquery()


def queue_ids(branches, limit: int, units=None) -> sa.Select:
    """The ids and due dates of the first `limit` cases in QUEUE_ORDER among `branches`,
    (state, condition) pairs, in that order.

    National scope (`units` None): each branch reads one state's (state, due_on, id) index in
    order and stops at `limit`. A smaller scope (`units`: a condition on the case's unit that
    holds for every branch) is read by state and unit instead, and its few rows sorted: a
    walk of a national index would pass over the rest of the country first."""
    if not branches:
        return sa.select(Case.id, Case.due_on).where(sa.false())
    if units is not None:
        return (sa.select(Case.id, Case.due_on).where(_in_units(branches, units))
                .order_by(*QUEUE_ORDER).limit(limit))
    union = _branch_tops(branches, limit, Case.id, Case.due_on)
    return (sa.select(union.c.id, union.c.due_on)
            .order_by(union.c.due_on.asc().nulls_last(), union.c.id).limit(limit))


def queue(branches, limit: int, units=None) -> sa.Select:
    """The first `limit` cases (entities) of `queue_ids(branches, limit, units)`, in order."""
    if not branches:
        return sa.select(Case).where(sa.false())
    if units is not None:
        return (sa.select(Case).where(_in_units(branches, units))
                .order_by(*QUEUE_ORDER).limit(limit))
    first = queue_ids(branches, limit).subquery()
    return sa.select(Case).where(Case.id.in_(sa.select(first.c.id))).order_by(*QUEUE_ORDER)


def capped_count(branches, cap: int = COUNT_CAP):
    """A scalar subquery: how many cases meet one of `branches`, (state, condition) pairs,
    counting no further than cap + 1 (each branch reads its state's index and stops there)."""
    tops = [sa.select(sa.literal(1).label("one")).where(Case.state == state, condition)
            .limit(cap + 1).subquery() for state, condition in branches]
    if not tops:
        return sa.literal(0)
    union = sa.union_all(*(sa.select(top) for top in tops)).subquery()
    capped = sa.select(union.c.one).limit(cap + 1).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def queue_count(branches, cap: int = COUNT_CAP, units=None):
    """A scalar subquery: how many cases `queue(branches, ..., units)` holds, counting no
    further than cap + 1, read the way the queue reads them: by state and unit in a small
    scope, else each branch walking its state's index in queue order (a branch whose
    condition ORs several units has no index range of its own: unordered, PostgreSQL would
    read the table for it)."""
    if not branches:
        return sa.literal(0)
    if units is not None:
        found = sa.select(Case.id).where(_in_units(branches, units)).limit(cap + 1).subquery()
        return sa.select(sa.func.count()).select_from(found).scalar_subquery()
    union = _branch_tops(branches, cap + 1, Case.id)
    capped = sa.select(union.c.id).limit(cap + 1).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def unit_subtree(org):
    """The case's unit lies in `org`'s subtree: one range of Case.org_path, which the queues
    read next to the state (ix_case_file_state_path_due); no condition under the national unit
    (the tree's one root, as in scope_condition), so a queue walks its state's due dates."""
    if org.level == 1 and org.parent_id is None:
        return sa.true()
    return in_subtree(org.path)


def _actions(user) -> dict[tuple[str, str], tuple]:
    """Per (state, unit path): the unit and the families where one of the user's roles at
    that unit may act from that state (several roles at one unit make one entry)."""
    found: dict[tuple[str, str], tuple] = {}
    for assignment in user.roles:
        for fam, wf in WORKFLOWS.items():
            for state in {src for a in wf.actions if assignment.role in a.roles
                          for src in a.sources}:
                found.setdefault((state, assignment.org.path), (assignment.org, set()))[1].add(fam)
    return found


def _actionable_states(user) -> dict[str, list]:
    """Per state, the conditions under which it offers one of the user's roles an action:
    one per unit where the user holds such a role, its subtree and the families concerned."""
    by_state: dict[str, list] = {}
    for (state, _path), (org, fams) in sorted(_actions(user).items()):
        by_state.setdefault(state, []).append(
            sa.and_(unit_subtree(org), family_condition((state,), fams)))
    return by_state


def acts_nationally(user) -> bool:
    """Every unit where one of the user's roles may act is the national one (the tree's
    root): the cases they may act on lie anywhere in the country."""
    found = _actions(user).values()
    return bool(found) and all(org.level == 1 and org.parent_id is None for org, _f in found)


def actionable_condition(user, state=Case.state):
    """Cases whose current state offers an action to one of the user's roles in their scope:
    one branch per unit and set of families, listing its states (a short condition plans
    fast; one branch per state took PostgreSQL ~8 ms to plan for a provincial officer). The
    states whose families need no check (family_condition) make one branch per unit: a
    province's is then one range of ix_case_file_state_path_due per state, read from the
    index alone. `state`: the expression the states are checked on (see open_condition)."""
    groups: dict[tuple[str, tuple | None], tuple] = {}
    for (name, path), (org, fams) in sorted(_actions(user).items()):
        groups.setdefault((path, None if states_imply((name,), fams) else tuple(sorted(fams))),
                          (org, []))[1].append(name)
    if not groups:
        return sa.false()
    return sa.or_(*(sa.and_(state.in_(states), unit_subtree(org),
                            Case.family.in_(fams) if fams else sa.true())
                    for (_path, fams), (org, states) in groups.items()))


#: Below this level of the tree (district, grassroots) a scope is small enough to read by
#: unit and sort; at and above it (national, provincial) queues walk the state's index.
SMALL_SCOPE_LEVEL = 3


def units_of(user, roles=None):
    """None for a user with a role at a national or provincial unit (queues walk each
    state's index), else their scope as ranges of Case.org_path (read by state and unit)."""
    if any(a.org.level < SMALL_SCOPE_LEVEL for a in user.roles
           if roles is None or a.role in roles):
        return None
    return scope_condition(user, Case.org_id, roles, path_column=Case.org_path)


def actionable_branches(shape: RoleShape) -> list:
    """(state, condition) branches of the work queue: the states where one of the user's
    roles may act, each under the units and families where it may."""
    return [(state, sa.or_(*conds)) for state, conds in sorted(
        _actionable_states(shape).items())]


@kept_statement
def _work_queue_statement(shape: RoleShape, limit: int) -> sa.Select:
    return as_rows(queue(actionable_branches(shape), limit, units_of(shape)))


def count_by_state(user) -> list[tuple[str, str, int]]:
    stmt = (
        sa.select(Case.family, Case.state, sa.func.count())
        .where(scope_condition(user, Case.org_id))
        .group_by(Case.family, Case.state)
    )
    return [tuple(row) for row in db.session.execute(stmt)]


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


def _summary_line(scope, family, states, overdue: bool, today):
    """(state, condition) branches of one summary line."""
    condition = [scope]
    if overdue:
        condition.append(Case.due_on < today)
    return [(state, sa.and_(*condition, family_condition((state,), {family}) if family
                            else sa.true())) for state in states]


#: The day a statement kept across requests compares deadlines with, given when it runs.
TODAY = sa.bindparam("today", type_=sa.Date)


def unit_summary(org, today: date | None = None, limit: int = 10,
                 cap: int = COUNT_CAP) -> dict:
    """Per line of the summary (SUMMARY_LINES), inside `org`'s subtree (a unit's page):
    (count, first SummaryRows by due date), a count above `cap` being cap + 1 (shown "cap+");
    the counts and rows of every line in one statement, built once per unit (its path and
    place in the tree) and kept."""
    key = OrgKey(org.id, org.path, org.level, org.parent_id)
    return _run_summary(_unit_statement(key, limit, cap), {}, today)


@kept_statement
def _unit_statement(org: OrgKey, limit: int, cap: int):
    return _summary_statement(unit_subtree(org), None, limit, cap,
                              national=org.level < SMALL_SCOPE_LEVEL)


#: The home page's line of the cases waiting for an action of the user (the work queue).
WORK_QUEUE = "queue"


def home_summary(user, today: date | None = None, limit: int = 10,
                 cap: int = COUNT_CAP) -> dict:
    """unit_summary's lines over the user's scope, approvals asked only of approvers, and
    the work queue (WORK_QUEUE, its cases as CaseRows for the case table), its count among
    the others': two statements, built once per role_shape and kept (building them cost more
    than running them)."""
    summary, work_queue = _home_statements(role_shape(user), limit, cap)
    return _run_summary(summary, {WORK_QUEUE: work_queue}, today)


@kept_statement
def _home_statements(shape: RoleShape, limit: int, cap: int):
    summary = _summary_statement(
        scope_condition(shape, Case.org_id, path_column=Case.org_path),
        {"approvals": scope_condition(shape, Case.org_id, roles={APPROVER},
                                      path_column=Case.org_path)},
        limit, cap, national=units_of(shape) is None,
        more_counts={WORK_QUEUE: queue_count(actionable_branches(shape), cap, units_of(shape))})
    return summary, _work_queue_statement(shape, limit)


#: The column of a summary statement's rows that names their line.
LINE = "summary_line"


def _summary_statement(scope, scopes: dict | None, limit: int, cap: int, national: bool,
                       more_counts: dict | None = None):
    """One statement for every line, comparing due dates with TODAY: a row of the counts
    (each line's, and `more_counts`), joined to the first `limit` cases of each line (LINE
    names it; id, code, title, due_on: what the page shows), in line and queue order. With no
    case in any line it is one row of counts and NULLs."""
    scopes = {key: (scopes or {}).get(key, scope) for key, *_rest in SUMMARY_LINES}
    lines = {key: _summary_line(scopes[key], family, states, overdue, TODAY)
             for key, family, states, overdue in SUMMARY_LINES}
    counts = sa.select(*(capped_count(branches, cap).label(key)
                         for key, branches in lines.items()),
                       *(count.label(key) for key, count in (more_counts or {}).items()))
    firsts = {key: queue_ids(branches, limit, None if national else scopes[key]).subquery()
              for key, branches in lines.items()}
    picked = sa.union_all(*(sa.select(sa.literal(key).label(LINE), first.c.id)
                            for key, first in firsts.items())).subquery()
    rows = (sa.select(picked.c[LINE], Case.id, Case.code, Case.title, Case.due_on)
            .join(Case, Case.id == picked.c.id).subquery())
    counts = counts.subquery()
    return (sa.select(counts, rows).select_from(counts.outerjoin(rows, sa.true()))
            .order_by(rows.c[LINE], rows.c.due_on.asc().nulls_last(), rows.c.id))


def _run_summary(statement, queues: dict, today: date | None) -> dict:
    """{line: (count, rows)} from a summary statement, and {key: (count, CaseRows)} of each
    statement of `queues` (as_rows; its count among the summary's)."""
    params = {"today": today or local_today()}
    result = db.session.execute(statement, params).all()
    counts = result[0]._mapping
    rows: dict[str, list] = {key: [] for key, *_rest in SUMMARY_LINES}
    for row in result:
        line = getattr(row, LINE)
        if line is not None:
            rows[line].append(row)
    return {**{key: (counts[key], [CaseRow(row) for row in db.session.execute(stmt, params)])
               for key, stmt in queues.items()},
            **{key: (counts[key], found) for key, found in rows.items()}}


def subtree_condition(org, on: date | None = None):
    """The case's unit lies under `org` (itself included); with `on`, under `org` as the tree
    stood that day (a statistic or register of a past period: app.orgs.queries)."""
    tree = tree_on(on) if on is not None else None
    units = (tree.subtree(org, bytewise(Organisation.path)) if tree is not None and tree.moves
             else Organisation.path.startswith(org.path, autoescape=True))
    return Case.org_id.in_(sa.select(Organisation.id).where(units))


#: How many people the case page names for a role of a next step.
PEOPLE_SHOWN = 3


@dataclass(frozen=True)
class Person:
    """Someone who may take a step of a case."""
    id: int
    name: str
    #: The case names them (its handler, a member of its delegation), not only their role.
    named: bool


def people_acting(case: Case, roles) -> dict[str, list[Person]]:
    """For each of `roles`, a few active users who may act on `case` in it, in one statement
    for every role: the users the case names (its handlers and assignee for a handler's step;
    for a restricted role only those its feature names, app.cases.plugins.role_members),
    otherwise the holders of the role in the nearest unit of the case's unit and above. A
    restricted role without a feature to name its members has nobody."""
    from app.auth.models import RoleAssignment, User
    from app.cases.models import CaseHandler
    from app.cases.plugins import installed

    roles = set(roles)
    members = installed().role_members
    restricted = {r for r in roles & permissions.RESTRICTED_ROLES if r in members}
    plain = roles - permissions.RESTRICTED_ROLES
    if not plain and not restricted:
        return {}
    handles = sa.or_(
        User.id.in_(sa.select(CaseHandler.user_id).where(CaseHandler.case_id == case.id)),
        User.id == case.assignee_id if case.assignee_id is not None else sa.false())
    named = sa.case((RoleAssignment.role.in_(restricted), 1),
                    (sa.and_(RoleAssignment.role == HANDLER, handles), 1), else_=0)
    which = [RoleAssignment.role.in_(plain)] if plain else []
    which += [sa.and_(RoleAssignment.role == role, User.id.in_(members[role](case)))
              for role in sorted(restricted)]
    rank = sa.func.row_number().over(
        partition_by=RoleAssignment.role,
        order_by=(named.desc(), Organisation.level.desc(), User.full_name, User.id))
    ranked = (
        sa.select(RoleAssignment.role, User.id, User.full_name, named.label("named"),
                  Organisation.level, rank.label("rank"))
        .join(User, User.id == RoleAssignment.user_id)
        .join(Organisation, Organisation.id == RoleAssignment.org_id)
        .where(RoleAssignment.org_id.in_(case.org.ancestor_ids), User.active.is_(True),
               sa.not_(User.is_service_account), sa.or_(*which))
        .subquery())
    rows = db.session.execute(
        sa.select(ranked).where(ranked.c.rank <= 2 * PEOPLE_SHOWN)
        .order_by(ranked.c.role, ranked.c.rank)).all()
    found: dict[str, list[Person]] = {}
    nearest: dict[str, int] = {}
    for row in rows:
        people = found.setdefault(row.role, [])
        if row.named:
            person_fits = True
        else:  # the holders of the nearest unit, and only when the case names nobody
            level = nearest.setdefault(row.role, row.level)
            person_fits = level == row.level and not any(p.named for p in people)
        if person_fits and len(people) < PEOPLE_SHOWN and all(p.id != row.id for p in people):
            people.append(Person(row.id, row.full_name, bool(row.named)))
    return {role: people for role, people in found.items() if people}
