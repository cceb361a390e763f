"""The layout in a real Chromium (issue 15): on a phone (375x812) the menu waits behind its
toggler, the page's heading is on the first screen and the case table reads as cards; on a
desktop (1280x800) the menu holds one line, its groups open as drop-downs, and the charts of
the statistics show their titles and labels whole."""
from datetime import timedelta

from tests.browser.conftest import login, require_browser_deps

require_browser_deps()

from playwright.sync_api import Page, expect

from app.core.calendar import local_today
from tests.factories import make_case
from workflows.vocab import LETTER, SUPERVISION

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


def _cases(db, world) -> list:
    u, o = world.users, world.orgs
    today = local_today()
    made = [make_case(u["intake"], o["a"], LETTER, title=f"Đơn khiếu nại về tiền lương số {i}",
                      received_on=today - timedelta(days=40 + i)) for i in range(4)]
    made.append(make_case(u["handler"], o["a"], SUPERVISION,
                          title="Giám sát việc thực hiện chế độ bảo hiểm xã hội"))
    db.session.commit()
    return made


def _menu(page: Page):
    return page.get_by_role("navigation", name="Menu chính")


def _one_line(page: Page, selector: str) -> bool:
    """Every element matched is laid out on a single line (one box, not one per line)."""
    return page.eval_on_selector_all(
        selector, "els => els.length > 0 && els.every(e => e.getClientRects().length === 1)")


def test_on_a_phone_the_menu_waits_behind_its_toggler_and_tables_are_cards(new_page,
                                                                          live_server, db,
                                                                          world):
    made = _cases(db, world)
    page = new_page()
    login(page, live_server, "handler")
    page.set_viewport_size(PHONE)
    page.goto("/")

    # The first screen shows the page, not the menu.
    menu = _menu(page)
    expect(menu.get_by_role("link", name="Việc của tôi")).to_be_hidden()
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_hidden()
    heading = page.get_by_role("heading", name="Việc của tôi", level=1)
    box = heading.bounding_box()
    assert box["y"] + box["height"] < PHONE["height"] / 2
    toggler = menu.get_by_role("button", name="Mở menu")
    expect(toggler).to_have_attribute("aria-expanded", "false")
    toggler.click()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Việc của tôi")).to_be_visible()
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_visible()
    menu.get_by_role("button", name="Giám sát").click()
    expect(menu.get_by_role("link", name="Chương trình giám sát")).to_be_visible()

    # The work queue's rows are cards of labelled lines; case codes hold on one line.
    page.goto("/cases/?sort=due&open=1")
    row = page.locator("table.case-table tbody tr").first
    expect(row).to_be_visible()
    assert row.evaluate("e => getComputedStyle(e).display") == "block"
    cell = row.locator("td").nth(2)
    assert cell.evaluate("e => getComputedStyle(e).display") == "block"
    assert cell.evaluate("e => getComputedStyle(e, '::before').content") == '"Tiêu đề"'
    assert _one_line(page, "table.case-table tbody td:first-child a")
    for case in made:
        expect(page.get_by_role("link", name=case.code)).to_be_visible()
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_desktop_the_menu_is_one_line_of_drop_downs(new_page, live_server, db, world):
    made = _cases(db, world)
    page = new_page()
    login(page, live_server, "handler")
    page.set_viewport_size(DESKTOP)
    page.goto("/")
    menu = _menu(page)
    expect(menu.get_by_role("button", name="Mở menu")).to_be_hidden()
    height = menu.evaluate("e => e.getBoundingClientRect().height")
    assert height < 70, f"the menu is {height}px high: its items wrapped"
    assert _one_line(page, ".main-nav .nav-link, .main-nav .navbar-brand, .main-nav .whoami")
    tops = page.eval_on_selector_all(
        ".main-nav .navbar-nav > li, .main-nav .menu-end",
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    assert max(tops) - min(tops) <= 8, tops
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]

    # A group opens as a drop-down; its entries lead to their pages.
    expect(menu.get_by_role("link", name="Vụ việc", exact=True)).to_be_hidden()
    menu.get_by_role("button", name="Vụ việc và đơn thư").click()
    menu.get_by_role("link", name="Vụ việc", exact=True).click()
    expect(page.get_by_role("heading", name="Vụ việc", level=1)).to_be_visible()
    row = page.locator("table.case-table tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "table-row"
    assert _one_line(page, "table.case-table tbody td:first-child a")
    expect(page.get_by_role("link", name=made[0].code)).to_be_visible()


def test_the_charts_show_their_titles_and_their_labels_whole(new_page, live_server, db,
                                                             world):
    _cases(db, world)
    page = new_page()
    login(page, live_server, "handler")
    page.set_viewport_size(DESKTOP)
    page.goto("/reports/dashboard")
    for key, title in (("families", "Vụ việc xử lý trong kỳ, theo loại"),
                       ("channels", "Vụ việc tiếp nhận, theo kênh")):
        figure = page.get_by_test_id(f"chart-{key}")
        expect(figure.locator("figcaption")).to_have_text(title)
        expect(figure.locator("figcaption")).to_be_visible()
    # Every label inside its chart's drawing, none shortened to "…" when it fits two lines.
    outside = page.eval_on_selector_all("svg.report-chart", """svgs => svgs.flatMap(svg => {
        const width = svg.viewBox.baseVal.width;
        return [...svg.querySelectorAll('text')].filter(t => {
            const box = t.getBBox();
            return box.x < 0 || box.x + box.width > width;
        }).map(t => t.textContent);
    })""")
    assert outside == []
    channels = page.get_by_test_id("chart-channels").locator("text")
    assert not any(t.endswith("…") for t in channels.all_text_contents())
    expect(channels.filter(has_text="Báo cáo, phản ánh của công đoàn cấp")).to_have_count(1)


def test_on_a_phone_the_list_shows_its_search_and_folds_the_other_filters(new_page, live_server,
                                                                           db, world):
    made = _cases(db, world)
    phone = new_page(**PHONE)
    login(phone, live_server, "handler")
    phone.goto(f"{live_server}/cases/")
    expect(phone.get_by_label("Tìm kiếm", exact=True)).to_be_visible()
    family = phone.locator("select#family")
    expect(family).to_be_hidden()
    top = phone.locator("main table, main .table-cards").first.bounding_box()["y"]
    assert top < PHONE["height"], "the first case shows on the first screen"
    phone.get_by_role("button", name="Bộ lọc khác").click()
    expect(family).to_be_visible()
    family.select_option(label="Đơn thư")
    phone.get_by_role("button", name="Lọc", exact=True).click()
    # A filter set keeps the filters open, and the list holds only letters.
    expect(phone.locator("select#family")).to_be_visible()
    expect(phone.get_by_role("link", name=made[-1].code, exact=True)).to_have_count(0)
    expect(phone.get_by_role("link", name=made[0].code, exact=True)).to_be_visible()

    desktop = new_page(**DESKTOP)
    login(desktop, live_server, "handler")
    desktop.goto(f"{live_server}/cases/")
    expect(desktop.locator("select#family")).to_be_visible()
    expect(desktop.get_by_role("button", name="Bộ lọc khác")).to_be_hidden()
