"""Social critique of a draft (issue 6): registration, consultations, comments, consolidation,
approval, the critique document, the drafting body's responses and the closing."""
import hashlib
import shutil
import subprocess
import unicodedata
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.services import create_user
from app.cases.models import Case, CaseEvent
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.critique import services as cs
from app.critique.documents import TEMPLATE, critique_pdf, issued_critique
from app.critique.models import (
    ArticleComment,
    Consultation,
    Critique,
    CritiquePoint,
    DraftArticle,
)
from app.critique.queries import requests_for
from app.critique.rules import critique_has_articles
from app.critique.stats import share_taken_in
from app.documents import services
from app.documents.models import CaseDocument
from app.documents.queries import latest_issued, register_entries
from app.documents.services import templates_for
from tests.documents.helpers import supervision_at
from tests.factories import password_hash
from workflows import vocab

TODAY = local_today()
TITLE = "Nghị định quy định chi tiết về tiền lương tối thiểu"
BODY = "Bộ Nội vụ"
PASTE = """Dự thảo
Điều 1. Phạm vi điều chỉnh
Nghị định này quy định mức lương tối thiểu.
Điều 2. Đối tượng áp dụng
Người lao động làm việc theo hợp đồng lao động.
Điều 3. Mức lương tối thiểu
Mức lương tối thiểu tháng vùng I là 4.960.000 đồng."""


def _register(world, received=TODAY - timedelta(days=20), submission=TODAY + timedelta(days=20),
              articles=None):
    return cs.register_draft(world.users["handler"], world.orgs["a"], title=TITLE,
                             drafting_body=BODY, kind="decree", received_on=received,
                             submission_on=submission,
                             articles=cs.split_articles(PASTE) if articles is None else articles)


def _case(critique) -> Case:
    from app.extensions import db

    return db.session.get(Case, critique.case_id)


def _consulting(world, org_keys=("a_zone", "a_grass"), deadline=TODAY + timedelta(days=5),
                experts=()):
    critique = _register(world)
    case = _case(critique)
    transition_case(case, "open_consultation", world.users["handler"])
    consultation = cs.send_consultation(case, world.users["handler"], deadline=deadline,
                                        org_ids=[world.orgs[k].id for k in org_keys],
                                        experts=list(experts))
    return case, consultation


def _invitee(consultation, org):
    return next(i for i in consultation.invitees if i.org_id == org.id)


def _comment_all(case, invitee, actor, position="amend", today=None):
    entries = [{"article_id": a.id, "position": position, "text": f"Ý kiến về Điều {a.number}"}
               for a in db_articles(case)]
    return cs.submit_comments(invitee, actor, entries, today=today)


def db_articles(case):
    from app.critique.rules import articles_of

    return articles_of(case)


@pytest.fixture
def zone_officer(world):
    return create_user("zone_officer", "Cán bộ Khu kinh tế", None,
                       [(vocab.INTAKE, world.orgs["a_zone"])], password_hash=password_hash())


def _issued(world, case):
    u = world.users
    transition_case(case, "consolidate", u["handler"])
    cs.save_points(case, u["handler"], [
        {"article_id": db_articles(case)[2].id, "text": "Đề nghị nâng mức lương tối thiểu vùng I."},
        {"article_id": None, "text": "Đề nghị bổ sung cơ chế điều chỉnh hằng năm."}])
    transition_case(case, "submit_critique", u["handler"])
    transition_case(case, "approve_critique", u["approver"])
    return case


# --- registration and the 15-day notice --------------------------------------------------------

def test_registering_a_draft_opens_a_critique_case_with_its_articles(db, world):
    critique = _register(world)
    case = _case(critique)
    assert (case.family, case.state, case.kind, case.title, case.subject_name) == (
        "critique", "received", "decree", TITLE, BODY)
    assert case.code.startswith("PB-")
    rows = [(a.number, a.heading) for a in db_articles(case)]
    assert rows == [("1", "Phạm vi điều chỉnh"), ("2", "Đối tượng áp dụng"),
                    ("3", "Mức lương tối thiểu")]
    assert db_articles(case)[0].text == "Nghị định này quy định mức lương tối thiểu."
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.action == "draft_registered"))
    assert event.data["notice_days"] == 40 and event.data["short_notice"] is False


