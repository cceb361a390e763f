"""The letter's documents as drafts: exact Vietnamese text, and no denouncer where none belongs."""
from datetime import date

import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.uploads import Upload
from app.identity.services import Reporter
from tests.documents.helpers import issued
from tests.factories import issue_for
from tests.letters.conftest import SENDER, classify, flat, log_letter, pdf_text, poppler

pytestmark = poppler
PDF = b"%PDF-1.4\n%%EOF\n"


def _denunciation(world, **kw):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 11, 2),
                      files=[Upload("chung-tu-chi-quy.pdf", PDF)], **kw)
    classify(case, u["handler"])
    issue_for(case, "accept", u["approver"])
    transition_case(case, "accept", u["approver"], comment="Thụ lý tố cáo")
    return case


def _audits(db, case):
    return [e.data["purpose"] for e in db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                   CaseEvent.action == "identity_viewed"))]


def test_receipt_for_the_sender_is_exact_and_its_reveal_is_audited(browser, db, world, tmp_path):
    case = _denunciation(world)
    db.session.commit()
    browser.login("intake")  # the receiving officer, a named handler
    response = browser.get(f"/letters/{case.id}/documents/receipt.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    text = pdf_text(response.data, tmp_path)
    lines = text.splitlines()
    assert "LIÊN ĐOÀN LAO ĐỘNG TỈNH HÀ TĨNH" in text and "THẢO" in text  # the draft mark
    # One name and one type, drafted on the fly or registered: "Biên bản tiếp nhận đơn", BB.
    assert any(line.startswith("Số: /BB-LĐLĐ") for line in lines), text
    assert "BIÊN BẢN" in lines and "Tiếp nhận đơn" in lines
    body = flat(text)
    for sentence in (
        "Liên đoàn Lao động tỉnh Hà Tĩnh đã nhận đơn của ông/bà Nguyễn Thị Hoài Thu.",
        f"Địa chỉ: {SENDER.address}.",
        f"Số điện thoại, thư điện tử: {SENDER.contact}.",
        "Tiêu đề đơn: Đơn tố cáo sai phạm chi quỹ công đoàn.",
        "Ngày nhận đơn: 02/11/2026; hình thức tiếp nhận: văn bản, đơn gửi qua bưu chính.",
        "Tài liệu kèm theo: chung-tu-chi-quy.pdf.",
        f"Mã số đơn để theo dõi kết quả xử lý: {case.code}.",
        "NGƯỜI TIẾP NHẬN",
        "Người dùng intake",
    ):
        assert sentence in body, sentence
    db.session.expire_all()
    assert _audits(db, case) == ["document:receipt"]


def test_sealed_receipt_is_refused_to_a_handler_who_is_not_named(browser, db, world):
    case = _denunciation(world)
    db.session.commit()
    browser.login("handler")
    assert browser.get(f"/letters/{case.id}/documents/receipt.pdf").status_code == 403
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "documents/receipt.pdf" not in html
    # The notice to the denounced person carries no identity: it is numbered in the register.
    assert 'value="letter_denounced"' in html and 'value="letter_receipt"' not in html
    browser.logout()
    browser.login("b_handler")
    assert browser.get(f"/letters/{case.id}/documents/denounced.pdf").status_code == 404


def test_notice_to_the_denounced_person_has_no_trace_of_the_denouncer(browser, db, world,
                                                                      tmp_path):
    signer = Reporter(name=SENDER.name, address=SENDER.address, contact=SENDER.contact,
                      representative=SENDER.name, signers=("Lê Văn Cường", "Phạm Thị Dung"))
    case = _denunciation(world, reporter=signer)
    db.session.commit()
    browser.login("intake")  # even someone allowed to see the denouncer gets none
    response = browser.get(f"/letters/{case.id}/documents/denounced.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    body = flat(text)
    assert "THÔNG BÁO" in text and "Về nội dung tố cáo" in body
    assert "Kính gửi: Trần Văn Bình." in body
    accepted = next(d.start_on for d in case.deadlines if d.rule_code == "denunciation.resolve")
    assert (f"Liên đoàn Lao động tỉnh Hà Tĩnh đã thụ lý tố cáo ngày {accepted:%d/%m/%Y} (mã "
            f"số {case.code}) đối với Trần Văn Bình, Chủ tịch Công đoàn cơ sở, Công ty Thép "
            "Vũng Áng.") in body
    assert "Nội dung tố cáo: Chủ tịch công đoàn cơ sở tự ý chi quỹ công đoàn" in body
    folded = body.lower()
    for secret in (SENDER.name, "Hoài Thu", SENDER.address, "Trần Phú", SENDER.contact,
                   "0912", "Lê Văn Cường", "Phạm Thị Dung", "người gửi"):
        assert secret.lower() not in folded, secret
    db.session.expire_all()
    assert _audits(db, case) == []  # the identity was never opened


def test_forwarding_slip_of_a_denunciation_leaves_out_the_denouncer(browser, db, world,
                                                                     tmp_path):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 11, 2))
    classify(case, u["handler"], within_competence=False,
             competent_body="Ủy ban Kiểm tra Công đoàn tỉnh")
    db.session.commit()
    browser.login("handler")  # not a named handler: the slip needs no identity
    response = browser.get(f"/letters/{case.id}/documents/forward.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data, tmp_path)
    body = flat(text)
    assert "PHIẾU CHUYỂN ĐƠN" in text and "Kính gửi: Ủy ban Kiểm tra Công đoàn tỉnh." in body
    assert ("Ngày 02/11/2026, Liên đoàn Lao động tỉnh Hà Tĩnh nhận được đơn tố cáo, về việc: "
            "Đơn tố cáo sai phạm chi quỹ công đoàn.") in body
    assert "đã lược bỏ thông tin về người tố cáo" in body
    assert any(line.startswith("Số: /PC-LĐLĐ") for line in text.splitlines())
    for secret in (SENDER.name, SENDER.address, SENDER.contact):
        assert secret not in body


def test_notices_to_a_complainant_name_them(browser, db, world, tmp_path):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 11, 2),
                      title="Khiếu nại quyết định kỷ luật")
    classify(case, u["handler"], kind="complaint")
    transition_case(case, "accept", u["handler"], comment="Thụ lý")
    db.session.commit()
    browser.login("handler2")  # a complaint is not sealed: any officer who sees the case
    response = browser.get(f"/letters/{case.id}/documents/acceptance.pdf")
    assert response.status_code == 200
    body = flat(pdf_text(response.data, tmp_path))
    assert "Về việc thụ lý đơn khiếu nại" in body
    assert "Kính gửi: Ông/Bà Nguyễn Thị Hoài Thu." in body
    assert ("Ngày 02/11/2026, Liên đoàn Lao động tỉnh Hà Tĩnh nhận được đơn khiếu nại của "
            f"ông/bà Nguyễn Thị Hoài Thu, địa chỉ: {SENDER.address}, về việc: Khiếu nại "
            "quyết định kỷ luật.") in body
    assert (f"thông báo đã thụ lý đơn (mã số {case.code}) để xem xét, giải quyết theo quy "
            "định của pháp luật.") in body
    # Documents of another stage are not offered.
    assert browser.get(f"/letters/{case.id}/documents/refusal.pdf").status_code == 404


