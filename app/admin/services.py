"""The administrators' writers: accounts, roles and units, each change checked against the
admin's subtree and written to the audit trail (AdminEvent) in the same transaction.

An admin manages the units at or below those where they hold the admin role, and the users
holding a role there. A unit or user outside is NotFound (404, as for cases). What acts on a
whole account (deactivate, reactivate, reset the password) reaches the user's roles in every
unit, so only an admin of all of them may (Forbidden otherwise, with the reason); a role is
given or taken only in the admin's subtree. Nobody locks themselves out: an admin cannot
deactivate their own account, reset their own password here, or take their own last admin
role. Only `flush()`: the view commits."""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from app.admin.models import AdminEvent
from app.auth import services as accounts
from app.auth.models import RoleAssignment, User
from app.auth.permissions import can_admin, can_control_account, can_manage_user
from app.core.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.orgs import services as tree
from app.orgs.models import Organisation
from workflows.vocab import ADMIN

#: The lowest level of the tree (công đoàn cơ sở): no unit sits below it.
LOWEST_LEVEL = 4


# --- the audit trail -------------------------------------------------------------------------

def _record(actor, action: str, *, user: User | None = None, org: Organisation | None = None,
            before: dict | None = None, after: dict | None = None) -> AdminEvent:
    event = AdminEvent(actor_id=actor.id, action=action, user_id=user.id if user else None,
                       org_id=org.id if org else None,
                       data={"before": before or {}, "after": after or {}})
    db.session.add(event)
    return event


def _role(assignment: RoleAssignment) -> dict:
    """A role as the audit trail keeps it: the role, and its unit's name and id then."""
    return {"role": assignment.role, "unit": assignment.org.display_name,
            "unit_id": assignment.org_id}


def account_unit(user: User) -> Organisation | None:
    """The unit an event about the whole account is filed under: the lowest unit above (or at)
    every unit where the user holds a role, so that exactly the admins who may act on the
    account see it; None for a user without a role."""
    chains = [a.org.ancestor_ids for a in user.roles]
    if not chains:
        return None
    common = 0
    while all(len(chain) > common and chain[common] == chains[0][common] for chain in chains):
        common += 1
    return db.session.get(Organisation, chains[0][common - 1]) if common else None


# --- the checks --------------------------------------------------------------------------------

def require_unit(actor, org: Organisation | None) -> Organisation:
    """`org`, if the actor administers it; else NotFound."""
    if org is None or not can_admin(actor, org):
        raise NotFound(_("No such unit among those you administer."))
    return org


def require_user(actor, user: User | None) -> User:
    """`user`, if they hold a role the actor administers; else NotFound."""
    if user is None or not can_manage_user(actor, user):
        raise NotFound(_("No such user among those you administer."))
    return user


def _require_account(actor, user: User) -> None:
    require_user(actor, user)
    if not can_control_account(actor, user):
        raise Forbidden(_("%(name)s also holds roles in units you do not administer: only an "
                          "administrator of a unit above all of them may deactivate, reactivate "
                          "or reset the password of this account.", name=user.full_name))


# --- accounts ----------------------------------------------------------------------------------

def create_user(actor, *, username: str, full_name: str, email: str | None,
                password: str | None, roles: list[tuple[str, Organisation]],
                locale: str = "vi") -> tuple[User, str | None]:
    """Create an account with `roles` ((role, unit) pairs in the actor's subtree, at least
    one). Without `password` one is generated; returns the user and the generated password,
    to be shown once and never stored."""
    if not roles:
        raise Invalid(_("Choose at least one role."), field="roles")
    for _role_code, org in roles:
        require_unit(actor, org)
    generated = None if password else accounts.generate_password()
    user = accounts.create_user(username, full_name, password or generated, roles,
                                email=email, locale=locale)
    _record(actor, "user_created", user=user, org=account_unit(user), after={
        "username": user.username, "full_name": user.full_name, "email": user.email or "",
        "roles": [_role(a) for a in user.roles]})
    db.session.flush()
    return user, generated


def add_role(actor, user: User, role: str, org: Organisation) -> RoleAssignment:
    require_user(actor, user)
    require_unit(actor, org)
    assignment = accounts.add_role(user, role, org)
    _record(actor, "role_added", user=user, org=org, after=_role(assignment))
    db.session.flush()
    return assignment


