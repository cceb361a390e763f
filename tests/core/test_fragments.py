"""The layout's kept fragments (app.core.fragments): the main menu is rendered once per set of
entries, page and language, and each user still sees exactly their own menu, marked for the
page they are on, in their language."""
from __future__ import annotations

import re

from app.core import fragments
from tests.test_layout import _dropdowns, _plain_links
from tests.test_layout import _menu as _collapse


def _menu(html: str) -> str:
    """The menu's entries (the collapse also holds the session's logout form)."""
    collapse = _collapse(html)
    return collapse[collapse.index('<ul class="navbar-nav'):collapse.index('<div class="menu-end')]


def _active(menu: str) -> list[str]:
    return [t.strip() for t in re.findall(r'class="(?:nav-link|dropdown-item) active" '
                                          r'aria-current="page" href="[^"]*"[^>]*>([^<]+)<', menu)]


def test_each_user_sees_their_own_menu_whoever_was_served_before(browser, world):
    seen = {}
    for username in ("handler", "admin", "handler", "auditor", "admin"):
        browser.login(username)
        menu = _menu(browser.get("/").get_data(as_text=True))
        seen.setdefault(username, menu)
        assert menu == seen[username], username  # the same HTML when served again
        browser.logout()
    assert "Quản trị" in _dropdowns(seen["admin"])
    assert "Quản trị" not in _dropdowns(seen["handler"])
    assert "Vụ việc và đơn thư" in _dropdowns(seen["handler"])
    assert "Vụ việc và đơn thư" not in _dropdowns(seen["admin"])
    assert seen["auditor"] not in (seen["admin"], seen["handler"])


def test_the_kept_menu_marks_the_page_shown_and_speaks_the_chosen_language(browser, world):
    browser.login("handler")
    assert _active(_menu(browser.get("/").get_data(as_text=True))) == ["Việc của tôi"]
    assert _active(_menu(browser.get("/cases/").get_data(as_text=True))) == ["Vụ việc"]
    assert _active(_menu(browser.get("/").get_data(as_text=True))) == ["Việc của tôi"]
    browser.post("/language/en", data={"next": "/"})
    english = _menu(browser.get("/").get_data(as_text=True))
    assert _plain_links(english)[0] == "My work" and _active(english) == ["My work"]
    assert "Vụ việc" not in english
    browser.post("/language/vi", data={"next": "/"})
    assert _plain_links(_menu(browser.get("/").get_data(as_text=True)))[0] == "Việc của tôi"


def test_the_store_of_fragments_stays_bounded(app, browser, world, monkeypatch):
    monkeypatch.setattr(fragments, "LIMIT", 2)
    monkeypatch.setitem(app.extensions, fragments.KEY, {})
    browser.login("handler")
    for url in ("/", "/cases/", "/notifications/", "/"):
        assert browser.get(url).status_code == 200
        assert 1 <= len(app.extensions[fragments.KEY]) <= 2
    # What a full store dropped is rendered again, whole.
    assert _active(_menu(browser.get("/cases/").get_data(as_text=True))) == ["Vụ việc"]
