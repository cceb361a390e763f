"""Accessibility of the main pages (issues 15 and 16, the public portal's included): axe-core finds no serious or critical violation
of WCAG 2.1 A/AA on a desktop (1280 px) nor on a phone (375 px), and the pages can be used
with the keyboard alone: skip to the content, open the collapsed menu, fire a step."""
from __future__ import annotations

import pytest

from tests.browser.conftest import (
    axe_violations,
    describe_violations,
    login,
    require_browser_deps,
)

require_browser_deps()

from playwright.sync_api import expect

from app.documents.services import draft_document
from tests.factories import advance, make_case
from workflows import vocab

WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}


@pytest.fixture
def objects(db, world):
    """One case of each main kind, at a step with forms and panels to check."""
    u = world.users
    handler, approver = u["handler"], u["approver"]
    users = [u["intake"], handler, approver, u["delegate"], u["approver2"]]
    supervision = make_case(u["intake"], world.orgs["a"])
    advance(supervision, users, ["classify", "draft_plan", "approve_plan", "form_delegation"])
    letter = make_case(u["intake"], world.orgs["a"], vocab.LETTER,
                       title="Đơn khiếu nại việc nợ lương")
    critique = make_case(u["intake"], world.orgs["a"], vocab.CRITIQUE,
                         title="Phản biện dự thảo Quy định về nhà ở công nhân")
    document = draft_document(supervision, handler, "sv_notice")
    db.session.commit()
    return {"supervision": supervision.id, "letter": letter.id, "critique": critique.id,
            "document": document.id, "user": handler.id, "zone": world.orgs["a_zone"].id}


def _pages(objects):
    """(user, path, what the page is) of every page issue 15 names."""
    s, letter, c, d = (objects[k] for k in ("supervision", "letter", "critique", "document"))
    return [
        ("approver", "/", "home"),
        ("approver", "/cases/", "case list"),
        ("approver", f"/cases/{s}", "supervision page"),
        ("handler", f"/cases/{letter}", "letter page"),
        ("handler", f"/cases/{c}", "critique page"),
        ("intake", "/letters/new", "letter intake"),
        ("handler", f"/supervision/{s}/plan", "supervision step: plan"),
        ("handler", f"/supervision/{s}/delegation", "supervision step: delegation"),
        ("handler", f"/documents/{d}", "document draft"),
        ("approver", "/documents/register", "document register"),
        ("approver", "/reports/dashboard", "statistics"),
        ("approver", "/recommendations/", "recommendations"),
        ("admin", "/admin/deadlines/", "admin: deadlines"),
        ("admin", "/admin/deadlines/calendar", "admin: calendar"),
        ("admin", "/admin/users", "admin: users"),
        ("admin", "/admin/users/new", "admin: new user"),
        ("admin", f"/admin/users/{objects['user']}", "admin: a user"),
        ("admin", "/admin/units", "admin: units"),
        ("admin", f"/admin/units/{objects['zone']}", "admin: a unit"),
        ("admin", f"/admin/units/{objects['zone']}/move", "admin: move a unit"),
        ("admin", "/admin/audit", "admin: audit trail"),
        # issue 16: the inbox, its settings and the API tokens
        ("handler", "/notifications/", "inbox"),
        ("handler", "/notifications/settings", "notification settings"),
        ("handler", "/account/api-tokens/", "API tokens"),
        ("handler", "/account/", "my account"),
    ]


#: The public portal's pages, seen by a visitor without an account (issue 16).
PORTAL_PAGES = [
    ("/portal/", "portal: home"),
    ("/portal/units", "portal: the tree of units"),
    ("/portal/units?q=ha+tinh", "portal: a search of units"),
    ("/portal/send", "portal: send a letter"),
    ("/portal/follow", "portal: follow a letter"),
]


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_main_pages_have_no_serious_or_critical_axe_violation(new_page, live_server, objects,
                                                               width):
    w, h = WIDTHS[width]
    anonymous = new_page(width=w, height=h)
    anonymous.goto(f"{live_server}/login")
    found = {"login": axe_violations(anonymous)}
    for path, what in PORTAL_PAGES:
        response = anonymous.goto(f"{live_server}{path}")
        assert response.status == 200, f"{what}: {path} answered {response.status}"
        found[f"{what} ({path})"] = axe_violations(anonymous)
    pages = {}
    for user, path, what in _pages(objects):
        if user not in pages:
            pages[user] = new_page(width=w, height=h)
            login(pages[user], live_server, user)
        page = pages[user]
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, f"{what}: {path} answered {response.status}"
        found[f"{what} ({path})"] = axe_violations(page)
    failing = {what: v for what, v in found.items() if v}
    assert not failing, "\n".join(f"{what}:\n{describe_violations(v)}"
                                  for what, v in failing.items())


def test_the_keyboard_alone_reaches_the_content_the_menu_and_a_step(new_page, live_server,
                                                                     objects):
    page = new_page(width=375, height=812)
    login(page, live_server, "handler")
    page.goto(f"{live_server}/cases/{objects['supervision']}")

    # The first Tab reaches "skip to content", which moves the focus past the menu.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"

    # On a phone the menu is collapsed behind its button; Enter opens it and Tab walks it.
    page.goto(f"{live_server}/cases/{objects['supervision']}")
    toggler = page.get_by_role("button", name="Mở menu")
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('navbar-toggler')"):
            break
    expect(toggler).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('nav') !== null")
    assert focused, "Tab after opening the menu stays in the menu"

    # A step: focus its button and press Enter, no mouse.
    page.goto(f"{live_server}/cases/{objects['supervision']}")
    form = page.locator('form[data-trigger="notify_subject"]')
    button = form.get_by_role("button", name="Gửi thông báo cho đối tượng")
    button.focus()
    page.keyboard.press("Enter")
    # The notice is not issued yet: the page answers with the reason, in an alert.
    expect(page.get_by_role("alert").filter(has_text="Công văn thông báo giám sát")
           ).to_be_visible()
