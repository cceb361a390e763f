"""Who may issue and sign a numbered document (issue 10): an approver of the issuing unit
approves the draft (recorded, on the timeline), the clerk issues on that approval, the approver's
own name is printed as the signer, and any edit after the approval voids it."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.services import create_user
from app.cases.models import CaseEvent
from app.documents import services
from app.documents.models import CaseDocument
from app.extensions import db
from tests.documents.helpers import fields, pdf_text, poppler, supervision_at
from tests.factories import password_hash
from workflows.vocab import APPROVER

NOT_APPROVED = "This document has not been approved for issuing"
FOUR_EYES = "You drafted or edited this document: another approver of the unit must approve it"
NOT_APPROVER = "Only an approver of the issuing unit can approve a document for issuing."


def _english(world, *names):
    for name in names:
        world.users[name].locale = "en"


def _draft(world, author="handler", template="sv_plan"):
    case = supervision_at(world, "plan_drafted")
    doc = services.draft_document(case, world.users[author], template)
    db.session.commit()
    return doc


def _page(browser, doc):
    return browser.get(f"/documents/{doc.id}").get_data(as_text=True)


def _reload(doc):
    db.session.expire_all()
    return db.session.get(CaseDocument, doc.id)


def test_the_clerk_cannot_issue_a_draft_nobody_approved(browser, db, world):
    _english(world, "intake")
    doc = _draft(world)
    browser.login("intake")
    page = _page(browser, doc)
    assert 'data-testid="issue-form"' not in page and 'data-testid="approve-form"' not in page
    assert 'data-testid="awaiting-approval"' in page
    response = browser.post(f"/documents/{doc.id}/issue")
    assert response.status_code == 403
    assert NOT_APPROVED in response.get_data(as_text=True)
    assert _reload(doc).number is None
    # nor approve it: the clerk is no approver
    response = browser.post(f"/documents/{doc.id}/approve")
    assert response.status_code == 403 and NOT_APPROVER in response.get_data(as_text=True)
    assert not _reload(doc).is_approved


@poppler
def test_approver_approves_the_clerk_issues_and_the_approver_signs(browser, db, world,
                                                                   tmp_path):
    approver = world.users["approver"]
    approver.full_name = "Trần Văn Phê Duyệt"
    doc = _draft(world)
    browser.login("approver")
    page = _page(browser, doc)
    assert 'data-testid="approve-form"' in page
    assert browser.post(f"/documents/{doc.id}/approve").status_code == 302
    doc = _reload(doc)
    assert doc.approved_by_id == approver.id and doc.approved_at is not None
    assert "Trần Văn Phê Duyệt" in _page(browser, doc)
    # the draft preview already shows who will sign
    preview = pdf_text(browser.get(f"/documents/{doc.id}.pdf").data, tmp_path, "draft.pdf")
    assert "DỰ THẢO" in preview and "Trần Văn Phê Duyệt" in preview
    browser.logout()

    browser.login("intake")
    assert 'data-testid="issue-form"' in _page(browser, doc)
    assert browser.post(f"/documents/{doc.id}/issue").status_code == 302
    doc = _reload(doc)
    assert doc.number == 1 and doc.issued_by_id == world.users["intake"].id
    text = pdf_text(browser.get(f"/documents/{doc.id}.pdf").data, tmp_path)
    assert "TM. BAN THƯỜNG VỤ" in text and "CHỦ TỊCH" in text
    assert text.rstrip().splitlines()[-1] == "Trần Văn Phê Duyệt"
    register = browser.get("/documents/register").get_data(as_text=True)
    assert "01/KH-LĐLĐ" in register and "Trần Văn Phê Duyệt" in register
    book = pdf_text(browser.get("/documents/register.pdf").data, tmp_path, "book.pdf")
    assert "Trần Văn" in book and "Phê Duyệt" in book  # the signer column wraps the name
    actions = db.session.scalars(sa.select(CaseEvent.action).where(
        CaseEvent.case_id == doc.case_id, CaseEvent.action.like("document_%"))
        .order_by(CaseEvent.id)).all()
    assert actions == ["document_drafted", "document_approved", "document_issued"]
    approved = db.session.scalar(sa.select(CaseEvent).where(
        CaseEvent.case_id == doc.case_id, CaseEvent.action == "document_approved"))
    assert approved.actor_id == approver.id and approved.data["document_id"] == doc.id


def test_an_edit_after_the_approval_voids_it(browser, db, world):
    _english(world, "intake", "handler")
    doc = _draft(world)
    services.approve_document(doc, world.users["approver"])
    db.session.commit()
    browser.login("handler")
    page = _page(browser, doc)
    assert "Saving a change voids the approval" in page
    response = browser.post(f"/documents/{doc.id}",
                            fields(doc, body=doc.content["body"] + "\nĐoạn thêm sau khi duyệt."))
    assert response.status_code == 302
    doc = _reload(doc)
    assert doc.approved_by_id is None and doc.approved_at is None
    assert db.session.scalar(sa.select(CaseEvent.actor_id).where(
        CaseEvent.case_id == doc.case_id,
        CaseEvent.action == "document_approval_voided")) == world.users["handler"].id
    assert "not approved yet" in _page(browser, doc)
    browser.logout()
    browser.login("intake")
    assert 'data-testid="issue-form"' not in _page(browser, doc)
    response = browser.post(f"/documents/{doc.id}/issue")
    assert response.status_code == 403 and NOT_APPROVED in response.get_data(as_text=True)
    assert _reload(doc).number is None


def test_an_approver_of_another_unit_cannot_approve(browser, db, world):
    _english(world, "top_approver")
    doc = _draft(world)
    browser.login("top_approver")  # the unit above sees the draft but does not sign for it
    assert 'data-testid="approve-form"' not in _page(browser, doc)
    response = browser.post(f"/documents/{doc.id}/approve")
    assert response.status_code == 403 and NOT_APPROVER in response.get_data(as_text=True)
    assert browser.post(f"/documents/{doc.id}/issue").status_code == 403
    browser.logout()
    browser.login("b_approver")  # another province does not even see it
    assert browser.post(f"/documents/{doc.id}/approve").status_code == 404
    assert not _reload(doc).is_approved


def test_the_author_of_a_draft_cannot_approve_or_sign_it(browser, db, world):
    """Four eyes: an approver who drafted or edited a document neither approves it nor issues
    it in their own name; another approver of the unit does."""
    _english(world, "approver", "approver2")
    doc = _draft(world, author="approver")
    browser.login("approver")
    page = _page(browser, doc)
    assert 'data-testid="approve-form"' not in page and 'data-testid="issue-form"' not in page
    for action in ("approve", "issue"):
        response = browser.post(f"/documents/{doc.id}/{action}")
        assert response.status_code == 403 and FOUR_EYES in response.get_data(as_text=True)
    browser.logout()
    browser.login("approver2")  # edits it: now an author too
    browser.get(f"/documents/{doc.id}")
    assert browser.post(f"/documents/{doc.id}",
                        fields(doc, summary="Kế hoạch giám sát đã sửa")).status_code == 302
    assert browser.post(f"/documents/{doc.id}/approve").status_code == 403
    browser.logout()
    # neither may sign it: a third approver of the unit does
    create_user("approver3", "Lê Thị Ba", None, [(APPROVER, world.orgs["a"])],
                password_hash=password_hash())
    db.session.commit()
    browser.login("approver3")
    assert browser.post(f"/documents/{doc.id}/issue").status_code == 302
    doc = _reload(doc)
    assert doc.number == 1 and doc.approved_by.full_name == "Lê Thị Ba"
    assert doc.content["signature"]["signer_name"] == "Lê Thị Ba"


def test_an_approver_who_issues_directly_signs(db, world):
    doc = _draft(world)
    issued_doc = services.issue_document(doc, world.users["approver2"])
    assert issued_doc.approved_by_id == world.users["approver2"].id
    assert issued_doc.content["signature"]["signer_name"] == world.users["approver2"].full_name


def test_an_approval_lapses_when_the_approver_loses_the_role(browser, db, world):
    _english(world, "intake")
    doc = _draft(world)
    services.approve_document(doc, world.users["approver"])
    world.users["approver"].roles.clear()
    db.session.commit()
    browser.login("intake")
    response = browser.post(f"/documents/{doc.id}/issue")
    assert response.status_code == 403
    assert "no longer an approver" in response.get_data(as_text=True)
    assert _reload(doc).number is None


def test_a_refused_approval_records_one_read_of_a_sealed_sender(browser, db, world):
    """The document page names the sender: each request that opens it is one audited read,
    even when the approval is refused and the page is shown again."""
    from tests.letters.conftest import classify, log_letter

    case = log_letter(world.users["intake"], world.orgs["a"])  # a denunciation: sealed
    classify(case, world.users["handler"], within_competence=False,
             competent_body="Ủy ban Kiểm tra Công đoàn tỉnh")
    doc = services.draft_document(case, world.users["intake"], "letter_forward")
    db.session.commit()

    def reads():
        return db.session.scalar(sa.select(sa.func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.action == "identity_viewed",
            CaseEvent.data["purpose"].as_string() == f"document:{doc.id}"))

    browser.login("intake")
    _page(browser, doc)
    before = reads()
    assert before == 1
    assert browser.post(f"/documents/{doc.id}/approve").status_code == 403
    assert reads() == before + 1
