"""The notice of acceptance to a denouncer (Luật Tố cáo 2018, Điều 29): numbered in the
register like any other document, while the denouncer's name is never stored in clear."""
import hashlib
import json
from datetime import date

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.core.errors import Forbidden
from app.documents import queries, services
from app.documents.models import CaseDocument
from tests.letters.conftest import SENDER, classify, flat, log_letter, pdf_text, poppler
from tests.records import prepare_records

pytestmark = poppler
TEMPLATE = "letter_denouncer_notice"
SEALED = "Người tố cáo (giữ bí mật)"


def _accepted(world, logged_by="intake"):
    u = world.users
    case = log_letter(u[logged_by], world.orgs["a"], received_on=date(2026, 11, 2))
    classify(case, u["handler"])
    prepare_records(case, "accept", [u["handler"], u["approver"]], date(2026, 11, 3))
    transition_case(case, "accept", u["approver"], comment="Thụ lý tố cáo")
    return case


def _resolution_due(case):
    return next(d.due_on for d in case.deadlines if d.rule_code == "denunciation.resolve")


def _stored_text(db, case) -> str:
    """Everything the database holds about the case's documents and timeline, as text."""
    rows = db.session.execute(sa.select(CaseDocument.summary, CaseDocument.content,
                                        CaseDocument.pdf)
                              .where(CaseDocument.case_id == case.id)).all()
    events = db.session.execute(sa.select(CaseEvent.comment, CaseEvent.data)
                                .where(CaseEvent.case_id == case.id)).all()
    parts = [f"{s} {json.dumps(c, ensure_ascii=False)} {(p or b'').decode('latin-1')}"
             for s, c, p in rows]
    parts += [f"{c} {json.dumps(d, ensure_ascii=False)}" for c, d in events]
    return "\n".join(parts)


def _audits(db, case) -> list[str]:
    return [e.data["purpose"] for e in db.session.scalars(
        sa.select(CaseEvent).where(CaseEvent.case_id == case.id,
                                   CaseEvent.action == "identity_viewed")
        .order_by(CaseEvent.id))]


def test_notice_to_the_denouncer_is_numbered_and_its_name_is_never_stored_in_clear(
        browser, db, world, tmp_path):
    u = world.users
    case = _accepted(world)
    doc = services.draft_document(case, u["intake"], TEMPLATE)  # the named handler
    assert "[[Họ tên người gửi đơn]]" in doc.content["addressees"][0]
    doc = services.issue_document(doc, u["approver"], today=local_today())
    label = services.number_label(doc)
    assert label == f"{doc.number:02d}/TB-LĐLĐ"
    assert doc.id in [d.id for d in queries.register_entries(world.orgs["a"].id, doc.year,
                                                            "outgoing")]
    db.session.commit()

    stored = _stored_text(db, case)
    for secret in (SENDER.name, SENDER.address, SENDER.contact):
        assert secret not in stored
    assert not doc.pdf.startswith(b"%PDF")  # sealed under the identity key

    browser.login("approver")  # the unit's leader may see the denouncer
    response = browser.get(f"/documents/{doc.id}.pdf")
    assert response.status_code == 200
    assert hashlib.sha256(response.data).hexdigest() == doc.sha256
    text = flat(pdf_text(response.data, tmp_path))
    due = _resolution_due(case)
    for sentence in (
        f"Số: {label}", "THÔNG BÁO", "Về việc thụ lý tố cáo",
        f"Kính gửi: Ông/Bà {SENDER.name}",
        f"nhận được đơn tố cáo của ông/bà {SENDER.name}, địa chỉ: {SENDER.address}",
        "Căn cứ Điều 29 Luật Tố cáo năm 2018",
        f"đã thụ lý tố cáo (mã số {case.code})",
        f"Thời hạn giải quyết tố cáo: đến hết ngày {due:%d/%m/%Y}",
        "khoản 1 Điều 9 Luật Tố cáo năm 2018",
        "Liên đoàn Lao động tỉnh Hà Tĩnh giữ bí mật theo quy định của Luật Tố cáo năm 2018",
    ):
        assert " ".join(sentence.split()) in text, sentence
    db.session.expire_all()
    assert f"document:{doc.id}" in _audits(db, case)

    register = browser.get(f"/documents/register?year={doc.year}").get_data(as_text=True)
    assert SEALED in register and SENDER.name not in register
    book = pdf_text(browser.get(f"/documents/register.pdf?year={doc.year}").data, tmp_path)
    # The narrow "Nơi nhận" column wraps the words over lines the other cells share.
    assert all(part in flat(book) for part in ("Người tố", "cáo (giữ bí", "mật)"))
    assert SENDER.name not in flat(book) and "Nguyễn" not in book
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    panel = page[page.index('data-testid="documents-panel"'):]
    panel = panel[:panel.index("</section>")]
    assert "Thông báo thụ lý tố cáo" in panel and SENDER.name not in panel


