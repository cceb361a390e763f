"""The authorisation matrix (issue 10): every route of the route table × every role ×
own unit / unit below / unit above / sibling / another province × GET and POST, against the
policy declared for it in tests/security/matrix.py. A new route fails until it is declared.

One world per database backend (module-scoped): the matrix's users hold one role each at a zone
union; each relation's unit carries a supervision (plan, delegation, session with a file,
report), a recommendation with a reply and its file, a sealed letter with a file and a scan of
the sender, a critique being consolidated (articles, meeting, consultation, points, the draft's
file), an issued document and an approved draft, a programme line; a consultation from the top
invites each relation's unit. POSTs carry a valid CSRF token and no other data, so a refusal by
permission must come before validation; the few that succeed leave what the later cells accept
(see each entry's note).
"""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from app.auth.services import create_user
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.uploads import Upload
from app.orgs.services import create_org
from tests.conftest import Browser, _wipe
from tests.factories import advance, make_case, password_hash
from tests.records import ARTICLES
from tests.security.matrix import (
    ANONYMOUS,
    DELEGATION,
    LOGIN,
    MATRIX,
    OK,
    RELATIONS,
    ROLES,
    SKIPPED,
)
from workflows import vocab

TODAY = local_today()
PDF = Upload("bien-ban.pdf", b"%PDF-1.4\n% matrix\n")
SCAN = Upload("don-goc.pdf", b"%PDF-1.4\n% sender\n")

SUPERVISION_PATH = ["classify", "draft_plan", "approve_plan", "form_delegation",
                    "notify_subject", "start_fieldwork"]
FOLLOWING_UP = SUPERVISION_PATH + ["submit_report", "approve_conclusion", "issue_conclusion"]


# --- the world -----------------------------------------------------------------------------------

def _staff(key: str, org):
    """Officers of a unit who bring its objects to their stage (never the matrix's users)."""
    def user(suffix, *roles):
        return create_user(f"m_{key}_{suffix}", f"Cán bộ {key} {suffix}", None,
                           [(r, org) for r in roles], password_hash=password_hash())

    return SimpleNamespace(h=user("h", vocab.HANDLER, vocab.INTAKE),
                           a=user("a", vocab.APPROVER), a2=user("a2", vocab.APPROVER),
                           d=user("d", vocab.DELEGATE))


def _supervision(org, staff, delegate, state_path):
    from app.supervision import services as sv

    case = make_case(staff.h, org, subject_name="Công ty TNHH Ma Trận",
                     received_on=TODAY - timedelta(days=60))
    advance(case, [staff.h, staff.a, staff.a2, delegate], state_path,
            today=TODAY - timedelta(days=50))
    if state_path == SUPERVISION_PATH:
        sv.record_working_session(
            case, staff.h, held_on=TODAY, place="Phòng họp", participants="Đoàn giám sát",
            minutes="Công ty báo cáo việc trích nộp bảo hiểm xã hội", documents_received="",
            files=[PDF])
        sv.save_report(case, staff.h, findings=[
            {"item": "Bảo hiểm xã hội", "strengths": "Đóng đủ", "shortcomings": "Chậm",
             "causes": "Dòng tiền"}], recommendations=[
            {"addressee": "Công ty TNHH Ma Trận", "superior": "", "text": "Truy đóng"}],
            conclusion="Cần khắc phục việc chậm đóng bảo hiểm xã hội.")
    return case


def _letter(org, staff):
    from app.identity.services import Reporter
    from app.letters import services as letters

    case = letters.receive_letter(
        staff.h, org, title="Đơn tố cáo sai phạm chi quỹ", summary="Chi quỹ sai mục đích.",
        channel="report", intake_form="writing", kind="denunciation",
        reporter=Reporter(name="Người Gửi Ma Trận", address="Hà Tĩnh", contact="0900000000"),
        subject={"subject_kind": "person", "subject_name": "Trần Văn Bị Tố"},
        files=[PDF], sender_files=[SCAN])
    letters.classify_letter(case, staff.h, kind="denunciation", is_valid=True,
                            within_competence=False, competent_body="Thanh tra tỉnh")
    return case


