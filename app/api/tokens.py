"""The user's API tokens page (/account/api-tokens): list, create (the token is shown once),
revoke. Staff pages: a session login and CSRF, as every page."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import queries, services
from app.api.forms import SCOPE_LABELS, TokenForm
from app.core.forms import BaseForm, handle_form
from app.extensions import db

bp = Blueprint("api_tokens", __name__, url_prefix="/account/api-tokens")


def _page(form, created=None, raw=None):
    return render_template(
        "api/tokens.html", form=form, tokens=queries.tokens_of(current_user),
        created=created, raw=raw, is_live=services.is_live, scope_labels=SCOPE_LABELS,
        max_days=services.max_days(), revoke_form=BaseForm())


@bp.route("/", methods=["GET", "POST"])
def index():
    form = TokenForm()
    form.fill_choices()

    def created(result):
        # Shown on this response only, never stored nor put in the session cookie.
        fresh = TokenForm(formdata=None)
        fresh.fill_choices()
        token, raw = result
        return _page(fresh, created=token, raw=raw)

    return handle_form(
        form,
        save=lambda: services.create_token(current_user, name=form.name.data,
                                           scopes=form.scopes.data,
                                           expires_on=form.expires_on.data),
        render=lambda: _page(form),
        done=created)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
def revoke(token_id: int):
    if not BaseForm().validate_on_submit():
        abort(400)
    token = services.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("The token “%(name)s” has been revoked: it no longer works.", name=token.name),
          "success")
    return redirect(url_for("api_tokens.index"))
