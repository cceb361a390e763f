"""The declared authorisation table: every endpoint's policy for GET and POST, and the URLs
that reach a real object at each relation to the user's unit.

The users of the matrix hold one role each at a zone union (Công đoàn Khu kinh tế, `own`).
Their objects live at that zone (`own`), the grassroots union below it (`below`), the province
above it (`above`), another zone of the same province (`sibling`) and another province
(`other`). A user sees the cases of the units where they hold a role and every unit below: a
case above, beside or elsewhere answers 404, never 403.

A policy answers, for a role and a relation, one of OK (anything but 403/404/405/500 and the
login redirect), 403, 404 or LOGIN; the route table says where a method answers 405.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from workflows.vocab import ADMIN, APPROVER, AUDITOR, DELEGATE, HANDLER, INTAKE

#: The matrix's users: one role each at the `own` unit.
ROLES = {"intake": INTAKE, "handler": HANDLER, "delegate": DELEGATE, "approver": APPROVER,
         "admin": ADMIN, "auditor": AUDITOR}
ANONYMOUS = "anonymous"
RELATIONS = ("own", "below", "above", "sibling", "other")
IN_SCOPE = frozenset({"own", "below"})
#: The relations where the matrix's delegate is a named member of the supervision delegation.
DELEGATION = frozenset({"own", "below"})

OK, LOGIN = "ok", "login"
CREATORS = frozenset({INTAKE, HANDLER, APPROVER})


class Policy:
    """Who may: `expect(role, relation)` for a logged-in user; relation is None when the
    endpoint concerns no object of a unit (lists, national settings)."""

    relational = True
    public = False

    def expect(self, role: str, rel: str | None):
        raise NotImplementedError

    def __repr__(self):
        return type(self).__name__


class Public(Policy):
    """Reachable without logging in (deny by default: app.PUBLIC_ENDPOINTS)."""

    relational, public = False, True

    def expect(self, role, rel):
        return OK


class AnyUser(Policy):
    """Any logged-in user; what they see is filtered to their scope."""

    relational = False

    def expect(self, role, rel):
        return OK


class Creator(Policy):
    """A user who may log cases in some unit (intake, handler, approver); others 403."""

    relational = False

    def expect(self, role, rel):
        return OK if ROLES[role] in CREATORS else 403


class AdminAnywhere(Policy):
    """The calendar's pages: an admin role in any unit (local days off of their subtree)."""

    relational = False

    def expect(self, role, rel):
        return OK if ROLES[role] == ADMIN else 403


class NationalAdmin(Policy):
    """The national rule table: an admin of the top unit only. The matrix's users hold their
    roles at a zone, so every one of them is refused (a zone admin too)."""

    relational = False

    def expect(self, role, rel):
        return 403


@dataclass(repr=False)
class HoldsRole(Policy):
    """One of `roles` in some unit (the form then offers the units where it applies)."""

    roles: frozenset
    relational = False

    def expect(self, role, rel):
        return OK if ROLES[role] in self.roles else 403

    def __repr__(self):
        return f"HoldsRole({sorted(self.roles)})"


class Read(Policy):
    """Any role in the object's unit or above it reads; outside scope 404."""

    def expect(self, role, rel):
        return OK if rel in IN_SCOPE else 404


@dataclass(repr=False)
class Act(Policy):
    """In scope, one of `roles` in the unit or above; with `member`, also a named member of the
    supervision delegation. In scope without the role 403, outside 404."""

    roles: frozenset
    member: bool = False

    def expect(self, role, rel):
        if rel not in IN_SCOPE:
            return 404
        if ROLES[role] in self.roles and ROLES[role] != DELEGATE:
            return OK
        if ROLES[role] == DELEGATE and (DELEGATE in self.roles or self.member) \
                and rel in DELEGATION:
            return OK
        return 403

    def __repr__(self):
        return f"Act({sorted(self.roles)}{', member' if self.member else ''})"


