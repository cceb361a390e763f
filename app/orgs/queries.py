"""The organisation tree as it stood on a past day, read from the dated parent links.

Units keep one materialised path, today's (`Organisation.path`, copied onto whatever belongs to a
unit). A statistic or a register of a past period must attribute each unit to the parent it had
then: a unit moved from one province to another in 2027 counts under the old one in the 2026
report. Few units ever move, so the tree of a past day is today's tree with the moves made since
undone: `tree_on(day)` finds the units whose parent link ended after `day`, works out the path
each had on `day`, and from those few rewrites answers

* `TreeOn.path(current_path)`: the path a unit had on `day`, from the path it has now;
* `TreeOn.subtree(org, column)`: an SQL condition on a column holding today's paths, true for the
  units that lay under `org` on `day` — one index range per moved unit, and exactly
  `path_range(column, org.path)` when nothing moved since.

A unit's parent on `day` is the link valid that day; a unit created after `day` (its first link
starts later) counts where it was first attached, so a report never loses a unit's cases.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.orgs.models import Organisation, OrgParentLink, indented, path_range


@dataclass(frozen=True)
class TreeOn:
    day: date
    #: (path today, path on `day`) of each unit moved since `day`, deepest first.
    moves: tuple[tuple[str, str], ...] = ()

    def path(self, current: str) -> str:
        """The path on `day` of the unit whose path is `current` today."""
        for now, then in self.moves:
            if current.startswith(now):
                return then + current[len(now):]
        return current

    def subtree(self, org: Organisation, column):
        """SQL: `column` (today's unit paths, compared bytewise: see `bytewise`) lies under
        `org` as the tree stood on `day` (`org` included)."""
        target = self.path(org.path)
        if not self.moves:
            return path_range(column, target)
        regions = [sa.and_(path_range(column, target),
                           *(sa.not_(path_range(column, now)) for now, _ in self.moves))]
        for i, (now, then) in enumerate(self.moves):
            # The units under `now` today and under no unit moved deeper inside it.
            deeper = [sa.not_(path_range(column, other)) for other, _ in self.moves[:i]
                      if other.startswith(now)]
            if then.startswith(target):
                regions.append(sa.and_(path_range(column, now), *deeper))
            elif target.startswith(then):
                regions.append(sa.and_(path_range(column, now + target[len(then):]), *deeper))
        return sa.or_(*regions)


def bytewise(column):
    """`column` compared byte by byte, as `TreeOn.subtree` needs: PostgreSQL's collations
    order "/" and digits otherwise, SQLite compares bytes already."""
    return column.collate("C") if db.engine.dialect.name == "postgresql" else column


def tree_on(day: date) -> TreeOn:
    """Today's tree with every move made after `day` undone (see the module's docstring), in
    two statements: the units moved since, with the parent each had on `day`; then the
    current paths of those parents. A unit that did not move has the same parent on `day` as
    today, so every other step of a path is read off today's paths."""
    link = sa.orm.aliased(OrgParentLink)
    parent_then = (  # the link valid on `day`, else (a unit attached later) its first one
        sa.select(link.parent_id)
        .where(link.child_id == Organisation.id,
               sa.or_(link.valid_to.is_(None), link.valid_to > day))
        .order_by(sa.case((link.valid_from <= day, 0), else_=1), link.valid_from, link.id)
        .limit(1).correlate(Organisation).scalar_subquery())
    moved = {unit_id: (path, parent) for unit_id, path, parent in db.session.execute(
        sa.select(Organisation.id, Organisation.path, parent_then)
        .where(Organisation.id.in_(
            sa.select(OrgParentLink.child_id)
            .where(OrgParentLink.valid_to.is_not(None), OrgParentLink.valid_to > day))))}
    if not moved:
        return TreeOn(day)
    wanted = {parent for _path, parent in moved.values()} - set(moved) - {None}
    paths = dict(db.session.execute(
        sa.select(Organisation.id, Organisation.path).where(Organisation.id.in_(wanted)))
        .all()) if wanted else {}
    paths.update((unit_id, path) for unit_id, (path, _parent) in moved.items())
    then: dict[int, str] = {}

    def path_then(unit_id: int, seen=()) -> str:
        """The path `unit_id` had on `day`: its parent's then, if it moved; else today's
        path from its deepest moved ancestor down."""
        if unit_id in then:
            return then[unit_id]
        if unit_id in seen:  # a cycle in bad data: stop at today's path
            return paths[unit_id]
        if unit_id in moved:
            parent = moved[unit_id][1]
            result = (path_then(parent, (*seen, unit_id)) if parent is not None else "/") \
                + f"{unit_id}/"
        else:
            ids = [int(part) for part in paths[unit_id].strip("/").split("/")]
            above = next((i for i in reversed(ids[:-1]) if i in moved), None)
            result = paths[unit_id] if above is None else (
                path_then(above, (*seen, unit_id))
                + paths[unit_id][len(paths[above]):])
        then[unit_id] = result
        return result

    moves = [(path, path_then(unit_id)) for unit_id, (path, _parent) in moved.items()]
    moves = [(now, was) for now, was in moves if now != was]
    return TreeOn(day, tuple(sorted(moves, key=lambda m: -len(m[0]))))


def parent_links(org: Organisation) -> list[tuple[OrgParentLink, Organisation]]:
    """The dated parent links of `org`, newest first, each with its parent."""
    return db.session.execute(
        sa.select(OrgParentLink, Organisation)
        .join(Organisation, Organisation.id == OrgParentLink.parent_id)
        .where(OrgParentLink.child_id == org.id)
        .order_by(OrgParentLink.valid_from.desc(), OrgParentLink.id.desc())).all()


def choice_columns(units: sa.Select) -> sa.Select:
    """`units` (a select of units) reading only what a choice list shows of each: its id,
    display name and level, not the unit itself (a national user's filter lists ~100)."""
    return units.with_only_columns(Organisation.id, Organisation.display_name.label(
        "display_name"), Organisation.level)


def choices(stmt: sa.Select) -> list[tuple[int, str]]:
    """The (id, name indented by its level) pairs of a select's choice_columns."""
    return [(row.id, indented(row)) for row in db.session.execute(stmt)]
