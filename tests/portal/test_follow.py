"""Following a letter with its receipt: the stage, the deadline owed to the sender, the thread
with the officers; the sender answers with documents. Nothing else of the case is shown."""
from __future__ import annotations

import sqlalchemy as sa

from app.cases.models import Attachment, Case, CaseEvent
from app.identity.models import SealedFile
from app.letters import services as letters
from app.portal import services
from app.portal.models import PortalMessage
from tests.portal.conftest import SENDER, follow, pdf, receipt_of, send

INTERNAL_NOTE = "Ghi chú nội bộ: đối chiếu sổ quỹ trước khi thụ lý"


def _sent(browser, app, db, org, **fields):
    assert send(browser, app, org=org, **fields).status_code == 303
    code, secret = receipt_of(browser)
    case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()).limit(1))
    return case, code, secret


def test_the_sender_sees_stage_deadline_and_messages_and_nothing_else(browser, app, db, world):
    case, code, secret = _sent(browser, app, db, world.orgs["a"], kind="complaint",
                               sender="named", **SENDER)
    letters.classify_letter(case, world.users["handler"], kind="complaint", is_valid=True,
                            within_competence=True, comment=INTERNAL_NOTE)
    services.ask(case, world.users["handler"], text="Anh chị gửi thêm bảng lương tháng 3.")
    db.session.commit()

    assert follow(browser, code, secret).status_code == 303
    page = browser.get("/portal/letter")
    assert page.status_code == 200
    html = page.data.decode()
    assert 'data-testid="member-stage">Đang xem xét, phân loại<' in html
    assert f"<code>{code}</code>" in html  # the code as the receipt showed it
    assert "Khiếu nại: thụ lý đơn" in html  # the deadline the law owes the sender
    assert "Anh chị gửi thêm bảng lương tháng 3." in html
    for hidden in (INTERNAL_NOTE, world.users["handler"].full_name, case.code, "handler",
                   "Phân loại đơn"):
        assert hidden not in html


def test_the_sender_answers_with_a_document(browser, app, db, world):
    case, code, secret = _sent(browser, app, db, world.orgs["a"], kind="feedback")
    follow(browser, code, secret)
    response = browser.post("/portal/letter/answer", {
        "text": "Tôi gửi bảng lương.", "files": [pdf("bang-luong.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    message = db.session.scalar(sa.select(PortalMessage).where(PortalMessage.case_id == case.id))
    assert (message.direction, message.text) == ("from_member", "Tôi gửi bảng lương.")
    assert db.session.scalar(sa.select(Attachment.filename).where(
        Attachment.case_id == case.id, Attachment.owner_id == message.id)) == "bang-luong.pdf"
    event = db.session.scalar(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "portal_reply"))
    assert "Tôi gửi" not in str(event.data) and event.data["files"] == 1
    page = browser.get("/portal/letter")
    assert "bang-luong.pdf" in page.data.decode()


def test_a_named_denouncers_answer_files_are_sealed(browser, app, db, world):
    case, code, secret = _sent(browser, app, db, world.orgs["a"], kind="denunciation",
                               sender="named", **SENDER)
    follow(browser, code, secret)
    response = browser.post("/portal/letter/answer", {
        "text": "Bản chụp có chữ ký của tôi.", "files": [pdf("chu-ky.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedFile).where(
        SealedFile.case_id == case.id)) == 1
    assert not db.session.scalars(sa.select(Attachment).where(
        Attachment.case_id == case.id)).all()


def test_a_bad_answer_keeps_the_text(browser, app, db, world):
    _case, code, secret = _sent(browser, app, db, world.orgs["a"])
    follow(browser, code, secret)
    response = browser.post("/portal/letter/answer", {
        "text": "Câu trả lời của tôi", "files": [pdf("x.pdf", b"MZ not a pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Câu trả lời của tôi" in response.data.decode()
    assert b'data-testid="error-files"' in response.data
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PortalMessage)) == 0
    empty = browser.post("/portal/letter/answer", {"text": ""})
    assert empty.status_code == 422 and b'data-testid="error-text"' in empty.data


def test_without_a_login_the_letter_page_asks_for_the_receipt(browser, app, db, world):
    response = browser.get("/portal/letter")
    assert response.status_code == 303 and response.headers["Location"].endswith("/portal/follow")
    assert browser.post("/portal/letter/answer", {"text": "x"}).status_code == 303


def test_leaving_ends_the_follow_up(browser, app, db, world):
    _case, code, secret = _sent(browser, app, db, world.orgs["a"])
    follow(browser, code, secret)
    assert browser.get("/portal/letter").status_code == 200
    browser.post("/portal/leave")
    assert browser.get("/portal/letter").status_code == 303


def test_a_closed_letter_takes_no_answer(browser, app, db, world):
    case, code, secret = _sent(browser, app, db, world.orgs["a"])
    follow(browser, code, secret)
    from app.cases.services import transition_case

    transition_case(case, "withdraw", world.users["handler"], comment="Người gửi rút đơn")
    db.session.commit()
    page = browser.get("/portal/letter")
    assert 'data-testid="member-stage">Đã kết thúc<' in page.data.decode()
    assert b"send-answer" not in page.data
    assert browser.post("/portal/letter/answer", {"text": "Còn nữa"}).status_code == 409
