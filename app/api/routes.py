"""The JSON API under /api/v1: thin views over the services and queries the pages use, with
the same scoping (a case outside the user's units is 404) and the same refusals.

Authentication is a bearer token only (app.api.auth); the session cookie is never read."""
from __future__ import annotations

from flask import make_response
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import Blueprint

from app.api import auth
from app.api import errors as api_errors
from app.api import schemas as s
from app.auth import permissions
from app.cases import queries as case_queries
from app.cases import services as case_services
from app.cases.forms import OWN_FORM_FAMILIES
from app.cases.views import load_case
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.i18n import label_text
from app.deadlines import queries as deadline_queries
from app.documents import queries as document_queries
from app.documents import services as documents
from app.extensions import db
from app.identity.services import Reporter
from app.letters import services as letters
from app.orgs.models import Organisation
from app.reports import queries as stats
from workflows.vocab import RECOMMENDATION

bp = Blueprint("api", __name__, url_prefix="/api/v1",
               description="Cases, letters, recommendations, documents and statistics.")
bp.before_request(auth.authenticate)
api_errors.register(bp)

#: The statuses every operation may answer besides its own, with the error shape.
COMMON_ERRORS = (401, 403, 422, 429)


def errors(*statuses):
    """Document the error responses an operation may give (always the Error shape)."""
    def decorate(fn):
        for status in sorted({*COMMON_ERRORS, *statuses}):
            fn = bp.alt_response(status, schema=s.ApiError, description=_DESCRIPTIONS[status])(fn)
        return fn
    return decorate


_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "No valid token (missing, unknown, expired, revoked, or its user deactivated).",
    403: "The token lacks the scope, or the user's role does not allow it.",
    404: "Missing, or outside the user's units (the two are indistinguishable).",
    409: "The case changed since it was read, or the step is not possible in its state.",
    422: "The input is not valid; `errors` names the fields.",
    429: "Too many requests for this token.",
}


# --- how the API presents things -------------------------------------------------------------

def _org(org) -> dict:
    return {"id": org.id, "name": org.display_name}


def case_summary(case) -> dict:
    return {"id": case.id, "code": case.code, "family": case.family, "kind": case.kind,
            "state": case.state, "state_label": label_text(case.state_label), "title": case.title,
            "org": _org(case.org), "received_on": case.received_on, "due_on": case.due_on,
            "is_open": case.is_open}


def case_detail(case) -> dict:
    """Everything the case page shows about the case itself, never its sender: the sender's
    identity is not on the case (app.identity seals it apart) and nothing here reads it."""
    steps = case_services.next_steps(current_user, case) if case.is_open else []
    return {
        **case_summary(case),
        "channel": case.channel, "intake_form": case.intake_form,
        "subject_matter": case.subject_matter, "summary": case.summary or "",
        "subject": {"kind": case.subject_kind, "name": case.subject_name,
                    "category": case.subject_category, "position": case.subject_position,
                    "unit": case.subject_unit, "party_committee": case.subject_party_committee},
        "is_anonymous": case.is_anonymous, "parent_id": case.parent_id,
        "version": case.version, "created_at": case.created_at, "updated_at": case.updated_at,
        "closed_at": case.closed_at, "due_rule": case.due_rule,
        "deadlines": [{"rule": d.rule_code, "name": label_text(d.name), "start_on": d.start_on,
                       "due_on": d.due_on, "status": d.status, "ended_on": d.ended_on,
                       "extensions": len(d.extensions or [])}
                      for d in deadline_queries.of_case(case)],
        "recommendation_ids": sorted(c.id for c in case.children
                                     if c.family == RECOMMENDATION),
        "document_ids": [d.id for d in document_queries.documents_of(case)],
        "transitions": [{"trigger": step.action.trigger, "label": label_text(step.action.label),
                         "comment_required": step.action.comment_required,
                         "ready": step.is_ready, "missing": list(step.missing)}
                        for step in steps if step.can_fire and not step.action.own_form],
    }


