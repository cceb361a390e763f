"""Drafting, editing, issuing and downloading documents through the web, with the permission
checks, the frozen bytes, the sealed identity and concurrent numbering."""
from __future__ import annotations

import contextvars
import hashlib
import re
import threading
import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.core.calendar import local_today
from app.documents import services
from app.documents.models import CaseDocument, DocumentCounter
from app.identity.services import Reporter
from tests.conftest import Browser
from tests.documents.helpers import fields, issued, pdf_text, poppler, supervision_at
from tests.factories import make_case
from workflows.vocab import LETTER


def _draft(browser, case, template="sv_plan"):
    browser.get(f"/cases/{case.id}")
    response = browser.post(f"/documents/case/{case.id}/new", {"template": template})
    assert response.status_code == 302, response.data[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_case_page_offers_the_templates_of_the_stage(browser, db, world):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="new-document"' in page
    assert 'value="sv_plan"' in page and 'value="sv_report"' not in page
    browser.logout()
    browser.login("auditor")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'data-testid="documents-panel"' in page and 'data-testid="new-document"' not in page


@poppler
def test_draft_edit_preview_issue_and_download_the_same_bytes(browser, db, world, tmp_path):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    doc_id = _draft(browser, case)
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.content["body"].startswith("Ban Thường vụ Liên đoàn Lao động tỉnh Hà Tĩnh xây "
                                          "dựng Kế hoạch giám sát")
    assert browser.get(f"/documents/{doc_id}").status_code == 200

    nfd = unicodedata.normalize("NFD", "Đoàn giám sát làm việc trực tiếp với Ban Giám đốc.")
    body = doc.content["body"] + "\n" + nfd
    # a typed signer's name is ignored: whoever approves signs
    response = browser.post(f"/documents/{doc_id}", fields(
        doc, body=body, signer_name="Nguyễn Văn Giả Mạo"))
    assert response.status_code == 302
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.content["body"].endswith("Đoàn giám sát làm việc trực tiếp với Ban Giám đốc.")  # NFC
    assert doc.content["signature"]["signer_name"] == ""

    preview = browser.get(f"/documents/{doc_id}.pdf")
    assert preview.mimetype == "application/pdf"
    text = pdf_text(preview.data, tmp_path, "draft.pdf")
    assert "DỰ THẢO" in text and "Số: /KH-LĐLĐ" in text
    assert "Đoàn giám sát làm việc trực tiếp với Ban Giám đốc." in " ".join(text.split())

    browser.logout()
    browser.login("approver")
    browser.get(f"/documents/{doc_id}")
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 302
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.number == 1 and doc.issued_by_id == world.users["approver"].id
    first = browser.get(f"/documents/{doc_id}.pdf").data
    second = browser.get(f"/documents/{doc_id}.pdf").data
    assert first == second == doc.pdf
    assert hashlib.sha256(first).hexdigest() == doc.sha256
    text = pdf_text(first, tmp_path, "issued.pdf")
    assert "DỰ THẢO" not in text
    assert f"Số: 01/KH-LĐLĐ Hà Tĩnh, ngày {doc.issued_on.day:02d} tháng" in text
    assert text.rstrip().splitlines()[-1] == world.users["approver"].full_name
    assert "Giả Mạo" not in text
    events = db.session.scalars(sa.select(CaseEvent.action).where(
        CaseEvent.case_id == case.id, CaseEvent.action.like("document_%"))).all()
    assert events == ["document_drafted", "document_edited", "document_issued"]

    # frozen: neither edited nor issued twice, and the bytes do not change
    page = browser.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert 'data-testid="draft-form"' not in page
    response = browser.post(f"/documents/{doc_id}", fields(doc, summary="Sửa sau khi ban hành"))
    assert response.status_code == 409
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 409
    db.session.expire_all()
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.summary != "Sửa sau khi ban hành" and doc.number == 1 and doc.pdf == first


def test_bad_input_keeps_what_was_typed(browser, db, world):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    doc_id = _draft(browser, case)
    doc = db.session.get(CaseDocument, doc_id)
    response = browser.post(f"/documents/{doc_id}", fields(
        doc, authority="CHỦ TỊCH KÝ", filing="VT, Ban Chính sách"))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "VT, Ban Chính sách" in page and "CHỦ TỊCH KÝ" in page
    db.session.expire_all()
    assert db.session.get(CaseDocument, doc_id).content["filing"] != "VT, Ban Chính sách"


def test_permissions(browser, db, world):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    doc_id = _draft(browser, case)
    # the drafter does not number what they drafted; nor does an approver of a unit above
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 403
    browser.logout()
    browser.login("top_approver")
    assert browser.get(f"/documents/{doc_id}").status_code == 200
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 403
    browser.logout()
    browser.login("auditor")
    assert browser.post(f"/documents/case/{case.id}/new",
                        {"template": "sv_plan"}).status_code == 403
    doc = db.session.get(CaseDocument, doc_id)
    assert browser.post(f"/documents/{doc_id}", fields(doc, summary="x")).status_code == 403
    browser.logout()
    browser.login("b_handler")
    for url in (f"/documents/{doc_id}", f"/documents/{doc_id}.pdf"):
        assert browser.get(url).status_code == 404
    assert browser.post(f"/documents/case/{case.id}/new",
                        {"template": "sv_plan"}).status_code == 404
    assert browser.get(f"/documents/register?org={world.orgs['a'].id}").status_code == 404
    assert browser.get(f"/documents/register.pdf?org={world.orgs['a'].id}").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument)) == 1


