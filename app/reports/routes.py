"""Dashboard, periodic reports, registers and case-list exports of a unit and its subtree.

Every view loads the unit through `_unit` (404 outside the user's scope) and reads figures
only through app.reports.stats, so the dashboard and the reports show the same numbers."""
import io

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.permissions import can_view_org, visible_orgs
from app.cases import queries as case_queries
from app.cases.views import filter_from_args
from app.core import jobs
from app.core.calendar import local_today
from app.core.errors import DomainError, Invalid
from app.core.forms import BaseForm
from app.core.i18n import current_locale
from app.core.params import int_arg
from app.documents import services as document_services
from app.extensions import db
from app.orgs import queries as org_queries
from app.orgs.models import Organisation
from app.reports import charts, exports, queries, render, services, stats, tables
from workflows.vocab import CHANNELS, FAMILIES

bp = Blueprint("reports", __name__, url_prefix="/reports")

#: Register: (title, header, rows, column widths in mm of the 165 mm text width at 8 pt).
REGISTERS = {
    "letters": ("Sổ theo dõi đơn thư", queries.LETTER_HEADER, queries.letter_register,
                [7, 26, 18, 15, 14, 32, 22, 18, 13]),
    "recommendations": ("Sổ theo dõi kiến nghị", queries.RECOMMENDATION_HEADER,
                        queries.recommendation_register, [7, 26, 24, 38, 18, 18, 18, 16]),
}


def _unit() -> Organisation:
    """The unit asked for (?org=, by default the user's own): 404 when missing or out of scope."""
    if request.args.get("org"):
        org_id = int_arg(request.args, "org")
        org = db.session.get(Organisation, org_id) if org_id is not None else None
    else:
        org = current_user.home_org
    if org is None or not can_view_org(current_user, org):
        abort(404)
    return org


