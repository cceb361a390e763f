"""Khiếu nại lần hai: a new letter linked to a first complaint that has a result, lodged with
the unit above the one that resolved it (Luật Khiếu nại 2011, Điều 33)."""
import sqlalchemy as sa

from app.cases.models import Case
from app.cases.services import transition_case
from app.identity.services import reveal
from tests.factories import issue_for
from tests.letters.conftest import SENDER, classify, log_letter


def _settled_complaint(world):
    """A first complaint resolved by the grassroots union: its superior is the zone union,
    whose letters the province's people handle (the grassroots people cannot lodge there)."""
    u = world.users
    first = log_letter(u["grass_handler"], world.orgs["a_grass"],
                       title="Khiếu nại quyết định kỷ luật")
    classify(first, u["grass_handler"], kind="complaint")
    for trigger in ("accept", "start_verification", "record_result"):
        issue_for(first, trigger, u["grass_approver"])
        transition_case(first, trigger, u["grass_handler"], comment="Ghi chú")
    return first


def test_second_complaint_is_a_linked_letter_from_the_same_complainant(browser, db, world):
    first = _settled_complaint(world)
    db.session.commit()
    browser.login("handler")
    assert f"/letters/{first.id}/second-complaint" in browser.get(
        f"/cases/{first.id}").get_data(as_text=True)
    browser.get(f"/letters/{first.id}/second-complaint")
    response = browser.post(f"/letters/{first.id}/second-complaint", {
        "received_on": "2026-11-20", "title": "Khiếu nại lần hai quyết định kỷ luật",
        "summary": "Không đồng ý với kết quả giải quyết lần đầu."})
    assert response.status_code == 302
    second = db.session.scalar(sa.select(Case).where(Case.parent_id == first.id))
    assert (second.family, second.kind, second.state) == ("letter", "complaint", "received")
    assert second.letter.complaint_round == 2
    assert reveal(second, world.users["handler"], "test").name == SENDER.name
    html = browser.get(f"/cases/{first.id}").get_data(as_text=True)
    assert 'data-testid="second-complaints"' in html and second.code in html
    assert f"/letters/{first.id}/second-complaint" not in html  # only once
    assert browser.get(f"/letters/{first.id}/second-complaint").status_code == 409


def test_no_second_complaint_before_a_result_or_for_other_kinds(browser, db, world):
    u = world.users
    open_one = log_letter(u["grass_handler"], world.orgs["a_grass"])
    classify(open_one, u["grass_handler"], kind="complaint")
    db.session.commit()
    settled_denunciation = log_letter(u["grass_handler"], world.orgs["a_grass"])
    classify(settled_denunciation, u["grass_handler"])
    for trigger, actor in (("accept", "grass_approver"), ("start_verification", "grass_handler"),
                           ("record_result", "grass_handler")):
        issue_for(settled_denunciation, trigger, u["grass_approver"])
        transition_case(settled_denunciation, trigger, u[actor], comment="Ghi chú")
    db.session.commit()
    assert settled_denunciation.state == "resolved"
    browser.login("handler")
    assert browser.get(f"/letters/{open_one.id}/second-complaint").status_code == 409
    assert browser.get(
        f"/letters/{settled_denunciation.id}/second-complaint").status_code == 409
    browser.logout()
    browser.login("auditor")
    first = _settled_complaint(world)
    db.session.commit()
    assert browser.get(f"/letters/{first.id}/second-complaint").status_code == 403


def test_second_complaint_resolves_under_its_own_rule(db, world):
    """Luật Khiếu nại 2011: the second complaint's resolve deadline is complaint.second.resolve
    (app.deadlines resolves "letter.resolve" by LetterDetails.complaint_round)."""
    from app.letters.services import open_second_complaint

    u = world.users
    first = _settled_complaint(world)
    second = open_second_complaint(first, u["handler"], title="Khiếu nại lần hai",
                                   summary="Không đồng ý với kết quả giải quyết lần đầu.")
    classify(second, u["handler"], kind="complaint")
    transition_case(second, "accept", u["handler"], comment="Thụ lý lần hai")
    assert second.due_rule == "complaint.second.resolve"
