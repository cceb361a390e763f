"""The layout as users meet it (issue 15): the main menu grouped under Vietnamese labels, no
link a user cannot follow, the home page a summary of ten cases per queue with its lists one
click away."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest

from app.core.calendar import local_today
from tests.factories import make_case
from tests.security.matrix import ROLES
from workflows.vocab import LETTER, SUPERVISION


def _menu(html: str) -> str:
    """The main menu's collapse, as HTML."""
    start = html.index('id="main-menu"')
    return html[start:html.index("</nav>", start)]


def _main(html: str) -> str:
    return html[html.index("<main"):html.index("</main>")]


def _hrefs(fragment: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'<a [^>]*href="([^"]+)"', fragment)]


def _dropdowns(menu: str) -> dict[str, list[str]]:
    """The menu's drop-downs: the toggle's label and its entries' labels."""
    groups = {}
    for block in re.findall(r'<li class="nav-item dropdown".*?</ul>\s*</li>', menu, re.DOTALL):
        label = re.search(r'data-bs-toggle="dropdown"[^>]*>([^<]+)</button>', block).group(1)
        groups[label.strip()] = [t.strip() for t in
                                 re.findall(r'class="dropdown-item[^"]*"[^>]*>([^<]+)</a>', block)]
    return groups


def _plain_links(menu: str) -> list[str]:
    return [t.strip() for t in re.findall(r'class="nav-link[^"]*"[^>]*>([^<]+)</a>', menu)]


def test_the_menu_groups_its_entries_under_vietnamese_labels(browser, world):
    browser.login("handler")
    html = browser.get("/").get_data(as_text=True)
    # A menu that collapses under the xl breakpoint, its toggler naming what it opens.
    assert 'class="navbar navbar-expand-xl' in html
    toggler = re.search(r'<button class="navbar-toggler"[^>]*>', html).group(0)
    assert 'aria-controls="main-menu"' in toggler and 'aria-expanded="false"' in toggler
    assert 'aria-label="Mở menu"' in toggler
    menu = _menu(html)
    assert "Đăng xuất" in menu and 'lang="en"' in menu  # inside the collapse
    assert _dropdowns(menu) == {
        "Vụ việc và đơn thư": ["Vụ việc", "Tiếp nhận đơn thư", "Tiếp nhận vụ việc"],
        "Giám sát": ["Chương trình giám sát", "Đối thoại và dân chủ", "Kiến nghị"],
    }
    # A group of one entry is that entry's link.
    assert _plain_links(menu) == ["Việc của tôi", "Phản biện xã hội", "Sổ văn bản", "Thống kê"]
    # The page shown is marked in the menu.
    assert re.search(r'class="nav-link active" aria-current="page" href="/">Việc của tôi<', menu)

    browser.logout()
    browser.login("admin")
    groups = _dropdowns(_menu(browser.get("/").get_data(as_text=True)))
    assert "Quản trị" in groups and "Thời hạn và lịch làm việc" in groups["Quản trị"]
    assert "Vụ việc và đơn thư" not in groups  # an admin logs nothing: "Vụ việc" alone


@pytest.mark.parametrize("username", ["delegate", "admin", "auditor"])
def test_who_logs_no_case_sees_no_link_to_log_one(browser, world, username):
    browser.login(username)
    for url in ("/", "/cases/"):
        html = browser.get(url).get_data(as_text=True)
        assert "Tiếp nhận vụ việc" not in html and "Tiếp nhận đơn thư" not in html, url
        assert "/cases/new" not in html and "/letters/new" not in html, url
    assert browser.get("/cases/new").status_code == 403  # what the link would have answered


def test_who_logs_cases_sees_the_links_and_they_answer(browser, world):
    browser.login("intake")
    html = browser.get("/").get_data(as_text=True)
    menu = _menu(html)
    assert 'href="/cases/new"' in menu and 'href="/letters/new"' in menu
    assert 'href="/letters/new"' in _main(html)  # the home page's intake link
    for url in ("/cases/new", "/letters/new"):
        assert browser.get(url).status_code == 200


