"""Writers of the organisation tree: create a unit, change its names, move it under another
parent (dated)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import gettext as _

from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.errors import Invalid
from app.core.text import nfc
from app.extensions import db
from app.orgs.models import Organisation, OrgParentLink


class TreeRefused(Invalid, ValueError):
    """A change the tree refuses (a unit at or above its parent's level, a move under itself or
    before its current link began): nothing was written. A ValueError too, for the scripts
    that call the writers; `message` is the user's language."""

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
    label: str = "",
) -> Organisation:
    """Add a unit under `parent` and record the link from `valid_from`. `header_name` is the
    short form the header of its units' documents prints when the name is too long; `label`
    how lists name it ("LĐLĐ Hà Tĩnh"; empty: the name)."""
    if parent is not None and level <= parent.level:
        raise TreeRefused(_("A unit must sit at a lower level than its parent."),
                          field="parent_id")
    org = Organisation(
        name=nfc(name), short_name=nfc(short_name), place_name=nfc(place_name),
        level=level, parent=parent, header_name=nfc(header_name or "").strip(),
        label=nfc(label or "").strip(),
    )
    db.session.add(org)
    db.session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    if parent is not None:
        db.session.add(OrgParentLink(child_id=org.id, parent_id=parent.id,
                                     valid_from=valid_from or local_today()))
    db.session.flush()
    return org


#: What `change_org` may change: the names, never the place in the tree.
NAME_FIELDS = ("name", "label", "short_name", "header_name", "place_name")


def change_org(org: Organisation, **values) -> dict:
    """Set the names of `org` given in `values` (NAME_FIELDS); returns {field: (before, after)}
    of those that changed. Documents issued keep the names they were issued under."""
    changed = {}
    for name, value in values.items():
        if name not in NAME_FIELDS:
            raise TypeError(f"{name!r} is not a name of a unit")
        value = nfc(value or "").strip()
        if name in ("name", "short_name", "place_name") and not value:
            raise TreeRefused(_("This field is required."), field=name)
        if getattr(org, name) != value:
            changed[name] = (getattr(org, name), value)
            setattr(org, name, value)
    db.session.flush()
    return changed


def move_org(org: Organisation, new_parent: Organisation, on: date) -> None:
    """Re-attach `org` (and its subtree) under `new_parent` from `on`; history is kept.

    Refused (TreeRefused, nothing written): a move under itself or a unit below it, under a
    unit of its own level or lower, under a dissolved unit, under the parent it has, dated
    after today (today's paths would then contradict the links) or before the day its current
    link began."""
    if org.contains(new_parent):
        raise TreeRefused(_("A unit cannot be moved under itself or a unit below it."),
                          field="parent_id")
    if new_parent.level >= org.level:
        raise TreeRefused(_("A unit must sit at a lower level than its parent."),
                          field="parent_id")
    if not new_parent.is_active:
        raise TreeRefused(_("%(unit)s is dissolved: no unit can move under it.",
                            unit=new_parent.display_name), field="parent_id")
    if org.parent_id == new_parent.id:
        raise TreeRefused(_("The unit already sits under %(unit)s.",
                            unit=new_parent.display_name), field="parent_id")
    if on > local_today():
        raise TreeRefused(_("A move cannot be dated after today: record it on the day it "
                            "takes effect."), field="on")
    attached = db.session.scalar(
        sa.select(sa.func.max(OrgParentLink.valid_from))
        .where(OrgParentLink.child_id == org.id, OrgParentLink.valid_to.is_(None)))
    if attached is not None and on < attached:
        raise TreeRefused(_("The unit has sat under its current parent since %(day)s: a move "
                            "cannot be dated before that day.", day=format_day(attached)),
                          field="on")
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
