"""Home page, the user's own page, unit pages, the health check and the language switch."""
import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user

from app.auth.permissions import can_view_org
from app.cases import queries
from app.cases.plugins import installed
from app.core.calendar import local_today
from app.core.redirects import safe_next
from app.extensions import db
from app.orgs.models import Organisation
from workflows.registry import WORKFLOWS

bp = Blueprint("main", __name__)


#: The case list's filters that show each summary line in full ("see all"); a line over
#: several states links once per state (the list filters on one state).
SEE_ALL = {
    "approvals": [{"family": family, "state": state}
                  for family, wf in WORKFLOWS.items() for state in queries.APPROVAL_STATES
                  if state in wf.state_names],
    "drafts_due": [{"family": "supervision", "state": "fieldwork"}],
    "notices": [{"family": "supervision", "state": "delegation_formed"}],
    "overdue_recommendations": [{"family": "recommendation", "overdue": "1"}],
    "overdue_letters": [{"family": "letter", "overdue": "1"}],
}


@bp.route("/")
def home():
    return render_template(
        "main/home.html",
        # The work queue and the summary's lines, ten cases each; approvals are "requested"
        # only of those who may give them.
        summary=queries.home_summary(current_user, cap=queries.count_cap()),
        see_all=SEE_ALL,
        count_cap=queries.count_cap(),
        today=local_today(),
        unit=None,
        home_sections=[(section, section.context(current_user))
                       for section in installed().home_sections],
    )


@bp.route("/account/")
def account():
    """The user's own page: who they are, their roles per unit, and the features' pages of
    their own (notification settings, API tokens)."""
    return render_template("main/account.html", user=current_user)


@bp.route("/units/<int:org_id>")
def unit(org_id: int):
    org = db.session.get(Organisation, org_id)
    if org is None or not can_view_org(current_user, org):
        abort(404)
    return render_template(
        "main/home.html",
        summary=queries.unit_summary(org, cap=queries.count_cap()),
        see_all=SEE_ALL,
        count_cap=queries.count_cap(),
        today=local_today(),
        unit=org,
    )


@bp.route("/healthz")
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # any driver error means the database does not answer
        current_app.logger.warning("health check: database unavailable: %s", exc)
        db.session.rollback()
        database = "unavailable"
    status = 200 if database == "ok" else 503
    return jsonify(status="ok" if status == 200 else "degraded", app="ok",
                   database=database), status


@bp.route("/language/<lang>", methods=["POST"])
def set_language(lang: str):
    if lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next"), "/"))


