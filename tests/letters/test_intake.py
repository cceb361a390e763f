"""Logging a letter: the intake page, the sealed sender, refusals that keep what was typed."""
import io

import sqlalchemy as sa

from app.cases.models import Attachment, Case, CaseEvent, CaseHandler
from app.identity.models import SealedFile, SealedIdentity
from app.identity.services import reveal
from app.letters.models import LetterDetails
from tests.letters.conftest import CONTENT, SENDER, log_letter

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


def _form(world, **overrides):
    data = {
        "org_id": world.orgs["a"].id, "received_on": "2026-11-02", "intake_form": "in_person",
        "channel": "report", "title": "Đơn tố cáo sai phạm chi quỹ công đoàn",
        "summary": CONTENT, "sender_name": SENDER.name, "sender_address": SENDER.address,
        "sender_contact": SENDER.contact, "subject_kind": "person",
        "subject_name": "Trần Văn Bình", "subject_position": "Chủ tịch Công đoàn cơ sở",
    }
    data.update(overrides)
    return data


def _count(db, model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_intake_page_logs_a_letter_with_its_sender_sealed_and_its_documents(browser, db, world):
    browser.login("intake")
    assert "/letters/new" in browser.get("/").get_data(as_text=True)  # "Log a letter" link
    data = _form(world, other_signers="Lê Văn Cường\nPhạm Thị Dung", signer_count="5")
    data["files"] = [(io.BytesIO(PDF), "chung-tu-chi-quy.pdf")]
    data["sender_files"] = [(io.BytesIO(PNG), "ban-viet-tay.png")]
    response = browser.post("/letters/new", data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case = db.session.scalar(sa.select(Case))
    assert (case.family, case.kind, case.state, case.intake_form) == (
        "letter", None, "received", "in_person")
    assert case.received_on.isoformat() == "2026-11-02"
    letter = db.session.get(LetterDetails, case.id)
    assert letter.received_by_id == world.users["intake"].id and letter.signer_count == 5
    # The identity is nowhere on the case row or its timeline, only sealed.
    row_text = " ".join(str(v) for v in (case.title, case.summary, case.search_text,
                                          case.subject_name))
    events = db.session.scalars(sa.select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
    for secret in ("Hoài Thu", "hoai thu", SENDER.address, SENDER.contact, "Lê Văn Cường"):
        assert secret not in row_text
        assert all(secret not in f"{e.comment}{e.data}" for e in events)
    assert _count(db, SealedIdentity) == 1 and _count(db, SealedFile) == 1
    sender = reveal(case, world.users["intake"], "test")
    assert (sender.name, sender.representative, sender.signers) == (
        SENDER.name, SENDER.name, ("Lê Văn Cường", "Phạm Thị Dung"))
    assert [a.filename for a in db.session.scalars(sa.select(Attachment))] == [
        "chung-tu-chi-quy.pdf"]
    # The receiving officer is the first named handler.
    assert db.session.scalar(sa.select(CaseHandler.user_id)) == world.users["intake"].id
    page = browser.get(response.location).get_data(as_text=True)
    assert case.code in page and 'data-testid="letter-panel"' in page
    assert "chung-tu-chi-quy.pdf" in page


def test_empty_content_is_refused_with_a_message_and_nothing_is_lost(browser, db, world):
    browser.login("intake")
    browser.post("/language/en", {"next": "/"})
    browser.get("/letters/new")
    response = browser.post("/letters/new", _form(world, summary="   "))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The content of the letter is required" in html
    assert "Đơn tố cáo sai phạm chi quỹ công đoàn" in html and SENDER.address in html
    assert _count(db, Case) == 0 and _count(db, SealedIdentity) == 0


def test_a_content_naming_the_sender_is_refused(browser, db, world):
    browser.login("intake")
    browser.post("/language/en", {"next": "/"})
    browser.get("/letters/new")
    response = browser.post("/letters/new", _form(
        world, summary="Tôi là nguyen thi hoai thu, công nhân phân xưởng, tố cáo việc chi quỹ."))
    assert response.status_code == 422
    assert "names the sender" in response.get_data(as_text=True)
    assert _count(db, Case) == 0


def test_sender_is_required_unless_anonymous_and_anonymous_has_none(browser, db, world):
    browser.login("intake")
    browser.post("/language/en", {"next": "/"})
    browser.get("/letters/new")
    response = browser.post("/letters/new", _form(world, sender_name=""))
    assert response.status_code == 422
    assert "Give the sender&#39;s name" in response.get_data(as_text=True)
    response = browser.post("/letters/new", _form(world, is_anonymous="y"))
    assert response.status_code == 422
    assert "An anonymous letter has no sender" in response.get_data(as_text=True)
    assert _count(db, Case) == 0
    response = browser.post("/letters/new", _form(world, is_anonymous="y", sender_name="",
                                                  sender_address="", sender_contact=""))
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert case.is_anonymous and _count(db, SealedIdentity) == 0


def test_a_bad_attachment_is_refused_before_anything_is_saved(browser, db, world):
    browser.login("intake")
    browser.get("/letters/new")
    data = _form(world)
    data["files"] = [(io.BytesIO(b"MZ not a pdf"), "chung-tu.pdf")]
    response = browser.post("/letters/new", data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert _count(db, Case) == 0 and _count(db, Attachment) == 0


def test_generic_form_for_a_letter_leads_to_the_letter_page(browser, world):
    browser.login("intake")
    response = browser.get("/cases/new?family=letter")
    assert response.status_code == 302 and response.location.endswith("/letters/new")


def test_intake_page_is_scoped_and_refused_to_readers(browser, db, world):
    browser.login("auditor")
    assert browser.get("/letters/new").status_code == 403
    browser.logout()
    browser.login("intake")
    browser.get("/letters/new")
    response = browser.post("/letters/new", _form(world, org_id=world.orgs["b"].id))
    assert response.status_code == 422  # another province is not a choice
    assert _count(db, Case) == 0


def test_letter_attachments_are_served_only_in_scope(browser, db, world):
    from app.core.uploads import Upload

    case = log_letter(world.users["intake"], world.orgs["a"],
                      files=[Upload("chung-tu.pdf", PDF)])
    db.session.commit()
    att = db.session.scalar(sa.select(Attachment))
    browser.login("handler")
    response = browser.get(f"/letters/{case.id}/attachments/{att.id}")
    assert response.status_code == 200 and response.data == PDF
    browser.logout()
    browser.login("b_handler")
    assert browser.get(f"/letters/{case.id}/attachments/{att.id}").status_code == 404


def test_the_log_a_letter_link_shows_only_to_those_who_may_log_one(db, world, browser):
    for username, shown in (("intake", True), ("handler", True), ("approver", True),
                            ("admin", False), ("auditor", False), ("delegate", False)):
        browser.login(username)
        for url in ("/", "/cases/"):
            page = browser.get(url).get_data(as_text=True)
            assert ('data-testid="log-letter"' in page) is shown, (username, url)
        assert (browser.get("/letters/new").status_code == 200) is shown, username
        browser.logout()