def test_a_draft_submitted_before_it_was_received_is_refused_and_nothing_saved(db, world):
    with pytest.raises(Invalid) as info:
        _register(world, received=TODAY, submission=TODAY - timedelta(days=1))
    assert info.value.field == "submission_on"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_duplicate_article_numbers_are_refused(db, world):
    with pytest.raises(Invalid):
        _register(world, articles=[{"number": "1", "heading": "A"}, {"number": "1"}])


def test_short_notice_is_warned_on_registration_and_on_the_case_page(db, world, browser):
    browser.login("handler")
    browser.post("/language/en")
    page = browser.get("/critique/new")
    assert page.status_code == 200
    response = browser.post("/critique/new", {
        "org_id": world.orgs["a"].id, "title": TITLE, "drafting_body": BODY, "kind": "decree",
        "received_on": TODAY.isoformat(),
        "submission_on": (TODAY + timedelta(days=10)).isoformat(),
        "articles_text": PASTE}, follow_redirects=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="notice-warning"' in html  # on the case page, right after registering
    assert "The draft arrived 10 days before its submission" in html
    case = db.session.scalar(sa.select(Case))
    again = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="notice-warning"' in again and "at least 15 days" in again


def test_the_generic_case_form_leads_to_the_critique_registration(db, world, browser):
    browser.login("handler")
    response = browser.get("/cases/new?family=critique")
    assert response.status_code == 302 and response.location.endswith("/critique/new")
    assert browser.get("/cases/new?family=supervision").status_code == 200


def test_fifteen_days_notice_is_not_warned(db, world, browser):
    critique = _register(world, received=TODAY, submission=TODAY + timedelta(days=15))
    browser.login("handler")
    html = browser.get(f"/cases/{critique.case_id}").get_data(as_text=True)
    assert 'data-testid="critique-panel"' in html
    assert 'data-testid="notice-warning"' not in html


def test_registration_with_a_bad_date_answers_422_and_keeps_the_input(db, world, browser):
    browser.login("handler")
    response = browser.post("/critique/new", {
        "org_id": world.orgs["a"].id, "title": TITLE, "drafting_body": BODY, "kind": "decree",
        "received_on": TODAY.isoformat(),
        "submission_on": (TODAY - timedelta(days=3)).isoformat(), "articles_text": PASTE})
    assert response.status_code == 422
    assert BODY in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Critique)) == 0


# --- consultation: who is invited, who sees it ----------------------------------------------

def test_consultation_needs_articles_and_the_consulting_stage(db, world):
    critique = _register(world, articles=[])
    case = _case(critique)
    with pytest.raises(Conflict):
        cs.send_consultation(case, world.users["handler"], deadline=TODAY, org_ids=[
            world.orgs["a_zone"].id], experts=[])
    with pytest.raises(Invalid) as info:
        transition_case(case, "open_consultation", world.users["handler"])
    assert info.value.message == critique_has_articles(case, None, {})


def test_only_lower_units_and_experts_with_an_email_can_be_invited(db, world):
    critique = _register(world)
    case = _case(critique)
    handler = world.users["handler"]
    transition_case(case, "open_consultation", handler)
    for org_key in ("b", "a", "tld"):
        with pytest.raises(Invalid):
            cs.send_consultation(case, handler, deadline=TODAY, org_ids=[world.orgs[org_key].id],
                                 experts=[])
    with pytest.raises(Invalid):
        cs.send_consultation(case, handler, deadline=TODAY, org_ids=[], experts=[
            {"name": "PGS.TS Nguyễn Văn Bình", "organisation": "Viện Công nhân", "email": "x"}])
    with pytest.raises(Invalid):
        cs.send_consultation(case, handler, deadline=TODAY - timedelta(days=1),
                             org_ids=[world.orgs["a_zone"].id], experts=[])
    with pytest.raises(Forbidden):
        cs.send_consultation(case, world.users["approver"], deadline=TODAY,
                             org_ids=[world.orgs["a_zone"].id], experts=[])
    sent = cs.send_consultation(case, handler, deadline=TODAY, org_ids=[world.orgs["a_grass"].id],
                                experts=[{"name": "PGS.TS Nguyễn Văn Bình",
                                          "organisation": "Viện Công nhân và Công đoàn",
                                          "email": "binh@vcncd.vn"}])
    assert [i.name for i in sent.invitees] == [
        world.orgs["a_grass"].name, "PGS.TS Nguyễn Văn Bình (Viện Công nhân và Công đoàn)"]