def test_the_draft_shows_tokens_and_its_preview_reveals_the_denouncer_audited(
        browser, db, world, tmp_path):
    case = _accepted(world)
    doc = services.draft_document(case, world.users["intake"], TEMPLATE)
    db.session.commit()
    browser.login("intake")
    page = browser.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert "[[Họ tên người gửi đơn]]" in page and SENDER.name not in page
    db.session.expire_all()
    assert _audits(db, case) == []  # opening the draft reveals nothing
    text = flat(pdf_text(browser.get(f"/documents/{doc.id}.pdf").data, tmp_path))
    assert f"Ông/Bà {SENDER.name}" in text and "THẢO" in text
    db.session.expire_all()
    assert _audits(db, case) == [f"document:{doc.id}:draft"]


def test_only_who_may_see_the_denouncer_drafts_approves_or_issues_it(browser, db, world):
    u = world.users
    case = _accepted(world, logged_by="approver2")  # the clerk is not a named handler
    with pytest.raises(Forbidden):
        services.draft_document(case, u["handler"], TEMPLATE)
    doc = services.draft_document(case, u["approver2"], TEMPLATE)
    services.approve_document(doc, u["approver"])
    with pytest.raises(Forbidden):
        services.issue_document(doc, u["intake"], today=local_today())
    db.session.commit()

    browser.login("handler")
    response = browser.post(f"/documents/case/{case.id}/new", {"template": TEMPLATE})
    assert response.status_code == 403
    assert "chỉ những người xử lý được giao" in response.get_data(as_text=True)
    assert browser.get(f"/documents/{doc.id}").status_code == 403
    browser.logout()
    browser.login("intake")
    response = browser.post(f"/documents/{doc.id}/issue", {})
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(CaseDocument, doc.id).number is None


def test_a_sender_who_asked_for_confidentiality_gets_a_numbered_notice_without_their_name(
        browser, db, world, tmp_path):
    u = world.users
    case = log_letter(u["intake"], world.orgs["a"], title="Đơn khiếu nại về tiền lương",
                      received_on=date(2026, 11, 2), confidential=True)
    classify(case, u["handler"], kind="complaint")
    prepare_records(case, "accept", [u["handler"], u["approver"]], date(2026, 11, 3))
    transition_case(case, "accept", u["approver"], comment="Thụ lý khiếu nại")
    assert "letter_acceptance" not in {t.code for t in services.templates_for(case)}
    doc = services.draft_document(case, u["intake"], "letter_sealed_acceptance")
    doc = services.issue_document(doc, u["approver"], today=local_today())
    db.session.commit()
    stored = _stored_text(db, case)
    assert SENDER.name not in stored and SENDER.address not in stored
    assert not doc.pdf.startswith(b"%PDF")

    browser.login("approver")
    text = flat(pdf_text(browser.get(f"/documents/{doc.id}.pdf").data, tmp_path))
    assert f"Kính gửi: Ông/Bà {SENDER.name}" in text
    assert f"khiếu nại của ông/bà {SENDER.name}, địa chỉ: {SENDER.address}" in text
    register = browser.get(f"/documents/register?year={doc.year}").get_data(as_text=True)
    assert "Người gửi đơn (giữ bí mật)" in register and SENDER.name not in register


def test_the_sealed_pdf_follows_a_rotation_of_the_identity_key(app, browser, db, world):
    u = world.users
    doc = services.draft_document(_accepted(world), u["intake"], TEMPLATE)
    doc = services.issue_document(doc, u["approver"], today=local_today())
    db.session.commit()
    old_key = app.config["IDENTITY_KEY"]
    new_key = Fernet.generate_key().decode()
    app.config["IDENTITY_KEY"] = f"{new_key},{old_key}"
    assert services.rotate_sealed_pdfs() == 1
    db.session.commit()
    app.config["IDENTITY_KEY"] = new_key  # the old key is gone
    browser.login("approver")
    data = browser.get(f"/documents/{doc.id}.pdf").data
    assert hashlib.sha256(data).hexdigest() == doc.sha256
