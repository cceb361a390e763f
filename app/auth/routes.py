"""Logging in and out; which sessions count (see app/auth/models.py for how they end)."""
import hmac
import math

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app.auth import throttle
from app.auth.forms import LoginForm
from app.auth.models import User
from app.auth.services import authenticate, log_out_everywhere
from app.core.redirects import safe_next
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str):
    """The user whose session (or remember-me cookie) carries their current session token."""
    ident, _sep, token = user_id.partition(":")
    if not (ident.isascii() and ident.isdigit()) or not token:
        return None  # includes the bare ids of sessions issued before session tokens
    user = db.session.get(User, int(ident))
    if user is None or not user.active or not hmac.compare_digest(
            user.session_token.encode(), token.encode()):
        return None
    return user


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        username = form.username.data
        wait = throttle.locked_for(username)
        if wait is not None:
            # Even the right password waits: the lockout does not confirm a guess.
            flash(_("Too many failed login attempts: logging in is paused for a while to "
                    "protect the account. Try again in %(minutes)s min.",
                    minutes=math.ceil(wait / 60)), "danger")
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            user = authenticate(username, form.password.data)
            if user is not None:
                throttle.record_success(username)
                lang = session.get("lang")
                session.clear()
                if lang:
                    session["lang"] = lang
                login_user(user, remember=form.remember.data)
                return redirect(safe_next(request.args.get("next"), url_for("main.home")))
            throttle.record_failure(username)
            flash(_("Wrong username or password."), "danger")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out here and everywhere else: a copied cookie stops working too."""
    if current_user.is_authenticated:
        log_out_everywhere(current_user._get_current_object())
        db.session.commit()
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
