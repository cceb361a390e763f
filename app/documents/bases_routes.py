"""The admin page of the legal bases each kind of work cites (national admins only)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import Length

from app.core.errors import DomainError
from app.core.forms import BaseForm
from app.documents import bases
from app.extensions import db

bp = Blueprint("legal_bases", __name__, url_prefix="/admin/legal-bases")


class BasesForm(BaseForm):
    lines = TextAreaField(validators=[Length(max=5000)])


def _page(forms: dict, status: int = 200, error: str | None = None, failed: str | None = None):
    return render_template(
        "documents/legal_bases.html", works=bases.WORKS, forms=forms, error=error,
        failed=failed, bases_of=bases.bases_of, is_overridden=bases.is_overridden,
        history=bases.history()), status


def _forms(**kept) -> dict:
    forms = {work: BasesForm(formdata=None, prefix=work,
                             lines="\n".join(bases.bases_of(work))) for work in bases.WORKS}
    forms.update(kept)
    return forms


@bp.before_request
def _national_admins_only():
    if not bases.is_national_admin(current_user):
        abort(403)


@bp.route("/")
def index():
    return _page(_forms())


@bp.route("/<work>", methods=["POST"])
def save(work: str):
    if work not in bases.WORKS:
        abort(404)
    form = BasesForm(prefix=work)
    if not form.validate():
        return _page(_forms(**{work: form}), 422, " ".join(form.lines.errors) or _(
            "The form is incomplete; reload the page."), work)
    try:
        if request.form.get("reset"):
            bases.reset_bases(current_user, work)
        else:
            bases.save_bases(current_user, work, form.lines.data or "")
    except DomainError as exc:
        db.session.rollback()
        return _page(_forms(**{work: form}), exc.status, exc.message, work)
    db.session.commit()
    flash(_("The legal bases have been saved."), "success")
    return redirect(url_for("legal_bases.index"))