def recommendation(case) -> dict:
    return {"id": case.id, "code": case.code, "state": case.state,
            "state_label": label_text(case.state_label), "addressee": case.subject_name,
            "addressee_unit": case.subject_unit, "title": case.title,
            "text": case.summary or "", "supervision_id": case.parent_id,
            "org": _org(case.org), "sent_on": case.received_on, "due_on": case.due_on,
            "is_overdue": case.is_open and case.is_overdue(), "is_open": case.is_open}


def document(doc) -> dict:
    sealed = documents.names_sealed_reporter(doc)
    signature = (doc.content or {}).get("signature") or {}
    return {
        "id": doc.id, "case_id": doc.case_id, "org": _org(doc.org), "template": doc.template,
        "title": _document_title(doc), "type_code": doc.type_code,
        "type_name": (doc.content or {}).get("type_name") or None,
        "number": doc.number, "number_label": documents.number_label(doc), "year": doc.year,
        "issued_on": doc.issued_on, "is_issued": doc.is_issued, "is_approved": doc.is_approved,
        "summary": None if sealed else doc.summary,
        "signer": {"authority": signature.get("authority", ""),
                   "capacity": signature.get("capacity", ""),
                   "title": signature.get("signer_title", ""),
                   "name": signature.get("signer_name", "") if doc.is_issued else ""},
        "page_count": doc.page_count, "sha256": doc.sha256,
        "replaces_id": doc.replaces_id, "correction": doc.correction,
        "addressed_to_sealed_sender": sealed,
        "pdf_available": doc.is_issued and not sealed and not doc.pdf_sealed,
    }


def _document_title(doc) -> str:
    template = documents.get_template(doc.template)
    return label_text(template.title) if template is not None else doc.template


# --- loading, as the pages load -------------------------------------------------------------

def load_document(doc_id: int):
    """A document of a case in the user's scope, or of a unit they see; else 404."""
    doc = db.session.get(document_queries.CaseDocument, doc_id)
    if doc is None or not documents.can_view(current_user, doc):
        raise NotFound(_("Document not found."))
    return doc


def _unit(org_id: int | None, field: str):
    """A unit the user sees and may log cases in (not dissolved), else a field error."""
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None or not permissions.can_view_org(current_user, org):
        raise Invalid(_("Unknown unit."), field=field)
    if org.dissolved_on is not None:
        raise Invalid(_("This unit has been dissolved: choose the unit that took it over."),
                      field=field)
    return org


def _subject(subject: dict) -> dict:
    """A SubjectIn as the case's columns (subject_kind, subject_name…), as the services take
    it."""
    return {f"subject_{key}": value for key, value in subject.items()}


def _cursor(token: str | None, sort: str) -> str | None:
    if token and case_queries.parse_token(token, sort) is None:
        raise Invalid(_("The cursor is not valid: start again without it."), field="cursor")
    return token


def _page(f: case_queries.CaseFilter, args: dict):
    page = case_queries.case_page(current_user, f, args["limit"],
                                  after=_cursor(args.get("cursor"), f.sort), entities=True)
    return page.items, page.next_token


# --- cases -----------------------------------------------------------------------------------

@bp.route("/cases", endpoint="cases")
class Cases(MethodView):
    """/cases: the list (GET) and a new case (POST), one address."""

    @bp.arguments(s.CaseListArgs, location="query", as_kwargs=True)
    @bp.response(200, s.CaseList)
    @errors()
    @auth.requires("read")
    def get(self, **args):
        """List cases

        Cases in the user's units, filtered as on the case list, a page at a time. Pages are
        keyset pages: pass `next_cursor` as `cursor` for the next one; it is null on the last
        page. No total is given. Scope: read."""
        f = case_queries.CaseFilter(
            family=args.get("family"), channel=args.get("channel"), state=args.get("state"),
            org_id=args.get("org"), q=args.get("q") or None, overdue=args["overdue"],
            open_only=args["open"], due_by=args.get("due_by"), sort=args["sort"])
        items, cursor = _page(f, args)
        return {"items": [case_summary(c) for c in items], "next_cursor": cursor}

    @bp.arguments(s.NewCase)
    @bp.response(201, s.CaseDetail)
    @errors(400)
    @auth.requires("write")
    def post(self, data):
        """Open a case

        As the “new case” page does (a letter is logged through POST /letters). The sender,
        if given, is sealed apart from the case. Scope: write."""
        if data["family"] in OWN_FORM_FAMILIES:
            raise Invalid(str(OWN_FORM_FAMILIES[data["family"]]), field="family")
        org = _unit(data["org_id"], "org_id")
        subject, reporter = data["subject"], data["reporter"]
        case = case_services.open_case(
            current_user, org, data["family"], kind=data["kind"], channel=data["channel"],
            intake_form=data["intake_form"], title=data["title"],
            subject_matter=data["subject_matter"], summary=data["summary"],
            **_subject(subject),
            is_anonymous=data["is_anonymous"], reporter_name=reporter["name"],
            reporter_contact=reporter["contact"],
            reporter_confidential=reporter["confidential"],
            **({"received_on": data["received_on"]} if data["received_on"] else {}))
        db.session.commit()
        return case_detail(case)


