"""The officers' side: the case page's thread with the sender, and writing to them. A named
sender's thread is shown only to those who may see the sender (their messages can reveal them)."""
from __future__ import annotations

import sqlalchemy as sa

from app.cases.models import Case, CaseEvent
from app.identity import services as identity
from app.portal import services
from app.portal.models import PortalMessage
from tests.portal.conftest import SENDER, follow, receipt_of, send


def _sent(browser, app, db, org, **fields):
    assert send(browser, app, org=org, **fields).status_code == 303
    code, secret = receipt_of(browser)
    case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()).limit(1))
    return case, code, secret


def test_an_intake_officer_asks_the_anonymous_sender(browser, client, app, db, world):
    from tests.conftest import Browser

    member = Browser(app.test_client())
    case, code, secret = _sent(member, app, db, world.orgs["a"], kind="denunciation")
    browser.login("intake")
    page = browser.get(f"/cases/{case.id}")
    assert b'data-testid="portal-thread"' in page.data
    response = browser.post(f"/cases/{case.id}/portal/messages",
                            {"text": "Xin gửi thêm chứng cứ về khoản chi."})
    assert response.status_code == 303
    message = db.session.scalar(sa.select(PortalMessage).where(PortalMessage.case_id == case.id))
    assert (message.direction, message.author_id) == ("to_member", world.users["intake"].id)
    event = db.session.scalar(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "portal_question"))
    assert event.actor_id == world.users["intake"].id and "chứng cứ" not in str(event.data)
    # The sender reads it.
    follow(member, code, secret)
    assert "Xin gửi thêm chứng cứ về khoản chi." in member.get("/portal/letter").data.decode()


def test_an_empty_question_keeps_the_case_page(browser, app, db, world):
    case, _code, _secret = _sent(browser, app, db, world.orgs["a"])
    browser.login("intake")
    response = browser.post(f"/cases/{case.id}/portal/messages", {"text": ""})
    assert response.status_code == 422
    assert case.code.encode() in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PortalMessage)) == 0


def test_a_named_denouncers_thread_is_for_those_who_may_see_them(browser, app, db, world):
    case, _code, _secret = _sent(browser, app, db, world.orgs["a"], kind="denunciation",
                                 sender="named", **SENDER)
    browser.login("intake")  # not a named handler: the sender is sealed from them
    page = browser.get(f"/cases/{case.id}")
    assert page.status_code == 200 and b'data-testid="portal-thread"' not in page.data
    assert browser.post(f"/cases/{case.id}/portal/messages",
                        {"text": "Câu hỏi"}).status_code == 403
    browser.logout()
    identity.add_handler(case, world.users["approver"], world.users["handler"])
    db.session.commit()
    browser.login("handler")
    assert b'data-testid="portal-thread"' in browser.get(f"/cases/{case.id}").data
    assert browser.post(f"/cases/{case.id}/portal/messages",
                        {"text": "Câu hỏi"}).status_code == 303


def test_a_reader_without_a_handling_role_may_not_write(browser, app, db, world):
    case, _code, _secret = _sent(browser, app, db, world.orgs["a"])
    browser.login("auditor")
    page = browser.get(f"/cases/{case.id}")
    assert b'data-testid="portal-thread"' in page.data and b"portal-ask" not in page.data
    assert browser.post(f"/cases/{case.id}/portal/messages",
                        {"text": "Câu hỏi"}).status_code == 403


def test_outside_the_unit_the_letter_does_not_exist(browser, app, db, world):
    case, _code, _secret = _sent(browser, app, db, world.orgs["a"])
    browser.login("b_handler")
    assert browser.post(f"/cases/{case.id}/portal/messages",
                        {"text": "Câu hỏi"}).status_code == 404


def test_the_staff_route_needs_a_login(browser, app, db, world):
    case, _code, _secret = _sent(browser, app, db, world.orgs["a"])
    response = browser.post(f"/cases/{case.id}/portal/messages", {"text": "Câu hỏi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_letter_logged_at_the_desk_has_no_thread(browser, app, db, world):
    from tests.letters.conftest import log_letter

    case = log_letter(world.users["intake"], world.orgs["a"])
    db.session.commit()
    browser.login("intake")
    assert b'data-testid="portal-thread"' not in browser.get(f"/cases/{case.id}").data
    assert browser.post(f"/cases/{case.id}/portal/messages",
                        {"text": "Câu hỏi"}).status_code == 404


def test_the_officers_thread_costs_two_queries_whatever_its_length(browser, app, db, world):
    """The messages with their authors' names, and their files: not one query per message."""
    from app.portal import queries
    from tests.portal.conftest import pdf

    case, code, secret = _sent(browser, app, db, world.orgs["a"])
    follow(browser, code, secret)
    for n in range(3):
        services.ask(case, world.users["intake"], text=f"Câu hỏi {n}")
        db.session.commit()
        assert browser.post("/portal/letter/answer", {
            "text": f"Trả lời {n}", "files": [pdf(f"tep-{n}.pdf")]},
            content_type="multipart/form-data").status_code == 303
    db.session.expire_all()
    case = db.session.get(type(case), case.id)
    statements = []

    def count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        thread = queries.thread(case)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 2, statements
    assert [m.author for m in thread if m.direction == "to_member"] == \
        [world.users["intake"].full_name] * 3
    assert [f.filename for m in thread for f in m.files] == ["tep-0.pdf", "tep-1.pdf", "tep-2.pdf"]