def test_invited_unit_sees_the_request_but_not_the_case(db, world, browser):
    case, consultation = _consulting(world, org_keys=("a_grass",))
    invitee = _invitee(consultation, world.orgs["a_grass"])
    db.session.commit()
    browser.login("grass_handler")
    home = browser.get("/").get_data(as_text=True)
    assert 'data-testid="critique-requests"' in home and TITLE in home
    page = browser.get(f"/critique/requests/{invitee.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Mức lương tối thiểu tháng vùng I là 4.960.000 đồng." in html
    assert browser.get(f"/cases/{case.id}").status_code == 404
    assert browser.get(f"/critique/{case.id}/consolidation").status_code == 404


def test_a_unit_cannot_see_a_consultation_it_was_not_invited_to(db, world, browser, zone_officer):
    _case_, consultation = _consulting(world, org_keys=("a_grass",))
    invitee = _invitee(consultation, world.orgs["a_grass"])
    db.session.commit()
    for outsider in ("zone_officer", "b_handler"):
        browser.login(outsider)
        assert browser.get(f"/critique/requests/{invitee.id}").status_code == 404
        assert browser.post(f"/critique/requests/{invitee.id}", {
            "comments-0-article_id": db_articles(_case_)[0].id,
            "comments-0-position": "agree"}).status_code == 404
        assert TITLE not in browser.get("/critique/requests").get_data(as_text=True)
        browser.logout()
    with pytest.raises(NotFound):
        _comment_all(_case_, invitee, zone_officer)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleComment)) == 0


# --- comments, lateness, reminders ------------------------------------------------------------

def test_comments_after_the_deadline_are_accepted_but_marked_late(db, world, zone_officer):
    case, consultation = _consulting(world, deadline=TODAY)
    grass = _invitee(consultation, world.orgs["a_grass"])
    zone = _invitee(consultation, world.orgs["a_zone"])
    _comment_all(case, grass, world.users["grass_handler"], today=TODAY)
    _comment_all(case, zone, zone_officer, today=TODAY + timedelta(days=1))
    assert (grass.is_late, zone.is_late) == (False, True)
    late = {c.invitee_id: c.is_late for c in db.session.scalars(sa.select(ArticleComment))}
    assert late == {grass.id: False, zone.id: True}


def test_late_and_missing_responses_show_to_the_inviting_unit(db, world, browser):
    case, consultation = _consulting(world, deadline=TODAY - timedelta(days=0))
    _comment_all(case, _invitee(consultation, world.orgs["a_grass"]),
                 world.users["grass_handler"], today=TODAY + timedelta(days=2))
    db.session.commit()
    browser.login("handler")
    browser.post("/language/en")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "answered late" in html and "no response yet" in html
    table = browser.get(f"/critique/{case.id}/consolidation").get_data(as_text=True)
    assert 'data-testid="late"' in table and "no response" in table


def test_a_reminder_goes_to_the_missing_invitees_and_shows_on_their_request(db, world, browser):
    case, consultation = _consulting(world)
    grass = _invitee(consultation, world.orgs["a_grass"])
    zone = _invitee(consultation, world.orgs["a_zone"])
    _comment_all(case, zone, world.users["handler"])  # recorded by the inviting unit
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/critique/{case.id}/consultations/{consultation.id}/remind")
    assert response.status_code == 302
    db.session.expire_all()
    assert (grass.reminder_count, zone.reminder_count) == (1, 0)
    event = db.session.scalar(sa.select(CaseEvent).where(
        CaseEvent.action == "consultation_reminder"))
    assert event.data["invitees"] == [world.orgs["a_grass"].name]
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Đã đôn đốc các đơn vị chưa gửi ý kiến" in page  # the event's label, not its code
    browser.logout()
    browser.login("grass_handler")
    assert 'data-testid="reminder"' in browser.get(
        f"/critique/requests/{grass.id}").get_data(as_text=True)


