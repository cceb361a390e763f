"""The supervision forms open with what the case already says (issue 15): the plan's content
and place, a delegation with exactly one leader offered, a session's and a dialogue's day,
place and participants, the report's addressees; each saved as shown. Two leaders or none are
refused with the message, nothing saved."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.calendar import local_today
from app.supervision.models import (
    DelegationMember,
    DialogueSession,
    SupervisionPlan,
    SupervisionReport,
    WorkingSession,
)
from tests.factories import advance, make_case
from tests.html import confirm_of, input_value, selected, textarea_text

TODAY = local_today()
MATTER = "việc trả tiền làm thêm giờ cho người lao động"
COMPANY = "Công ty TNHH May Việt Hàn"
SUPERIOR = "Ban Quản lý Khu kinh tế tỉnh Hà Tĩnh"
FIELDWORK = ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
             "start_fieldwork"]
ONE_LEADER = "Đoàn giám sát phải có đúng một Trưởng đoàn."


@pytest.fixture
def people(world):
    u = world.users
    return [u["intake"], u["handler"], u["delegate"], u["approver"]]


def _case(world, people, upto=(), **subject):
    subject = {"subject_name": COMPANY, "subject_unit": SUPERIOR, **subject}
    case = make_case(world.users["intake"], world.orgs["a"], subject_matter=MATTER,
                     received_on=TODAY - timedelta(days=60), **subject)
    advance(case, people, list(upto), today=TODAY - timedelta(days=50))
    return case


def _is_today(value: str) -> bool:
    """A date input shows today (as the browser's date input sends it, or dd/mm/yyyy)."""
    return value in (TODAY.isoformat(), TODAY.strftime("%d/%m/%Y"))


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_new_plan_opens_with_the_subject_matter_and_the_subjects_place(
        browser, db, world, people):
    case = _case(world, people, ["classify"])
    browser.login("handler")
    page = browser.get(f"/supervision/{case.id}/plan").get_data(as_text=True)
    assert textarea_text(page, "content") == MATTER
    assert input_value(page, "place") == COMPANY
    assert confirm_of(page, "record-form") is None  # a plan is edited until approved
    response = browser.post(f"/supervision/{case.id}/plan", {
        "purpose": "Bảo đảm quyền lợi của người lao động",
        "content": textarea_text(page, "content"), "place": input_value(page, "place"),
        "starts_on": (TODAY + timedelta(days=20)).isoformat(),
        "ends_on": (TODAY + timedelta(days=22)).isoformat()})
    assert response.status_code == 302
    plan = db.session.scalar(sa.select(SupervisionPlan).where(SupervisionPlan.case_id == case.id))
    assert (plan.content, plan.place) == (MATTER, COMPANY)


def test_a_supervised_persons_plan_takes_place_at_their_unit(browser, db, world, people):
    case = _case(world, people, ["classify"], subject_kind="person",
                 subject_name="Nguyễn Văn Hùng", subject_position="Giám đốc",
                 subject_unit=COMPANY)
    browser.login("handler")
    page = browser.get(f"/supervision/{case.id}/plan").get_data(as_text=True)
    assert input_value(page, "place") == COMPANY


def test_a_saved_plan_is_shown_as_saved_not_prefilled(browser, db, world, people):
    case = _case(world, people, ["classify", "draft_plan"])
    browser.login("handler")
    page = browser.get(f"/supervision/{case.id}/plan").get_data(as_text=True)
    assert textarea_text(page, "content") == "Việc trích nộp bảo hiểm xã hội"  # tests.records
    assert input_value(page, "place") == "Tại đơn vị"


def _delegation_page(browser, case) -> tuple[str, dict]:
    """The delegation page and the form as a browser would post it untouched."""
    page = browser.get(f"/supervision/{case.id}/delegation").get_data(as_text=True)
    rows = sorted({int(n) for n in re.findall(r'name="members-(\d+)-role"', page)})
    data = {}
    for i in rows:
        data[f"members-{i}-user_id"] = (selected(page, f"members-{i}-user_id") or [""])[0]
        data[f"members-{i}-name"] = input_value(page, f"members-{i}-name")
        data[f"members-{i}-position"] = input_value(page, f"members-{i}-position")
        data[f"members-{i}-role"] = selected(page, f"members-{i}-role")[0]
    return page, data


def test_the_delegation_offers_one_leader_then_members_and_saves_them(
        browser, db, world, people):
    u = world.users
    case = _case(world, people, ["classify", "draft_plan", "approve_plan"])
    browser.login("handler")
    page, data = _delegation_page(browser, case)
    assert len([k for k in data if k.endswith("-role")]) == 5
    assert data["members-0-role"] == "leader"
    assert {data[f"members-{i}-role"] for i in range(1, 5)} == {"member"}
    # Members are chosen among the accounts of the case's unit (and above), never another
    # province's.
    assert f'value="{u["delegate"].id}"' in page and f'value="{u["b_handler"].id}"' not in page
    data |= {"members-0-user_id": str(u["delegate"].id), "members-0-position": "Phó Chủ tịch",
             "members-1-user_id": str(u["handler"].id), "members-1-position": "Ủy viên"}
    assert browser.post(f"/supervision/{case.id}/delegation", data).status_code == 302
    members = db.session.scalars(sa.select(DelegationMember).where(
        DelegationMember.case_id == case.id).order_by(DelegationMember.id)).all()
    assert [(m.name, m.role) for m in members] == [
        ("Người dùng delegate", "leader"), ("Người dùng handler", "member")]
    # Named again: the page shows the delegation as saved, the empty rows as members.
    _page, again = _delegation_page(browser, case)
    assert [again[f"members-{i}-role"] for i in range(5)] == [
        "leader", "member", "member", "member", "member"]
    assert again["members-0-user_id"] == str(u["delegate"].id)


def test_a_delegation_larger_than_the_empty_form_is_shown_whole_with_a_row_to_spare(
        browser, db, world, people):
    from app.supervision import services as sv

    case = _case(world, people, ["classify", "draft_plan", "approve_plan"])
    names = [f"Thành viên {i}" for i in range(1, 7)]
    sv.set_delegation(case, world.users["handler"], [
        {"name": name, "position": "", "role": "leader" if i == 0 else "member"}
        for i, name in enumerate(names)])
    browser.login("handler")
    _page, data = _delegation_page(browser, case)
    assert [data[f"members-{i}-name"] for i in range(7)] == [*names, ""]
    assert data["members-6-role"] == "member"
    assert browser.post(f"/supervision/{case.id}/delegation", data).status_code == 302
    assert _count(db, DelegationMember) == 6  # saved again as shown: nobody dropped


@pytest.mark.parametrize("roles", [("member", "member"), ("leader", "leader")],
                         ids=["no leader", "two leaders"])
def test_a_delegation_without_exactly_one_leader_is_refused(browser, db, world, people,
                                                            roles):
    u = world.users
    case = _case(world, people, ["classify", "draft_plan", "approve_plan"])
    browser.login("handler")
    _page, data = _delegation_page(browser, case)
    data |= {"members-0-user_id": str(u["delegate"].id), "members-0-role": roles[0],
             "members-1-name": "Trần Văn Lực", "members-1-role": roles[1]}
    response = browser.post(f"/supervision/{case.id}/delegation", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert ONE_LEADER in page
    assert 'value="Trần Văn Lực"' in page  # what was typed stays
    assert _count(db, DelegationMember) == 0


def test_a_working_session_opens_today_at_the_plans_place_with_who_takes_part(
        browser, db, world, people):
    case = _case(world, people, FIELDWORK)
    browser.login("handler")
    page = browser.get(f"/supervision/{case.id}/sessions").get_data(as_text=True)
    assert _is_today(input_value(page, "held_on"))
    assert input_value(page, "place") == "Tại đơn vị"  # the plan's (tests.records)
    participants = textarea_text(page, "participants").splitlines()
    assert participants == ["Người dùng delegate, Phó Chủ tịch", "Người dùng handler, Ủy viên",
                            "Vũ Thị Mai, Cán bộ", COMPANY]
    response = browser.post(f"/supervision/{case.id}/sessions", {
        "held_on": input_value(page, "held_on"), "place": input_value(page, "place"),
        "participants": textarea_text(page, "participants"),
        "minutes": "Công ty báo cáo việc trả tiền làm thêm giờ."})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(WorkingSession))
    assert (session.held_on, session.place) == (TODAY, "Tại đơn vị")
    assert session.participants.splitlines() == participants


def test_a_dialogue_opens_today_with_the_supervised_person_and_the_matter(
        browser, db, world, people):
    case = _case(world, people, ["classify", "start_dialogue"], subject_kind="person",
                 subject_name="Nguyễn Văn Hùng", subject_position="Giám đốc",
                 subject_unit=COMPANY)
    browser.login("handler")
    page = browser.get(f"/supervision/{case.id}/dialogues").get_data(as_text=True)
    assert _is_today(input_value(page, "held_on"))
    assert textarea_text(page, "other_side") == "Nguyễn Văn Hùng, Giám đốc"
    assert textarea_text(page, "agenda") == MATTER
    response = browser.post(f"/supervision/{case.id}/dialogues", {
        "kind": selected(page, "kind")[0] if selected(page, "kind") else "on_request",
        "held_on": input_value(page, "held_on"), "union_side": "Người dùng handler",
        "other_side": textarea_text(page, "other_side"),
        "agenda": textarea_text(page, "agenda"), "agreed": "", "not_agreed": ""})
    assert response.status_code == 302
    dialogue = db.session.scalar(sa.select(DialogueSession))
    assert (dialogue.held_on, dialogue.other_side, dialogue.agenda) == (
        TODAY, "Nguyễn Văn Hùng, Giám đốc", MATTER)


def test_the_reports_recommendations_are_addressed_to_the_subject_and_its_superior(
        browser, db, world, people):
    case = _case(world, people, FIELDWORK)
    browser.login("handler")
    page = browser.get(f"/supervision/{case.id}/report").get_data(as_text=True)
    for i in range(3):
        assert input_value(page, f"recommendations-{i}-addressee") == COMPANY
        assert input_value(page, f"recommendations-{i}-superior") == SUPERIOR
    data = {f"recommendations-{i}-{k}": input_value(page, f"recommendations-{i}-{k}")
            for i in range(3) for k in ("addressee", "superior")}
    data |= {"findings-0-item": "Trả tiền làm thêm giờ",
             "findings-0-shortcomings": "Trả chậm hai tháng",
             "recommendations-0-text": "Trả đủ tiền làm thêm giờ tháng 9 và 10",
             "conclusion": "Công ty cần khắc phục trong tháng 12."}
    assert browser.post(f"/supervision/{case.id}/report", data).status_code == 302
    report = db.session.scalar(sa.select(SupervisionReport))
    # The prefilled rows without a recommendation's text are not saved.
    assert report.recommendations == [{"addressee": COMPANY, "superior": SUPERIOR,
                                       "text": "Trả đủ tiền làm thêm giờ tháng 9 và 10"}]
