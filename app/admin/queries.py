"""The administrators' read side: users, units and the audit trail within an admin's subtree.

Lists are capped or paged by key (the next page starts after the last row shown), never
counted nor offset: a national admin's scope is every user and every unit."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from app.admin.models import AdminEvent
from app.auth.models import RoleAssignment, User
from app.auth.permissions import admin_scope, administers_everything
from app.extensions import db
from app.orgs.models import Organisation, name_matches, path_range
from workflows.vocab import ADMIN

PER_PAGE = 50
#: Units listed below one unit, and units found by a search, at most.
UNIT_CAP = 200
#: Lines of the audit trail on a user's or unit's page.
RECENT = 20


@dataclass(frozen=True)
class Page:
    """One keyset page: its rows and where the next one starts (None: the last page)."""
    items: list
    next_after: object = None


def _page(rows: list, key) -> Page:
    if len(rows) > PER_PAGE:
        return Page(rows[:PER_PAGE], key(rows[PER_PAGE - 1]))
    return Page(rows)


def managed_users(admin) -> sa.ColumnElement:
    """SQL: the user holds a role in the admin's subtree (every user, for the top unit's)."""
    if administers_everything(admin):
        return sa.true()
    return sa.exists().where(RoleAssignment.user_id == User.id,
                             admin_scope(admin, RoleAssignment.org_id))


def users_page(admin, q: str = "", org: Organisation | None = None,
               after: str | None = None) -> Page:
    """The users the admin manages, by username; `q` in the username or the full name,
    `org`: holding a role in that unit or below."""
    stmt = sa.select(User).where(managed_users(admin), sa.not_(User.is_service_account))
    if q:
        stmt = stmt.where(sa.or_(User.username.icontains(q, autoescape=True),
                                 User.full_name.icontains(q, autoescape=True)))
    if org is not None:
        stmt = stmt.where(sa.exists().where(
            RoleAssignment.user_id == User.id, RoleAssignment.org_id == Organisation.id,
            path_range(Organisation.path, org.path)))
    if after:
        stmt = stmt.where(User.username > after)
    rows = db.session.scalars(stmt.order_by(User.username).limit(PER_PAGE + 1)).all()
    return _page(rows, lambda user: user.username)


def top_units(admin) -> list[Organisation]:
    """The units where the admin holds the admin role, but those below another of them."""
    units = sorted({a.org for a in admin.roles if a.role == ADMIN}, key=lambda o: o.path)
    return [o for o in units if not any(o is not p and o.path.startswith(p.path)
                                        for p in units)]


def children(org: Organisation, cap: int = UNIT_CAP) -> list[Organisation]:
    """The units just below `org`, by label (at most `cap` + 1: the caller says when more)."""
    return db.session.scalars(
        sa.select(Organisation).where(Organisation.parent_id == org.id)
        .order_by(Organisation.display_name, Organisation.id).limit(cap + 1)).all()


def search_units(admin, q: str, cap: int = UNIT_CAP, where=sa.true()) -> list[Organisation]:
    """Units of the admin's subtree whose name, label or short name holds `q`, accents
    optional (and that meet `where`, before the cap)."""
    return db.session.scalars(
        sa.select(Organisation)
        .where(admin_scope(admin, Organisation.id), where, name_matches(q))
        .order_by(Organisation.path).limit(cap + 1)).all()


def ancestors(org: Organisation) -> list[Organisation]:
    """The units above `org`, top first."""
    ids = org.ancestor_ids[:-1]
    if not ids:
        return []
    found = {o.id: o for o in db.session.scalars(
        sa.select(Organisation).where(Organisation.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def holders(org: Organisation, cap: int = UNIT_CAP) -> list[RoleAssignment]:
    """The roles held at `org` itself, by user."""
    return db.session.scalars(
        sa.select(RoleAssignment).join(User, User.id == RoleAssignment.user_id)
        .options(contains_eager(RoleAssignment.user))
        .where(RoleAssignment.org_id == org.id)
        .order_by(User.username, RoleAssignment.role).limit(cap + 1)).all()


def _events(admin) -> sa.Select:
    return sa.select(AdminEvent).where(admin_scope(admin, AdminEvent.org_id))


def audit_page(admin, after: int | None = None) -> Page:
    """The audit trail of the admin's subtree, newest first."""
    stmt = _events(admin)
    if after:
        stmt = stmt.where(AdminEvent.id < after)
    rows = db.session.scalars(stmt.order_by(AdminEvent.id.desc()).limit(PER_PAGE + 1)).all()
    return _page(rows, lambda event: event.id)


def events_of_user(admin, user: User, limit: int = RECENT) -> list[AdminEvent]:
    """The latest changes of `user` the admin may see (none filed beyond their subtree)."""
    return db.session.scalars(
        _events(admin).where(AdminEvent.user_id == user.id)
        .order_by(AdminEvent.id.desc()).limit(limit)).all()


def events_of_unit(org: Organisation, limit: int = RECENT) -> list[AdminEvent]:
    """The latest changes filed under `org` (the unit itself and the roles given there)."""
    return db.session.scalars(
        sa.select(AdminEvent).where(AdminEvent.org_id == org.id)
        .order_by(AdminEvent.id.desc()).limit(limit)).all()