@poppler
def test_register_page_and_pdf(browser, db, world, tmp_path):
    case = supervision_at(world, "delegation_formed")  # its decision issued: number 01
    today = local_today()
    year, day = today.year, today.strftime("%d/%m/%Y")
    issued(world, case, "sv_notice", on=today)
    services_draft = CaseDocument(case_id=case.id, org_id=case.org_id, template="sv_plan",
                                  summary="Chưa ban hành", content={})
    db.session.add(services_draft)
    browser.login("auditor")
    page = browser.get(f"/documents/register?year={year}").get_data(as_text=True)
    rows = re.findall(r'data-testid="register-row"', page)
    assert len(rows) == 2
    assert "01/QĐ-LĐLĐ" in page and "02/LĐLĐ" in page and "Chưa ban hành" not in page
    pdf = browser.get(f"/documents/register.pdf?org={world.orgs['a'].id}&year={year}")
    assert pdf.mimetype == "application/pdf"
    text = " ".join(pdf_text(pdf.data, tmp_path).split())
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in text and f"Năm {year}" in text
    assert f"01/QĐ-LĐLĐ {day} Quyết định" in text
    assert f"02/LĐLĐ {day} Công văn" in text
    assert "Số:" not in text  # a register book has no number of its own
    assert "DỰ THẢO" not in text  # nor is it a draft


@poppler
def test_documents_to_the_denounced_party_never_carry_the_sender(browser, db, world, tmp_path):
    reporter = Reporter(name="Trần Thị Tố Giác", address="12 Nguyễn Du, Hà Tĩnh",
                        contact="0912345678")
    case = make_case(world.users["intake"], world.orgs["a"], family=LETTER, kind="denunciation",
                     subject_name="Ông Lê Văn Bị Tố", title="Tố cáo sai phạm trong chi trả lương",
                     summary="Đơn tố cáo việc chi trả lương", reporter=reporter)
    db.session.commit()
    from app.identity.services import is_sealed

    assert is_sealed(case)
    browser.login("handler")
    doc_id = _draft(browser, case, "invitation")
    doc = db.session.get(CaseDocument, doc_id)
    assert doc.to_subject
    browser.logout()
    browser.login("approver")
    browser.get(f"/documents/{doc_id}")
    assert browser.post(f"/documents/{doc_id}/issue").status_code == 302
    text = pdf_text(browser.get(f"/documents/{doc_id}.pdf").data, tmp_path)
    assert "Kính mời" in text or "kính mời" in text
    assert "Ông Lê Văn Bị Tố" in text
    for secret in ("Tố Giác", "Nguyễn Du", "0912345678"):
        assert secret not in text
    assert not db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "identity_viewed"))


@pytest.mark.commits
def test_concurrent_issuing_gives_every_number_once(app, db, world):
    """Parallel requests, each with its own app context and session, queue on the locked
    counter: numbers 1..N, no duplicate, no gap."""
    n = 8
    case = supervision_at(world, "delegation_formed")
    doc_ids = []
    for _ in range(n):
        doc = services.draft_document(case, world.users["handler"], "invitation")
        services.approve_document(doc, world.users["approver"])  # the clerk issues on it
        doc_ids.append(doc.id)
    db.session.commit()
    browsers = []
    for doc_id in doc_ids:
        b = Browser(app.test_client())
        b.login("approver" if len(browsers) % 2 else "intake")
        b.get(f"/documents/{doc_id}")
        browsers.append(b)

    barrier = threading.Barrier(n)
    statuses: list[int] = []

    def fire(b, doc_id):
        barrier.wait()
        response = contextvars.Context().run(
            b.client.post, f"/documents/{doc_id}/issue", data={"csrf_token": b.token})
        statuses.append(response.status_code)

    threads = [threading.Thread(target=fire, args=(b, d)) for b, d in zip(browsers, doc_ids)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert statuses == [302] * n
    db.session.expire_all()
    # the decision forming the delegation took number 1 on the way
    numbers = sorted(db.session.scalars(sa.select(CaseDocument.number)).all())
    assert numbers == list(range(1, n + 2))
    counter = db.session.scalar(sa.select(DocumentCounter))
    assert counter.last_number == n + 1
