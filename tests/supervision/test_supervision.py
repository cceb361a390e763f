"""Supervision from plan to closing: the records, the rules and every refusal (issue 3)."""
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.errors import Conflict, Forbidden, Invalid
from app.core.uploads import Upload
from app.supervision import services as sv
from app.supervision.models import DelegationMember, SupervisionPlan, SupervisionReport
from tests.factories import advance, issue_for, make_case

TODAY = local_today()


@pytest.fixture
def people(world):
    u = world.users
    return [u["intake"], u["handler"], u["delegate"], u["approver"]]


def _case(world, people, upto=()):
    case = make_case(world.users["intake"], world.orgs["a"],
                     received_on=TODAY - timedelta(days=60))
    advance(case, people, list(upto), today=TODAY - timedelta(days=50))
    return case


def test_plan_with_dates_out_of_order_is_refused_and_nothing_saved(db, world, people):
    case = _case(world, people, ["classify"])
    db.session.commit()
    with pytest.raises(Invalid) as info:
        sv.save_plan(case, world.users["handler"], purpose="Mục đích", content="Nội dung",
                     form="", place="", starts_on=TODAY, ends_on=TODAY - timedelta(days=1),
                     subject_preparation="")
    assert info.value.field == "ends_on"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SupervisionPlan)) == 0


def test_plan_cannot_be_drafted_without_content_and_is_frozen_after_approval(db, world, people):
    case = _case(world, people, ["classify"])
    with pytest.raises(Invalid):
        transition_case(case, "draft_plan", world.users["handler"])
    advance(case, people, ["draft_plan", "approve_plan"])
    with pytest.raises(Conflict):
        sv.save_plan(case, world.users["handler"], purpose="Khác", content="Khác", form="",
                     place="", starts_on=None, ends_on=None, subject_preparation="")


def test_delegation_without_a_leader_is_refused(db, world, people):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan"])
    db.session.commit()
    with pytest.raises(Invalid) as info:
        sv.set_delegation(case, world.users["handler"], [
            {"user_id": world.users["delegate"].id, "name": "", "position": "", "role": "member"}])
    assert "trưởng đoàn" in info.value.message.lower()
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DelegationMember)) == 0
    with pytest.raises(Invalid):
        transition_case(case, "form_delegation", world.users["approver"])


def test_only_named_delegation_members_act_for_the_delegation(db, world, people):
    from app.auth.models import RoleAssignment

    outsider = world.users["handler2"]
    outsider.roles.append(RoleAssignment(role="delegation_member", org=world.orgs["a"]))
    case = _case(world, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                                 "notify_subject"])
    with pytest.raises(Forbidden):
        transition_case(case, "start_fieldwork", outsider, today=TODAY + timedelta(days=30))
    members = {m.user_id for m in db.session.scalars(sa.select(DelegationMember))}
    assert world.users["delegate"].id in members and outsider.id not in members


def test_fieldwork_before_the_notice_period_is_refused_with_the_earliest_date(db, world, people):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan", "form_delegation"])
    notified = TODAY - timedelta(days=10)
    issue_for(case, "notify_subject", world.users["approver"])
    transition_case(case, "notify_subject", world.users["intake"], today=notified)
    db.session.commit()
    earliest = notified + timedelta(days=15)
    with pytest.raises(Invalid) as info:
        transition_case(case, "start_fieldwork", world.users["delegate"], today=TODAY)
    assert earliest.strftime("%d/%m/%Y") in info.value.message
    assert "15" in info.value.message
    transition_case(case, "start_fieldwork", world.users["delegate"], today=earliest)
    assert case.state == "fieldwork"
    # The draft report is due 7 days after fieldwork starts.
    assert case.due_rule == "supervision.draft_report"