@bp.route("/cases/<int:case_id>", methods=["GET"])
@bp.response(200, s.CaseDetail)
@errors(404)
@auth.requires("read")
def get_case(case_id: int):
    """Read a case

    Its facts, deadlines, recommendations, documents and the steps the user may take. Never
    its sender. Scope: read."""
    return case_detail(load_case(case_id))


@bp.route("/cases/<int:case_id>/transitions", methods=["POST"])
@bp.arguments(s.TransitionIn)
@bp.response(200, s.CaseDetail)
@errors(400, 404, 409)
@auth.requires("transition")
def transition(data, case_id: int):
    """Take a step of a case's workflow

    One of its `transitions`, as its button on the case page does: 409 when the case changed (`expected_version`) or the step is not open
    from its state, 403 when the user's role does not allow it, 422 with the reason when
    something is missing. Steps taken on their own page (with their own form) are refused.
    Scope: transition."""
    case = load_case(case_id)
    trigger = data["trigger"]
    if not case.workflow.has_action(trigger):
        raise Invalid(_("Unknown action."), field="trigger")
    action = case.workflow.action(trigger)
    if not permissions.can_fire(current_user, case, action):
        raise Forbidden(_("Your role does not allow “%(action)s” in this unit.",
                          action=label_text(action.label)))
    if action.own_form:
        raise Invalid(_("“%(action)s” is taken on its own page, with its own form: the API "
                        "cannot take it.", action=label_text(action.label)), field="trigger")
    case_services.transition_case(case, trigger, current_user, comment=data["comment"],
                                  expected_version=data["expected_version"],
                                  context={"propose_discipline": data["propose_discipline"]})
    db.session.commit()
    return case_detail(case)


# --- letters ---------------------------------------------------------------------------------

@bp.route("/letters", methods=["POST"])
@bp.arguments(s.NewLetter)
@bp.response(201, s.CaseDetail)
@errors(400)
@auth.requires("write")
def create_letter(data):
    """Log a letter

    A complaint, denunciation, recommendation or feedback, as the intake page does: the sender is sealed apart from the case and never returned; the title, content and
    subject must not name them. Attachments are not taken by the API: add them on the letter's
    page. Scope: write."""
    org = _unit(data["org_id"], "org_id")
    sender, subject = data["sender"], data["subject"]
    signers = tuple(name for name in sender["other_signers"] if name)
    case = letters.receive_letter(
        current_user, org, title=data["title"], summary=data["summary"],
        channel=data["channel"], intake_form=data["intake_form"],
        received_on=data["received_on"], is_anonymous=data["is_anonymous"],
        reporter=Reporter(name=sender["name"], address=sender["address"],
                          contact=sender["contact"],
                          representative=sender["name"] if signers else "", signers=signers),
        signer_count=data["signer_count"], kind=data["kind"],
        confidential=data["confidential"],
        subject=_subject(subject))
    db.session.commit()
    return case_detail(case)


# --- recommendations -------------------------------------------------------------------------

@bp.route("/recommendations", methods=["GET"])
@bp.arguments(s.RecommendationListArgs, location="query", as_kwargs=True)
@bp.response(200, s.RecommendationList)
@errors()
@auth.requires("read")
def list_recommendations(**args):
    """List recommendations

    Recommendations (kiến nghị) in the user's units, soonest deadline first, a page at a
    time (`cursor` as for cases). Scope: read."""
    f = case_queries.CaseFilter(family=RECOMMENDATION, state=args.get("state"),
                                org_id=args.get("org"), overdue=args["overdue"], sort="due")
    items, cursor = _page(f, args)
    return {"items": [recommendation(c) for c in items], "next_cursor": cursor}