def _critique(org, staff, invite=()):
    from app.cases.models import Case
    from app.critique import services as cs
    from app.critique.rules import articles_of
    from app.extensions import db

    critique = cs.register_draft(
        staff.h, org, title="Dự thảo Nghị định về tiền lương", drafting_body="Bộ Nội vụ",
        kind="decree", received_on=TODAY - timedelta(days=20),
        submission_on=TODAY + timedelta(days=20), articles=cs.split_articles(ARTICLES),
        files=[PDF])
    case = db.session.get(Case, critique.case_id)
    transition_case(case, "open_consultation", staff.h)
    meeting = cs.record_meeting(case, staff.h, kind="conference", held_on=TODAY,
                                place="Hội trường", participants="Các cấp công đoàn",
                                minutes="Thống nhất góp ý.")
    consultation = cs.send_consultation(
        case, staff.h, deadline=TODAY + timedelta(days=5), org_ids=list(invite), experts=[
            {"name": "TS Nguyễn Văn Chuyên", "organisation": "Viện Công nhân và Công đoàn",
             "email": "chuyen@example.vn"}])
    transition_case(case, "consolidate", staff.h)
    cs.save_points(case, staff.h, [{"article_id": articles_of(case)[0].id,
                                    "text": "Đề nghị nâng mức lương tối thiểu."}])
    return case, meeting, consultation


def _workplace(org, staff):
    """An employer of the unit (a public service unit, with its inspection board) and a
    dialogue scheduled there."""
    from app.workplace import services as wp

    employer = wp.register_employer(staff.h, org, name=f"Bệnh viện Ma Trận {org.id}",
                                    kind="public_unit", covered_since=TODAY, workers=80)
    board = wp.record_board(employer, staff.h, elected_on=TODAY,
                            members="Nguyễn Văn A\nTrần Thị B")
    dialogue = wp.open_dialogue(staff.h, employer, kind="periodic",
                                scheduled_on=TODAY + timedelta(days=20))
    return employer, board, dialogue


def _documents(case, staff):
    """An issued document and a draft approved for issuing, drafted by the unit's handler."""
    from app.documents import services as ds
    from app.documents.services import templates_for

    code = next(t.code for t in templates_for(case) if not t.to_reporter)
    issued = ds.draft_document(case, staff.h, code)
    ds.approve_document(issued, staff.a)
    ds.issue_document(issued, staff.h)
    draft = ds.draft_document(case, staff.h, code)
    ds.approve_document(draft, staff.a)
    return issued, draft


def _first(model, **where):
    from app.extensions import db

    return db.session.scalar(db.select(model.id).filter_by(**where).order_by(model.id))


def _job(owner) -> int:
    """A finished export job of `owner`'s, its file still downloadable."""
    from datetime import UTC, datetime, timedelta

    from app.core.jobs import DONE, Job
    from app.extensions import db

    job = Job(name="cases_export", owner_id=owner.id, status=DONE, progress=100, params={},
              result=b"code\r\n", result_name="vu-viec.csv", result_mimetype="text/csv",
              expires_at=datetime.now(UTC) + timedelta(days=1))
    db.session.add(job)
    db.session.flush()
    return job.id


def _notification(owner, case_id: int) -> int:
    """An unread notification of `owner`'s about a case of theirs."""
    from app.extensions import db
    from app.notifications.models import Notification

    row = Notification(user_id=owner.id, kind="portal_reply", case_id=case_id, params={})
    db.session.add(row)
    db.session.flush()
    return row.id


def _portal(org, leader, handler=None) -> tuple[int, int, int]:
    """Letters sent through the portal: a named denunciation (its thread sealed like its
    sender; `handler` named on it) and an anonymous letter whose sender answered with a file."""
    from app.cases.models import Attachment
    from app.identity import services as identity
    from app.portal import services as portal

    sealed, _receipt, _secret = portal.submit_letter(
        org, kind="denunciation", title="Tố cáo qua cổng", content="Nội dung tố cáo.",
        is_anonymous=False, name="Người gửi qua cổng")
    if handler is not None:
        identity.add_handler(sealed, leader, handler)
    anonymous, receipt, _secret = portal.submit_letter(
        org, kind="feedback", title="Phản ánh qua cổng", content="Nội dung phản ánh.",
        is_anonymous=True)
    portal.answer(receipt, text="Bổ sung tài liệu.", files=[PDF])
    return sealed.id, anonymous.id, _first(Attachment, case_id=anonymous.id, owner_kind="portal")


