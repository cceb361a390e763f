"""app.core.urls.id_url: the address url_for gives, for any id, under any application root."""
from __future__ import annotations

import pytest
from flask import url_for

from app.core.urls import id_url

IDS = [1, 9, 10, 987654321, 2**31 - 1, 40, 123456789]


@pytest.mark.parametrize("root", ["", "/giamsat", "/cong-doan/giam-sat"])
def test_id_url_is_what_url_for_gives(app, root):
    for endpoint, arg in (("cases.detail", "case_id"), ("main.unit", "org_id")):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            for case_id in IDS:
                assert id_url(endpoint, arg, case_id) == url_for(endpoint, **{arg: case_id})
                assert id_url(endpoint, arg, case_id).startswith(f"{root}/")


def test_the_case_list_links_each_row_to_its_page(browser, world, db):
    from tests.factories import make_case
    from workflows.vocab import LETTER

    case = make_case(world.users["intake"], world.orgs["a"], LETTER, title="Đơn thư liên kết")
    db.session.commit()
    browser.login("handler")
    html = browser.get("/cases/").get_data(as_text=True)
    link = f'<a class="text-nowrap" href="/cases/{case.id}">{case.code}</a>'
    assert link in html
    assert browser.get(f"/cases/{case.id}").status_code == 200


def test_outside_a_request_it_is_url_for(app, monkeypatch):
    monkeypatch.setitem(app.config, "SERVER_NAME", "giamsat.example")
    with app.app_context():
        assert id_url("cases.detail", "case_id", 42) == url_for("cases.detail", case_id=42)
        assert id_url("cases.detail", "case_id", 42) == "http://giamsat.example/cases/42"
