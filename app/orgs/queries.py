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
from app.orgs.models import Organisation, OrgParentLink, path_range


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
    """Today's tree with every move made after `day` undone (see the module's docstring): one
    statement, plus one per moved unit and level to walk up its parents on `day`."""
    moved = db.session.execute(
        sa.select(Organisation.id, Organisation.path)
        .join(OrgParentLink, OrgParentLink.child_id == Organisation.id)
        .where(OrgParentLink.valid_to.is_not(None), OrgParentLink.valid_to > day)
        .distinct()).all()
    if not moved:
        return TreeOn(day)
    parents: dict[int, int | None] = {}

    def parent(unit_id: int) -> int | None:
        if unit_id not in parents:
            parents[unit_id] = db.session.scalar(
                sa.select(OrgParentLink.parent_id)
                .where(OrgParentLink.child_id == unit_id,
                       sa.or_(OrgParentLink.valid_to.is_(None), OrgParentLink.valid_to > day))
                .order_by(sa.case((OrgParentLink.valid_from <= day, 0), else_=1),
                          OrgParentLink.valid_from, OrgParentLink.id)
                .limit(1))
        return parents[unit_id]

    def path_then(unit_id: int) -> str:
        chain, seen = [unit_id], {unit_id}
        while (up := parent(chain[-1])) is not None and up not in seen:
            chain.append(up)
            seen.add(up)
        return "/" + "".join(f"{i}/" for i in reversed(chain))

    moves = [(path, path_then(unit_id)) for unit_id, path in moved]
    moves = [(now, then) for now, then in moves if now != then]
    return TreeOn(day, tuple(sorted(moves, key=lambda m: -len(m[0]))))
