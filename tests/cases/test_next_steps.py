"""The case page says what comes next before anyone clicks (the current step, who takes each
step, what it still needs), a refused step comes back to the page with the reason and what was
typed (post/redirect/get), and the steps that close a case ask for confirmation."""
from __future__ import annotations

import html
import random
import re

import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.core.calendar import local_today
from app.identity import services as identity
from tests.factories import advance, make_case
from tests.letters.conftest import classify, log_letter
from tests.perf.conftest import count_statements  # noqa: F401, F811  (the fixture)
from tests.records import prepare_records

PLAN_MISSING = "Vui lòng lập kế hoạch (mục đích, nội dung, ngày bắt đầu và ngày kết thúc) trước."
HANDLER_ROLE = "Cán bộ được phân công xử lý"


def _page(browser, case) -> str:
    response = browser.get(f"/cases/{case.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _next_steps(page: str) -> str:
    match = re.search(r'<section[^>]*data-testid="next-steps".*?</section>', page, re.S)
    assert match, "no next steps on the page"
    return match.group(0)


def _step(page: str, trigger: str) -> str:
    """The next-steps entry of `trigger`: from its item up to the next step's."""
    section = _next_steps(page)
    match = re.search(rf'data-step="{trigger}".*?(?=data-testid="next-step"|</section>)',
                      section, re.S)
    assert match, f"no next step {trigger}: {section}"
    return match.group(0)


def _events(db, case) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent)
                             .where(CaseEvent.case_id == case.id))


def _classified(world):
    case = make_case(world.users["intake"], world.orgs["a"])
    advance(case, [world.users["handler"]], ["classify"])
    return case


def test_a_missing_plan_is_said_under_its_step_before_any_click_and_gone_once_written(
        browser, db, world):
    case = _classified(world)
    db.session.commit()
    browser.login("handler")
    page = _page(browser, case)
    assert "Bước hiện tại: Đã phân loại" in re.sub(r"<[^>]+>", "", _next_steps(page))
    step = _step(page, "draft_plan")
    assert "Lập kế hoạch giám sát" in step
    assert "Còn thiếu:" in step and PLAN_MISSING in step
    assert 'data-ready="no"' in step
    assert "Bạn có thể thực hiện bước này khi đã đủ điều kiện." in step
    # The steps with nothing missing say so; the approver's own steps are listed to the
    # handler too, with who takes them.
    assert "Đã đủ điều kiện." in _step(page, "start_dialogue")
    cancel = _step(page, "cancel")
    assert "Vai trò của bạn không thực hiện bước này." in cancel
    assert "Lãnh đạo / Ban Thường vụ (phê duyệt)" in cancel

    prepare_records(case, "draft_plan", [world.users["handler"]], local_today())
    db.session.commit()
    step = _step(_page(browser, case), "draft_plan")
    assert PLAN_MISSING not in step and "Còn thiếu:" not in step
    assert 'data-ready="yes"' in step and "Bạn có thể thực hiện bước này ngay." in step


def test_who_acts_next_names_the_role_and_the_people(browser, db, world):
    u = world.users
    case = _classified(world)
    db.session.commit()
    browser.login("intake")
    step = _step(_page(browser, case), "draft_plan")
    assert "Ai làm tiếp:" in step
    # Nobody named yet: the holders of the role in the case's unit.
    assert f"{HANDLER_ROLE}: Người dùng handler, Người dùng handler2" in step
    assert "Người dùng grass_handler" not in step  # a unit below cannot act on it

    identity.add_handler(case, u["approver"], u["handler2"])
    db.session.commit()
    step = _step(_page(browser, case), "draft_plan")
    assert f"{HANDLER_ROLE}: Người dùng handler2 (được giao trong vụ việc này)" in step
    assert "Người dùng handler," not in step

    # An approval: the approvers of the case's own unit, not the national one above it.
    advance(case, [u["handler"]], ["draft_plan"])
    db.session.commit()
    step = _step(_page(browser, case), "approve_plan")
    assert "Người dùng approver, Người dùng approver2" in step
    assert "Người dùng top_approver" not in step


def test_the_delegation_member_named_on_the_case_is_who_starts_fieldwork(browser, db, world):
    u = world.users
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, [u["intake"], u["handler"], u["approver"], u["delegate"]],
            ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject"])
    db.session.commit()
    browser.login("handler")
    page = _page(browser, case)
    step = _step(page, "start_fieldwork")
    assert ("Thành viên đoàn giám sát: Người dùng delegate (được giao trong vụ việc này)"
            in step)
    # The notice period: the day fieldwork may start, before anyone tries.
    assert "sớm nhất từ ngày" in step


def test_the_people_of_every_step_are_read_in_one_statement(browser, db, world,
                                                            count_statements):  # noqa: F811
    case = _classified(world)
    db.session.commit()
    browser.login("handler")
    with count_statements() as log:
        page = _page(browser, case)
    assert page.count('data-testid="next-step"') == 4  # dialogue, plan, postpone, cancel
    assert sum("row_number" in s.lower() for s in log.statements) == 1, log.report()


def test_a_closed_case_says_so(browser, db, world):
    u = world.users
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, [u["approver"]], ["cancel"])
    db.session.commit()
    browser.login("handler")
    section = _next_steps(_page(browser, case))
    assert "Vụ việc đã kết thúc: không còn bước nào." in section
    assert 'data-testid="next-step"' not in section