def test_the_case_page_gives_the_first_fieldwork_day_only_while_fieldwork_is_awaited(
        db, world, people, browser):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan", "form_delegation"])
    notified = TODAY - timedelta(days=20)
    issue_for(case, "notify_subject", world.users["approver"])
    transition_case(case, "notify_subject", world.users["intake"], today=notified)
    db.session.commit()
    browser.login("handler")
    earliest = (notified + timedelta(days=15)).strftime("%d/%m/%Y")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="earliest-fieldwork"' in page and earliest in page
    transition_case(case, "start_fieldwork", world.users["delegate"], today=TODAY)
    db.session.commit()
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="earliest-fieldwork"' not in page


def test_notice_period_is_configurable(app, db, world, people):
    app.config["SUPERVISION_NOTICE_DAYS"] = 5
    try:
        case = _case(world, people, ["classify", "draft_plan", "approve_plan",
                                     "form_delegation"])
        issue_for(case, "notify_subject", world.users["approver"])
        transition_case(case, "notify_subject", world.users["intake"],
                        today=TODAY - timedelta(days=6))
        transition_case(case, "start_fieldwork", world.users["delegate"], today=TODAY)
        assert case.state == "fieldwork"
    finally:
        app.config["SUPERVISION_NOTICE_DAYS"] = 15


def test_working_session_with_attachment_and_date_checks(db, world, people):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                                 "notify_subject", "start_fieldwork"])
    db.session.commit()
    with pytest.raises(Invalid):
        sv.record_working_session(case, world.users["delegate"], held_on=TODAY + timedelta(1),
                                  place="", participants="", minutes="Biên bản",
                                  documents_received="")
    with pytest.raises(Invalid):
        sv.record_working_session(case, world.users["delegate"], held_on=TODAY, place="",
                                  participants="", minutes="Biên bản", documents_received="",
                                  files=[Upload("virus.exe", b"MZ")])
    db.session.rollback()
    case = db.session.get(Case, case.id)
    session = sv.record_working_session(
        case, world.users["delegate"], held_on=TODAY, place="Phòng họp",
        participants="Đoàn giám sát; Giám đốc công ty", minutes="Công ty báo cáo tình hình",
        documents_received="Bảng kê BHXH", files=[Upload("bang-ke.pdf", b"%PDF-1")])
    assert session.id and session.minutes == "Công ty báo cáo tình hình"


def test_workplace_dialogue_needs_three_people_per_side(db, world, people):
    case = _case(world, people, ["classify", "start_dialogue"])
    with pytest.raises(Invalid) as info:
        sv.record_dialogue(case, world.users["handler"], kind="on_request", held_on=TODAY,
                           union_side="A\nB", other_side="C\nD\nE", agenda="Tiền lương",
                           agreed="", not_agreed="")
    assert "3" in info.value.message
    d = sv.record_dialogue(case, world.users["handler"], kind="on_request", held_on=TODAY,
                           union_side="A\nB\nC", other_side="D\nE\nF", agenda="Tiền lương",
                           agreed="Tăng lương", not_agreed="Thưởng Tết")
    assert (d.agreed, d.not_agreed) == ("Tăng lương", "Thưởng Tết")


def test_report_is_frozen_on_approval_and_a_change_makes_a_new_version(db, world, people):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                                 "notify_subject", "start_fieldwork", "submit_report"])
    db.session.commit()
    with pytest.raises(Invalid):  # the author may not approve their own draft
        from app.auth.models import RoleAssignment

        author = world.users["delegate"]
        author.roles.append(RoleAssignment(role="approver", org=world.orgs["a"]))
        transition_case(case, "approve_conclusion", author)
    db.session.rollback()
    case = db.session.get(Case, case.id)
    transition_case(case, "return_report", world.users["approver"], comment="Bổ sung số liệu")
    v1 = db.session.scalar(sa.select(SupervisionReport))
    assert v1.version == 1 and not v1.is_frozen
    advance(case, people, ["submit_report", "approve_conclusion"])
    v1 = db.session.scalar(sa.select(SupervisionReport).where(SupervisionReport.version == 1))
    assert v1.is_frozen and v1.approved_by_id == world.users["approver"].id
    with pytest.raises(Conflict):  # concluded: no more edits
        sv.save_report(case, world.users["delegate"], findings=[{"item": "x"}],
                       recommendations=[], conclusion="Sửa sau khi duyệt")


