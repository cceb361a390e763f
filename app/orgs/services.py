"""Writers of the organisation tree: create a unit, move it under another parent (dated)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from blinker import Namespace

from app.core.calendar import local_today
from app.core.text import nfc
from app.extensions import db
from app.orgs.models import Organisation, OrgParentLink

_signals = Namespace()
#: Sent when a unit moves with its subtree, inside the transaction, after every unit's path
#: was rewritten: `subtree_moved.send(org, old_prefix=..., new_prefix=...)`. Whatever keeps a
#: copy of a unit's path (the cases, app.cases.services) rewrites it here.
subtree_moved = _signals.signal("subtree-moved")


def create_org(
    name: str,
    short_name: str,
    place_name: str,
    level: int,
    parent: Organisation | None = None,
    valid_from: date | None = None,
    header_name: str = "",
) -> Organisation:
    """Add a unit under `parent` and record the link from `valid_from`. `header_name` is the
    short form the header of its units' documents prints when the name is too long."""
    if parent is not None and level <= parent.level:
        raise ValueError("A unit must sit at a lower level than its parent.")
    org = Organisation(
        name=nfc(name), short_name=nfc(short_name), place_name=nfc(place_name),
        level=level, parent=parent, header_name=nfc(header_name or "").strip(),
    )
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    if parent is not None:
        db.session.add(OrgParentLink(child_id=org.id, parent_id=parent.id,
                                     valid_from=valid_from or local_today()))
    db.session.flush()
    return org


def move_org(org: Organisation, new_parent: Organisation, on: date) -> None:
    """Re-attach `org` (and its subtree) under `new_parent` from `on`; history is kept."""
    if org.contains(new_parent):
        raise ValueError("A unit cannot be moved under itself.")
    attached = db.session.scalar(
        sa.select(sa.func.max(OrgParentLink.valid_from))
        .where(OrgParentLink.child_id == org.id, OrgParentLink.valid_to.is_(None)))
    if attached is not None and on < attached:
        raise ValueError("A unit cannot move before the day it was attached to its parent.")
    db.session.execute(
        sa.update(OrgParentLink)
        .where(OrgParentLink.child_id == org.id, OrgParentLink.valid_to.is_(None))
        .values(valid_to=on)
    )
    db.session.add(OrgParentLink(child_id=org.id, parent_id=new_parent.id, valid_from=on))
    old_prefix, new_prefix = org.path, f"{new_parent.path}{org.id}/"
    for unit in db.session.scalars(
        sa.select(Organisation).where(Organisation.path.startswith(old_prefix))
    ):
        unit.path = new_prefix + unit.path[len(old_prefix):]
    org.parent = new_parent
    db.session.flush()
    subtree_moved.send(org, old_prefix=old_prefix, new_prefix=new_prefix)


def parent_on(org: Organisation, day: date) -> Organisation | None:
    """The parent `org` had on `day`, from the dated links."""
    link = db.session.scalar(
        sa.select(OrgParentLink)
        .where(
            OrgParentLink.child_id == org.id,
            OrgParentLink.valid_from <= day,
            sa.or_(OrgParentLink.valid_to.is_(None), OrgParentLink.valid_to > day),
        )
        .order_by(OrgParentLink.valid_from.desc())
    )
    return db.session.get(Organisation, link.parent_id) if link else None
