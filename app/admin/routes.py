"""The administration pages: users and their roles, units, the audit trail. Every page asks for
the admin role in some unit (403 without); a user or unit outside the admin's subtree is 404."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.admin import queries, services
from app.admin.forms import GiveRoleForm, MoveForm, PasswordForm, RoleForm, UnitForm, UserForm
from app.auth import permissions
from app.auth.models import User
from app.auth.services import find_user
from app.core.calendar import local_today
from app.core.errors import Invalid
from app.core.forms import BaseForm, choices, handle_form
from app.core.params import int_arg
from app.extensions import db
from app.orgs.models import Organisation, indented
from app.orgs.queries import parent_links
from app.orgs.services import NAME_FIELDS
from workflows.vocab import ADMIN, ROLES

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Units a search on the move page adds to the choices, at most.
MOVE_CHOICES = 20


@bp.before_request
def admins_only():
    if not permissions.administers_somewhere(current_user):
        abort(403)


def _load_user(user_id: int) -> User:
    """The user, if the admin manages them; else NotFound (the 404 page)."""
    return services.require_user(current_user, db.session.get(User, user_id))


def _load_unit(org_id: int | None) -> Organisation:
    """The unit, if the admin administers it; else NotFound (the 404 page)."""
    return services.require_unit(current_user,
                                 db.session.get(Organisation, org_id) if org_id else None)


def _unit_arg(name: str) -> Organisation | None:
    """The unit named by a query argument, when the admin administers it."""
    org_id = int_arg(request.args, name)
    org = db.session.get(Organisation, org_id) if org_id else None
    return org if org is not None and permissions.can_admin(current_user, org) else None


def _unit_choices(selected=None, around=(), where=None) -> list[tuple[int, str]]:
    """Units the admin administers, near `selected` and `around` (permissions.nearby_orgs)."""
    stmt = permissions.nearby_orgs(current_user, selected, around, roles={ADMIN})
    if where is not None:
        stmt = stmt.where(where)
    return [(o.id, indented(o)) for o in db.session.scalars(stmt)]


def _role_choices() -> list[tuple[str, str]]:
    return choices(ROLES)


# --- users -------------------------------------------------------------------------------------

@bp.route("/users")
def users():
    q = (request.args.get("q") or "").strip()[:80]
    org = _unit_arg("org")
    page = queries.users_page(current_user, q, org, request.args.get("after") or None)
    return render_template("admin/users.html", page=page, q=q, org=org,
                           units=_unit_choices(org))


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    unit = _unit_arg("unit")
    form = UserForm()
    form.org_id.choices = _unit_choices(unit)
    form.roles.choices = _role_choices()
    if request.method == "GET" and unit is not None:
        form.org_id.data = unit.id

    def save():
        org = _load_unit(form.org_id.data)
        return services.create_user(
            current_user, username=form.username.data, full_name=form.full_name.data,
            email=form.email.data, password=form.password.data,
            roles=[(role, org) for role in form.roles.data])

    def done(result):
        user, generated = result
        if generated:
            return render_template("admin/password.html", user=user, password=generated,
                                   created=True)
        flash(_("User %(username)s has been created.", username=user.username), "success")
        return redirect(url_for("admin.user", user_id=user.id))

    return handle_form(form, save, lambda: render_template("admin/new_user.html", form=form),
                       done)


def _user_page(user: User, role_form=None, password_form=None):
    role_form = role_form or RoleForm(formdata=None)
    role_form.role.choices = _role_choices()
    role_form.org_id.choices = _unit_choices(around=[a.org for a in user.roles])
    return render_template(
        "admin/user.html", user=user, role_form=role_form,
        password_form=password_form or PasswordForm(formdata=None),
        action_form=BaseForm(formdata=None),
        roles=[a for a in user.roles if permissions.can_admin(current_user, a.org)],
        beyond=len(permissions.roles_beyond(current_user, user)),
        controls=permissions.can_control_account(current_user, user),
        events=queries.events_of_user(current_user, user))


@bp.route("/users/<int:user_id>")
def user(user_id: int):
    return _user_page(_load_user(user_id))


def _user_action(user: User, form, save, done, **page):
    """A change posted from the user's page: refused, the page again with the reason."""
    return handle_form(form, save, lambda: _user_page(user, **page), done)


def _back_to(user: User, message: str):
    def done(_result):
        flash(message, "success")
        return redirect(url_for("admin.user", user_id=user.id))
    return done


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
def add_role(user_id: int):
    user = _load_user(user_id)
    form = RoleForm()
    form.role.choices = _role_choices()
    form.org_id.choices = _unit_choices(around=[a.org for a in user.roles])
    return _user_action(
        user, form,
        lambda: services.add_role(current_user, user, form.role.data, _load_unit(form.org_id.data)),
        _back_to(user, _("The role has been given.")), role_form=form)


@bp.route("/users/<int:user_id>/roles/<int:assignment_id>/remove", methods=["POST"])
def remove_role(user_id: int, assignment_id: int):
    user = _load_user(user_id)
    return _user_action(user, BaseForm(),
                        lambda: services.remove_role(current_user, user, assignment_id),
                        _back_to(user, _("The role has been taken away.")))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
def deactivate(user_id: int):
    user = _load_user(user_id)
    return _user_action(user, BaseForm(), lambda: services.set_active(current_user, user, False),
                        _back_to(user, _("The account has been deactivated; its sessions have "
                                         "ended.")))


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
def reactivate(user_id: int):
    user = _load_user(user_id)
    return _user_action(user, BaseForm(), lambda: services.set_active(current_user, user, True),
                        _back_to(user, _("The account has been reactivated.")))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
