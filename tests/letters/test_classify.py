"""Classification and the four decisions, with their guards (domain.md §4.3, Luật Tố cáo Điều 25)."""
from datetime import date

import pytest
import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.errors import Conflict, Forbidden, Invalid
from app.identity.services import Reporter
from tests.factories import issue_for
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
    assert response.status_code == 303  # back to the case page, which says why
    assert message in browser.get(response.headers["Location"]).get_data(as_text=True)
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
    issue_for(case, "accept", u["approver"])
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
        issue_for(case, trigger, u["approver"])
        transition_case(case, trigger, u[actor], comment="Ghi chú")
    assert case.state == "closed" and case.letter.complexity == "especially_complex"


def test_classifying_and_correcting_the_classification_move_the_screening_deadline(db, world):
    """The screening deadline's rule follows the kind and its length the complexity: the
    letters service recomputes it (app.deadlines.services.recompute) and the timeline says so,
    by the officer who classified, after the classification."""
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 3, 2))
    # Not classified: 3 working days from Mon 02/03/2026 -> Thu 05/03/2026.
    assert (case.due_rule, case.due_on) == ("intake.log", date(2026, 3, 5))
    classify(case, u["handler"], kind="complaint")
    # A complaint is accepted within 10 days -> Thu 12/03/2026.
    assert (case.due_rule, case.due_on) == ("complaint.accept", date(2026, 3, 12))
    classify(case, u["handler"], kind="denunciation")
    # Initial processing of a denunciation, 7 working days -> Wed 11/03/2026.
    assert (case.due_rule, case.due_on) == ("denunciation.initial", date(2026, 3, 11))
    classify(case, u["handler"], kind="denunciation", complexity="complex")
    # Complex: 10 working days -> Mon 16/03/2026.
    assert case.due_on == date(2026, 3, 16)
    [row] = [d for d in case.deadlines if d.is_open]
    assert (row.rule_code, row.complexity, row.due_on) == (
        "denunciation.initial", "complex", date(2026, 3, 16))
    timeline = [(e.action, e.actor_id, e.data.get("due_on")) for e in db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                   CaseEvent.action != "identity_sealed")
        .order_by(CaseEvent.id))]
    handler = u["handler"].id
    assert timeline == [
        ("open", u["intake"].id, "2026-03-05"),
        ("classify", handler, None),
        ("deadline_recomputed", handler, "2026-03-12"),
        ("letter_reclassified", handler, None),
        ("deadline_recomputed", handler, "2026-03-11"),
        ("letter_reclassified", handler, None),
        ("deadline_recomputed", handler, "2026-03-16"),
    ]


def test_a_classification_that_moves_nothing_writes_no_deadline_line(db, world):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 3, 2))
    classify(case, u["handler"], kind="complaint")
    classify(case, u["handler"], kind="complaint", remote_area=True)  # no effect on thụ lý
    assert (case.due_rule, case.due_on) == ("complaint.accept", date(2026, 3, 12))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "deadline_recomputed")) == 1
