"""Moving about the app as a user does, by what the screen shows (issue 15: a journey needs no
knowledge that is not on the screen): the menu, opened behind its button on a phone and through
its groups' drop-downs; a case found from the home page's queues or the case list's search; a
draft found in its case's documents. Nothing here depends on the page's language. The journeys
run at both widths of `SCREENS`."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

#: The two screens every journey runs on: a desktop and a phone (viewport width, height).
SCREENS = {"desktop": (1280, 900), "phone": (375, 812)}


def menu(page: Page):
    return page.locator("nav.main-nav")


def open_menu(page: Page) -> None:
    """On a phone the menu is collapsed behind its button: open it (nothing on a desktop)."""
    page.wait_for_load_state()  # the stylesheet decides whether the button shows
    toggler = page.get_by_test_id("menu-toggler")
    if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
        toggler.click()
        expect(toggler).to_have_attribute("aria-expanded", "true")
        # wait for the menu to finish unfolding, so that nothing moves under the next click
        expect(page.locator("#main-menu")).to_have_class(re.compile(r"\bshow\b"))


def go(page: Page, name: str | None = None, *, href: str | None = None) -> None:
    """Follow the menu entry named `name` (or whose address ends with `href`), opening the
    menu and the entry's group as a user would."""
    open_menu(page)
    inner = (page.get_by_role("link", name=name, exact=True) if name is not None
             else page.locator(f'a[href$="{href}"]'))
    entry = menu(page).locator(inner)
    if not entry.is_visible():
        menu(page).locator(".dropdown").filter(has=inner).locator(".dropdown-toggle").click()
    expect(entry).to_be_visible()
    entry.click()


def home(page: Page) -> None:
    """Back to the home page by the brand at the top left."""
    page.locator("nav.main-nav a.navbar-brand").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def find_case(page: Page, code: str) -> None:
    """Open case `code`: from the home page when one of its queues lists it, else by typing the
    code into the case list's search."""
    home(page)
    listed = page.locator("main").get_by_role("link", name=code, exact=True)
    if listed.count():
        listed.first.click()
    else:
        go(page, href="/cases/")
        search = page.locator("input#q")
        search.fill(code)
        search.press("Enter")
        page.locator("main").get_by_role("link", name=code, exact=True).first.click()
    expect(page.get_by_test_id("case-code")).to_have_text(code)
    page.wait_for_load_state()  # the page's scripts (confirmations) are in place


def open_draft(page: Page, code: str, title: str) -> None:
    """Open the draft `title` of case `code` from the case's list of documents."""
    find_case(page, code)
    rows = page.get_by_test_id("document-row").filter(has_text=title)
    draft = rows.filter(has_not=page.get_by_test_id("document-number"))
    draft.get_by_role("link", name=title).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    page.wait_for_load_state()  # the page's scripts (confirmations) are in place