def _letters(world, n: int) -> list:
    """`n` letters of province A received long enough ago to be overdue, oldest first."""
    u, o = world.users, world.orgs
    today = local_today()
    return [make_case(u["intake"], o["a"], LETTER, title=f"Đơn thư quá hạn số {i}",
                      received_on=today - timedelta(days=60 + i)) for i in range(n)]


def _block(html: str, testid: str, end: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start:html.index(end, start)]


def test_the_home_page_shows_ten_cases_per_queue_and_the_rest_one_click_away(browser, db,
                                                                               world):
    made = _letters(world, 14)
    db.session.commit()
    browser.login("handler")
    html = browser.get("/").get_data(as_text=True)
    # The summary at the top: each queue's count, a link to its list.
    summary = _block(html, "home-summary", "</section>")
    assert re.search(r'data-testid="tile-count-overdue_letters">14<', summary)
    assert re.search(r'data-testid="tile-count-queue">14<', summary)
    assert "Chờ tôi xử lý" in summary and "Đơn thư quá hạn" in summary
    tile = re.search(r'<a [^>]*href="([^"]+)" data-testid="tile-overdue_letters"', summary)
    listed = browser.get(tile.group(1).replace("&amp;", "&") + "&per_page=50")
    assert listed.status_code == 200
    assert all(c.code in listed.get_data(as_text=True) for c in made)
    # The work queue: ten cases, its count, and "see all".
    queue = _block(html, "work-queue", "</table>")
    assert len(re.findall(r'href="/cases/\d+"', queue)) == 10
    assert 'data-testid="count-queue">14<' in html
    assert 'data-testid="see-all-queue"' in html
    # Each summary card: ten cases, then "Xem tất cả".
    card = _block(html, "summary-overdue_letters", "</ul>")
    assert len(re.findall(r'href="/cases/\d+"', card)) == 10
    assert "Xem tất cả" in _block(html, "see-all-overdue_letters", "</p>")
    # Case codes never wrap, in the tables and the lists.
    assert all('class="text-nowrap"' in link for link in
               re.findall(r'<a [^>]*href="/cases/\d+"[^>]*>', _main(html)))


def _crawl_targets(html: str) -> set[str]:
    """The menu's and the page body's links to pages of the app (not anchors, files of
    the static folders or other sites)."""
    found = set()
    for href in _hrefs(_menu(html)) + _hrefs(_main(html)):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue
        if parts.path.startswith(("/static/", "/bootstrap/")):
            continue
        found.add(href)
    return found


@pytest.mark.parametrize("username", sorted(ROLES))
def test_every_link_of_the_menu_and_the_home_page_leads_somewhere(browser, db, world,
                                                                  username):
    """Each role of the authorisation matrix follows every link its menu and its home page
    show it, and the links of the pages of its menu (their buttons to register or schedule
    something): none answers "forbidden", "not found" or an error."""
    u, o = world.users, world.orgs
    _letters(world, 3)
    make_case(u["handler"], o["a"], SUPERVISION, title="Giám sát việc đóng bảo hiểm")
    make_case(u["handler"], o["a_grass"], SUPERVISION, title="Giám sát ở công đoàn cơ sở")
    db.session.commit()
    browser.login(username)
    home = browser.get("/")
    assert home.status_code == 200
    home_html = home.get_data(as_text=True)
    targets = _crawl_targets(home_html)
    assert len(targets) >= 5, targets
    failed, pages = {}, {}
    for href in sorted(targets):
        response = browser.get(href)
        if response.status_code in (403, 404, 405) or response.status_code >= 500:
            failed[href] = response.status_code
        pages[href] = response
    for href in sorted(_hrefs(_menu(home_html))):
        if href in pages and pages[href].status_code == 200:
            for link in sorted(_crawl_targets(pages[href].get_data(as_text=True)) - set(pages)):
                response = browser.get(link)
                pages[link] = response
                if response.status_code in (403, 404, 405) or response.status_code >= 500:
                    failed[f"{href} → {link}"] = response.status_code
    assert not failed, f"{username}: {failed}"
