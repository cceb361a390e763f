"""Permission questions asked of the domain; routes enforce them (404 outside scope, 403 by role)."""
from __future__ import annotations

from collections.abc import Callable, Iterable

import sqlalchemy as sa
from flask import current_app

from app.orgs.models import Organisation, path_range
from workflows.base import Action
from workflows.vocab import ADMIN, APPROVER, AUDITOR, DELEGATE, HANDLER, INTAKE

#: Roles that may log a new case in a unit of their scope.
CREATOR_ROLES = frozenset({INTAKE, HANDLER, APPROVER})


def _paths(user, roles: Iterable[str] | None = None) -> list[str]:
    wanted = set(roles) if roles is not None else None
    return sorted({a.org.path for a in user.roles if wanted is None or a.role in wanted})


def scope_condition(user, org_column, roles: Iterable[str] | None = None, path_column=None):
    """SQL condition: `org_column` lies in the subtree of a unit where the user holds a role;
    on `path_column` instead, when the rows carry their unit's path (one index range per unit,
    no join of the tree).

    A role at the national unit (level 1, the tree's one root) covers every row: no condition
    at all, so that the planner walks a sort's index instead of joining the whole tree."""
    wanted = set(roles) if roles is not None else None
    if any(a.org.level == 1 and a.org.parent_id is None for a in user.roles
           if wanted is None or a.role in wanted):
        return sa.true()
    paths = _paths(user, roles)
    if not paths:
        return sa.false()
    if path_column is not None:
        return sa.or_(*(path_range(path_column, p) for p in paths))
    subtree = sa.select(Organisation.id).where(
        sa.or_(*(Organisation.path.startswith(p, autoescape=True) for p in paths))
    )
    return org_column.in_(subtree)


def roles_in(user, org: Organisation) -> set[str]:
    """Roles the user holds in `org` or in a unit above it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return {a.role for a in user.roles if org.path.startswith(a.org.path)}


def can_view_org(user, org: Organisation) -> bool:
    return bool(roles_in(user, org))


def can_view_case(user, case) -> bool:
    return can_view_org(user, case.org)


def can_create_in(user, org: Organisation) -> bool:
    return bool(roles_in(user, org) & CREATOR_ROLES)


def creates_somewhere(user) -> bool:
    """The user holds a role that logs new cases in some unit (read off their roles, no query):
    the links to the intake forms show only then."""
    return any(a.role in CREATOR_ROLES for a in user.roles)


#: Roles that count on a case only where a feature's predicate says so (the delegation member:
#: only on the cases whose delegation names them). Without its predicate such a role grants
#: nothing.
RESTRICTED_ROLES = frozenset({DELEGATE})
ROLE_CHECKS = "giamsat.role_checks"


def restrict_role(app, role: str, applies: Callable[..., bool]) -> None:
    """`role` counts on a case only when `applies(case, user)`: registered by the feature that
    knows (app.supervision for the delegation member)."""
    if role not in RESTRICTED_ROLES:
        raise ValueError(f"{role!r} is not a restricted role")
    app.extensions.setdefault(ROLE_CHECKS, {})[role] = applies


def named_on_case(user, case, role: str) -> bool:
    """The predicate of restricted `role` names the user on this case (a member of the case's
    delegation), whatever roles they hold; False when no feature registered one."""
    check = current_app.extensions.get(ROLE_CHECKS, {}).get(role)
    return check is not None and bool(check(case, user))


def can_fire(user, case, action: Action) -> bool:
    """The user's roles at the case's unit include one the action allows; a restricted role
    (RESTRICTED_ROLES) counts only where its feature's predicate holds."""
    for role in roles_in(user, case.org) & action.roles:
        if role not in RESTRICTED_ROLES or named_on_case(user, case, role):
            return True
    return False


def can_admin(user, org: Organisation) -> bool:
    return ADMIN in roles_in(user, org)


def is_read_only(user) -> bool:
    """An auditor with no other role only reads."""
    return {a.role for a in user.roles} <= {AUDITOR}


def visible_orgs(user) -> sa.Select:
    """Units the user may see, top-down."""
    return (
        sa.select(Organisation)
        .where(scope_condition(user, Organisation.id))
        .order_by(Organisation.path)
    )


def creatable_orgs(user) -> sa.Select:
    return (
        sa.select(Organisation)
        .where(scope_condition(user, Organisation.id, CREATOR_ROLES))
        .where(Organisation.dissolved_on.is_(None))
        .order_by(Organisation.path)
    )


# --- administration: an admin manages the units at or below those where they hold ADMIN ------

def administers_somewhere(user) -> bool:
    """The user holds the admin role in some unit (read off their roles, no query)."""
    return getattr(user, "is_authenticated", False) and any(a.role == ADMIN for a in user.roles)


def administers_everything(user) -> bool:
    """An admin of the top unit: every unit and every user is theirs to manage."""
    return getattr(user, "is_authenticated", False) and any(
        a.role == ADMIN and a.org.parent_id is None for a in user.roles)


def admin_scope(user, org_column) -> sa.ColumnElement:
    """SQL: `org_column` lies in the subtree the user administers."""
    return scope_condition(user, org_column, roles={ADMIN})


def can_manage_user(admin, target) -> bool:
    """`target` is the admin's to see and change roles of: one of their roles lies in the
    admin's subtree (a user without any role: the top unit's admins only). Nobody manages a
    service account (User.is_service_account) here: it is the system's."""
    if target.is_service_account:
        return False
    if administers_everything(admin):
        return True
    return any(can_admin(admin, a.org) for a in target.roles)


def roles_beyond(admin, target) -> list:
    """The roles of `target` in units the admin does not administer."""
    return [a for a in target.roles if not can_admin(admin, a.org)]


def can_control_account(admin, target) -> bool:
    """Deactivating, reactivating and resetting the password act on the whole account, and so
    on roles elsewhere: only an admin of every unit where `target` holds a role may."""
    return can_manage_user(admin, target) and not roles_beyond(admin, target)


def nearby_orgs(user, selected: Organisation | None = None, around=(), roles=None) -> sa.Select:
    """A short list of units in the user's scope (`roles`: only where they hold one of those)
    for a choice: the units of those roles and the units just below them, and around
    `selected` and the units in `around` their ancestors and children, so that a national user
    drills down through 10^5 units without a page that lists them all. Through the primary key
    and the parent index: never a scan of the whole tree. `user` may be a user or a stand-in
    with the same roles (app.cases.queries.RoleShape)."""
    wanted = set(roles) if roles is not None else None
    own = sorted({a.org.id for a in user.roles if wanted is None or a.role in wanted})
    near = sa.or_(Organisation.id.in_(own), Organisation.parent_id.in_(own))
    for org in (selected, *around):
        if org is not None:
            near = sa.or_(near, Organisation.id.in_(org.ancestor_ids),
                          Organisation.parent_id == org.id)
    return (sa.select(Organisation)
            .where(scope_condition(user, Organisation.id, roles), near)
            .order_by(Organisation.path))