@dataclass(repr=False)
class AtUnit(Policy):
    """One of `roles` held at the object's own unit itself (a unit above does not sign, issue
    or lead for it): in scope otherwise 403, outside 404."""

    roles: frozenset

    def expect(self, role, rel):
        if rel not in IN_SCOPE:
            return 404
        return OK if rel == "own" and ROLES[role] in self.roles else 403

    def __repr__(self):
        return f"AtUnit({sorted(self.roles)})"


class Invitee(Policy):
    """A consultation request: the invited unit's own officers answer it; to anyone else it
    does not exist (404), the units below included."""

    def expect(self, role, rel):
        return OK if rel == "own" and ROLES[role] in CREATORS else 404


class Logout(Policy):
    """Logging out answers with the login page, logged in or not."""

    relational, public = False, True

    def expect(self, role, rel):
        return LOGIN


class AtSuperior(Policy):
    """A creator role at the unit above the object's unit (a second complaint is lodged with
    the superior of the unit that resolved the first): the zone's creators for the letter of
    the grassroots union below it; the zone's own letter goes to the province, not theirs."""

    def expect(self, role, rel):
        if rel not in IN_SCOPE:
            return 404
        return OK if rel == "below" and ROLES[role] in CREATORS else 403


class Administers(Policy):
    """The administration pages of a user or unit: the admin role in the object's unit or
    above it (an admin manages their subtree); other roles 403 on every administration page,
    outside the subtree 404."""

    def expect(self, role, rel):
        if ROLES[role] != ADMIN:
            return 403
        return OK if rel in IN_SCOPE else 404


class AdministersAbove(Administers):
    """Moving a unit takes it from its parent: the admin role at the parent or above, so the
    zone's admin moves the grassroots union below but not the zone itself (403)."""

    def expect(self, role, rel):
        verdict = super().expect(role, rel)
        return 403 if verdict == OK and rel == "own" else verdict


def act(*roles, member=False):
    return Act(frozenset(roles), member)


def at_unit(*roles):
    return AtUnit(frozenset(roles))


class Bearer(Policy):
    """The JSON API (app.api): a bearer token only. A session, staff or none, is 401 on every
    method (and needs no CSRF token: the cookie is never read); what each token may do, by
    scope, role and unit, is tested in tests/api."""

    relational = False
    #: What an anonymous visitor gets (no login redirect).
    anonymous = 401

    def expect(self, role, rel):
        return 401


class TokenOwner(Policy):
    """An API token: only its user revokes it (the matrix's handler owns the matrix's token);
    anyone else 404, as if it did not exist."""

    relational = False

    def expect(self, role, rel):
        return OK if role == "handler" else 404


BEARER = Bearer()


class JobOwner(Policy):
    """A background job's status page and file: only the user who asked for it (the matrix's
    handler owns the matrix's job); anyone else 404, as if it did not exist."""

    relational = False

    def expect(self, role, rel):
        return OK if role == "handler" else 404


class NotificationOwner(Policy):
    """A notification of the inbox: only the user it was written for opens it (the matrix's
    handler owns the matrix's notification); anyone else 404, as if it did not exist."""

    relational = False

    def expect(self, role, rel):
        return OK if role == "handler" else 404


PUBLIC, ANY_USER, CREATOR, ADMIN_ONLY = Public(), AnyUser(), Creator(), AdminAnywhere()
ADMINISTERS = Administers()
NATIONAL_ADMIN = NationalAdmin()
READ, INVITEE = Read(), Invitee()
#: A sealed sender: the unit's own leader, or a named handler (the matrix's handler is named
#: on the `own` letter).
SEALED = at_unit(APPROVER, HANDLER)


@dataclass
class Entry:
    """An endpoint: its policy per method (None: the method is not routed) and its URLs at a
    relation (`objects` is the relation's namespace of ids, see test_authz_matrix.World)."""

    get: Policy | None
    post: Policy | None
    urls: Callable[[object], list[str]]
    data: Callable[[object], dict] = field(default=lambda o: {})
    note: str = ""


def _one(fmt: str):
    return lambda o: [fmt.format(o=o)]


