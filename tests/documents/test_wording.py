"""What a clerk signs: the legal basis of the kind of work, the case's subject matter in the
titles, the body that signs (Ban Thường vụ / Ban Chấp hành), minutes signed by both sides and
the secretary, "Ông/Bà" addressees, a header that does not wrap, one name for the receipt."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases import services as cases
from app.cases.models import CaseEvent
from app.core.errors import Conflict, Forbidden, Invalid
from app.critique import services as cs
from app.critique.documents import issued_critique
from app.documents import bases, services
from app.letters import documents as letter_documents
from app.orgs.services import create_org
from app.supervision import services as sv
from app.supervision.models import ProgrammeItem
from tests.deadlines import conftest as deadlines_conftest
from tests.documents.helpers import (
    TODAY,
    UP_TO,
    assert_in_order,
    issued,
    pdf_text,
    people,
    poppler,
    supervision_at,
)
from tests.factories import advance, make_case
from tests.letters.conftest import SENDER, classify, log_letter
from workflows.vocab import CRITIQUE, LETTER

ETHICS_TITLE = ("Giám sát việc tu dưỡng, rèn luyện đạo đức, lối sống của Giám đốc Công ty "
                "Nguyễn Đình Khang")
PARTY_COMMITTEE = "Đảng ủy Khối Doanh nghiệp tỉnh"
#: An administrator of the top unit (the deadlines tests' fixture).
national_admin = deadlines_conftest.national_admin


def ethics_at(world, state: str):
    case = make_case(world.users["intake"], world.orgs["a"], kind="ethics", title=ETHICS_TITLE,
                     subject_kind="person", subject_name="Nguyễn Đình Khang",
                     subject_category="head", subject_position="Giám đốc Công ty",
                     subject_party_committee=PARTY_COMMITTEE,
                     received_on=TODAY - timedelta(days=60))
    return advance(case, people(world), UP_TO[state], today=TODAY - timedelta(days=50))


def draft(world, case, code, who="handler"):
    return services.draft_document(case, world.users[who], code)


# --- A. the legal basis of the kind of work ------------------------------------------------

def test_an_ethics_supervision_cites_124_and_44_and_reports_to_the_party_committee(db, world):
    case = ethics_at(world, "delegation_formed")
    decision = draft(world, case, "sv_decision").content["bases"]
    assert decision[:2] == list(bases.DEFAULTS[bases.ETHICS])
    assert "124-QĐ/TW ngày 02/02/2018 của Ban Bí thư" in decision[0]
    assert "44/HD-TLĐ ngày 20/12/2021" in decision[1]
    assert not any("Luật Công đoàn" in line or "217-QĐ/TW" in line for line in decision)
    advance(case, people(world), UP_TO["concluded"][len(UP_TO["delegation_formed"]):],
            today=TODAY - timedelta(days=40))
    report = draft(world, case, "sv_report").content["recipients"]
    assert report[0] == f"{PARTY_COMMITTEE} (để xem xét, xử lý theo thẩm quyền)"


def test_a_compliance_supervision_cites_the_union_law_and_217_never_44(db, world):
    case = supervision_at(world, "delegation_formed")
    for code in ("sv_decision", "sv_plan"):
        content = draft(world, case, code).content
        assert content["bases"][:2] == [bases.LUAT_CONG_DOAN, bases.QD_217], code
        text = " ".join([*content["bases"], content["body"]])
        assert "44/HD-TLĐ" not in text and "124-QĐ/TW" not in text, code
    assert not any(PARTY_COMMITTEE in r for r in draft(world, case, "sv_plan").content[
        "recipients"])


def test_a_social_critique_cites_the_union_law_and_217(db, world):
    critique = cs.register_draft(
        world.users["handler"], world.orgs["a"], title="Phản biện dự thảo Nghị định quy định "
        "chi tiết về tiền lương tối thiểu", drafting_body="Bộ Nội vụ", kind="decree",
        received_on=TODAY - timedelta(days=20), submission_on=TODAY + timedelta(days=20),
        articles=[{"number": "1", "heading": "Phạm vi", "text": "Nghị định này quy định…"}])
    case = db.session.get(cases.Case, critique.case_id)
    cases.transition_case(case, "open_consultation", world.users["handler"])
    cs.send_consultation(case, world.users["handler"], deadline=TODAY + timedelta(days=5),
                         org_ids=[world.orgs["a_zone"].id], experts=[])
    cases.transition_case(case, "consolidate", world.users["handler"])
    cs.save_points(case, world.users["handler"], [{"article_id": None, "text": "Ý kiến chung"}])
    cases.transition_case(case, "submit_critique", world.users["handler"])
    cases.transition_case(case, "approve_critique", world.users["approver"])
    content = issued_critique(case).content
    assert content["bases"] == [bases.LUAT_CONG_DOAN, bases.QD_217]
    # Its subject matter, not its title: never "dự thảo Phản biện dự thảo …".
    assert issued_critique(case).summary == ("phản biện xã hội đối với dự thảo Nghị định quy "
                                             "định chi tiết về tiền lương tối thiểu")
    assert "dự thảo Phản biện" not in content["body"]


def test_the_letters_decisions_cite_their_laws_from_the_same_table(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 11, 2))
    classify(case, u["handler"])
    content = draft(world, case, "tc_accept_decision").content
    assert content["bases"][:2] == list(bases.DEFAULTS[bases.DENUNCIATION])


def test_every_built_in_basis_is_a_verifiable_instrument(app):
    for work, lines in bases.DEFAULTS.items():
        assert bases.problems(list(lines)) == [], work
        assert work in bases.WORKS


@pytest.mark.parametrize("line", [
    "Căn cứ Luật Công đoàn (ví dụ: số 50/2024/QH15 ngày 27/11/2024)",
    "Căn cứ Nghị quyết số 12/2025/NQ-HĐND ngày 10/3/2025 của Hội đồng nhân dân tỉnh",
    "Căn cứ Quyết định số 949/QĐ-BTP ngày 26/4/2018 của Bộ Tư pháp",
    "Căn cứ Luật Công đoàn năm 2024",
    "Theo Luật Công đoàn số 50/2024/QH15 ngày 27/11/2024",
    "Căn cứ Luật Công đoàn số 50/2024/QH15 ngày 27/11/2024 (cần đối chiếu)",
])
def test_a_basis_that_cannot_be_shown_is_refused_and_nothing_saved(db, national_admin, line):
    with pytest.raises(Invalid):
        bases.save_bases(national_admin, bases.COMPLIANCE, f"{bases.LUAT_CONG_DOAN}\n{line}")
    assert bases.bases_of(bases.COMPLIANCE) == list(bases.DEFAULTS[bases.COMPLIANCE])
    with pytest.raises(Invalid):
        bases.save_bases(national_admin, bases.COMPLIANCE, "  \n ")


def test_a_national_admin_changes_the_bases_and_every_new_draft_cites_them(db, world,
                                                                          national_admin):
    new = ("Căn cứ Luật Công đoàn số 50/2024/QH15 ngày 27/11/2024;\n"
           "Căn cứ Hướng dẫn số 726/HD-TLĐ ngày 02/6/2014 của Tổng Liên đoàn Lao động Việt Nam")
    with pytest.raises(Forbidden):  # the province's admin
        bases.save_bases(world.users["admin"], bases.COMPLIANCE, new)
    bases.save_bases(national_admin, bases.COMPLIANCE, new)
    case = supervision_at(world, "delegation_formed")
    assert draft(world, case, "sv_decision").content["bases"][:2] == [
        bases.LUAT_CONG_DOAN, "Căn cứ Hướng dẫn số 726/HD-TLĐ ngày 02/6/2014 của Tổng Liên "
        "đoàn Lao động Việt Nam"]
    change = db.session.scalar(sa.select(bases.LegalBasisChange))
    assert (change.actor_id, change.before) == (national_admin.id,
                                                list(bases.DEFAULTS[bases.COMPLIANCE]))
    bases.reset_bases(national_admin, bases.COMPLIANCE)
    assert bases.bases_of(bases.COMPLIANCE) == list(bases.DEFAULTS[bases.COMPLIANCE])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(
        bases.LegalBasisChange)) == 2


def test_the_admin_page_is_the_national_admins_and_keeps_a_refused_input(db, world, browser,
                                                                        national_admin):
    db.session.commit()
    browser.login("admin")
    assert browser.get("/admin/legal-bases/").status_code == 403
    browser.logout()
    browser.login("national_admin")
    page = browser.get("/admin/legal-bases/").get_data(as_text=True)
    assert "124-QĐ/TW" in page and "217-QĐ/TW" in page
    bad = "Căn cứ Quy định của HĐND tỉnh (ví dụ)"
    response = browser.post(f"/admin/legal-bases/{bases.ETHICS}",
                             {f"{bases.ETHICS}-lines": bad})
    assert response.status_code == 422
    assert bad in response.get_data(as_text=True)
    assert bases.bases_of(bases.ETHICS) == list(bases.DEFAULTS[bases.ETHICS])
    assert browser.post("/admin/legal-bases/unknown", {}).status_code == 404


def test_a_programme_supervision_takes_the_channel_chosen_and_one_from_a_letter_channel_6(
        db, world):
    u = world.users
    item = ProgrammeItem(org_id=world.orgs["a"].id, year=TODAY.year, title="Giám sát việc "
                         "trả lương", subject_name="Công ty TNHH May Việt Hàn")
    db.session.add(item)
    db.session.flush()
    with pytest.raises(Invalid):
        sv.start_programme_item(item, u["handler"], world.orgs["a"])
    assert item.case_id is None
    case = sv.start_programme_item(item, u["handler"], world.orgs["a"], channel="observation")
    assert case.channel == "observation" and case.subject_matter == "việc trả lương"
    letter = make_case(u["intake"], world.orgs["a"], family=LETTER, channel="report")
    assert sv.supervision_from_signal(letter, u["handler"]).channel == "complaint"


# --- B. formal wording ---------------------------------------------------------------------

def test_the_subject_matter_is_prefilled_and_edited_on_the_timeline(db, world):
    u = world.users
    case = make_case(u["intake"], world.orgs["a"], title="Giám sát việc đóng bảo hiểm xã hội")
    assert case.subject_matter == "việc đóng bảo hiểm xã hội"
    assert make_case(u["intake"], world.orgs["a"], title="Giám sát",
                     subject_matter="việc trả lương").subject_matter == "việc trả lương"
    with pytest.raises(Forbidden):
        cases.edit_wording(case, u["delegate"], title=case.title, subject_matter="x")
    with pytest.raises(Invalid):
        cases.edit_wording(case, u["handler"], title="  ", subject_matter="x")
    changes = cases.edit_wording(case, u["handler"], title=case.title,
                                 subject_matter="việc  trích nộp bảo hiểm xã hội năm 2026")
    assert changes == {"subject_matter": ["việc đóng bảo hiểm xã hội",
                                          "việc trích nộp bảo hiểm xã hội năm 2026"]}
    event = db.session.scalar(sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.action == "wording_edited"))
    assert event.data == changes and event.actor_id == u["handler"].id
    assert cases.edit_wording(case, u["handler"], title=case.title,
                              subject_matter=case.subject_matter) == {}


def test_document_titles_are_composed_from_the_subject_matter(db, world):
    case = make_case(world.users["intake"], world.orgs["a"],
                     subject_name="Công ty TNHH May Hồng Lĩnh",
                     title="Giám sát việc thực hiện chính sách bảo hiểm xã hội",
                     received_on=TODAY - timedelta(days=60))
    advance(case, people(world), UP_TO["delegation_formed"], today=TODAY - timedelta(days=50))
    decision = draft(world, case, "sv_decision")
    plan = draft(world, case, "sv_plan")
    assert decision.summary == ("Về việc thành lập Đoàn giám sát việc thực hiện chính sách "
                                "bảo hiểm xã hội")
    assert plan.summary == "Giám sát việc thực hiện chính sách bảo hiểm xã hội"
    for doc in (decision, plan, draft(world, case, "sv_notice")):
        text = f"{doc.summary} {doc.content['body']} {' '.join(doc.content['bases'])}"
        assert "giám sát giám sát" not in text.lower(), text
    cases.edit_wording(case, world.users["handler"], title=case.title,
                       subject_matter="việc trích nộp bảo hiểm xã hội năm 2026")
    assert draft(world, case, "sv_decision").summary == (
        "Về việc thành lập Đoàn giám sát việc trích nộp bảo hiểm xã hội năm 2026")


def test_the_case_page_edits_the_wording_with_csrf_and_scope(db, world, browser):
    case = make_case(world.users["intake"], world.orgs["a"], title="Giám sát việc trả lương")
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="wording-form"' in page and "việc trả lương" in page
    response = browser.post(f"/cases/{case.id}/wording", {
        "version": case.version, "title": "Giám sát việc trả lương năm 2026",
        "subject_matter": "việc trả lương năm 2026"})
    assert response.status_code == 302
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "“việc trả lương” → “việc trả lương năm 2026”" in page
    db.session.expire_all()
    response = browser.post(f"/cases/{case.id}/wording", {
        "version": db.session.get(cases.Case, case.id).version, "title": "",
        "subject_matter": "giữ lại nội dung này"})
    # Refused: back to the case page (post/redirect/get), the typed text kept, nothing saved.
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "giữ lại nội dung này" in page
    db.session.expire_all()
    assert db.session.get(cases.Case, case.id).subject_matter == "việc trả lương năm 2026"
    browser.logout()
    browser.login("delegate")
    assert browser.post(f"/cases/{case.id}/wording", {
        "version": 1, "title": "x", "subject_matter": "y"}).status_code == 403


def test_a_grassroots_union_signs_for_its_executive_committee(db, world):
    u = world.users
    grass = make_case(u["grass_handler"], world.orgs["a_grass"])
    upper = make_case(u["intake"], world.orgs["a"])
    sig = draft(world, grass, "invitation", who="grass_handler").content["signature"]
    assert sig["authority"] == "TM. BAN CHẤP HÀNH"
    assert draft(world, upper, "invitation").content["signature"]["authority"] == (
        "TM. BAN THƯỜNG VỤ")
    letter = log_letter(u["grass_handler"], world.orgs["a_grass"], received_on=TODAY)
    classify(letter, u["grass_handler"])
    content = draft(world, letter, "tc_accept_decision", who="grass_handler").content
    assert content["enacting_authority"] == "Ban Chấp hành Công đoàn cơ sở Công ty Thép Vũng Áng"
    assert content["signature"]["authority"] == "TM. BAN CHẤP HÀNH"


@poppler
def test_minutes_carry_both_sides_and_the_secretary(db, world, tmp_path):
    case = supervision_at(world, "fieldwork")
    text = pdf_text(issued(world, case, "sv_session_minutes").pdf, tmp_path)
    assert_in_order(text, ["ĐẠI DIỆN ĐOÀN GIÁM SÁT ĐẠI DIỆN CÔNG TY TNHH MAY", "TRƯỞNG ĐOÀN",
                           "Người dùng delegate", "THƯ KÝ", "Vũ Thị Mai"])
    assert "Người dùng approver" not in text  # minutes are not signed by an approver


@poppler
def test_a_long_superior_name_prints_its_short_form_on_one_header_line(db, world, tmp_path):
    u = world.users
    zone = create_org("Công đoàn các Khu chế xuất và công nghiệp Thành phố Hồ Chí Minh",
                      "CĐKCX-KCN", "TP. Hồ Chí Minh", 3, world.orgs["b"])
    case = make_case(u["b_handler"], zone)
    doc = services.draft_document(case, u["b_handler"], "invitation")
    lines = pdf_text(services.pdf_of(doc), tmp_path).splitlines()
    # Without a short form the full names take even lines, never one word alone.
    assert "LIÊN ĐOÀN LAO ĐỘNG THÀNH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "MINH" not in lines
    world.orgs["b"].header_name = "LĐLĐ Thành phố Hồ Chí Minh"
    lines = pdf_text(services.pdf_of(doc), tmp_path).splitlines()
    assert "LĐLĐ THÀNH PHỐ HỒ CHÍ MINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "MINH" not in lines


def test_the_receipt_has_one_name_and_one_type_drafted_or_registered(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=TODAY,
                      title="Đơn khiếu nại quyết định kỷ luật")
    classify(case, u["handler"], kind="complaint")
    on_the_fly = letter_documents.build("receipt", case, SENDER)
    registered = draft(world, case, "letter_receipt", who="intake")
    assert (on_the_fly.type_code, on_the_fly.type_name, on_the_fly.summary) == (
        "BB", "Biên bản", "Tiếp nhận đơn")
    assert (registered.type_code, registered.content["type_name"], registered.summary) == (
        "BB", "Biên bản", "Tiếp nhận đơn")
    assert on_the_fly.unit_short == "LĐLĐ"
    assert [c["signer_title"] for c in registered.content["cosigners"]] == [
        "Người gửi đơn", "Người tiếp nhận"]


def test_a_closed_case_keeps_its_wording(db, world):
    case = make_case(world.users["intake"], world.orgs["a"], family=CRITIQUE,
                     title="Phản biện dự thảo Luật Việc làm")
    assert case.subject_matter == "Luật Việc làm"
    case.state = next(s.name for s in case.workflow.states if s.is_terminal)
    with pytest.raises(Conflict):
        cases.edit_wording(case, world.users["handler"], title="x", subject_matter="y")