def test_reminding_when_everyone_answered_is_refused_with_422(db, world, browser):
    case, consultation = _consulting(world, org_keys=("a_grass",))
    _comment_all(case, consultation.invitees[0], world.users["grass_handler"])
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/critique/{case.id}/consultations/{consultation.id}/remind")
    assert response.status_code == 422


def test_a_proposed_change_needs_its_text_and_nothing_is_lost(db, world, browser):
    case, consultation = _consulting(world, org_keys=("a_grass",))
    invitee = consultation.invitees[0]
    articles = db_articles(case)
    db.session.commit()
    browser.login("grass_handler")
    response = browser.post(f"/critique/requests/{invitee.id}", {
        "comments-0-article_id": articles[0].id, "comments-0-position": "agree",
        "comments-0-text": "Thống nhất với dự thảo",
        "comments-1-article_id": articles[1].id, "comments-1-position": "amend",
        "comments-1-text": ""})
    assert response.status_code == 422
    assert "Thống nhất với dự thảo" in response.get_data(as_text=True)
    assert "Điều 2" in response.get_data(as_text=True)  # the refusal names the article
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ArticleComment)) == 0
    response = browser.post(f"/critique/requests/{invitee.id}", {
        "comments-0-article_id": articles[0].id, "comments-0-position": "agree",
        "comments-1-article_id": articles[1].id, "comments-1-position": "amend",
        "comments-1-text": "Bổ sung người lao động làm việc không có hợp đồng lao động",
        "comments-2-article_id": articles[2].id, "comments-2-position": ""})
    assert response.status_code == 302
    saved = {c.article_id: c.position for c in db.session.scalars(sa.select(ArticleComment))}
    assert saved == {articles[0].id: "agree", articles[1].id: "amend"}


def test_comments_are_refused_once_the_critique_is_submitted(db, world):
    case, consultation = _consulting(world)
    _comment_all(case, _invitee(consultation, world.orgs["a_grass"]), world.users["grass_handler"])
    transition_case(case, "consolidate", world.users["handler"])
    cs.save_points(case, world.users["handler"], [{"article_id": None, "text": "Ý kiến chung"}])
    transition_case(case, "submit_critique", world.users["handler"])
    with pytest.raises(Conflict):
        _comment_all(case, _invitee(consultation, world.orgs["a_zone"]), world.users["handler"])


# --- consolidation, approval, the document ---------------------------------------------------

def test_consolidation_needs_input_and_points(db, world):
    critique = _register(world)
    case = _case(critique)
    handler = world.users["handler"]
    transition_case(case, "open_consultation", handler)
    with pytest.raises(Invalid):
        transition_case(case, "consolidate", handler)
    cs.record_meeting(case, handler, kind="conference", held_on=TODAY - timedelta(days=1),
                      place="Hội trường LĐLĐ tỉnh", participants="Đại diện Sở Nội vụ\nChuyên gia",
                      minutes="Các đại biểu thống nhất đề nghị nâng mức lương tối thiểu.")
    transition_case(case, "consolidate", handler)
    with pytest.raises(Invalid):
        transition_case(case, "submit_critique", handler)
    with pytest.raises(Invalid):
        cs.save_points(case, handler, [{"article_id": None, "text": "  "}])


def test_the_committee_approves_but_not_its_own_draft(db, world):
    from app.auth.models import RoleAssignment

    both = world.users["approver2"]
    both.roles.append(RoleAssignment(role=vocab.HANDLER, org=world.orgs["a"]))
    case, _consultation = _consulting(world)
    transition_case(case, "consolidate", both)
    cs.save_points(case, both, [{"article_id": None, "text": "Ý kiến chung"}])
    transition_case(case, "submit_critique", both)
    with pytest.raises(Invalid):
        transition_case(case, "approve_critique", both)
    with pytest.raises(Forbidden):
        transition_case(case, "approve_critique", world.users["handler"])
    transition_case(case, "approve_critique", world.users["approver"])
    doc = issued_critique(case)
    assert (doc.number, doc.issued_on, doc.issued_by_id, doc.type_code) == (
        1, local_today(), world.users["approver"].id, None)
    event = db.session.scalar(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "approve_critique"))
    assert event.data["number"] == "01/LĐLĐ" and event.data["document_id"] == doc.id


