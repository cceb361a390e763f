"""Dates on pages: posted as dd/mm/yyyy (or ISO) they save that day; an impossible one answers
422 in Vietnamese with everything typed kept; the list's date filter reads and shows
dd/mm/yyyy."""
from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa

from app.cases.models import Case
from tests.factories import make_case

MESSAGE = "Nhập ngày theo dạng dd/mm/yyyy, ví dụ 05/01/2026."
TITLE = "Giám sát việc trả lương tháng 13"


def _new_case(**changes):
    return {"family": "supervision", "kind": "ethics", "channel": "report",
            "intake_form": "online", "title": TITLE, "summary": "Nội dung cần giữ lại",
            "subject_kind": "organisation", "subject_name": "Công ty TNHH Giày Hưng Thịnh",
            **changes}


def _input(html: str, name: str) -> str:
    return re.search(rf'<input[^>]*\bname="{name}"[^>]*>', html).group(0)


def test_a_day_posted_as_dd_mm_yyyy_is_saved_as_that_day(browser, db, world):
    browser.login("intake")
    field = _input(browser.get("/cases/new").get_data(as_text=True), "received_on")
    assert 'type="text"' in field and 'placeholder="dd/mm/yyyy"' in field
    assert "data-datepicker" in field
    response = browser.post("/cases/new", _new_case(org_id=world.orgs["a"].id,
                                                     received_on="02/11/2026"))
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert case.received_on == date(2026, 11, 2)  # the 2nd of November, never 11 February


def test_an_impossible_day_answers_422_in_vietnamese_and_keeps_the_input(browser, db, world):
    browser.login("intake")
    browser.get("/cases/new")
    response = browser.post("/cases/new", _new_case(org_id=world.orgs["a"].id,
                                                     received_on="31/02/2026"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert MESSAGE in html
    assert 'value="31/02/2026"' in _input(html, "received_on")  # as typed
    assert f'value="{TITLE}"' in _input(html, "title") and "Nội dung cần giữ lại" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_due_filter_reads_both_forms_and_shows_dd_mm_yyyy(browser, db, world):
    u, o = world.users, world.orgs
    early = make_case(u["intake"], o["a"], family="letter", received_on=date(2026, 3, 2))
    make_case(u["intake"], o["a"], family="letter", received_on=date(2026, 3, 20))
    db.session.commit()
    browser.login("handler")
    shown = early.due_on.strftime("%d/%m/%Y")
    pages = [browser.get(f"/cases/?due_by={day}").get_data(as_text=True)
             for day in (shown, early.due_on.isoformat())]
    ids = [set(map(int, re.findall(r'href="/cases/(\d+)"', html))) for html in pages]
    assert ids[0] == ids[1] == {early.id}
    for html in pages:
        field = _input(html, "due_by")
        assert f'value="{shown}"' in field and 'type="text"' in field
    assert 'value=""' in _input(browser.get("/cases/?due_by=31/02/2026").get_data(as_text=True),
                                "due_by")

