"""An issued document is corrected only by a new one that names it (thay thế / đính chính);
the register shows the link both ways and keeps the old entry as it was."""
import re
from datetime import date

import pytest

from app.core.errors import Conflict, Invalid
from app.documents import queries, services
from app.documents.models import CaseDocument
from tests.documents.helpers import issued, pdf_text, poppler, supervision_at

pytestmark = poppler
OLD_ON, NEW_ON = date(2026, 3, 5), date(2026, 3, 20)


def _new_from_page(browser, doc, kind):
    page = browser.get(f"/documents/{doc.id}").get_data(as_text=True)
    assert 'data-testid="correct-form"' in page
    response = browser.post(f"/documents/{doc.id}/correct", {"kind": kind})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/documents/(\d+)$", response.headers["Location"]).group(1))


def test_a_replacing_document_names_the_old_one_and_the_register_links_both(
        browser, db, world, tmp_path):
    case = supervision_at(world, "delegation_formed")
    old = issued(world, case, "sv_decision", on=OLD_ON)
    old_label, old_pdf, old_sha = services.number_label(old), old.pdf, old.sha256
    db.session.commit()

    browser.login("handler")
    new_id = _new_from_page(browser, old, "replace")
    new = db.session.get(CaseDocument, new_id)
    assert new.case_id == case.id and new.template == old.template and not new.is_issued
    sentence = (f"Văn bản này thay thế Văn bản số {old_label} ngày 05/03/2026 của Liên đoàn "
                f"Lao động tỉnh Hà Tĩnh")
    assert new.content["body"].startswith(sentence)
    assert new.content["bases"] == old.content["bases"]  # prefilled from it
    browser.logout()
    browser.login("approver")
    assert browser.post(f"/documents/{new_id}/issue", {}).status_code == 302
    db.session.expire_all()
    new = db.session.get(CaseDocument, new_id)
    new_label = services.number_label(new)
    assert new.number == old.number + 1

    # The old document is kept, never renumbered or edited, and says it was replaced.
    old = db.session.get(CaseDocument, old.id)
    assert (services.number_label(old), old.pdf, old.sha256) == (old_label, old_pdf, old_sha)
    page = browser.get(f"/documents/{old.id}").get_data(as_text=True)
    assert "Văn bản này đã được thay thế bởi" in page and new_label in page
    page = browser.get(f"/documents/{new_id}").get_data(as_text=True)
    assert "Thay thế" in page and old_label in page
    text = " ".join(pdf_text(browser.get(f"/documents/{new_id}.pdf").data, tmp_path).split())
    assert sentence in text

    year = old.year
    register = browser.get(f"/documents/register?year={year}").get_data(as_text=True)
    assert f"đã bị thay thế bởi số {new_label}" in register
    assert f"thay thế số {old_label}" in register
    entries = [d.id for d in queries.register_entries(old.org_id, year, "outgoing")]
    assert entries.index(old.id) < entries.index(new_id)  # both kept, by number
    book = " ".join(pdf_text(browser.get(f"/documents/register.pdf?year={year}").data,
                             tmp_path, "book.pdf").split())
    assert old_label in book and new_label in book
    # The long cell wraps over lines the other cells share: the notes, then their fragments.
    assert services.correction_notes(old) == [
        f"Đã bị thay thế bởi Văn bản số {new_label} ngày {new.issued_on:%d/%m/%Y}"]
    assert services.correction_notes(new) == [f"Thay thế Văn bản số {old_label} ngày 05/03/2026"]
    assert "(Đã bị thay thế" in book and "(Thay thế Văn bản số" in book


def test_a_correcting_document_names_the_old_one(browser, db, world):
    case = supervision_at(world, "delegation_formed")
    old = issued(world, case, "sv_decision", on=OLD_ON)
    old_label = services.number_label(old)
    new = services.draft_correction(old, world.users["handler"], "correct")
    assert new.summary == f"Đính chính Văn bản số {old_label} ngày 05/03/2026"
    assert new.content["body"].startswith(f"Đính chính Văn bản số {old_label} ngày 05/03/2026")
    services.issue_document(new, world.users["approver"], today=NEW_ON)
    db.session.commit()
    browser.login("approver")
    register = browser.get("/documents/register?year=2026").get_data(as_text=True)
    assert f"đã được đính chính bởi số {services.number_label(new)}" in register
    assert f"đính chính số {old_label}" in register
    page = browser.get(f"/documents/{old.id}").get_data(as_text=True)
    assert "Văn bản này đã được đính chính bởi" in page


def test_only_an_issued_document_is_corrected_and_only_by_who_may_draft(browser, db, world):
    case = supervision_at(world, "delegation_formed")
    draft = services.draft_document(case, world.users["handler"], "sv_decision")
    with pytest.raises(Conflict):
        services.draft_correction(draft, world.users["handler"], "replace")
    old = issued(world, case, "sv_decision", on=OLD_ON)
    with pytest.raises(Invalid):
        services.draft_correction(old, world.users["handler"], "rewrite")
    db.session.commit()
    browser.login("auditor")  # sees the case, drafts nothing
    assert 'data-testid="correct-form"' not in browser.get(
        f"/documents/{old.id}").get_data(as_text=True)
    assert browser.post(f"/documents/{old.id}/correct", {"kind": "replace"}).status_code == 403
    browser.logout()
    browser.login("handler")
    response = browser.post(f"/documents/{old.id}/correct", {"kind": "rewrite"})
    assert response.status_code == 422
    assert "Chọn văn bản mới thay thế hay đính chính văn bản này." in \
        response.get_data(as_text=True)
    response = browser.post(f"/documents/{draft.id}/correct", {"kind": "replace"})
    assert response.status_code == 409
