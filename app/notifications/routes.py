"""The inbox (newest first, by keyset; opening an item marks it read) and the settings page
(how the user receives each kind)."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.core.params import int_arg
from app.extensions import db
from app.notifications import mail, queries, services
from app.notifications.forms import SettingsForm
from app.notifications.kinds import KINDS

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.route("/")
def index():
    before = int_arg(request.args, "before", None, minimum=1)
    page = queries.inbox(current_user, before)
    return render_template("notifications/index.html", page=page, line=mail.line)


@bp.route("/<int:notification_id>/open", methods=["POST"])
def open(notification_id: int):
    row = services.mark_read(current_user, notification_id)  # another user's: 404
    endpoint, values = mail.target(row)
    db.session.commit()
    return redirect(url_for(endpoint, **values), 303)


@bp.route("/read", methods=["POST"])
def read_all():
    count = services.mark_all_read(current_user)
    db.session.commit()
    if count:
        flash(_("Every notification is marked read."), "success")
    return redirect(url_for("notifications.index"), 303)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    form = SettingsForm()
    if request.method == "GET":
        for kind, mode in queries.modes_of(current_user).items():
            form[kind].data = mode
    elif form.validate():
        services.set_preferences(current_user, form.modes())
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.settings"), 303)
    status = 422 if form.errors else 200
    return render_template("notifications/settings.html", form=form, kinds=KINDS), status