def remove_role(actor, user: User, assignment_id: int) -> None:
    """Take one role the actor administers. Refused: the user's last role (deactivate the
    account instead, or it would drop out of every admin's sight), and the actor's own last
    admin role."""
    require_user(actor, user)
    assignment = next((a for a in user.roles if a.id == assignment_id), None)
    if assignment is None or not can_admin(actor, assignment.org):
        raise NotFound(_("No such role among those you administer."))
    if len(user.roles) == 1:
        raise Invalid(_("This is the last role of %(name)s: deactivate the account instead.",
                        name=user.full_name))
    if user.id == actor.id and assignment.role == ADMIN and \
            sum(a.role == ADMIN for a in user.roles) == 1:
        raise Forbidden(_("You cannot take your own last administrator role: you would lock "
                          "yourself out. Ask another administrator."))
    org, before = assignment.org, _role(assignment)
    accounts.remove_role(user, assignment)
    _record(actor, "role_removed", user=user, org=org, before=before)
    db.session.flush()


def set_active(actor, user: User, active: bool) -> None:
    """Deactivate (their sessions end and logging in is refused) or reactivate an account."""
    _require_account(actor, user)
    if user.id == actor.id and not active:
        raise Forbidden(_("You cannot deactivate your own account."))
    if user.active == active:
        return
    accounts.set_active(user, active)
    _record(actor, "user_reactivated" if active else "user_deactivated", user=user,
            org=account_unit(user), before={"active": not active}, after={"active": active})
    db.session.flush()


def reset_password(actor, user: User, password: str | None = None) -> str | None:
    """Set a temporary password (generated without `password`; returned to be shown once);
    every session of the user ends. The audit records the reset, never the password."""
    _require_account(actor, user)
    if user.id == actor.id:
        raise Forbidden(_("You cannot reset your own password here: your sessions would end "
                          "before you read it. Ask another administrator."))
    generated = None if password else accounts.generate_password()
    accounts.change_password(user, password or generated)
    _record(actor, "password_reset", user=user, org=account_unit(user),
            after={"generated": generated is not None})
    db.session.flush()
    return generated


# --- units -------------------------------------------------------------------------------------

def create_unit(actor, parent: Organisation, *, name: str, label: str, short_name: str,
                header_name: str, place_name: str, valid_from: date | None = None
                ) -> Organisation:
    """A unit one level below `parent` (a unit the actor administers)."""
    require_unit(actor, parent)
    if parent.level >= LOWEST_LEVEL:
        raise Invalid(_("A grassroots union is the lowest level: no unit can be created "
                        "below it."))
    if not parent.is_active:
        raise Invalid(_("%(unit)s is dissolved: no unit can be created under it.",
                        unit=parent.display_name))
    org = tree.create_org(name, short_name, place_name, parent.level + 1, parent,
                          valid_from=valid_from, header_name=header_name, label=label)
    _record(actor, "unit_created", org=org, after={
        "name": org.name, "label": org.label, "short_name": org.short_name,
        "header_name": org.header_name, "place_name": org.place_name, "level": org.level,
        "parent": parent.display_name, "parent_id": parent.id})
    db.session.flush()
    return org


def change_unit(actor, org: Organisation, **values) -> dict:
    """Rename a unit (any of app.orgs.services.NAME_FIELDS); nothing is recorded when nothing
    changed."""
    require_unit(actor, org)
    changed = tree.change_org(org, **values)
    if changed:
        _record(actor, "unit_changed", org=org,
                before={k: old for k, (old, _new) in changed.items()},
                after={k: new for k, (_old, new) in changed.items()})
        db.session.flush()
    return changed


def can_move(actor, org: Organisation) -> bool:
    """A move takes the unit from its parent: only an admin of that parent may (so never the
    admin's own top unit, whose parent is beyond their subtree)."""
    return org.parent is not None and can_admin(actor, org.parent)


def move_unit(actor, org: Organisation, new_parent: Organisation, on: date) -> None:
    """Move `org` and its subtree under `new_parent` from `on` (the dated parent links keep
    where it was before)."""
    require_unit(actor, org)
    if not can_move(actor, org):
        raise Forbidden(_("Only an administrator of the unit above %(unit)s may move it.",
                          unit=org.display_name))
    require_unit(actor, new_parent)
    old = org.parent
    tree.move_org(org, new_parent, on)
    _record(actor, "unit_moved", org=org,
            before={"parent": old.display_name, "parent_id": old.id},
            after={"parent": new_parent.display_name, "parent_id": new_parent.id,
                   "on": on.isoformat()})
    db.session.flush()
