"""Classification and the four decisions, with their guards (domain.md §4.3, Luật Tố cáo Điều 25)."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.errors import Conflict, Forbidden, Invalid
from app.identity.services import Reporter
from tests.letters.conftest import classify, log_letter

NOTE = "Đủ điều kiện, đúng thẩm quyền"


def _form(case, **overrides):
    data = {"version": case.version, "kind": "denunciation", "is_valid": "yes",
            "within_competence": "yes", "complexity": "complex", "remote_area": "y",
            "comment": NOTE}
    data.update(overrides)
    return data


def test_classification_form_classifies_and_records_the_deadline_modifiers(browser, db, world):
    case = log_letter(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("handler")
    assert f"/letters/{case.id}/classify" in browser.get(f"/cases/{case.id}").get_data(
        as_text=True)
    response = browser.post(f"/letters/{case.id}/classify", _form(case))
    assert response.status_code == 302
    db.session.expire_all()
    assert (case.state, case.kind) == ("classified", "denunciation")
    letter = case.letter
    assert (letter.is_valid, letter.within_competence, letter.complexity, letter.remote_area) \
        == (True, True, "complex", True)
    event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.action == "classify")).one()
    assert event.comment == NOTE and event.data["complexity"] == "complex"


def test_classification_refusals_keep_the_form(browser, db, world):
    case = log_letter(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("handler")
    browser.post("/language/en", {"next": "/"})
    browser.get(f"/letters/{case.id}/classify")
    response = browser.post(f"/letters/{case.id}/classify", _form(case, is_valid="no"))
    assert response.status_code == 422
    assert "Give the reason" in response.get_data(as_text=True)
    response = browser.post(f"/letters/{case.id}/classify",
                            _form(case, within_competence="no"))
    assert response.status_code == 422
    assert "Name the competent body" in response.get_data(as_text=True)
    assert NOTE in response.get_data(as_text=True)
    db.session.expire_all()
    assert case.state == "received" and case.kind is None


def test_classification_is_refused_to_other_roles_and_units(browser, db, world):
    case = log_letter(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("approver")
    assert browser.get(f"/letters/{case.id}/classify").status_code == 403
    browser.logout()
    browser.login("b_handler")
    assert browser.get(f"/letters/{case.id}/classify").status_code == 404
    assert browser.post(f"/letters/{case.id}/classify", _form(case)).status_code == 404


def test_classification_can_be_corrected_until_a_decision(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"])
    classify(case, u["handler"], within_competence=False, competent_body="Thanh tra tỉnh")
    classify(case, u["handler"], kind="complaint")
    assert case.kind == "complaint" and case.letter.within_competence is True
    assert case.letter.competent_body == ""
    transition_case(case, "accept", u["handler"], comment="Thụ lý")
    with pytest.raises(Conflict):
        classify(case, u["handler"])
    with pytest.raises(Forbidden):
        case2 = log_letter(u["intake"], world.orgs["a"], title="Đơn khác")
        classify(case2, u["handler"])
        classify(case2, u["approver"])


@pytest.mark.parametrize("details, message", [
    ({"is_valid": False, "invalid_reason": "Đơn không ký tên"}, "not valid"),
    ({"within_competence": False, "competent_body": "Thanh tra tỉnh"}, "competence"),
])
def test_accept_only_when_valid_and_within_competence(browser, db, world, details, message):
    case = log_letter(world.users["intake"], world.orgs["a"])
    classify(case, world.users["handler"], **details)
    db.session.commit()
    browser.login("handler")
    browser.post("/language/en", {"next": "/"})
    response = browser.post(f"/cases/{case.id}/actions/accept",
                            {"version": case.version, "comment": "Thụ lý"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert case.state == "classified"


def test_a_letter_classified_by_the_generic_button_is_not_accepted_unclassified(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"])
    case.kind = "complaint"
    transition_case(case, "classify", u["handler"])
    with pytest.raises(Invalid) as info:
        transition_case(case, "accept", u["handler"], comment="Thụ lý")
    assert "classification" in info.value.message or "phân loại" in info.value.message


def test_anonymous_letter_needs_a_named_violator_and_evidence(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], reporter=None, is_anonymous=True)
    with pytest.raises(Invalid) as info:
        classify(case, u["handler"], names_violator=True)
    assert info.value.field == "is_valid"
    classify(case, u["handler"], names_violator=True, has_evidence=True)
    transition_case(case, "accept", u["approver"], comment="Đủ điều kiện theo Điều 25")
    assert case.state == "accepted"
    # An anonymous letter classified without the conditions (as not valid) is never accepted.
    other = log_letter(u["intake"], world.orgs["a"], reporter=None, is_anonymous=True,
                       title="Đơn nặc danh khác")
    classify(other, u["handler"], is_valid=False, invalid_reason="Không có chứng cứ")
    with pytest.raises(Invalid) as info:
        transition_case(other, "accept", u["approver"], comment="Thụ lý")
    assert "25" in info.value.message


def test_forward_needs_a_competent_body_and_records_the_day(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"])
    classify(case, u["handler"], kind="complaint")
    with pytest.raises(Invalid):
        transition_case(case, "forward", u["handler"], comment="Chuyển")
    classify(case, u["handler"], kind="complaint", within_competence=False,
             competent_body="Sở Nội vụ tỉnh Hà Tĩnh")
    transition_case(case, "forward", u["handler"], comment="Không thuộc thẩm quyền",
                    today=date(2026, 11, 3))
    assert case.state == "forwarded" and case.letter.forwarded_on == date(2026, 11, 3)
    event = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.action == "forward")).one()
    assert event.data["competent_body"] == "Sở Nội vụ tỉnh Hà Tĩnh"


def test_guide_and_file_away_need_a_reason(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"])
    classify(case, u["handler"], kind="petition")
    with pytest.raises(Invalid):
        transition_case(case, "file_away", u["handler"])
    transition_case(case, "file_away", u["handler"], comment="Đơn trùng nội dung đã giải quyết")
    assert case.state == "filed"


def test_the_whole_path_of_a_denunciation(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"],
                      reporter=Reporter(name="Đặng Văn Tố", contact="0987 000 111"))
    classify(case, u["handler"], complexity="especially_complex")
    for trigger, actor in (("accept", "approver"), ("start_verification", "handler"),
                           ("record_result", "handler"), ("close", "approver")):
        transition_case(case, trigger, u[actor], comment="Ghi chú")
    assert case.state == "closed" and case.letter.complexity == "especially_complex"