def test_ethics_result_goes_to_the_party_committee(db, world, people):
    case = make_case(world.users["intake"], world.orgs["a"], kind="ethics",
                     subject_kind="person", subject_name="Nguyễn Văn Khang",
                     subject_category="head", subject_party_committee="Đảng ủy Khối Doanh nghiệp",
                     received_on=TODAY - timedelta(days=60))
    advance(case, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                           "notify_subject", "start_fieldwork", "submit_report",
                           "approve_conclusion", "issue_conclusion"],
            today=TODAY - timedelta(days=50))
    for rec in case.children:
        advance(rec, people, ["record_implemented", "close"])
    transition_case(case, "close", world.users["handler"],
                    context={"propose_discipline": True})
    last = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)
                              .order_by(CaseEvent.id.desc())).first()
    assert last.data == {"result_sent_to": "Đảng ủy Khối Doanh nghiệp",
                         "propose_discipline": True}


def test_signal_becomes_a_linked_supervision(db, world):
    letter = make_case(world.users["intake"], world.orgs["a"], family="letter",
                       channel="complaint", title="Đơn phản ánh nợ lương")
    case = sv.supervision_from_signal(letter, world.users["handler"])
    assert (case.family, case.channel, case.parent_id, case.title) == (
        "supervision", "complaint", letter.id, "Đơn phản ánh nợ lương")


def test_programme_lists_planned_supervisions_and_which_started(browser, db, world):
    browser.login("handler")
    r = browser.post("/supervision/programme", {
        "org_id": world.orgs["a"].id, "year": TODAY.year, "title": "Giám sát an toàn lao động",
        "subject_name": "Công ty Thép", "planned_quarter": 2})
    assert r.status_code == 302
    page = browser.get(f"/supervision/programme?year={TODAY.year}").get_data(as_text=True)
    assert "Giám sát an toàn lao động" in page and "Chưa triển khai" in page
    item_id = re.search(r'/supervision/programme/(\d+)/start', page).group(1)
    r = browser.post(f"/supervision/programme/{item_id}/start")  # no channel chosen
    assert r.status_code == 303 and db.session.scalar(sa.select(Case)) is None
    page = browser.get(f"/supervision/programme?year={TODAY.year}").get_data(as_text=True)
    assert "Chưa triển khai" in page
    r = browser.post(f"/supervision/programme/{item_id}/start", {"channel": "report"})
    assert r.status_code == 302
    page = browser.get(f"/supervision/programme?year={TODAY.year}").get_data(as_text=True)
    assert "GS-" in page and "Chưa triển khai" not in page
    case = db.session.scalar(sa.select(Case))
    assert (case.kind, case.title, case.channel, case.subject_matter) == (
        "thematic", "Giám sát an toàn lao động", "report", "an toàn lao động")


def test_plan_form_refuses_bad_dates_with_a_message_and_keeps_input(browser, db, world,
                                                                     people):
    case = _case(world, people, ["classify"])
    db.session.commit()
    browser.login("handler")
    r = browser.post(f"/supervision/{case.id}/plan", {
        "purpose": "Mục đích giám sát", "content": "Nội dung", "starts_on": "2026-12-10",
        "ends_on": "2026-12-01"})
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert "Mục đích giám sát" in html and "trước ngày bắt đầu" in html
    assert browser.get(f"/supervision/{case.id}/plan").status_code == 200
    browser.logout()
    browser.login("b_handler")
    assert browser.get(f"/supervision/{case.id}/plan").status_code == 404


