"""A new draft is signed by default by the unit's signer: the approver who signed the unit's
last issued document, with the block they signed with, else the unit's approver; issuing asks
for a confirmation first (a number in the register cannot be taken back)."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import RoleAssignment
from app.documents import services
from app.documents.models import CaseDocument
from tests.documents.helpers import edit, fields, supervision_at
from tests.html import confirm_of, input_value


def _draft(browser, case, template="sv_plan") -> int:
    browser.get(f"/cases/{case.id}")
    response = browser.post(f"/documents/case/{case.id}/new", {"template": template})
    assert response.status_code == 302, response.data[:300]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def _issued_in(db, org) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CaseDocument).where(
        CaseDocument.org_id == org.id, CaseDocument.issued_at.is_not(None)))


def _signer(page: str) -> str:
    marker = 'data-testid="expected-signer">'
    assert marker in page, "the page names no signer"
    return page.split(marker, 1)[1].split("<", 1)[0]


def test_without_an_issued_document_the_units_approver_signs_with_the_default_block(
        browser, db, world):
    case = supervision_at(world, "plan_drafted")
    assert _issued_in(db, world.orgs["a"]) == 0
    browser.login("handler")
    doc_id = _draft(browser, case)
    page = browser.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert _signer(page) == "Người dùng approver"  # the unit's first approver
    assert input_value(page, "authority") == "TM. BAN THƯỜNG VỤ"
    assert input_value(page, "signer_title") == "CHỦ TỊCH"


def test_the_last_signer_of_the_unit_and_their_block_are_prefilled_and_saved_unchanged(
        browser, db, world):
    u = world.users
    case = supervision_at(world, "plan_drafted")
    first = services.draft_document(case, u["handler"], "sv_plan")
    edit(first, u["handler"], authority="KT. CHỦ TỊCH", capacity="",
         signer_title="PHÓ CHỦ TỊCH")
    services.issue_document(first, u["approver2"])  # the deputy signs
    db.session.commit()

    browser.login("handler")
    doc_id = _draft(browser, case)
    page = browser.get(f"/documents/{doc_id}").get_data(as_text=True)
    assert _signer(page) == "Người dùng approver2"
    assert input_value(page, "authority") == "KT. CHỦ TỊCH"
    assert input_value(page, "signer_title") == "PHÓ CHỦ TỊCH"
    assert input_value(page, "capacity") == ""

    doc = db.session.get(CaseDocument, doc_id)
    response = browser.post(f"/documents/{doc_id}", fields(doc))  # posted as shown
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CaseDocument, doc_id).content["signature"] == {
        "authority": "KT. CHỦ TỊCH", "capacity": "", "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": ""}
    # Still editable: the chair signs this one.
    response = browser.post(f"/documents/{doc_id}", fields(
        doc, authority="TM. BAN THƯỜNG VỤ", signer_title="CHỦ TỊCH"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(CaseDocument, doc_id).content["signature"]["signer_title"] == \
        "CHỦ TỊCH"


def test_a_former_approver_is_never_offered_as_the_signer(browser, db, world):
    u = world.users
    case = supervision_at(world, "plan_drafted")
    first = services.draft_document(case, u["handler"], "sv_plan")
    edit(first, u["handler"], authority="KT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH")
    services.issue_document(first, u["approver2"])
    db.session.execute(sa.delete(RoleAssignment).where(
        RoleAssignment.user_id == u["approver2"].id))
    db.session.commit()

    browser.login("handler")
    page = browser.get(f"/documents/{_draft(browser, case)}").get_data(as_text=True)
    assert _signer(page) == "Người dùng approver"
    assert input_value(page, "signer_title") == "CHỦ TỊCH"


def test_minutes_signed_side_by_side_keep_their_own_signatories(db, world):
    """The block of the unit's last signer replaces a template's single signature, never the
    signatories of minutes."""
    u = world.users
    case = supervision_at(world, "plan_drafted")
    first = services.draft_document(case, u["handler"], "sv_plan")
    edit(first, u["handler"], authority="KT. CHỦ TỊCH", signer_title="PHÓ CHỦ TỊCH")
    services.issue_document(first, u["approver2"])
    assert services.unit_signature(world.orgs["a"], {
        "authority": "", "capacity": "", "signer_title": ""}) == {
        "authority": "", "capacity": "", "signer_title": "", "signer_name": ""}
    assert services.unit_signature(world.orgs["a"], {
        "authority": "TM. BAN THƯỜNG VỤ", "capacity": "", "signer_title": "CHỦ TỊCH"}) == {
        "authority": "KT. CHỦ TỊCH", "capacity": "", "signer_title": "PHÓ CHỦ TỊCH",
        "signer_name": ""}


def test_the_issue_button_asks_for_a_confirmation_naming_the_register(browser, db, world):
    case = supervision_at(world, "plan_drafted")
    browser.login("handler")
    doc_id = _draft(browser, case)
    browser.logout()
    browser.login("approver")
    page = browser.get(f"/documents/{doc_id}").get_data(as_text=True)
    question = confirm_of(page, "issue-form")
    assert question is not None
    assert question.startswith("Ban hành văn bản này ngay?")
    assert "sổ văn bản của Liên đoàn Lao động tỉnh Hà Tĩnh" in question
    assert "số đã cấp không thể thu hồi" in question
    # Approving is not final (an edit voids it): no question.
    assert confirm_of(page, "approve-form") is None
