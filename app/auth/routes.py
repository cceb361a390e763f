from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.models import User
from app.auth.services import authenticate
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def _safe_next(target: str | None) -> str:
    if target and not urlsplit(target).netloc and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash(_("Wrong username or password."), "danger")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
