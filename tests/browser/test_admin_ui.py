"""An administrator at work in a real Chromium, in Vietnamese: a new user with a role, their
password reset and handed over, the user logging in with it; a unit created and another moved
under it from a date, its dated history on its page."""
import re
from datetime import timedelta

from app.core.calendar import local_today
from app.core.dates import format_day
from tests.browser.conftest import login, require_browser_deps

require_browser_deps()

from playwright.sync_api import Page, expect


def _temporary_password(page: Page) -> str:
    shown = page.get_by_test_id("temporary-password")
    expect(shown).to_be_visible()
    return shown.inner_text().strip()


def test_an_admin_creates_a_user_resets_the_password_and_the_user_logs_in(
        new_page, live_server, db, world):
    admin = new_page()
    login(admin, live_server, "admin")
    expect(admin.locator('a[href="/admin/users"]').first).to_be_attached()  # the menu's entry
    admin.goto(f"{live_server}/admin/users")
    admin.get_by_test_id("new-user").click()
    expect(admin.get_by_role("heading", name="Người dùng mới")).to_be_visible()
    unit = admin.get_by_label("Đơn vị", exact=True)
    expect(unit.locator("option", has_text="Hồ Chí Minh")).to_have_count(0)  # only my subtree
    unit.select_option(str(world.orgs["a_zone"].id))
    admin.get_by_label("Tên đăng nhập").fill("tran.binh")
    admin.get_by_label("Họ và tên").fill("Trần Văn Bình")
    admin.get_by_label("Cán bộ được phân công xử lý").check()
    admin.get_by_role("button", name="Tạo", exact=True).click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Đã tạo người dùng tran.binh.")
    first = _temporary_password(admin)

    admin.get_by_role("link", name="Quay lại người dùng").click()
    roles = admin.get_by_test_id("roles")
    expect(roles).to_contain_text("Cán bộ được phân công xử lý")
    expect(roles).to_contain_text("Công đoàn Khu kinh tế tỉnh Hà Tĩnh")
    expect(admin.get_by_test_id("admin-events")).to_contain_text("Tạo tài khoản")
    admin.get_by_role("button", name="Đặt lại mật khẩu").click()
    second = _temporary_password(admin)
    assert second != first

    user = new_page()
    user.goto(f"{live_server}/login")
    user.get_by_label("Tên đăng nhập", exact=True).fill("tran.binh")
    user.get_by_label("Mật khẩu", exact=True).fill(first)
    user.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(user.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng")
    login(user, live_server, "tran.binh", second)
    expect(user.get_by_test_id("whoami")).to_contain_text("Trần Văn Bình")

    admin.goto(f"{live_server}/admin/audit")
    events = admin.get_by_test_id("admin-events")
    expect(events.locator('tr[data-action="password_reset"]')).to_have_count(1)
    expect(events).not_to_contain_text(second)


def test_an_admin_moves_a_unit_under_another_from_a_date(new_page, live_server, db, world):
    admin = new_page()
    login(admin, live_server, "admin")
    admin.goto(f"{live_server}/admin/units")
    admin.get_by_test_id("unit-tree").get_by_role(
        "link", name="Liên đoàn Lao động tỉnh Hà Tĩnh").click()
    admin.get_by_test_id("new-unit").click()
    admin.get_by_label("Tên đơn vị", exact=True).fill("Công đoàn Viên chức tỉnh Hà Tĩnh")
    admin.get_by_label("Tên trong danh sách").fill("CĐVC Hà Tĩnh")
    admin.get_by_label("Tên viết tắt trong số văn bản").fill("CĐVC")
    admin.get_by_label("Địa danh ở dòng ngày tháng").fill("Hà Tĩnh")
    admin.get_by_role("button", name="Tạo", exact=True).click()
    expect(admin.get_by_role("alert")).to_contain_text("Đã tạo đơn vị CĐVC Hà Tĩnh.")

    admin.goto(f"{live_server}/admin/units/{world.orgs['a_grass'].id}")
    admin.get_by_test_id("move-unit").click()
    admin.get_by_label("Tìm đơn vị cấp trên mới").fill("CĐVC")
    admin.get_by_role("button", name="Tìm", exact=True).click()
    parent = admin.get_by_label("Đơn vị cấp trên mới")
    expect(parent.locator("option:checked")).to_contain_text("CĐVC Hà Tĩnh")
    on = local_today() - timedelta(days=7)
    day = admin.get_by_label("Từ ngày", exact=True)
    day.fill(format_day(on) if day.get_attribute("type") != "date" else on.isoformat())
    day.press("Escape")
    admin.get_by_role("button", name="Chuyển", exact=True).click()

    expect(admin).to_have_url(re.compile(rf"/admin/units/{world.orgs['a_grass'].id}$"))
    expect(admin.get_by_role("alert")).to_contain_text("nay trực thuộc CĐVC Hà Tĩnh")
    history = admin.get_by_test_id("parent-links")
    rows = history.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("CĐVC Hà Tĩnh")
    expect(rows.nth(0)).to_contain_text(format_day(on))
    expect(rows.nth(1)).to_contain_text("Công đoàn Khu kinh tế tỉnh Hà Tĩnh")
    expect(rows.nth(1)).to_contain_text(format_day(on))
    expect(admin.get_by_test_id("admin-events")).to_contain_text("Chuyển đơn vị")
