"""The case page in the browser: what comes next is on the page before any click, and a step
that closes the case asks first (app/static/confirm.js): dismissing the question leaves the case
as it was, accepting it closes the case."""
from tests.browser.conftest import login, require_browser_deps

require_browser_deps()

from playwright.sync_api import expect

from tests.factories import advance, make_case

QUESTION = "Không thể hoàn tác “Hủy giám sát”: vụ việc sẽ kết thúc. Tiếp tục?"


def test_cancelling_asks_first_and_only_an_accepted_question_closes_the_case(
        page, live_server, db, world):
    u = world.users
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, [u["handler"]], ["classify"])
    db.session.commit()
    login(page, live_server, "approver")
    page.goto(f"{live_server}/cases/{case.id}")

    steps = page.get_by_test_id("next-steps")
    expect(steps).to_contain_text("Bước hiện tại: Đã phân loại")
    plan = steps.locator('[data-step="draft_plan"]')
    expect(plan).to_contain_text("Ai làm tiếp: Cán bộ được phân công xử lý: Người dùng handler")
    expect(plan).to_contain_text("Còn thiếu:")
    expect(plan).to_contain_text("Vui lòng lập kế hoạch")

    form = page.locator('form[data-trigger="cancel"]')
    form.get_by_label("Ý kiến").fill("Đơn vị đã tự khắc phục")
    asked = []

    def dismiss(dialog):
        asked.append((dialog.type, dialog.message))
        dialog.dismiss()

    page.once("dialog", dismiss)
    form.get_by_role("button", name="Hủy giám sát").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đã phân loại")
    assert asked == [("confirm", QUESTION)]
    expect(form.get_by_label("Ý kiến")).to_have_value("Đơn vị đã tự khắc phục")  # not sent
    db.session.expire_all()
    assert case.state == "classified"

    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Hủy giám sát").click()
    expect(page.get_by_test_id("case-state")).to_have_text("Đã hủy")
    expect(page.get_by_test_id("case-closed")).to_have_text(
        "Vụ việc đã kết thúc: không còn bước nào.")
    db.session.expire_all()
    assert case.state == "cancelled"


def test_a_refused_close_comes_back_with_the_reason_and_refreshing_posts_nothing(
        page, live_server, db, world):
    u = world.users
    case = make_case(u["intake"], world.orgs["a"])
    advance(case, [u["intake"], u["handler"], u["approver"], u["delegate"]],
            ["classify", "draft_plan", "approve_plan", "form_delegation", "notify_subject",
             "start_fieldwork", "submit_report", "approve_conclusion", "issue_conclusion"])
    db.session.commit()
    login(page, live_server, "handler")
    page.goto(f"{live_server}/cases/{case.id}")
    expect(page.get_by_test_id("next-steps").locator('[data-step="close"]')).to_contain_text(
        "Còn 2 kiến nghị chưa kết thúc.")

    form = page.locator('form[data-trigger="close"]')
    form.get_by_text("Thêm ý kiến").click()
    form.get_by_label("Ý kiến").fill("Kết thúc theo kế hoạch")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Kết thúc giám sát").click()
    expect(page.get_by_test_id("action-error")).to_have_text("Còn 2 kiến nghị chưa kết thúc.")
    assert page.url == f"{live_server}/cases/{case.id}"  # the page, not the post
    expect(form.get_by_label("Ý kiến")).to_have_value("Kết thúc theo kế hoạch")

    page.reload()  # a GET: no question, no message, no second post
    expect(page.get_by_test_id("case-state")).to_have_text("Theo dõi kiến nghị")
    expect(page.get_by_test_id("action-error")).to_have_count(0)
    db.session.expire_all()
    assert case.state == "following_up"
