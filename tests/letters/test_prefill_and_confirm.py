"""Letter forms that know the answer prefill it, and the letter steps that cannot be undone
from their own forms ask first (issue 15): a second complaint about the first one's matter,
the receiving body's reply that gives the letter its result, the merge into a duplicate."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.cases.models import Case
from app.cases.services import transition_case
from app.core.calendar import local_today
from tests.html import confirm_of, input_value
from tests.letters.conftest import classify, log_letter
from tests.letters.test_duplicates import _pair
from tests.letters.test_second_complaint import _settled_complaint

TODAY = local_today()


def test_a_second_complaint_opens_with_the_first_ones_title_and_keeps_it(browser, db, world):
    first = _settled_complaint(world)
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/letters/{first.id}/second-complaint").get_data(as_text=True)
    assert input_value(page, "title") == "Khiếu nại quyết định kỷ luật"
    response = browser.post(f"/letters/{first.id}/second-complaint", {
        "received_on": input_value(page, "received_on"), "title": input_value(page, "title"),
        "summary": "Không đồng ý với kết quả giải quyết lần đầu."})
    assert response.status_code == 302
    second = db.session.scalar(sa.select(Case).where(Case.parent_id == first.id))
    assert second.title == "Khiếu nại quyết định kỷ luật"
    assert second.received_on == TODAY  # the date field's default, posted as shown


def test_recording_the_receiving_bodys_reply_asks_first(browser, db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=TODAY - timedelta(20))
    classify(case, u["handler"], kind="petition", within_competence=False,
             competent_body="Sở Nội vụ tỉnh Hà Tĩnh")
    transition_case(case, "forward", u["handler"], comment="Không thuộc thẩm quyền",
                    today=TODAY - timedelta(10))
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/letters/{case.id}/forward-reply").get_data(as_text=True)
    question = confirm_of(page, "record-form")
    assert question == ("Ghi nhận văn bản trả lời này? Đơn sẽ mang kết quả này và thời hạn "
                        "trả lời chấm dứt: không thể đôn đốc hay kiến nghị cấp trên về đơn "
                        "này nữa.")


def test_marking_a_letter_as_a_duplicate_asks_first_naming_both(browser, db, world):
    first, second = _pair(world)
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{second.id}").get_data(as_text=True)
    question = confirm_of(page, action=f"/letters/{second.id}/duplicate")
    assert question == (f"Gộp đơn {second.code} vào đơn {first.code}? Đơn này sẽ được đóng do "
                        f"trùng và chỉ được giải quyết cùng đơn {first.code}; không thể mở lại.")