@bp.route("/recommendations/<int:case_id>", methods=["GET"])
@bp.response(200, s.RecommendationDetail)
@errors(404)
@auth.requires("read")
def get_recommendation(case_id: int):
    """Read a recommendation

    With the addressee's replies. Scope: read."""
    from app.followup import queries as followup

    case = load_case(case_id, RECOMMENDATION)
    return {**recommendation(case), "version": case.version,
            "replies": [{"received_on": reply.received_on, "text": reply.text,
                         "files": [f.filename for f in files]}
                        for reply, files in followup.replies_with_attachments(case)]}


# --- documents -------------------------------------------------------------------------------

@bp.route("/cases/<int:case_id>/documents", methods=["GET"])
@bp.response(200, s.DocumentList)
@errors(404)
@auth.requires("read")
def case_documents(case_id: int):
    """List a case's documents

    Its formal documents, drafts and issued, the newest first. Scope: read."""
    case = load_case(case_id)
    return {"items": [document(d) for d in document_queries.documents_of(case)]}


@bp.route("/documents/<int:doc_id>", methods=["GET"])
@bp.response(200, s.DocumentOut)
@errors(404)
@auth.requires("read")
def get_document(doc_id: int):
    """Read a document's metadata

    As Nghị định 30/2020, Phụ lục VI lists it: number, type, date, signer,
    summary, pages. Scope: read."""
    return document(load_document(doc_id))


@bp.route("/documents/<int:doc_id>/pdf", methods=["GET"])
@bp.response(200, description="The issued PDF, byte for byte as frozen when it was issued "
                              "(its SHA-256 is the document's `sha256`).",
             content_type="application/pdf")
@errors(404, 409)
@auth.requires("read")
def document_pdf(doc_id: int):
    """Download an issued document's PDF

    As frozen when it was issued. A draft has none (409); a document addressed to
    a sealed sender prints their identity and is never served by the API (403). Scope: read."""
    doc = load_document(doc_id)
    if not doc.is_issued:
        raise Conflict(_("This document is a draft: only an issued document has a frozen "
                         "PDF."))
    if documents.names_sealed_reporter(doc) or doc.pdf_sealed:
        raise Forbidden(_("This document is addressed to a sender whose identity is kept "
                          "confidential: it is not available through the API."))
    response = make_response(doc.pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="document-{doc.id}.pdf"'
    return response


# --- statistics ------------------------------------------------------------------------------

@bp.route("/statistics", methods=["GET"])
@bp.arguments(s.StatisticsArgs, location="query", as_kwargs=True)
@bp.response(200, s.StatisticsOut)
@errors(404)
@auth.requires("read")
def statistics(**args):
    """Statistics of a unit

    The figures of the statistics page for a unit (and the units below it) and a period:
    a half-year or year (`period`, `year`), or `from`–`to`. Scope: read."""
    if args.get("org"):
        org = db.session.get(Organisation, args["org"])
    else:
        org = current_user.home_org
    if org is None or not permissions.can_view_org(current_user, org):
        raise NotFound(_("Unit not found."))
    wanted = {"period": args["period"]}
    if args.get("year"):
        wanted["year"] = str(args["year"])
    for key, name in (("from_", "from"), ("to", "to")):
        if args.get(key):
            wanted[name] = args[key].isoformat()
    period = stats.parse_period(wanted)
    figures = stats.figures(org, period)
    data = stats.to_json(figures)
    return {
        "org": _org(org), "period": {"start": period.start, "end": period.end,
                                     "kind": period.kind},
        "reference": figures.reference, "as_of": figures.as_of,
        "families": data["families"], "channels": data["channels"],
        "states": [{"family": f, "state": st, "count": n} for f, st, n in data["states"]],
        "months": [{"month": m, "received": r, "closed": c} for m, r, c in figures.months],
        "recommendations": data["recommendations"], "letters": data["letters"],
        "workplace": data["workplace"],
    }