def test_attachment_download_is_scoped(browser, db, world, people):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan", "form_delegation",
                                 "notify_subject", "start_fieldwork"])
    db.session.commit()
    browser.login("delegate")
    r = browser.post(f"/supervision/{case.id}/sessions", {
        "held_on": TODAY.isoformat(), "minutes": "Biên bản làm việc",
        "files": (io.BytesIO(b"%PDF-1.4 noi dung"), "bien-ban.pdf")},
        content_type="multipart/form-data")
    assert r.status_code == 302
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    url = re.search(r'href="(/supervision/\d+/attachments/\d+)"', page).group(1)
    assert browser.get(url).data == b"%PDF-1.4 noi dung"
    browser.logout()
    browser.login("b_handler")
    assert browser.get(url).status_code == 404


def test_home_and_unit_pages_show_the_work_waiting(browser, db, world, people):
    u, o = world.users, world.orgs
    for_approval = _case(world, people, ["classify", "draft_plan"])
    notice_due = _case(world, people, ["classify", "draft_plan", "approve_plan",
                                       "form_delegation"])
    rec = make_case(u["handler"], o["a_grass"], family="recommendation",
                    received_on=TODAY - timedelta(days=40), subject_name="Công ty Thép")
    db.session.commit()
    browser.login("approver")
    page = browser.get("/").get_data(as_text=True)
    approvals = page[page.index('data-testid="summary-approvals"'):]
    assert for_approval.code in approvals[:approvals.index("</ul>")]
    browser.logout()
    browser.login("handler")
    page = browser.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="count-approvals">0<', page)  # handlers approve nothing
    assert re.search(r'data-testid="count-notices">1<', page) and notice_due.code in page
    assert re.search(r'data-testid="count-overdue_recommendations">1<', page)
    unit_page = browser.get(f"/units/{o['a_zone'].id}").get_data(as_text=True)
    assert rec.code in unit_page and notice_due.code not in unit_page
    browser.logout()
    browser.login("b_handler")
    assert browser.get(f"/units/{o['a'].id}").status_code == 404


def test_recommendation_reply_days_come_from_the_configuration(app, db, world):
    # Received Monday 02/03/2026 + 10 days = Thursday 12/03/2026 (a working day).
    app.config["RECOMMENDATION_REPLY_DAYS"] = 10
    try:
        rec = make_case(world.users["handler"], world.orgs["a"], family="recommendation",
                        received_on=date(2026, 3, 2))
    finally:
        app.config["RECOMMENDATION_REPLY_DAYS"] = 20
    assert rec.due_on == date(2026, 3, 12)


@pytest.mark.parametrize("username, shown", [
    ("handler", True), ("approver", False), ("auditor", False), ("delegate", False)])
def test_the_plan_button_shows_exactly_when_the_service_would_save(browser, db, world, people,
                                                                   username, shown):
    """The button and the check are one rule (sv.can_edit: the role, and the states the
    workflow opens the plan in): a user who sees no button is refused by the service."""
    case = _case(world, people, ["classify"])
    db.session.commit()
    browser.login(username)
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert (f"/supervision/{case.id}/plan" in page) is shown
    assert sv.can_edit(world.users[username], case, "plan") is shown
    if not shown:
        with pytest.raises(Forbidden):
            sv.save_plan(case, world.users[username], purpose="Mục đích", content="Nội dung",
                         form="", place="", starts_on=None, ends_on=None,
                         subject_preparation="")


def test_the_plan_button_goes_when_the_workflow_closes_the_plan(browser, db, world, people):
    case = _case(world, people, ["classify", "draft_plan", "approve_plan"])
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/supervision/{case.id}/plan" not in page
    with pytest.raises(Conflict):
        sv.save_plan(case, world.users["handler"], purpose="Mục đích", content="Nội dung",
                     form="", place="", starts_on=None, ends_on=None, subject_preparation="")