def _pdftotext(tmp_path, data: bytes) -> str:
    path = tmp_path / "critique.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                         check=True).stdout.decode()
    return unicodedata.normalize("NFC", " ".join(out.split()))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_critique_document_is_numbered_in_the_units_register(db, world, tmp_path):
    case, consultation = _consulting(world)
    _comment_all(case, _invitee(consultation, world.orgs["a_grass"]), world.users["grass_handler"])
    transition_case(case, "consolidate", world.users["handler"])
    cs.save_points(case, world.users["handler"], [
        {"article_id": db_articles(case)[2].id, "text": "Đề nghị nâng mức lương tối thiểu vùng I."}])
    draft = _pdftotext(tmp_path, critique_pdf(case))
    assert "DỰ THẢO" in draft and "Số: /LĐLĐ" in draft
    # The unit issues a supervision decision first: the critique takes the next number of the
    # same register (sổ văn bản đi), not a sequence of its own.
    supervision = supervision_at(world, "delegation_formed")  # formed on its issued decision
    decision = latest_issued([supervision.id], "sv_decision")
    assert services.number_label(decision) == "01/QĐ-LĐLĐ"
    transition_case(case, "submit_critique", world.users["handler"])
    transition_case(case, "approve_critique", world.users["approver"])
    doc = issued_critique(case)
    assert (doc.org_id, doc.register, doc.year, doc.number) == (
        decision.org_id, decision.register, decision.year, 2)
    assert [d.number for d in register_entries(doc.org_id, doc.year, doc.register)] == [1, 2]
    pdf = critique_pdf(case)
    assert pdf == doc.pdf and hashlib.sha256(pdf).hexdigest() == doc.sha256
    text = _pdftotext(tmp_path, pdf)
    assert "DỰ THẢO" not in text
    assert "Số: 02/LĐLĐ" in text
    assert "V/v phản biện xã hội đối với dự thảo " + TITLE in text
    assert f"Kính gửi: {BODY}" in text
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH" in text
    assert f"Hà Tĩnh, ngày {local_today().day:02d} tháng" in text
    assert "1. Về Điều 3 (Mức lương tối thiểu): Đề nghị nâng mức lương tối thiểu vùng I." in text
    assert "ý kiến góp ý của 1 cơ quan, đơn vị, chuyên gia" in text
    assert "TM. BAN THƯỜNG VỤ" in text and world.users["approver"].full_name in text


def test_the_documents_panel_offers_no_second_critique_document(db, world):
    case = _consulting(world)[0]
    assert TEMPLATE not in {t.code for t in templates_for(case)}
    _issued(world, case)
    assert case.state == "issued" and TEMPLATE not in {t.code for t in templates_for(case)}
    with pytest.raises(Invalid):
        services.draft_document(case, world.users["handler"], TEMPLATE)


def test_an_approver_above_the_unit_cannot_take_its_number(db, world):
    case = _consulting(world)[0]
    transition_case(case, "consolidate", world.users["handler"])
    cs.save_points(case, world.users["handler"], [{"article_id": None, "text": "Ý kiến chung"}])
    transition_case(case, "submit_critique", world.users["handler"])
    with pytest.raises(Forbidden):
        transition_case(case, "approve_critique", world.users["top_approver"])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 0


def test_the_pdf_is_served_to_the_unit_only(db, world, browser):
    case = _issued(world, _consulting(world)[0])
    db.session.commit()
    doc = issued_critique(case)
    browser.login("handler")
    browser.post("/language/en")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f'href="/documents/{doc.id}.pdf"' in html
    assert "Issued as no. 01/LĐLĐ on" in html
    response = browser.get(f"/critique/{case.id}/critique.pdf")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/documents/{doc.id}.pdf")
    first, again = (browser.get(f"/documents/{doc.id}.pdf").data for _ in range(2))
    assert first == again == doc.pdf and hashlib.sha256(first).hexdigest() == doc.sha256
    browser.logout()
    browser.login("grass_handler")
    assert browser.get(f"/critique/{case.id}/critique.pdf").status_code == 404
    assert browser.get(f"/documents/{doc.id}.pdf").status_code == 404


# --- follow-up and closing ----------------------------------------------------------------------

