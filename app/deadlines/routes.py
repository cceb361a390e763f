from functools import wraps

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth import permissions
from app.cases import services as case_services
from app.cases.views import load_case, render_detail, require_action, step_hints
from app.core.calendar import local_today
from app.core.dates import format_day
from app.core.deadline_rules import START_EVENTS, UNIT_RULE, awaiting_basis, shown_basis
from app.core.errors import DomainError
from app.core.forms import BaseForm, attach_error, handle_form
from app.core.params import int_arg
from app.deadlines import (
    can_manage_days_of,
    feature,
    is_deadline_admin,
    is_national_admin,
    queries,
    services,
)
from app.deadlines.forms import (
    DAY_KIND_LABELS,
    UNIT_LABELS,
    CalendarDayForm,
    ExtensionForm,
    RuleForm,
)
from app.deadlines.models import RuleSetting
from app.documents import services as documents
from app.extensions import db
from app.orgs.models import Organisation, indented
from workflows.vocab import ADMIN

bp = Blueprint("deadlines", __name__)

#: The admin pages' URL prefix.
PREFIX = "/admin/deadlines"


def _allowed(check):
    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not check(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorate


#: An admin of any unit (the calendar's local days off of their subtree).
admin_only = _allowed(is_deadline_admin)
#: An admin of the top unit (the national rule table and calendar).
national_admin_only = _allowed(is_national_admin)


@bp.context_processor
def unit_labels():
    return {"deadline_units": UNIT_LABELS}


def _extension_decision(case):
    """The issued decision the next extension rests on (Action.documents of "extend"), if the
    case's workflow names one and it is issued: its number and date are the extension's."""
    if not case.workflow.has_action("extend"):
        return None
    return next((need.document for need in documents.needs(case, case.workflow.action("extend"))
                 if need.document is not None), None)


@feature.panel("deadlines", "deadlines/_panel.html", order=60)
def panel(case):
    can_extend = case_services.may_fire(current_user, case, "extend")
    decision = _extension_decision(case)
    form = None  # the extension form shows only to those who may extend
    if can_extend:
        form = g.get("extension_form") or ExtensionForm(formdata=None)
        if decision is not None:
            form.number.data = documents.number_label(decision)
            form.decided_on.data = decision.issued_on
    return {
        "shown_basis": shown_basis,
        "decision": decision,
        "hints": (step_hints(case, case.workflow.action("extend"))
                  if case.workflow.has_action("extend") else []),
        "units": UNIT_LABELS,
        "can_extend": can_extend,
        "rows": queries.of_case(case),
        "today": local_today(),
        "form": form,
        "refusal": services.extension_refusal(case),
        "start_events": START_EVENTS,
    }


# -- the case panel's extension form ----------------------------------------------------------


@bp.route("/cases/<int:case_id>/deadlines/extend", methods=["POST"])
def extend(case_id: int):
    case = load_case(case_id)
    require_action(case, "extend")
    form = g.extension_form = ExtensionForm()
    if not form.validate():
        return render_detail(case, 422, _("The extension form is incomplete."))
    decision = {"number": form.number.data, "decided_on": form.decided_on.data,
                "days": form.days.data, "reason": form.reason.data}
    issued = _extension_decision(case)
    if issued is not None:  # the issued decision's own number and date, whatever was posted
        decision.update(number=documents.number_label(issued), decided_on=issued.issued_on)
    try:
        case_services.transition_case(
            case, "extend", current_user, comment=form.reason.data,
            expected_version=form.version.data, context={"extension": decision})
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(case)
        if exc.field and hasattr(form, exc.field):
            attach_error(form, exc)
        return render_detail(case, exc.status, exc.message)
    db.session.commit()
    flash(_("The deadline has been extended to %(day)s.", day=format_day(case.due_on)),
          "success")
    return redirect(url_for("cases.detail", case_id=case.id))


# -- administration: the rule table -----------------------------------------------------------


@bp.route(PREFIX + "/")
@admin_only
def index():
    if not is_national_admin(current_user):
        return redirect(url_for("deadlines.calendar"))
    return redirect(url_for("deadlines.rules"))


@bp.route(PREFIX + "/rules")
@national_admin_only
def rules():
    settings = {s.code: s for s in db.session.scalars(db.select(RuleSetting))}
    table = services.rule_table()
    return render_template("deadlines/rules.html", rules=table,
                           awaiting=awaiting_basis(table.values()), unit_rule=UNIT_RULE,
                           defaults=services.default_rules(), settings=settings,
                           start_events=START_EVENTS,
                           log=queries.audit_log(("rule_saved", "rule_reset")))


@bp.route(PREFIX + "/rules/<code>", methods=["GET", "POST"])
@national_admin_only
def edit_rule(code: str):
    rule = services.rule_table().get(code)
    if rule is None:
        abort(404)
    form = RuleForm(obj=rule) if request.method == "GET" else RuleForm()

    def save():
        try:
            return services.save_rule(current_user, code, {
                f: getattr(form, f).data for f in services.EDITABLE_FIELDS})
        except services.RuleInvalid as exc:
            for problem in exc.problems:  # each problem starts with the field it concerns
                field = getattr(form, problem.split(" ", 1)[0], None)
                if field is not None:
                    field.errors = [*field.errors, problem]
            raise

    def done(_rule):
        flash(_("The rule “%(code)s” has been saved.", code=code), "success")
        return redirect(url_for("deadlines.rules"))

    return handle_form(form, save, lambda: render_template(
        "deadlines/rule_form.html", form=form, rule=rule, code=code,
        default=services.default_rules()[code]), done)


@bp.route(PREFIX + "/rules/<code>/reset", methods=["POST"])
@national_admin_only
def reset_rule(code: str):
    if code not in services.default_rules():
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    services.reset_rule(current_user, code)
    db.session.commit()
    flash(_("The rule “%(code)s” is back to its default.", code=code), "success")
    return redirect(url_for("deadlines.rules"))


# -- administration: the calendar -------------------------------------------------------------


def _calendar_units(user) -> list[tuple[int, str]]:
    """Whose calendar the user may add a day to: the nation (0) for an admin of the top unit,
    and the units they administer with every unit below."""
    national = [(0, _("National (every unit)"))] if is_national_admin(user) else []
    orgs = db.session.scalars(
        sa.select(Organisation)
        .where(permissions.scope_condition(user, Organisation.id, roles={ADMIN}),
               Organisation.dissolved_on.is_(None))
        .order_by(Organisation.path)).all()
    return national + [(o.id, indented(o)) for o in orgs]


@bp.route(PREFIX + "/calendar", methods=["GET", "POST"])
@admin_only
def calendar():
    year = int_arg(request.args, "year", local_today().year, minimum=0, maximum=9999)
    if not 1990 <= year <= 2100:
        abort(404)
    form = CalendarDayForm()
    form.org_id.choices = _calendar_units(current_user)

    def save():
        org = db.session.get(Organisation, form.org_id.data) if form.org_id.data else None
        return services.add_calendar_day(current_user, form.day.data, form.kind.data,
                                         form.note.data or "", org=org)

    def done(row):
        flash(_("%(day)s has been added.", day=format_day(row.day)), "success")
        return redirect(url_for("deadlines.calendar", year=row.day.year))

    return handle_form(form, save, lambda: render_template(
        "deadlines/calendar.html", form=form, year=year,
        data=queries.calendar_year(year, current_user), kinds=DAY_KIND_LABELS,
        delete_form=BaseForm(formdata=None), may_remove=can_manage_days_of,
        national=is_national_admin(current_user),
        log=queries.audit_log(("day_added", "day_removed"))), done)


@bp.route(PREFIX + "/calendar/<int:day_id>/delete", methods=["POST"])
@admin_only
def delete_day(day_id: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    year = int_arg(request.form, "year")
    services.remove_calendar_day(current_user, day_id)
    db.session.commit()
    flash(_("The day has been removed."), "success")
    return redirect(url_for("deadlines.calendar", year=year))
