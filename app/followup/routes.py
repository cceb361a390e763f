"""Follow-up of recommendations: the list, replies on the case page, and their files."""
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

from app.cases.views import load_case, render_detail
from app.core import uploads
from app.core.errors import DomainError
from app.core.params import int_arg
from app.extensions import db
from app.followup import feature, queries, services
from app.followup.forms import ReplyForm
from workflows.registry import get_workflow
from workflows.vocab import RECOMMENDATION

bp = Blueprint("followup", __name__, url_prefix="/recommendations")


@bp.route("/")
def index():
    args = request.args
    workflow = get_workflow(RECOMMENDATION)
    f = queries.RecommendationFilter(
        state=args.get("state") if args.get("state") in workflow.state_names else None,
        overdue=args.get("overdue") == "1",
        q=(args.get("q") or "").strip()[:200] or None,
    )
    page = db.paginate(queries.filtered_recommendations(current_user, f),
                       page=int_arg(args, "page", 1, minimum=1), per_page=25, error_out=False)
    return render_template(
        "followup/index.html", page=page, f=f,
        states=workflow.states,
        counts=queries.count_by_state(current_user),
        overdue_count=queries.count_overdue(current_user),
        replies=queries.reply_counts([c.id for c in page.items]),
        awaiting_states=queries.AWAITING_STATES,
    )


@bp.route("/<int:case_id>/replies", methods=["POST"])
def record_reply(case_id: int):
    case = load_case(case_id, RECOMMENDATION)
    form = ReplyForm()
    try:
        services.check_can_reply(current_user, case)
        if not form.validate():
            return _render_case(case, 422, form)
        services.record_reply(
            case, current_user, received_on=form.received_on.data, text=form.text.data,
            files=uploads.read_uploads(form.files.data),
        )
    except DomainError as exc:
        db.session.rollback()
        db.session.refresh(case)
        field = getattr(form, exc.field, None) if exc.field else None
        if field is not None:
            field.errors = [*field.errors, exc.message]
            return _render_case(case, exc.status, form)
        return _render_case(case, exc.status, form, exc.message)
    db.session.commit()
    flash(_("The reply has been recorded."), "success")
    return redirect(url_for("cases.detail", case_id=case.id))


@bp.route("/<int:case_id>/attachments/<int:attachment_id>")
def download(case_id: int, attachment_id: int):
    case = load_case(case_id, RECOMMENDATION)
    attachment = queries.reply_attachment(case, attachment_id)
    if attachment is None:
        abort(404)
    return uploads.attachment_response(attachment)


def _render_case(case, status: int, form: ReplyForm, error: str | None = None):
    """The case page again, with the submitted reply form and its errors."""
    g.followup_reply_form = form
    return render_detail(case, status, error)


@feature.panel("followup", "followup/_panel.html", families={RECOMMENDATION}, order=10)
def panel(case) -> dict:
    """What templates/followup/_panel.html shows for a recommendation."""
    can_reply = case.is_open and services.can_record_reply(current_user, case)
    form = g.get("followup_reply_form")
    if form is None and can_reply:
        form = ReplyForm(formdata=None)
    return {
        "replies": queries.replies_with_attachments(case),
        "can_reply": can_reply,
        "form": form,
        "is_overdue": case.state in queries.AWAITING_STATES and case.is_overdue(),
    }
