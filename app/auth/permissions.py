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
