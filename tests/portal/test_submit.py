"""Sending a letter through the portal: it becomes a letter in the chosen unit's intake queue,
logged as online, its sender sealed as an officer's intake would seal them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.cases.models import Attachment, Case, CaseHandler
from app.identity.models import IdentitySeal, SealedFile, SealedIdentity
from app.portal.models import PortalReceipt
from tests.portal.conftest import SENDER, follow, pdf, receipt_of, send


def _latest(db):
    return db.session.scalar(sa.select(Case).order_by(Case.id.desc()).limit(1))


@pytest.mark.parametrize("kind", ["feedback", "petition", "complaint", "denunciation"])
def test_anonymous_letter_of_each_kind_reaches_the_unit(browser, app, db, world, kind):
    org = world.orgs["a_grass"]
    response = send(browser, app, org=org, kind=kind, files=[pdf()])
    assert response.status_code == 303, response.data[:2000]
    assert response.headers["Location"].endswith("/portal/receipt")
    case = _latest(db)
    assert (case.family, case.org_id, case.intake_form, case.channel) == (
        "letter", org.id, "online", "report")
    assert case.is_anonymous and case.kind is None and case.state == "received"
    receipt = db.session.scalar(sa.select(PortalReceipt).where(PortalReceipt.case_id == case.id))
    assert receipt.kind == kind
    # An anonymous letter's files are its evidence: on the case.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(
        Attachment.case_id == case.id)) == 1
    # Nobody is named its handler: the portal's account is not a person.
    assert not db.session.scalars(sa.select(CaseHandler).where(
        CaseHandler.case_id == case.id)).all()
    code, secret = receipt_of(browser)
    assert follow(browser, code, secret).status_code == 303


def test_named_denunciation_is_sealed_and_its_files_too(browser, app, db, world):
    org = world.orgs["a"]
    response = send(browser, app, org=org, kind="denunciation", sender="named",
                    files=[pdf("don-co-chu-ky.pdf")], **SENDER)
    assert response.status_code == 303, response.data[:2000]
    case = _latest(db)
    assert not case.is_anonymous
    assert db.session.get(IdentitySeal, case.id).reason == "requested"
    assert db.session.scalar(sa.select(SealedIdentity).where(SealedIdentity.case_id == case.id))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedFile).where(
        SealedFile.case_id == case.id)) == 1
    assert not db.session.scalars(sa.select(Attachment).where(Attachment.case_id == case.id)).all()
    for text in SENDER.values():
        assert text not in case.summary and text not in case.search_text
    # The unit's intake officer sees the letter, not the sender.
    browser.login("intake")
    page = browser.get(f"/cases/{case.id}")
    assert page.status_code == 200
    html = page.data.decode()
    assert case.code in html
    for text in SENDER.values():
        assert text not in html


def test_named_complaint_keeps_files_on_the_case(browser, app, db, world):
    response = send(browser, app, org=world.orgs["a"], kind="complaint", sender="named",
                    files=[pdf()], **SENDER)
    assert response.status_code == 303
    case = _latest(db)
    assert db.session.get(IdentitySeal, case.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment).where(
        Attachment.case_id == case.id)) == 1


def test_the_letter_is_in_the_intake_officers_queue(browser, app, db, world):
    send(browser, app, org=world.orgs["a"], kind="feedback")
    case = _latest(db)
    browser.login("intake")
    home = browser.get("/")
    assert case.code.encode() in home.data


def test_no_clear_secret_is_stored(browser, app, db, world):
    send(browser, app, org=world.orgs["a"])
    code, secret = receipt_of(browser)
    receipt = db.session.scalar(sa.select(PortalReceipt).order_by(PortalReceipt.id.desc()))
    plain = secret.replace("-", "")
    assert plain not in receipt.secret_hash and plain not in receipt.salt
    assert receipt.code == code.replace("-", "")
    assert len(bytes.fromhex(receipt.secret_hash)) == 32
    # Shown once: a second look shows nothing.
    again = browser.get("/portal/receipt")
    assert b"receipt-gone" in again.data and plain.encode() not in again.data


def test_i_dont_know_goes_to_the_province_or_the_top(browser, app, db, world):
    send(browser, app, province_id=str(world.orgs["b"].id))
    assert _latest(db).org_id == world.orgs["b"].id
    send(browser, app)
    case = _latest(db)
    assert case.org_id == world.orgs["tld"].id
    # The portal's account holds its intake role there, and still is not its handler.
    assert not db.session.scalars(sa.select(CaseHandler).where(
        CaseHandler.case_id == case.id)).all()


def test_a_named_sender_must_give_a_name(browser, app, db, world):
    before = _latest(db)
    response = send(browser, app, org=world.orgs["a"], sender="named", name="")
    assert response.status_code == 422
    assert b'data-testid="error-name"' in response.data
    assert _latest(db) is before
    # What was typed is kept.
    assert "Chủ tịch công đoàn cơ sở chi sai quỹ".encode() in response.data


def test_the_sender_named_in_the_content_is_refused_with_the_text_kept(browser, app, db, world):
    response = send(browser, app, org=world.orgs["a"], sender="named",
                    content="Tôi là Nguyễn Thị Hoài Thu, công nhân, xin phản ánh việc nợ lương.",
                    **{k: v for k, v in SENDER.items()})
    assert response.status_code == 422
    assert b'data-testid="error-content"' in response.data
    assert "Tôi là Nguyễn Thị Hoài Thu".encode() in response.data


def test_a_fake_pdf_is_refused_and_nothing_saved(browser, app, db, world):
    before = _latest(db)
    response = send(browser, app, org=world.orgs["a"],
                    files=[pdf("bang-chung.pdf", b"<html><script>alert(1)</script></html>")])
    assert response.status_code == 422
    assert b'data-testid="error-files"' in response.data
    assert _latest(db) is before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PortalReceipt)) == 0


def test_a_dissolved_unit_takes_no_letter(browser, app, db, world):
    from datetime import date

    org = world.orgs["a_zone"]
    page = browser.get(f"/portal/send?org={org.id}")
    org.dissolved_on = date(2025, 7, 1)
    db.session.commit()
    from tests.portal.conftest import challenge_of, solve

    challenge = challenge_of(page.data)
    response = browser.post("/portal/send", {
        "kind": "feedback", "title": "Tiêu đề", "content": "Nội dung", "sender": "anonymous",
        "org_id": str(org.id), "pow_challenge": challenge,
        "pow_counter": solve(challenge, app.config["PORTAL_POW_BITS"])})
    assert response.status_code == 422
    assert b'data-testid="error-org_id"' in response.data


def test_an_anonymous_letter_drops_the_name_fields_left_filled(browser, app, db, world):
    """A sender who filled in their name, then chose to send anonymously: nothing of it is
    kept, and the letter is not confidential (there is nobody to keep confidential)."""
    response = send(browser, app, org=world.orgs["a"], sender="anonymous", confidential="y",
                    files=[pdf()], **SENDER)
    assert response.status_code == 303, response.data[:2000]
    case = _latest(db)
    assert case.is_anonymous
    assert not db.session.scalars(sa.select(SealedIdentity).where(
        SealedIdentity.case_id == case.id)).all()
    receipt = db.session.scalar(sa.select(PortalReceipt).where(PortalReceipt.case_id == case.id))
    assert not receipt.confidential
    assert not db.session.scalars(sa.select(SealedFile).where(SealedFile.case_id == case.id)).all()
