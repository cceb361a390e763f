"""The portal's pages (blueprint "portal", open without a login) and the officers' side of the
thread with a sender (blueprint "portal_staff", behind the staff login like every page)."""
from __future__ import annotations

import time

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.cases.views import load_case, render_detail
from app.core import uploads
from app.core.errors import DomainError
from app.core.forms import attach_error, handle_form
from app.core.params import int_arg
from app.core.redirects import safe_next
from app.extensions import db
from app.portal import abuse, feature, queries, services
from app.portal.forms import AnswerForm, AskForm, FollowForm, SubmitForm
from app.portal.models import PortalReceipt
from workflows.vocab import LETTER

bp = Blueprint("portal", __name__, url_prefix="/portal")
staff = Blueprint("portal_staff", __name__, url_prefix="/cases")

#: The receipt shown once after sending, and the letter a sender is following.
SHOWN, FOLLOWING = "portal_shown", "portal_following"
#: How long a follow-up login lasts.
FOLLOW_SECONDS = 30 * 60


# -- errors in the portal's own look ----------------------------------------------------------


def _error(status: int, message=None, headers=None):
    db.session.rollback()
    return render_template("portal/error.html", status=status, message=message), status, \
        headers or {}


@bp.errorhandler(CSRFError)
def _csrf_error(exc):
    return _error(400, _("The form expired. Reload the page and send it again."))


@bp.errorhandler(DomainError)
def _domain_error(exc):
    return _error(exc.status, exc.message)


@bp.errorhandler(HTTPException)
def _http_error(exc):
    return _error(exc.code or 500)


