"""The sealed identity of a case's reporter, and the case's named handlers."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.cases.views import load_case, render_detail
from app.core.errors import DomainError
from app.core.params import int_arg
from app.core.uploads import file_response
from app.extensions import db
from app.identity import feature, services
from app.identity.forms import LiftSealForm

bp = Blueprint("identity", __name__, url_prefix="/cases")


@feature.panel("sender", "identity/_sender.html", slot="facts")
def sender_panel(case):
    """The sender, as far as this user may see them."""
    return services.sender_panel(case, current_user)


@feature.panel("handlers", "identity/_handlers.html", order=90)
def handlers_panel(case):
    can_name = services.can_name_handlers(current_user, case)
    handlers, candidates = services.named_and_candidates(case, candidates_too=can_name)
    return {"handlers": handlers, "can_name": can_name, "candidates": candidates}


@bp.route("/<int:case_id>/identity")
def reveal(case_id: int):
    """Show the reporter to someone allowed to see them; every view of a sealed one is audited."""
    case = load_case(case_id)
    reporter = services.reveal(case, current_user, "view")
    files = services.sealed_files(case, current_user)
    db.session.commit()
    response = render_template("identity/reveal.html", case=case, reporter=reporter,
                               files=files, sealed=services.is_sealed(case),
                               audited=services.was_ever_sealed(case))
    return response, 200, {"Cache-Control": "private, no-store"}


@bp.route("/<int:case_id>/identity/lift", methods=["POST"])
def lift_seal(case_id: int):
    """The unit leader lifts the seal on the sender's identity, with a reason (audited)."""
    case = load_case(case_id)
    services.check_can_lift(current_user, case)  # 403 / 409 before the form is read
    form = LiftSealForm()
    if not form.validate():
        message = (form.reason.errors or [_("The form expired; reload the page.")])[0]
        return render_detail(case, 422, str(message))
    try:
        services.lift_seal(case, current_user, form.reason.data)
    except DomainError as exc:
        db.session.rollback()
        return render_detail(case, exc.status, exc.message)
    db.session.commit()
    flash(_("The seal on the sender's identity has been lifted; every view of it is still "
            "recorded."), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/identity/files/<int:file_id>")
def sealed_file(case_id: int, file_id: int):
    case = load_case(case_id)
    found = services.open_file(case, current_user, file_id)
    if found is None:
        abort(404)
    db.session.commit()
    return file_response(*found)


@bp.route("/<int:case_id>/handlers", methods=["POST"])
def add_handler(case_id: int):
    case = load_case(case_id)
    user = db.session.get(User, int_arg(request.form, "user_id", 0))
    if user is None:
        abort(404)
    services.add_handler(case, current_user, user)  # refusals render as 403 / 422 pages
    db.session.commit()
    flash(_("%(name)s is now a named handler of this case.", name=user.full_name),
          "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/handlers/<int:user_id>/remove", methods=["POST"])
def remove_handler(case_id: int, user_id: int):
    case = load_case(case_id)
    services.remove_handler(case, current_user, user_id)
    db.session.commit()
    flash(_("The handler has been removed from this case."), "success")
    return redirect(url_for("cases.detail", case_id=case.id))