E = Entry
MATRIX: dict[str, Entry] = {
    # --- auth and main -----------------------------------------------------------------------
    "auth.login": E(PUBLIC, PUBLIC, _one("/login")),
    "auth.code": E(PUBLIC, PUBLIC, _one("/login/code"),
                   note="no password step pending: back to the login page"),
    "auth.logout": E(None, Logout(), _one("/logout")),
    "main.home": E(ANY_USER, None, _one("/")),
    "main.account": E(ANY_USER, None, _one("/account/")),
    "main.healthz": E(PUBLIC, None, _one("/healthz")),
    "main.set_language": E(None, PUBLIC, _one("/language/vi")),
    "main.unit": E(READ, None, _one("/units/{o.org}")),
    "critique.static": E(ANY_USER, None, _one("/critique/static/notice.js"),
                         note="not in PUBLIC_ENDPOINTS: only the critique pages load it"),
    # --- cases -------------------------------------------------------------------------------
    "cases.index": E(ANY_USER, None, _one("/cases/")),
    "cases.new": E(CREATOR, CREATOR, _one("/cases/new")),
    "cases.detail": E(READ, None, lambda o: [f"/cases/{o.sup}", f"/cases/{o.letter}",
                                             f"/cases/{o.rec}", f"/cases/{o.critique}"]),
    "cases.act": E(None, act(APPROVER), _one("/cases/{o.sup}/actions/postpone"),
                   lambda o: {"comment": "Tạm hoãn"}),
    "cases.wording": E(None, act(INTAKE, HANDLER, APPROVER), _one("/cases/{o.sup}/wording"),
                       lambda o: {"title": "Giám sát việc trả lương",
                                  "subject_matter": "việc trả lương"},
                       note="no version posted: 303 back to the case page, nothing changed"),
    # --- supervision -------------------------------------------------------------------------
    "supervision.plan": E(READ, act(HANDLER), _one("/supervision/{o.sup}/plan")),
    "supervision.delegation": E(READ, act(HANDLER, APPROVER),
                                _one("/supervision/{o.sup}/delegation")),
    "supervision.working_session": E(READ, act(HANDLER, member=True),
                                     _one("/supervision/{o.sup}/sessions")),
    "supervision.attachment": E(READ, None,
                                _one("/supervision/{o.sup}/attachments/{o.sup_att}")),
    "supervision.dialogue": E(READ, act(HANDLER, INTAKE), _one("/supervision/{o.sup}/dialogues")),
    "supervision.report": E(READ, act(HANDLER, member=True), _one("/supervision/{o.sup}/report")),
    "supervision.report_version": E(READ, None, _one("/supervision/{o.sup}/report/v1")),
    "supervision.from_signal": E(None, act(*CREATORS), _one("/supervision/from-signal/{o.letter}"),
                                 note="opens a new supervision case each time it is allowed"),
    "supervision.programme": E(ANY_USER, HoldsRole(frozenset({HANDLER, APPROVER})),
                               _one("/supervision/programme")),
    "supervision.start_programme": E(None, act(*CREATORS),
                                     _one("/supervision/programme/{o.programme}/start"),
                                     note="the first allowed user starts it; later ones 409"),
    # --- recommendations ---------------------------------------------------------------------
    "followup.index": E(ANY_USER, None, _one("/recommendations/")),
    "followup.record_reply": E(None, act(HANDLER, INTAKE), _one("/recommendations/{o.rec}/replies")),
    "followup.download": E(READ, None, _one("/recommendations/{o.rec}/attachments/{o.rec_att}")),
    # --- letters and the sealed sender -------------------------------------------------------
    "letters.new": E(CREATOR, CREATOR, _one("/letters/new")),
    "letters.classify": E(act(HANDLER, INTAKE), act(HANDLER, INTAKE),
                          _one("/letters/{o.letter}/classify")),
    "letters.accept": E(act(HANDLER, APPROVER), act(HANDLER, APPROVER),
                        _one("/letters/{o.letter}/accept"),
                        note="not possible at this stage: 409 to those who may"),
    "letters.duplicate": E(None, act(HANDLER, INTAKE), _one("/letters/{o.letter}/duplicate")),
    "letters.forward_reply": E(act(HANDLER, INTAKE), act(HANDLER, INTAKE),
                               _one("/letters/{o.letter}/forward-reply"),
                               note="the letter is not forwarded: 409 to those who may"),
    "letters.escalate": E(act(HANDLER, APPROVER), act(HANDLER, APPROVER),
                          _one("/letters/{o.letter}/escalate"),
                          note="the letter is not forwarded: 409 to those who may"),
    "letters.second_complaint": E(AtSuperior(), AtSuperior(),
                                  _one("/letters/{o.letter}/second-complaint"),
                                  note="not possible at this stage: 409 to those who may"),
    "letters.document": E(READ, None, _one("/letters/{o.letter}/documents/{o.letter_doc}.pdf")),
    "letters.attachment": E(READ, None, _one("/letters/{o.letter}/attachments/{o.letter_att}")),
    "identity.reveal": E(SEALED, None, _one("/cases/{o.letter}/identity")),
    "identity.sealed_file": E(SEALED, None,
                              _one("/cases/{o.letter}/identity/files/{o.sealed_file}")),
    "identity.lift_seal": E(None, at_unit(APPROVER), _one("/cases/{o.letter}/identity/lift"),
                            note="a denunciation stays sealed: 409 to the unit leader"),
    "identity.add_handler": E(None, at_unit(APPROVER), _one("/cases/{o.letter}/handlers"),
                              lambda o: {"user_id": o.named_handler}),
    "identity.remove_handler": E(None, at_unit(APPROVER),
                                 _one("/cases/{o.letter}/handlers/{o.not_handler}/remove")),
    # --- the public portal (app.portal): open pages; the officers' thread with a sender --------
    "portal.home": E(PUBLIC, None, _one("/portal/")),
    "portal.set_language": E(None, PUBLIC, _one("/portal/language/vi")),
    "portal.units": E(PUBLIC, None, _one("/portal/units?q=Hà")),
    "portal.submit": E(PUBLIC, PUBLIC, _one("/portal/send"),
                       note="no proof of work: 422; beyond the address's limit 429"),
    "portal.receipt": E(PUBLIC, None, _one("/portal/receipt")),
    "portal.follow": E(PUBLIC, PUBLIC, _one("/portal/follow"), note="an empty form answers 422"),
    "portal.letter": E(PUBLIC, None, _one("/portal/letter"),
                       note="without a receipt login: 303 to the follow-up login"),
    "portal.answer": E(None, PUBLIC, _one("/portal/letter/answer"),
                       note="without a receipt login: 303 to the follow-up login"),
    "portal.leave": E(None, PUBLIC, _one("/portal/leave")),
    "portal_staff.ask": E(None, SEALED, _one("/cases/{o.portal_letter}/portal/messages"),
                          lambda o: {"text": "Anh chị gửi thêm chứng cứ."},
                          note="a named denouncer's thread: those who may see the sender"),
    "portal_staff.attachment": E(READ, None,
                                 _one("/cases/{o.portal_open}/portal/files/{o.portal_file}"),
                                 note="an anonymous sender's file: part of the letter"),
    # --- deadlines ---------------------------------------------------------------------------
    "deadlines.extend": E(None, act(APPROVER), _one("/cases/{o.letter}/deadlines/extend")),
    "deadlines.index": E(ADMIN_ONLY, None, _one("/admin/deadlines/")),
    "deadlines.rules": E(NATIONAL_ADMIN, None, _one("/admin/deadlines/rules")),
    "deadlines.edit_rule": E(NATIONAL_ADMIN, NATIONAL_ADMIN,
                             _one("/admin/deadlines/rules/{o.rule}")),
    "deadlines.reset_rule": E(None, NATIONAL_ADMIN,
                              _one("/admin/deadlines/rules/{o.rule}/reset")),
    "deadlines.calendar": E(ADMIN_ONLY, ADMIN_ONLY, _one("/admin/deadlines/calendar")),
    # --- legal bases of documents (app.documents.bases) --------------------------------------
    "legal_bases.index": E(NATIONAL_ADMIN, None, _one("/admin/legal-bases/")),
    "legal_bases.save": E(None, NATIONAL_ADMIN, _one("/admin/legal-bases/supervision_ethics"),
                          lambda o: {"supervision_ethics-lines": "Căn cứ Luật Công đoàn"}),
    "deadlines.delete_day": E(None, ADMIN_ONLY, _one("/admin/deadlines/calendar/{o.day}/delete"),
                              note="the admin removes the day once; removing it again is 404"),
    # --- documents ---------------------------------------------------------------------------
    "documents.new": E(None, act(HANDLER, INTAKE, APPROVER, member=True),
                       _one("/documents/case/{o.sup}/new")),
    "documents.show": E(READ, act(HANDLER, INTAKE, APPROVER, member=True),
                        _one("/documents/{o.draft}")),
    "documents.approve": E(None, at_unit(APPROVER), _one("/documents/{o.draft}/approve"),
                           note="already approved: 409 to the unit's approver"),
    "documents.issue": E(None, at_unit(APPROVER, INTAKE), _one("/documents/{o.draft}/issue"),
                         note="issued by the first allowed user; later ones 409"),
    "documents.correct": E(None, act(HANDLER, INTAKE, APPROVER, member=True),
                           _one("/documents/{o.issued}/correct"), lambda o: {"kind": "replace"}),
    "documents.pdf": E(READ, None, lambda o: [f"/documents/{o.issued}.pdf",
                                              f"/documents/{o.draft}.pdf"]),
    "documents.register": E(READ, None, _one("/documents/register?org={o.org}")),
    "documents.register_file": E(READ, None, _one("/documents/register.pdf?org={o.org}")),
    # --- reports -----------------------------------------------------------------------------
    "reports.dashboard": E(READ, None, _one("/reports/dashboard?org={o.org}")),
    "reports.periodic": E(READ, None, lambda o: [f"/reports/periodic.pdf?org={o.org}",
                                                 f"/reports/periodic.xlsx?org={o.org}"]),
    "reports.draft_periodic": E(None, act(HANDLER, INTAKE, APPROVER),
                                _one("/reports/periodic/draft?org={o.org}"),
                                lambda o: {"period": "year", "year": "2026"}),
    "reports.register": E(READ, None, lambda o: [
        f"/reports/registers/letters.pdf?org={o.org}",
        f"/reports/registers/recommendations.xlsx?org={o.org}"]),
    "reports.cases": E(ANY_USER, ANY_USER, lambda o: ["/reports/cases.csv", "/reports/cases.xlsx"],
                       note="a POST starts the export as a background job of the user's own"),
    # --- the API (app.api): bearer tokens only; its docs are public --------------------------
    "api.cases": E(BEARER, BEARER, _one("/api/v1/cases")),
    "api.get_case": E(BEARER, None, _one("/api/v1/cases/{o.sup}")),
    "api.transition": E(None, BEARER, _one("/api/v1/cases/{o.sup}/transitions")),
    "api.create_letter": E(None, BEARER, _one("/api/v1/letters")),
    "api.list_recommendations": E(BEARER, None, _one("/api/v1/recommendations")),
    "api.get_recommendation": E(BEARER, None, _one("/api/v1/recommendations/{o.rec}")),
    "api.case_documents": E(BEARER, None, _one("/api/v1/cases/{o.sup}/documents")),
    "api.get_document": E(BEARER, None, _one("/api/v1/documents/{o.issued}")),
    "api.document_pdf": E(BEARER, None, _one("/api/v1/documents/{o.issued}/pdf")),
    "api.statistics": E(BEARER, None, _one("/api/v1/statistics")),
    "api_docs.openapi_json": E(PUBLIC, None, _one("/api/v1/openapi.json")),
    "api_docs.docs": E(PUBLIC, None, _one("/api/v1/docs")),
    "api_docs.swagger_file": E(PUBLIC, None, _one("/api/v1/docs/swagger-ui/swagger-ui.css"),
                               note="Swagger UI's files, served from its package"),
    "api_tokens.index": E(ANY_USER, ANY_USER, _one("/account/api-tokens/"),
                          note="no data posted: 422, nothing created"),
    "api_tokens.revoke": E(None, TokenOwner(), _one("/account/api-tokens/{o.api_token}/revoke"),
                           note="revoking again is harmless"),
    # --- background jobs ---------------------------------------------------------------------
    "jobs.status": E(JobOwner(), None, _one("/jobs/{o.job}")),
    "jobs.download": E(JobOwner(), None, _one("/jobs/{o.job}/download")),
    # --- notifications -----------------------------------------------------------------------
    "notifications.index": E(ANY_USER, None, _one("/notifications/")),
    "notifications.settings": E(ANY_USER, ANY_USER, _one("/notifications/settings"),
                                note="an empty form answers 422"),
    "notifications.open": E(None, NotificationOwner(),
                            _one("/notifications/{o.notification}/open")),
    "notifications.read_all": E(None, ANY_USER, _one("/notifications/read")),
    # --- social critique ---------------------------------------------------------------------
    "critique.new": E(CREATOR, CREATOR, _one("/critique/new")),
    "critique.articles": E(READ, act(HANDLER, INTAKE), _one("/critique/{o.critique}/articles")),
    "critique.meeting": E(READ, act(HANDLER), lambda o: [
        f"/critique/{o.critique}/meetings/new/conference",
        f"/critique/{o.critique}/meetings/{o.meeting}"]),
    "critique.consultation": E(READ, act(HANDLER),
                               _one("/critique/{o.critique}/consultations/new")),
    "critique.remind": E(None, act(HANDLER),
                         _one("/critique/{o.critique}/consultations/{o.consultation}/remind")),
    "critique.consolidation": E(READ, act(HANDLER), _one("/critique/{o.critique}/consolidation")),
    "critique.response": E(READ, act(HANDLER, INTAKE),
                           _one("/critique/{o.critique}/points/{o.point}/response")),
    "critique.document": E(READ, None, _one("/critique/{o.critique}/critique.pdf")),
    "critique.attachment": E(READ, None,
                             _one("/critique/{o.critique}/attachments/{o.critique_att}")),
    "critique.requests": E(ANY_USER, None, _one("/critique/requests")),
    # --- workplace dialogue and democracy ----------------------------------------------------
    "workplace.index": E(ANY_USER, None, _one("/workplace/")),
    "workplace.new_employer": E(CREATOR, CREATOR, _one("/workplace/employers/new")),
    "workplace.employer": E(READ, None, _one("/workplace/employers/{o.employer}")),
    "workplace.edit_employer": E(act(HANDLER, INTAKE, APPROVER), act(HANDLER, INTAKE, APPROVER),
                                 _one("/workplace/employers/{o.employer}/edit")),
    "workplace.headcount": E(act(HANDLER, INTAKE, APPROVER), act(HANDLER, INTAKE, APPROVER),
                             _one("/workplace/employers/{o.employer}/headcount")),
    "workplace.conference": E(act(HANDLER, INTAKE, APPROVER), act(HANDLER, INTAKE, APPROVER),
                              _one("/workplace/employers/{o.employer}/conference")),
    "workplace.regulation": E(act(HANDLER, INTAKE, APPROVER), act(HANDLER, INTAKE, APPROVER),
                              _one("/workplace/employers/{o.employer}/regulation")),
    "workplace.board": E(act(HANDLER, INTAKE, APPROVER), act(HANDLER, INTAKE, APPROVER),
                         _one("/workplace/employers/{o.employer}/board")),
    "workplace.board_report": E(act(HANDLER, INTAKE, APPROVER), act(HANDLER, INTAKE, APPROVER),
                                _one("/workplace/employers/{o.employer}/board/{o.board}/report")),
    "workplace.supervise_duties": E(None, act(HANDLER, INTAKE, APPROVER),
                                    _one("/workplace/employers/{o.employer}/supervise")),
    "workplace.employer_summary": E(None, act(HANDLER, INTAKE, APPROVER),
                                    _one("/workplace/employers/{o.employer}/summary?year=2026"),
                                    note="drafts a new summary each time it is allowed"),
    "workplace.new_dialogue": E(CREATOR, CREATOR, _one("/workplace/dialogues/new")),
    "workplace.reschedule": E(act(HANDLER, INTAKE), act(HANDLER, INTAKE),
                              _one("/workplace/dialogues/{o.dialogue}/schedule")),
    "workplace.add_item": E(None, act(HANDLER, INTAKE),
                            _one("/workplace/dialogues/{o.dialogue}/items")),
    "workplace.remove_item": E(None, act(HANDLER, INTAKE),
                               _one("/workplace/dialogues/{o.dialogue}/items/remove")),
    "workplace.hold": E(act(HANDLER), act(HANDLER), _one("/workplace/dialogues/{o.dialogue}/hold"),
                        note="scheduled, not yet sent: 409 for the handler"),
    "workplace.minutes": E(act(HANDLER), act(HANDLER),
                           _one("/workplace/dialogues/{o.dialogue}/minutes"),
                           note="not held yet: 409 for the handler"),
    "workplace.publish": E(act(HANDLER, INTAKE), act(HANDLER, INTAKE),
                           _one("/workplace/dialogues/{o.dialogue}/publish")),
    "workplace.follow": E(None, act(HANDLER, INTAKE),
                          _one("/workplace/dialogues/{o.dialogue}/follow")),
    "workplace.supervise_item": E(None, act(HANDLER, INTAKE, APPROVER),
                                  _one("/workplace/dialogues/{o.dialogue}/supervise")),
    # --- administration of users and units (app.admin) -----------------------------------
    "admin.users": E(ADMIN_ONLY, None, _one("/admin/users")),
    "admin.new_user": E(ADMIN_ONLY, ADMIN_ONLY, _one("/admin/users/new"),
                        note="no data posted: 422, nothing created"),
    "admin.user": E(ADMINISTERS, None, _one("/admin/users/{o.account}")),
    "admin.add_role": E(None, ADMINISTERS, _one("/admin/users/{o.account}/roles"),
                        note="no data posted: 422"),
    "admin.remove_role": E(None, ADMINISTERS,
                           _one("/admin/users/{o.account}/roles/{o.account_role}/remove"),
                           note="the admin takes the role once; the user keeps another"),
    "admin.deactivate": E(None, ADMINISTERS, _one("/admin/users/{o.account}/deactivate")),
    "admin.reactivate": E(None, ADMINISTERS, _one("/admin/users/{o.account}/reactivate")),
    "admin.reset_password": E(None, ADMINISTERS, _one("/admin/users/{o.account}/password"),
                              note="no password posted: one is generated and shown"),
    "admin.units": E(ADMIN_ONLY, None, _one("/admin/units")),
    "admin.unit": E(ADMINISTERS, None, _one("/admin/units/{o.org}")),
    "admin.new_unit": E(ADMINISTERS, ADMINISTERS, _one("/admin/units/{o.org}/new"),
                        note="no data posted: 422; below a grassroots union the page says "
                             "none can be created"),
    "admin.edit_unit": E(ADMINISTERS, ADMINISTERS, _one("/admin/units/{o.org}/edit"),
                         note="no data posted: 422"),
    "admin.move_unit": E(AdministersAbove(), AdministersAbove(),
                         _one("/admin/units/{o.org}/move"), note="no data posted: 422"),
    "admin.give_role": E(None, ADMINISTERS, _one("/admin/units/{o.org}/roles"),
                         note="no data posted: 422"),
    "admin.audit": E(ADMIN_ONLY, None, _one("/admin/audit")),
    "critique.request_page": E(INVITEE, INVITEE, _one("/critique/requests/{o.invitee}")),
    "critique.request_attachment": E(INVITEE, None,
                                     _one("/critique/requests/{o.invitee}/attachments/"
                                          "{o.request_att}")),
}

#: Endpoints that are no route of ours (served by extensions, or third-party files served from
#: their packages by app/core/assets.py; public by nature).
SKIPPED = frozenset({"static", "bootstrap.static", "assets.vendor"})