def test_guidance_and_refusal_carry_the_reason(browser, db, world, tmp_path):
    u = world.users
    guided = log_letter(u["intake"], world.orgs["a"], title="Kiến nghị về tiền lương")
    classify(guided, u["handler"], kind="petition", within_competence=False,
             competent_body="Sở Nội vụ tỉnh Hà Tĩnh")
    transition_case(guided, "guide", u["handler"], comment="Thuộc thẩm quyền Sở Nội vụ.")
    filed = log_letter(u["intake"], world.orgs["a"], title="Phản ánh không ký tên")
    classify(filed, u["handler"], kind="feedback", is_valid=False,
             invalid_reason="Đơn không có chữ ký của người gửi.")
    transition_case(filed, "file_away", u["handler"], comment="Lưu đơn")
    db.session.commit()
    browser.login("handler")
    body = flat(pdf_text(browser.get(f"/letters/{guided.id}/documents/guidance.pdf").data,
                         tmp_path))
    assert "V/v hướng dẫn gửi đơn đến cơ quan có thẩm quyền" in body
    assert ("Đề nghị ông/bà Nguyễn Thị Hoài Thu gửi đơn đến Sở Nội vụ tỉnh Hà Tĩnh để được "
            "xem xét, giải quyết theo quy định của pháp luật.") in body
    assert "Ý kiến của cơ quan tiếp nhận: Thuộc thẩm quyền Sở Nội vụ." in body
    body = flat(pdf_text(browser.get(f"/letters/{filed.id}/documents/refusal.pdf").data,
                         tmp_path))
    assert "Về việc không thụ lý đơn phản ánh" in body
    assert ("Sau khi xem xét, đơn không đủ điều kiện thụ lý, giải quyết. Lý do: Đơn không có "
            "chữ ký của người gửi.") in body


def test_no_document_is_addressed_to_an_anonymous_sender(browser, db, world):
    case = log_letter(world.users["intake"], world.orgs["a"], reporter=None, is_anonymous=True)
    db.session.commit()
    browser.login("intake")
    assert browser.get(f"/letters/{case.id}/documents/receipt.pdf").status_code == 404


def _issue(browser, case, template):
    """The logged-in clerk drafts; the unit's approver (not its author) signs and issues."""
    response = browser.post(f"/documents/case/{case.id}/new", {"template": template})
    assert response.status_code == 302, response.data[:300]
    doc_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    browser.logout()
    browser.login("approver")
    browser.get(f"/documents/{doc_id}")
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 302
    return browser.get(f"/documents/{doc_id}.pdf")


def test_a_complaints_receipt_is_numbered_in_the_units_register(browser, db, world, tmp_path):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], received_on=date(2026, 11, 2),
                      title="Đơn khiếu nại quyết định kỷ luật")
    classify(case, u["handler"], kind="complaint")
    db.session.commit()
    browser.login("intake")  # drafts for the unit's approver to sign
    html = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'value="letter_receipt"' in html and 'value="letter_denounced"' not in html
    text = pdf_text(_issue(browser, case, "letter_receipt").data, tmp_path)
    assert "BIÊN BẢN" in text.splitlines() and "Tiếp nhận đơn" in text.splitlines()
    assert any(line.startswith("Số: 01/BB-LĐLĐ") for line in text.splitlines()), text
    assert "Nguyễn Thị Hoài Thu" in flat(text)


def test_the_issued_notice_to_the_denounced_person_has_no_trace_of_the_denouncer(
        browser, db, world, tmp_path):
    case = _denunciation(world)
    before = _audits(db, case)
    doc = issued(world, case, "letter_denounced", on=date(2026, 11, 20))
    db.session.commit()
    browser.login("approver")
    text = flat(pdf_text(browser.get(f"/documents/{doc.id}.pdf").data, tmp_path))
    # numbered after the decision accepting the denunciation (the register is shared)
    assert f"Số: {doc.number:02d}/TB-LĐLĐ" in text
    for secret in (SENDER.name, SENDER.address, SENDER.contact, "Hoài Thu"):
        assert secret not in text
    db.session.expire_all()
    assert _audits(db, case) == before
