"""Dates in an English-locale Chromium read and write dd/mm/yyyy: the field shows 05/01/2026,
never 01/05/2026; the calendar (flatpickr from its pip package, app/static/datepicker.js) picks
a day in the page's language with weeks from Monday; typing still works, Escape closes it, and
focus moves on as in any form."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from app.cases.models import Case
from app.core.calendar import local_today
from tests.browser.conftest import login, require_browser_deps

require_browser_deps()

from playwright.sync_api import Page, expect

CALENDAR = ".flatpickr-calendar.open"
TITLE = "Giám sát việc chi trả lương tháng 13"


def _csp_errors(page: Page) -> list[str]:
    """Console errors the page logs from now on (a blocked script or style among them)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def _new_case_form(page: Page, base_url: str):
    page.goto(f"{base_url}/cases/new")
    expect(page.get_by_role("heading", name="Tiếp nhận vụ việc")).to_be_visible()
    return page.get_by_label("Ngày tiếp nhận")


def test_an_english_browser_shows_picks_and_saves_dd_mm_yyyy(new_page, live_server, db, world):
    page = new_page(locale="en-US")
    assert page.evaluate("navigator.language") == "en-US"
    errors = _csp_errors(page)
    login(page, live_server, "intake")

    # A day the server fills in is shown day first, in a text input.
    page.goto(f"{live_server}/letters/new")
    received = page.get_by_label("Ngày tiếp nhận")
    expect(received).to_have_value(local_today().strftime("%d/%m/%Y"))
    expect(received).to_have_attribute("type", "text")

    field = _new_case_form(page, live_server)
    expect(field).to_have_attribute("placeholder", "dd/mm/yyyy")
    field.click()
    calendar = page.locator(CALENDAR)
    expect(calendar).to_be_visible()
    # Vietnamese labels (the page's language, not the browser's), weeks from Monday.
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text("T2")
    expect(calendar.locator(".flatpickr-weekday").last).to_have_text("CN")
    expect(calendar.locator(".flatpickr-monthDropdown-months")).to_have_value(
        str(page.evaluate("new Date().getMonth()")))  # the browser's month
    expect(calendar.locator(".flatpickr-monthDropdown-months option").first).to_have_text(
        "Tháng 1")

    # The 1st of this month in Vietnam: never after today there, so a day the form takes (and
    # in the grid even while the browser's clock, behind Vietnam's, is still in the month before).
    today = local_today()
    first = date(today.year, today.month, 1)
    shown = first.strftime("%d/%m/%Y")
    calendar.locator(f'.flatpickr-day[aria-label$="{shown}"]').click()
    expect(field).to_have_value(shown)
    expect(calendar).to_have_count(0)

    page.get_by_label("Tiêu đề", exact=True).fill(TITLE)
    page.get_by_label("Tên đối tượng").fill("Công ty TNHH Giày Hưng Thịnh")
    page.get_by_role("button", name="Lưu vụ việc").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("dt", has_text="Ngày tiếp nhận").locator("+ dd")).to_have_text(shown)
    case = db.session.scalar(sa.select(Case).where(Case.title == TITLE))
    assert case.received_on == first
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_typing_escape_and_tab_work_as_in_any_field(new_page, live_server, db, world):
    page = new_page(locale="en-US")
    login(page, live_server, "intake")
    field = _new_case_form(page, live_server)
    title = page.get_by_label("Tiêu đề", exact=True)
    calendar = page.locator(CALENDAR)

    # Tabbing through the form opens nothing; typing is typing.
    field.focus()
    page.keyboard.type("5/1/2026")
    expect(field).to_have_value("5/1/2026")
    expect(calendar).to_have_count(0)

    # Arrow Down opens the calendar on the day typed and moves into it; arrows move the day,
    # Enter picks it and goes back to the input.
    page.keyboard.press("ArrowDown")
    expect(calendar).to_be_visible()
    expect(calendar.locator(".flatpickr-day.selected")).to_have_attribute(
        "aria-label", "Thứ hai, 05/01/2026")
    expect(calendar.locator(".flatpickr-day.selected")).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")
    expect(field).to_have_value("06/01/2026")
    expect(field).to_be_focused()
    expect(calendar).to_have_count(0)

    # Escape closes it, from the calendar or from the input; focus stays on the input.
    page.keyboard.press("ArrowDown")
    expect(calendar.locator(".flatpickr-day.selected")).to_be_focused()
    page.keyboard.press("Escape")
    expect(calendar).to_have_count(0)
    expect(field).to_be_focused()
    field.click()
    expect(calendar).to_be_visible()
    page.keyboard.press("Escape")
    expect(calendar).to_have_count(0)
    expect(field).to_be_focused()

    # Tab leaves the calendar for the next field, as it would leave the input.
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    expect(title).to_be_focused()
    expect(calendar).to_have_count(0)

    # Typing into an open calendar's input closes it, so it hides none of the fields below;
    # on leaving, a day written short is written out in full.
    field.click()
    expect(calendar).to_be_visible()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("7.1.2026")
    expect(calendar).to_have_count(0)
    page.keyboard.press("Tab")
    expect(title).to_be_focused()
    expect(field).to_have_value("07/01/2026")

    # A day that does not exist is left as typed for the server to explain (422), not
    # emptied or moved to 3 March; Enter in the field submits the form.
    title.fill(TITLE)
    field.fill("31/02/2026")
    title.focus()
    expect(field).to_have_value("31/02/2026")
    field.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".invalid-feedback", has_text="Nhập ngày theo dạng dd/mm/yyyy, "
                                                      "ví dụ 05/01/2026.")).to_be_visible()
    expect(page.get_by_label("Ngày tiếp nhận")).to_have_value("31/02/2026")
    expect(page.get_by_label("Tiêu đề", exact=True)).to_have_value(TITLE)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_calendar_speaks_english_on_an_english_page(new_page, live_server, world):
    page = new_page(locale="vi-VN")
    login(page, live_server, "intake")
    page.goto(f"{live_server}/cases/new")
    page.locator('form[action$="/language/en"] button').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_load_state()  # the new page's picker script has run (it follows the body)
    page.get_by_label("Date received").click()
    calendar = page.locator(CALENDAR)
    expect(calendar.locator(".flatpickr-weekday").first).to_have_text("Mon")
    expect(calendar.locator(".flatpickr-monthDropdown-months option").first).to_have_text(
        "January")
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)",
                     has_text=re.compile("^15$")).click()
    expect(page.get_by_label("Date received")).to_have_value(re.compile(r"^15/\d\d/\d{4}$"))