def test_a_step_of_its_own_form_links_to_that_form(browser, db, world):
    case = log_letter(world.users["intake"], world.orgs["a"])
    classify(case, world.users["handler"], kind="complaint")
    db.session.commit()
    browser.login("handler")
    step = _step(_page(browser, case), "accept")
    assert f'href="/letters/{case.id}/accept"' in step
    assert "Mở biểu mẫu của bước này" in step


def test_a_refused_step_comes_back_to_the_page_with_the_reason_and_the_comment(
        browser, db, world):
    case = _classified(world)
    db.session.commit()
    events = _events(db, case)
    browser.login("handler")
    comment = "Đã trao đổi với Ban giám đốc về lịch làm việc"
    response = browser.post(f"/cases/{case.id}/actions/draft_plan",
                            {"version": case.version, "comment": comment})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "classified"
    assert _events(db, case) == events

    page = _page(browser, case)
    flashed = re.search(r'<div[^>]*data-testid="action-error">(.*?)</div>', page, re.S)
    assert flashed and flashed.group(1).strip() == PLAN_MISSING  # the reason shown before
    form = re.search(r'<form[^>]*data-trigger="draft_plan".*?</form>', page, re.S).group(0)
    assert re.search(rf"<textarea[^>]*>\s*{comment}</textarea>", form)
    assert "<details open>" in form

    again = _page(browser, case)  # refreshing: no message, nothing typed, nothing posted
    assert PLAN_MISSING not in again.split('data-testid="next-steps"')[0]
    assert comment not in again
    db.session.expire_all()
    assert _events(db, case) == events


def test_a_missing_reason_is_marked_on_the_field_after_the_redirect(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("approver")
    response = browser.post(f"/cases/{case.id}/actions/cancel", {"version": case.version})
    assert response.status_code == 303
    page = _page(browser, case)
    form = re.search(r'<form[^>]*data-trigger="cancel".*?</form>', page, re.S).group(0)
    assert "is-invalid" in form and "Vui lòng nêu lý do" in form
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "received"


def test_the_close_of_an_ethics_supervision_keeps_the_discipline_box_and_asks_first(
        browser, db, world):
    u = world.users
    case = make_case(u["intake"], world.orgs["a"], kind="ethics",
                     subject_party_committee="Đảng ủy Khối doanh nghiệp tỉnh")
    advance(case, [u["intake"], u["handler"], u["approver"], u["delegate"]],
            ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
             "start_fieldwork", "submit_report", "approve_conclusion", "issue_conclusion"])
    db.session.commit()
    browser.login("handler")
    page = _page(browser, case)
    assert "Còn 2 kiến nghị chưa kết thúc." in _step(page, "close")
    form = re.search(r'<form[^>]*data-trigger="close"[^>]*>', page).group(0)
    assert 'data-confirm="Không thể hoàn tác “Kết thúc giám sát”' in form

    response = browser.post(f"/cases/{case.id}/actions/close",
                            {"version": case.version, "propose_discipline": "y"})
    assert response.status_code == 303
    page = _page(browser, case)
    assert "Còn 2 kiến nghị chưa kết thúc." in page.split('data-testid="next-steps"')[0]
    box = re.search(r'<input[^>]*id="close-discipline"[^>]*>', page).group(0)
    assert "checked" in box
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "following_up"


def test_only_the_steps_that_close_the_case_ask_for_confirmation(browser, db, world):
    case = _classified(world)
    db.session.commit()
    browser.login("approver")
    page = _page(browser, case)
    confirming = re.findall(r'<form[^>]*data-trigger="(\w+)"[^>]*data-confirm=', page)
    assert confirming == ["cancel"]
    assert "<script" in page and "/static/confirm.js" in page


def test_input_too_long_for_the_session_is_kept_on_the_page_it_was_typed_on(
        browser, db, world):
    case = _classified(world)
    db.session.commit()
    browser.login("handler")
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệóòỏõọốồổỗộớờởỡợ"
    rng = random.Random(15)  # text that compresses little, as typed prose would not fit
    comment = "".join(rng.choice(letters) for _ in range(4500))
    response = browser.post(f"/cases/{case.id}/actions/draft_plan",
                            {"version": case.version, "comment": comment})
    assert response.status_code == 422
    text = html.unescape(response.get_data(as_text=True))
    assert comment in text and PLAN_MISSING in text
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "classified"


def test_a_refused_wording_comes_back_with_what_was_typed(browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("handler")
    response = browser.post(f"/cases/{case.id}/wording", {
        "version": case.version, "title": "   ", "subject_matter": "việc trả lương tháng 13"})
    assert response.status_code == 303
    page = _page(browser, case)
    form = re.search(r'<details class="mb-3" open>.*?</details>', page, re.S).group(0)
    assert 'value="việc trả lương tháng 13"' in form
    assert 'data-testid="action-error">Vui lòng nhập thông tin này.</div>' in page
    assert re.search(r'<input class="form-control is-invalid" id="title"', form)
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Giám sát việc đóng bảo hiểm xã hội"
    assert "việc trả lương tháng 13" not in _page(browser, case)