def _attachment(data, name: str, mimetype: str):
    """A report download, streamed from its spooled file; internal figures are never cached."""
    response = send_file(data if hasattr(data, "read") else io.BytesIO(data),
                         mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _file_name(stem: str, org: Organisation, period: stats.Period, ext: str) -> str:
    return f"{stem}-{org.id}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{ext}"


@bp.route("/dashboard")
def dashboard():
    org = _unit()
    today = local_today()
    try:
        period = stats.parse_period(request.args, today)
    except Invalid as exc:
        return _dashboard_page(org, None, exc.message), 422
    return _dashboard_page(org, period)


def _nearby_units(org: Organisation) -> list[tuple[int, str]]:
    """The units the picker offers, as (id, name indented by depth): the unit's ancestors the
    user may see, the unit and the units right below it (a national tree holds 10^5 units)."""
    return org_queries.choices(org_queries.choice_columns(visible_orgs(current_user).where(
        sa.or_(Organisation.id.in_(org.ancestor_ids or [org.id]),
               Organisation.parent_id == org.id))))


def _dashboard_page(org, period, error=None):
    figures = stats.figures(org, period) if period else None
    locale = current_locale()
    sections = tables.sections(figures, locale) if figures else []
    drawn = []
    if figures:
        drawn = [
            ("families", charts.bar_chart(
                _("Cases handled in the period, by family"),
                [(label.get(locale), figures.families.get(key, {}).get("total", 0))
                 for key, label in FAMILIES.items()])),
            ("channels", charts.bar_chart(
                _("Cases received, by channel"),
                [(label.get(locale), figures.channels.get(key, 0))
                 for key, label in CHANNELS.items()])),
            ("months", render.trend_chart(
                figures, _("Cases received"), _("Cases closed"),
                _("Cases received and closed by month"))),
        ]
    # Each chart with its title, shown above it.
    svgs = {key: (chart.title, charts.to_svg(chart, f"chart-{key}")) for key, chart in drawn}
    workplace = next((s for s in sections if s.key == "workplace"), None)
    return render_template(
        "reports/dashboard.html", org=org, period=period, stats=figures, sections=sections,
        workplace=workplace, workplace_blocks=tables.blocks(workplace) if workplace else [],
        svgs=svgs, error=error, orgs=_nearby_units(org),
        year=local_today().year, args=request.args,
        can_draft_report=_documents_installed()
        and document_services.can_draft_for(current_user, org),
    )


def _documents_installed() -> bool:
    return "documents.show" in current_app.view_functions


@bp.route("/periodic/draft", methods=["POST"])
def draft_periodic():
    """Draft the unit's periodic report for issuing: numbered in the unit's register once an
    approver approves it (app.documents)."""
    org = _unit()
    if not BaseForm().validate_on_submit():
        abort(400)
    if not (_documents_installed() and document_services.can_draft_for(current_user, org)):
        abort(403)
    try:
        period = stats.parse_period(request.form)
        doc = services.draft_periodic_report(org, current_user, period)
    except DomainError as exc:
        db.session.rollback()
        return _dashboard_page(org, None, exc.message), exc.status
    db.session.commit()
    flash(_("The report has been drafted with the figures as they stand: an approver of the "
            "unit approves it, then it is issued with a number."), "success")
    return redirect(url_for("documents.show", doc_id=doc.id))


@bp.route("/periodic.<fmt>")
def periodic(fmt: str):
    if fmt not in ("pdf", "xlsx"):
        abort(404)
    org = _unit()
    period = stats.parse_period(request.args)
    figures = stats.figures(org, period)
    sections = tables.sections(figures, "vi")
    public = request.args.get("public") == "1"
    if public:
        sections = tables.publishable(sections)
    stem = "bao-cao-cong-bo" if public else "bao-cao-dinh-ky"
    name = _file_name(stem, org, period, fmt)
    if fmt == "pdf":
        return _attachment(render.periodic_pdf(figures, sections, public), name,
                           "application/pdf")
    return _attachment(render.periodic_xlsx(figures, sections), name, exports.XLSX_MIMETYPE)


@bp.route("/registers/<kind>.<fmt>")
def register(kind: str, fmt: str):
    if kind not in REGISTERS or fmt not in ("pdf", "xlsx"):
        abort(404)
    org = _unit()
    period = stats.parse_period(request.args)
    title, header, rows, widths = REGISTERS[kind]
    label = period.label_vi[0].upper() + period.label_vi[1:]
    name = _file_name(f"so-theo-doi-{kind}", org, period, fmt)
    if fmt == "pdf":
        return _attachment(render.register_pdf(org, title, label, header, rows(org, period),
                                               widths, local_today()), name, "application/pdf")
    return _attachment(render.register_xlsx(org, title, label, header, rows(org, period)), name,
                       exports.XLSX_MIMETYPE)


@bp.route("/cases.<fmt>", methods=["GET", "POST"])
def cases(fmt: str):
    """The case list exactly as filtered on /cases (same filters, order and scope), every page.

    A large list (an estimate above EXPORT_INLINE_MAX_ROWS) is offered as a background job,
    which a POST starts; its status page then refreshes until the file can be downloaded."""
    if fmt not in ("csv", "xlsx"):
        abort(404)
    if request.method == "POST":
        job = jobs.enqueue("cases_export", owner=current_user, user_id=current_user.id,
                           args=request.args.to_dict(), fmt=fmt)
        db.session.commit()
        return redirect(url_for("jobs.status", job_id=job.id))
    stmt = case_queries.filtered_cases(current_user, filter_from_args(request.args))
    limit = current_app.config["EXPORT_INLINE_MAX_ROWS"]
    estimate = exports.row_estimate(stmt, limit)
    if estimate > limit:
        return render_template("reports/large_export.html", fmt=fmt, estimate=estimate,
                               args=request.args)
    header = exports.case_list_columns()
    name = f"vu-viec-{local_today():%Y%m%d}.{fmt}"
    if fmt == "csv":
        body = stream_with_context(exports.csv_stream(header, exports.case_list_rows(stmt)))
        return Response(body, mimetype=exports.CSV_MIMETYPE, headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
    return _attachment(exports.write_xlsx([(_("Cases"), [], header,
                                            exports.case_list_rows(stmt))]),
                       name, exports.XLSX_MIMETYPE)