def _too_many(wait: int):
    minutes = max(1, -(-wait // 60))
    return _error(429, _("Too many attempts from this connection. Please try again in "
                         "%(minutes)d minutes.", minutes=minutes),
                  {"Retry-After": str(wait)})


# -- the public pages -------------------------------------------------------------------------


@bp.route("/")
def home():
    return render_template("portal/home.html")


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(safe_next(request.form.get("next"), url_for(".home")), 303)


@bp.route("/units")
def units():
    """The searchable tree: a search by name, or the units below one (the top's, at first)."""
    q = (request.args.get("q") or "").strip()[:100]
    parent = queries.unit(int_arg(request.args, "parent")) or queries.top()
    found = queries.search(q) if q else queries.children(parent)
    return render_template("portal/units.html", q=q, parent=parent,
                           units=found[:queries.UNIT_CAP], more=len(found) > queries.UNIT_CAP)


@bp.route("/send", methods=["GET", "POST"])
def submit():
    form = SubmitForm()
    form.fill_choices(queries.provinces())
    status = 200
    if request.method == "GET":
        chosen = queries.unit(int_arg(request.args, "org"))
        form.org_id.data = chosen.id if chosen else None
    else:
        wait = abuse.submit_wait()
        if wait is not None:
            return _too_many(wait)
        if form.website.data:
            # A robot filled the hidden field. Not a fake success: a person whose browser
            # filled it by mistake would keep a receipt for a letter that does not exist.
            abuse.count_submit()
            flash(_("The letter could not be sent. Please check the form and send it again."),
                  "danger")
            status = 422
        elif not abuse.check_work(form.pow_challenge.data, form.pow_counter.data):
            abuse.count_submit()
            flash(_("The letter could not be sent: the page's automatic check did not finish. "
                    "JavaScript must be on. Please send it again."), "danger")
            status = 422
        elif not form.validate():
            status = 422
        else:
            try:
                case, receipt, secret = services.submit_letter(
                    services.unit_for(form.org_id.data, form.province),
                    kind=form.kind.data, title=form.title.data, content=form.content.data,
                    is_anonymous=form.is_anonymous, name=form.name.data,
                    address=form.address.data, contact=form.contact.data,
                    confidential=form.confidential.data,
                    files=uploads.read_uploads(request.files.getlist("files")))
            except DomainError as exc:
                db.session.rollback()
                attach_error(form, exc)
                status = exc.status
            else:
                db.session.commit()
                abuse.count_submit()
                session[SHOWN] = {"code": receipt.code, "secret": secret, "kind": receipt.kind,
                                  "unit": case.org.display_name}
                return redirect(url_for(".receipt"), 303)
        if status == 422 and request.files.getlist("files"):
            flash(_("Files you chose must be chosen again: browsers do not keep them."),
                  "warning")
    form.pow_challenge.data, form.pow_counter.data = abuse.new_challenge(), ""
    return render_template("portal/submit.html", form=form, unit=queries.unit(form.org_id.data),
                           bits=current_app.config["PORTAL_POW_BITS"]), status


@bp.route("/receipt")
def receipt():
    """The code and the secret, once: a reload, or the back button, does not show them again."""
    shown = session.pop(SHOWN, None)
    if shown:
        shown = dict(shown, code=services.grouped(shown["code"]),
                     secret=services.grouped(shown["secret"]))
    return render_template("portal/receipt.html", shown=shown)


def _following() -> PortalReceipt | None:
    held = session.get(FOLLOWING)
    if not held or held.get("until", 0) < time.time():
        session.pop(FOLLOWING, None)
        return None
    return db.session.get(PortalReceipt, held.get("id"))


@bp.route("/follow", methods=["GET", "POST"])
def follow():
    form = FollowForm()
    status = 200
    if form.validate_on_submit():
        code = services.normal_code(form.code.data)
        wait = abuse.follow_wait(code)
        if wait is not None:
            return _too_many(wait)
        found = services.authenticate(code, form.secret.data)
        if found is not None:
            db.session.commit()
            session[FOLLOWING] = {"id": found.id, "until": time.time() + FOLLOW_SECONDS}
            return redirect(url_for(".letter"), 303)
        abuse.count_follow_failure(code)
        flash(_("The receipt code or the secret is wrong."), "danger")
        status = 401
    elif request.method == "POST":
        status = 422
    form.secret.data = ""
    return render_template("portal/follow_login.html", form=form), status


def _letter_page(found: PortalReceipt, form=None, status: int = 200):
    return render_template("portal/letter.html", view=queries.member_view(found),
                           form=form or AnswerForm(formdata=None)), status


def _require_following():
    found = _following()
    if found is None:
        flash(_("Enter your receipt code and secret to follow your letter."), "info")
    return found


@bp.route("/letter")
def letter():
    found = _require_following()
    if found is None:
        return redirect(url_for(".follow"), 303)
    return _letter_page(found)


@bp.route("/letter/answer", methods=["POST"])
def answer():
    found = _require_following()
    if found is None:
        return redirect(url_for(".follow"), 303)
    wait = abuse.answer_wait(found.id)
    if wait is not None:
        return _too_many(wait)
    form = AnswerForm()
    if not form.validate():
        return _letter_page(found, form, 422)
    try:
        services.answer(found, text=form.text.data,
                        files=uploads.read_uploads(request.files.getlist("files")))
    except DomainError as exc:
        db.session.rollback()
        attach_error(form, exc)
        return _letter_page(found, form, exc.status)
    db.session.commit()
    abuse.count_answer(found.id)
    flash(_("Your answer has been sent."), "success")
    return redirect(url_for(".letter"), 303)


@bp.route("/leave", methods=["POST"])
def leave():
    session.pop(FOLLOWING, None)
    flash(_("You have left your letter's page."), "info")
    return redirect(url_for(".home"), 303)


# -- the officers' side -----------------------------------------------------------------------


@feature.panel("portal", "portal/_panel.html", families=[LETTER], order=15)
def panel(case) -> dict:
    """The thread with a sender who wrote through the portal, for those who may read it."""
    found = queries.receipt_of(case)
    if found is None or not services.can_read_thread(current_user, case):
        return {"receipt": None}
    form = g.pop("portal_ask_form", None) or AskForm(formdata=None)
    return {"receipt": found, "messages": queries.thread(case),
            "can_write": services.can_write(current_user, case), "form": form}


def _thread_case(case_id: int):
    case = load_case(case_id, LETTER)
    if queries.receipt_of(case) is None or not services.can_read_thread(current_user, case):
        abort(404)
    return case


@staff.route("/<int:case_id>/portal/messages", methods=["POST"])
def ask(case_id: int):
    case = load_case(case_id, LETTER)
    if queries.receipt_of(case) is None:
        abort(404)
    if not services.can_write(current_user, case):
        abort(403)
    form = g.portal_ask_form = AskForm()  # the panel shows it as typed when refused

    def done(_message):
        flash(_("Your message is on the sender's page."), "success")
        return redirect(url_for("cases.detail", case_id=case.id, _anchor="portal-thread"), 303)

    return handle_form(form, lambda: services.ask(case, current_user, text=form.text.data),
                       lambda: render_detail(case)[0], done)


@staff.route("/<int:case_id>/portal/files/<int:attachment_id>")
def attachment(case_id: int, attachment_id: int):
    case = _thread_case(case_id)
    found = queries.attachment(case, attachment_id)
    if found is None:
        abort(404)
    return uploads.attachment_response(found)
