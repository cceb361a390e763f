"""End to end through the foundation as users see it, in Vietnamese, in a real Chromium."""
import re

import sqlalchemy as sa

from tests.browser.conftest import PASSWORD, login, require_browser_deps

require_browser_deps()

from playwright.sync_api import Page, expect

TITLE = "Đơn khiếu nại việc nợ lương của Công ty Giày Hưng Thịnh"
SUBJECT = "Công ty TNHH Giày Hưng Thịnh"
COMMENT = "Đúng thẩm quyền, chuyển thụ lý theo Luật Khiếu nại"


def _menu(page: Page):
    return page.get_by_role("navigation", name="Menu chính")


def _log_a_letter(page: Page) -> tuple[str, str]:
    """The intake officer logs a complaint from the home page (a letter is logged only through
    the letters intake, never the generic case form); returns (case URL, code)."""
    _menu(page).get_by_role("link", name="Việc của tôi").click()
    page.get_by_test_id("log-letter").click()
    expect(page.get_by_role("heading", name="Tiếp nhận đơn thư")).to_be_visible()
    unit = page.get_by_label("Đơn vị tiếp nhận")
    expect(unit.locator("option", has_text="Hồ Chí Minh")).to_have_count(0)  # only my units
    province = unit.locator("option", has_text="Liên đoàn Lao động tỉnh Hà Tĩnh")
    unit.select_option(province.get_attribute("value"))
    page.get_by_label("Kênh tiếp nhận").select_option(
        label="Báo cáo, phản ánh của công đoàn cấp dưới, đoàn viên, người lao động")
    page.get_by_label("Hình thức tiếp nhận").select_option(label="Trực tiếp")
    page.get_by_label("Tiêu đề", exact=True).fill(TITLE)
    page.get_by_label("Nội dung", exact=True).fill(
        "Người lao động phản ánh công ty chậm trả lương ba tháng liền.")
    page.get_by_label("Đơn đề cập đến").select_option(label="Tổ chức, cơ quan, doanh nghiệp")
    page.get_by_label("Tên cá nhân, tổ chức bị khiếu nại, tố cáo, phản ánh").fill(SUBJECT)
    page.get_by_label("Họ và tên người gửi", exact=False).fill("Lê Văn Lao Động")
    page.get_by_role("button", name="Ghi nhận đơn").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_test_id("case-state")).to_have_text("Tiếp nhận")
    flash = page.get_by_role("alert").filter(has_text="Đã tiếp nhận đơn")
    code = re.search(r"DT-\d{4}-\d{6}", flash.inner_text()).group(0)
    expect(page.get_by_text(code).first).to_be_visible()
    return page.url, code


def test_a_letter_is_logged_found_classified_and_kept_in_its_province(new_page, live_server,
                                                                       db, world):
    # 1. The intake officer logs a complaint.
    intake = new_page()
    login(intake, live_server, "intake")
    case_url, code = _log_a_letter(intake)

    # 2. The handler finds it by a search typed without diacritics and opens it.
    handler = new_page()
    login(handler, live_server, "handler")
    _menu(handler).get_by_role("button", name="Vụ việc và đơn thư").click()
    _menu(handler).get_by_role("link", name="Vụ việc", exact=True).click()
    search = handler.get_by_role("search")
    search.get_by_label("Tìm kiếm").fill("no luong giay hung thinh")
    search.get_by_role("button", name="Lọc").click()
    expect(handler.locator("table.case-table tbody tr")).to_have_count(1)
    handler.get_by_role("link", name=code).click()
    expect(handler).to_have_url(case_url)

    # Only what a handler may do on a fresh letter: classify it, merge it with a duplicate or
    # record a withdrawal.
    action_forms = handler.locator("form[data-trigger]")
    expect(action_forms.get_by_role("button")).to_have_text(
        ["Phân loại đơn", "Rút đơn", "Gộp với đơn trùng"])
    expect(handler.get_by_role("button", name="Thụ lý")).to_have_count(0)

    # 3. The handler classifies it on the letter's classification page, with a comment.
    handler.get_by_role("link", name="Phân loại đơn").click()
    handler.get_by_label("Loại đơn").select_option(label="Khiếu nại")
    handler.get_by_label("Đủ điều kiện xử lý").select_option(label="Có")
    handler.get_by_label("Thuộc thẩm quyền của tổ chức công đoàn").select_option(label="Có")
    handler.get_by_label("Ý kiến").fill(COMMENT)
    handler.get_by_role("button", name="Lưu", exact=True).click()
    expect(handler).to_have_url(case_url)
    expect(handler.get_by_role("alert")).to_contain_text("Đã lưu kết quả phân loại đơn")
    expect(handler.get_by_test_id("case-state")).to_have_text("Đã phân loại")
    timeline = handler.get_by_test_id("timeline")
    # Logged, classified, and the letter's deadline recomputed for its classification.
    expect(timeline.get_by_role("listitem")).to_have_count(3)
    expect(timeline.get_by_role("listitem").last).to_contain_text("Tính lại thời hạn")
    latest = timeline.get_by_role("listitem").nth(1)
    expect(latest).to_contain_text("Phân loại đơn")
    expect(latest).to_contain_text("Đã phân loại")
    expect(latest).to_contain_text(COMMENT)
    expect(latest).to_contain_text("Người dùng handler")

    # 4. A handler of the other province gets the 404 page for that URL.
    other = new_page()
    login(other, live_server, "b_handler")
    response = other.goto(case_url)
    assert response.status == 404
    expect(other.get_by_role("heading", level=1)).to_contain_text("Không tìm thấy")
    expect(other.get_by_text(TITLE)).to_have_count(0)

    # 5. Switching to English shows English labels on the same page.
    handler.get_by_role("button", name="English").click()
    expect(handler).to_have_url(case_url)
    expect(handler.locator("html")).to_have_attribute("lang", "en")
    english_menu = handler.get_by_role("navigation", name="Main menu")
    english_menu.get_by_role("button", name="Cases and letters").click()
    expect(english_menu.get_by_role("link", name="Cases", exact=True)).to_be_visible()
    expect(english_menu.get_by_role("link", name="Log a case")).to_be_visible()
    expect(handler.get_by_role("heading", name="Timeline")).to_be_visible()
    expect(handler.get_by_test_id("case-state")).to_have_text("Classified")
    expect(handler.get_by_role("button", name="Log out")).to_be_visible()

    # What the browser did is in the test's database.
    from app.cases.models import Case

    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.code == code))
    assert (case.family, case.kind, case.state, case.title) == (
        "letter", "complaint", "classified", TITLE)


def test_login_form_can_be_completed_with_the_keyboard(page, live_server, world):
    page.goto("/login")
    username = page.get_by_label("Tên đăng nhập", exact=True)
    expect(username).to_be_focused()  # autofocus
    page.keyboard.type("handler")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Mật khẩu", exact=True)).to_be_focused()
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server}/")
    expect(page.get_by_test_id("whoami")).to_contain_text("Người dùng handler")
    expect(page.get_by_role("heading", name="Việc của tôi")).to_be_visible()