def test_the_draft_pdf_is_served_uncached_to_the_unit_only(db, world, browser):
    case, consultation = _consulting(world)
    _comment_all(case, _invitee(consultation, world.orgs["a_grass"]), world.users["grass_handler"])
    transition_case(case, "consolidate", world.users["handler"])
    cs.save_points(case, world.users["handler"], [{"article_id": None, "text": "Ý kiến chung"}])
    db.session.commit()
    browser.login("handler")
    response = browser.get(f"/critique/{case.id}/critique.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.data == critique_pdf(case)
    browser.logout()
    browser.login("grass_handler")
    assert browser.get(f"/critique/{case.id}/critique.pdf").status_code == 404


def test_closing_needs_every_response_or_a_reason(db, world):
    case = _issued(world, _consulting(world)[0])
    u = world.users
    transition_case(case, "start_follow_up", u["intake"])
    first, second = db.session.scalars(sa.select(CritiquePoint).order_by(
        CritiquePoint.position)).all()
    cs.record_response(first, case, u["intake"], response="taken_in", text="",
                       responded_on=TODAY)
    with pytest.raises(Invalid) as info:
        transition_case(case, "close", u["handler"])
    assert "1" in info.value.message
    with pytest.raises(Invalid):
        transition_case(case, "close_early", u["approver"])  # a reason is required
    with pytest.raises(Invalid):
        cs.record_response(second, case, u["intake"], response="explained", text="",
                           responded_on=TODAY)
    cs.record_response(second, case, u["intake"], response="explained",
                       text="Ngân sách chưa cho phép điều chỉnh hằng năm.", responded_on=TODAY)
    transition_case(case, "close", u["handler"])
    assert case.state == "closed" and case.closed_at is not None


def test_the_unit_closes_without_every_response_when_it_gives_a_reason(db, world):
    case = _issued(world, _consulting(world)[0])
    transition_case(case, "start_follow_up", world.users["handler"])
    transition_case(case, "close_early", world.users["approver"],
                    comment="Dự thảo đã được ban hành; cơ quan soạn thảo không phản hồi thêm.")
    assert case.state == "closed"


def test_the_case_page_shows_the_share_taken_in_once_the_critique_is_issued(db, world,
                                                                          browser):
    case, _consultation = _consulting(world)
    transition_case(case, "consolidate", world.users["handler"])
    cs.save_points(case, world.users["handler"], [{"article_id": None, "text": "Đề nghị A."}])
    db.session.commit()
    browser.login("handler")
    assert 'data-testid="share-taken-in"' not in browser.get(f"/cases/{case.id}").get_data(
        as_text=True)  # points, but nothing sent to the drafting body yet
    transition_case(case, "submit_critique", world.users["handler"])
    transition_case(case, "approve_critique", world.users["approver"])
    db.session.commit()
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="share-taken-in"' in page


def test_share_taken_in_for_the_dashboard(db, world, browser):
    case = _issued(world, _consulting(world)[0])
    transition_case(case, "start_follow_up", world.users["handler"])
    first, _second = db.session.scalars(sa.select(CritiquePoint).order_by(
        CritiquePoint.position)).all()
    cs.record_response(first, case, world.users["handler"], response="taken_in",
                       text="Đã nâng mức lương vùng I", responded_on=TODAY)
    issued_on = local_today()  # the document's date: the unit's (Vietnamese) calendar day
    figures = share_taken_in(world.orgs["tld"], issued_on - timedelta(days=1), issued_on)
    assert figures == {"critiques": 1, "points": 2, "taken_in": 1, "explained": 0,
                       "not_taken_in": 0, "unanswered": 1, "share": 0.5}
    assert share_taken_in(world.orgs["b"])["points"] == 0
    assert share_taken_in(world.orgs["a"], issued_on + timedelta(days=1))["critiques"] == 0
    db.session.commit()
    browser.login("handler")
    browser.post("/language/en")
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Taken in: 1 of 2 points (50%)" in html


def test_articles_are_frozen_once_comments_are_asked_for(db, world):
    case, _consultation = _consulting(world)
    with pytest.raises(Conflict):
        cs.set_articles(case, world.users["handler"], [{"number": "9", "heading": "Mới"}])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftArticle)) == 3