def _api_token(owner) -> int:
    """An API token of `owner`'s (app.api), for its revoke button."""
    from app.api import services as api_services

    token, _raw = api_services.create_token(owner, name="Ma trận", scopes=["read"],
                                            expires_on=TODAY + timedelta(days=30))
    return token.id


def build() -> SimpleNamespace:
    """The matrix's users (one role each at the zone) and every relation's objects (ids)."""
    from app.cases.models import Attachment
    from app.critique.rules import points_of
    from app.deadlines import services as deadlines
    from app.extensions import db
    from app.followup import services as followup
    from app.identity import services as identity
    from app.identity.models import SealedFile
    from app.letters import documents as letter_documents
    from app.supervision import services as sv

    tld = create_org("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1)
    a = create_org("Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ", "Hà Tĩnh", 2, tld)
    zone = create_org("Công đoàn Khu kinh tế tỉnh Hà Tĩnh", "CĐKKT", "Hà Tĩnh", 3, a)
    zone2 = create_org("Công đoàn Viên chức tỉnh Hà Tĩnh", "CĐVC", "Hà Tĩnh", 3, a)
    grass = create_org("Công đoàn cơ sở Công ty Thép Vũng Áng", "CĐCS", "Kỳ Anh", 4, zone)
    b = create_org("Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ", "TP. Hồ Chí Minh", 2, tld)
    units = {"own": zone, "below": grass, "above": a, "sibling": zone2, "other": b}
    users = {name: create_user(f"matrix_{name}", f"Người dùng {name}", None, [(role, zone)],
                               password_hash=password_hash())
             for name, role in ROLES.items()}
    top = _staff("tld", tld)

    objects = {}
    for rel, org in units.items():
        staff = _staff(rel, org)
        delegate = users["delegate"] if rel in DELEGATION else staff.d
        sup = _supervision(org, staff, delegate, SUPERVISION_PATH)
        parent = _supervision(org, staff, delegate, FOLLOWING_UP)
        rec = next(c for c in parent.children if c.family == vocab.RECOMMENDATION)
        reply = followup.record_reply(rec, staff.h, received_on=TODAY, text="Đã truy đóng.",
                                      files=[PDF])
        letter = _letter(org, staff)
        if rel == "own":
            identity.add_handler(letter, staff.a, users["handler"])
        critique, meeting, consultation = _critique(org, staff)
        issued, draft = _documents(sup, staff)
        programme = sv.add_programme_item(staff.h, org, year=TODAY.year,
                                          title="Giám sát an toàn lao động",
                                          subject_name="Công ty Ma Trận", planned_quarter=2)
        employer, board, dialogue = _workplace(org, staff)
        # An account of the unit for the administration pages (two roles: one may be taken).
        account = create_user(f"m_{rel}_account", f"Tài khoản {rel}", None,
                              [(vocab.HANDLER, org), (vocab.INTAKE, org)],
                              password_hash=password_hash())
        db.session.flush()
        objects[rel] = SimpleNamespace(
            account=account.id, account_role=account.roles[0].id,
            employer=employer.id, dialogue=dialogue.id, board=board.id,
            org=org.id, sup=sup.id, rec=rec.id, letter=letter.id, critique=critique.id,
            meeting=meeting.id, consultation=consultation.id, issued=issued.id,
            draft=draft.id, programme=programme.id,
            sup_att=_first(Attachment, case_id=sup.id, owner_kind="working_session"),
            rec_att=_first(Attachment, case_id=rec.id, owner_id=reply.id),
            letter_att=_first(Attachment, case_id=letter.id, owner_kind="letter"),
            critique_att=_first(Attachment, case_id=critique.id, owner_kind="critique_draft"),
            sealed_file=_first(SealedFile, case_id=letter.id),
            letter_doc=next(s for s in letter_documents.available(letter)
                            if not letter_documents.needs_reporter(s, letter)),
            named_handler=staff.h.id, not_handler=users["auditor"].id,
            point=points_of(critique)[0].id, rule="complaint.accept", day=None)
        objects[rel].portal_letter, objects[rel].portal_open, objects[rel].portal_file = \
            _portal(org, staff.a, users["handler"] if rel == "own" else None)

    # A consultation from the top invites each relation's unit: its request is the object of
    # critique.request_page at that relation.
    _case, _meeting, consultation = _critique(tld, top, invite=[o.id for o in units.values()])
    for rel, org in units.items():
        invitee = next(i for i in consultation.invitees if i.org_id == org.id)
        objects[rel].invitee = invitee.id
        objects[rel].request_att = _first(Attachment, case_id=_case.id,
                                          owner_kind="critique_draft")
    objects["own"].job = _job(users["handler"])
    objects["own"].notification = _notification(users["handler"], objects["own"].letter)
    # A local day off of the zone, which the zone's admin may remove.
    objects["own"].day = deadlines.add_calendar_day(users["admin"], date(TODAY.year, 12, 24),
                                                    "off", "Nghỉ bù", org=zone).id
    objects["own"].api_token = _api_token(users["handler"])
    db.session.commit()
    # Every id is real: a 404 outside scope must not come from a missing object.
    missing = [(rel, k) for rel, o in objects.items() for k, v in vars(o).items()
               if v is None and not (k == "day" and rel != "own")]
    assert not missing, missing
    return SimpleNamespace(users=users, objects=objects)


# --- running the matrix --------------------------------------------------------------------------

def _login(client, username):
    browser = Browser(client)
    browser.login(username)
    return browser


@pytest.fixture(scope="module")
def matrix(_app):
    """The world and a logged-in browser per role (and an anonymous one), once per backend."""
    from app.extensions import db, limiter

    with _app.app_context():
        _wipe(db)
        world = build()
        world.browsers = {name: _login(_app.test_client(), f"matrix_{name}") for name in ROLES}
        anonymous = Browser(_app.test_client())
        anonymous.get("/login")
        world.browsers[ANONYMOUS] = anonymous
        yield world
        db.session.remove()
        _wipe(db)
        limiter.reset()


def _rules(app):
    rules = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in SKIPPED:
            rules.setdefault(rule.endpoint, []).append(rule)
    return rules


def _routed(app, endpoint: str) -> set[str]:
    return {m for rule in _rules(app)[endpoint] for m in rule.methods} & {"GET", "POST"}


def _verdict(response, expected, public: bool) -> bool:
    status = response.status_code
    to_login = status == 302 and "/login" in response.headers.get("Location", "")
    if expected == OK:
        return status not in (403, 404, 405) and status < 500 and (public or not to_login)
    if expected == LOGIN:
        return to_login
    return status == expected


def test_every_route_is_declared_and_every_declaration_routed():
    """A new route fails here until it is added to the matrix; a removed one too."""
    from app import create_app
    from config import TestConfig

    app = create_app(TestConfig)
    rules = _rules(app)
    missing = sorted(set(rules) - set(MATRIX))
    gone = sorted(set(MATRIX) - set(rules))
    assert not missing, f"endpoints without a policy in tests/security/matrix.py: {missing}"
    assert not gone, f"policies for endpoints that no longer exist: {gone}"
    wrong = [(name, sorted(_routed(app, name)))
             for name, entry in MATRIX.items()
             if {m for m, p in (("GET", entry.get), ("POST", entry.post)) if p} != _routed(
                 app, name)]
    assert not wrong, f"declared methods differ from the routed ones: {wrong}"


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_matrix(matrix, endpoint):
    from flask import current_app

    entry = MATRIX[endpoint]
    routed = _routed(current_app, endpoint)
    failures, cells = [], 0
    for method in ("GET", "POST"):
        policy = entry.get if method == "GET" else entry.post
        declared = policy or entry.get or entry.post
        relations = RELATIONS if declared.relational else (None,)
        for rel in relations:
            objects = matrix.objects[rel or "own"]
            for url in entry.urls(objects):
                for who in (ANONYMOUS, *ROLES):
                    browser = matrix.browsers[who]
                    if method not in routed:
                        expected = 405
                    elif who == ANONYMOUS:
                        expected = getattr(policy, "anonymous", None) or (
                            OK if policy.public and policy.expect(None, rel) == OK else LOGIN)
                    else:
                        expected = policy.expect(who, rel)
                    if method == "GET":
                        response = browser.get(url)
                    else:
                        response = browser.post(url, entry.data(objects))
                    cells += 1
                    public = policy is not None and policy.public
                    if not _verdict(response, expected, public):
                        failures.append(f"{method} {url} as {who} ({rel or '-'}): expected "
                                        f"{expected}, got {response.status_code} [{policy!r}]")
                    if endpoint == "auth.logout" and who != ANONYMOUS:
                        matrix.browsers[who] = _login(browser.client, f"matrix_{who}")
    assert cells
    assert not failures, "\n" + "\n".join(failures)
