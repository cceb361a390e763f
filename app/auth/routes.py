"""Logging in and out; which sessions count (see app/auth/models.py for how they end)."""
import hmac
import math
import time

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.orm import joinedload

from app.auth import throttle
from app.auth.forms import CodeForm, LoginForm
from app.auth.models import User
from app.auth.services import authenticate, log_out_everywhere, verify_totp
from app.core.params import MAX_ID
from app.core.redirects import safe_next
from app.extensions import db, login_manager

bp = Blueprint("auth", __name__)


#: The user of a session with their roles (and the roles' units) in one statement: every page
#: reads them. Built once: building it per request cost more Python than running it.
USER_WITH_ROLES = (sa.select(User).options(joinedload(User.roles))
                   .where(User.id == sa.bindparam("user_id")))


@login_manager.user_loader
def load_user(user_id: str):
    """The user whose session (or remember-me cookie) carries their current session token."""
    ident, _sep, token = user_id.partition(":")
    if not (ident.isascii() and ident.isdigit()) or not token or int(ident) > MAX_ID:
        return None  # includes the bare ids of sessions issued before session tokens
    user = db.session.execute(USER_WITH_ROLES, {"user_id": int(ident)}).unique().scalar()
    if user is None or not user.active or not hmac.compare_digest(
            user.session_token.encode(), token.encode()):
        return None
    return user


#: Seconds between the password and the code of a two-step login.
CODE_WINDOW = 300


def _lockout(wait: int):
    # Even the right password (or code) waits: the lockout does not confirm a guess.
    flash(_("Too many failed login attempts: logging in is paused for a while to "
            "protect the account. Try again in %(minutes)s min.",
            minutes=math.ceil(wait / 60)), "danger")
    return 429, {"Retry-After": str(wait)}


def _start_session(user: User, remember: bool, target: str):
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user, remember=remember)
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        username = form.username.data
        wait = throttle.locked_for(username)
        if wait is not None:
            status, headers = _lockout(wait)
        else:
            user = authenticate(username, form.password.data)
            if user is not None:
                target = safe_next(request.args.get("next"), url_for("main.home"))
                if user.totp_secret:
                    # The count is forgiven after the code, or the password would buy endless
                    # guesses at it.
                    session["login_pending"] = {"user": user.get_id(), "at": time.time(),
                                                "remember": bool(form.remember.data),
                                                "next": target}
                    return redirect(url_for("auth.code"))
                throttle.record_success(username)
                return _start_session(user, form.remember.data, target)
            throttle.record_failure(username)
            flash(_("Wrong username or password."), "danger")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status, headers


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step for users with an authenticator app (approvers, admins)."""
    pending = session.get("login_pending") or {}
    user = load_user(str(pending.get("user", "")))
    if user is None or time.time() - pending.get("at", 0) > CODE_WINDOW:
        session.pop("login_pending", None)
        flash(_("Please log in again."), "warning")
        return redirect(url_for("auth.login"))
    form = CodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        wait = throttle.locked_for(user.username)
        if wait is not None:
            status, headers = _lockout(wait)
        elif verify_totp(user, form.code.data):
            db.session.commit()
            throttle.record_success(user.username)
            return _start_session(user, pending.get("remember", False),
                                  safe_next(pending.get("next"), url_for("main.home")))
        else:
            throttle.record_failure(user.username)
            flash(_("Wrong or expired code."), "danger")
            status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/code.html", form=form), status, headers


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