def reset_password(user_id: int):
    user = _load_user(user_id)
    form = PasswordForm()

    def done(generated):
        if generated:
            return render_template("admin/password.html", user=user, password=generated,
                                   created=False)
        return _back_to(user, _("The password has been reset; the user's sessions have "
                                "ended."))(None)

    return _user_action(
        user, form,
        lambda: services.reset_password(current_user, user, form.password.data or None),
        done, password_form=form)


# --- units -------------------------------------------------------------------------------------

@bp.route("/units")
def units():
    q = (request.args.get("q") or "").strip()[:80]
    found = queries.search_units(current_user, q) if q else None
    tops = [] if q else [(org, queries.children(org)) for org in queries.top_units(current_user)]
    return render_template("admin/units.html", q=q, found=found, tops=tops,
                           cap=queries.UNIT_CAP)


@bp.route("/units/<int:org_id>")
def unit(org_id: int):
    return _unit_page(_load_unit(org_id))


def _unit_page(org: Organisation, give_form=None):
    give_form = give_form or GiveRoleForm(formdata=None)
    give_form.role.choices = _role_choices()
    return render_template(
        "admin/unit.html", org=org, ancestors=queries.ancestors(org),
        children=queries.children(org), holders=queries.holders(org),
        links=parent_links(org), events=queries.events_of_unit(org),
        give_form=give_form, can_move=services.can_move(current_user, org),
        may_create=org.level < services.LOWEST_LEVEL and org.is_active,
        cap=queries.UNIT_CAP)


@bp.route("/units/<int:org_id>/roles", methods=["POST"])
def give_role(org_id: int):
    org = _load_unit(org_id)
    form = GiveRoleForm()
    form.role.choices = _role_choices()

    def save():
        user = find_user(form.username.data)
        if user is None or not permissions.can_manage_user(current_user, user):
            raise Invalid(_("No user with this username among those you administer: create "
                            "the account first."), field="username")
        return services.add_role(current_user, user, form.role.data, org)

    def done(assignment):
        flash(_("%(name)s now holds the role here.", name=assignment.user.full_name),
              "success")
        return redirect(url_for("admin.unit", org_id=org.id))

    return handle_form(form, save, lambda: _unit_page(org, form), done)


@bp.route("/units/<int:org_id>/new", methods=["GET", "POST"])
def new_unit(org_id: int):
    parent = _load_unit(org_id)
    form = UnitForm()

    def save():
        return services.create_unit(current_user, parent, **{
            name: getattr(form, name).data for name in NAME_FIELDS})

    def done(org):
        flash(_("The unit %(unit)s has been created.", unit=org.display_name), "success")
        return redirect(url_for("admin.unit", org_id=org.id))

    return handle_form(form, save, lambda: render_template(
        "admin/unit_form.html", form=form, org=parent, creating=True,
        may_create=parent.level < services.LOWEST_LEVEL and parent.is_active), done)


@bp.route("/units/<int:org_id>/edit", methods=["GET", "POST"])
def edit_unit(org_id: int):
    org = _load_unit(org_id)
    form = UnitForm(obj=org) if request.method == "GET" else UnitForm()

    def save():
        return services.change_unit(current_user, org, **{
            name: getattr(form, name).data for name in NAME_FIELDS})

    def done(changed):
        flash(_("The unit has been saved.") if changed else _("Nothing has changed."),
              "success" if changed else "info")
        return redirect(url_for("admin.unit", org_id=org.id))

    return handle_form(form, save, lambda: render_template(
        "admin/unit_form.html", form=form, org=org, creating=False, may_create=True), done)


@bp.route("/units/<int:org_id>/move", methods=["GET", "POST"])
def move_unit(org_id: int):
    org = _load_unit(org_id)
    if not services.can_move(current_user, org):
        abort(403)
    q = (request.args.get("q") or "").strip()[:80]
    form = MoveForm()
    # Units of a higher level, outside the unit's own subtree: near its parent, and those a
    # search for `q` finds.
    fits = sa.and_(Organisation.level < org.level, Organisation.dissolved_on.is_(None),
                   sa.not_(Organisation.path.startswith(org.path, autoescape=True)))
    found = queries.search_units(current_user, q, cap=MOVE_CHOICES, where=fits) if q else []
    # Around the parent: the units beside it too (its own parent's children).
    form.parent_id.choices = _unit_choices(org.parent, around=[org.parent.parent, *found],
                                           where=fits)
    if request.method == "GET":
        form.on.data = local_today()
        form.parent_id.data = found[0].id if found else org.parent_id

    def save():
        return services.move_unit(current_user, org, _load_unit(form.parent_id.data),
                                  form.on.data)

    def done(_result):
        flash(_("The unit %(unit)s now sits under %(parent)s.", unit=org.display_name,
                parent=org.parent.display_name), "success")
        return redirect(url_for("admin.unit", org_id=org.id))

    return handle_form(form, save, lambda: render_template(
        "admin/move.html", form=form, org=org, q=q, links=parent_links(org)), done)


# --- the audit trail ---------------------------------------------------------------------------

@bp.route("/audit")
def audit():
    after = int_arg(request.args, "after")
    return render_template("admin/audit.html", page=queries.audit_page(current_user, after))


@bp.context_processor
def helpers():
    return {"may_admin": permissions.can_admin}