def test_demo_seed_brings_a_critique_to_each_stage(db, world):
    from app.critique import demo

    orgs = {"ht": world.orgs["a"], "kkt": world.orgs["a_zone"], "thep": world.orgs["a_grass"]}
    users = {"canbo": world.users["handler"], "lanhdao": world.users["approver"],
             "cdcs.thep": world.users["grass_handler"]}
    cases = demo.seed(orgs, users)
    assert sorted(c.state for c in cases) == sorted(demo.STAGES)
    for case in cases:  # each timeline ends on the transition into the case's state
        last = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                                  .order_by(CaseEvent.id.desc())).first()
        assert last.to_state == case.state
    assert share_taken_in(world.orgs["a"])["points"] == 9
    assert [i.consultation.case.state for i in requests_for(world.users["grass_handler"], True)] \
        == ["consolidating"]


def test_pages_refuse_by_role_and_scope(db, world, browser):
    case, consultation = _consulting(world)
    db.session.commit()
    browser.login("auditor")
    assert browser.get("/critique/new").status_code == 403
    assert browser.get(f"/cases/{case.id}").status_code == 200  # the auditor reads
    browser.logout()
    browser.login("approver")
    response = browser.post(f"/critique/{case.id}/consultations/new", {
        "deadline": TODAY.isoformat(), "org_ids": world.orgs["a_zone"].id})
    assert response.status_code == 403
    assert browser.post(f"/critique/{case.id}/consultations/{consultation.id}/remind"
                        ).status_code == 403
    browser.logout()
    browser.login("b_handler")
    assert browser.get(f"/critique/{case.id}/consolidation").status_code == 404
    assert browser.get(f"/critique/{case.id}/consultations/new").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.action == "consultation_reminder")) == 0


def test_the_home_block_lists_only_pending_requests_of_the_users_units(db, world, browser):
    case, consultation = _consulting(world, org_keys=("a_grass",))
    db.session.commit()
    browser.login("handler")
    assert 'data-testid="critique-requests"' not in browser.get("/").get_data(as_text=True)
    browser.logout()
    browser.login("grass_handler")
    assert 'data-testid="critique-requests"' in browser.get("/").get_data(as_text=True)
    _comment_all(case, consultation.invitees[0], world.users["grass_handler"])
    db.session.commit()
    assert 'data-testid="critique-requests"' not in browser.get("/").get_data(as_text=True)
    listing = browser.get("/critique/requests").get_data(as_text=True)
    assert TITLE in listing and 'data-testid="status"' in listing


def test_articles_can_be_entered_as_rows_and_pasted(db, world, browser):
    critique = _register(world, articles=[])
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/critique/{critique.case_id}/articles", {
        "articles-0-number": "Điều 1", "articles-0-heading": "Phạm vi",
        "articles-0-text": "Nội dung điều 1",
        "articles-1-number": "", "articles-1-heading": "", "articles-1-text": "",
        "paste": "Điều 2. Đối tượng\nNgười lao động.\nĐiều 2a: Giải thích từ ngữ"})
    assert response.status_code == 302
    case = _case(critique)
    assert [(a.number, a.heading, a.text) for a in db_articles(case)] == [
        ("1", "Phạm vi", "Nội dung điều 1"), ("2", "Đối tượng", "Người lao động."),
        ("2a", "Giải thích từ ngữ", "")]
    browser.post("/language/en")
    response = browser.post(f"/critique/{critique.case_id}/articles", {
        "articles-0-number": "", "articles-0-heading": "Thiếu số"})
    assert response.status_code == 422
    assert "Every article needs its number." in response.get_data(as_text=True)
    assert len(db_articles(case)) == 3


def test_a_bad_expert_is_refused_on_the_form_and_the_choices_kept(db, world, browser):
    critique = _register(world)
    case = _case(critique)
    transition_case(case, "open_consultation", world.users["handler"])
    db.session.commit()
    browser.login("handler")
    browser.post("/language/en")
    response = browser.post(f"/critique/{case.id}/consultations/new", {
        "deadline": TODAY.isoformat(), "org_ids": [world.orgs["a_grass"].id],
        "experts-0-name": "PGS.TS Nguyễn Văn Bình", "experts-0-organisation": "Viện",
        "experts-0-email": "khong-phai-email"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Every expert needs a name and a valid e-mail address." in html
    assert "khong-phai-email" in html and "checked" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(
        Consultation)) == 0
