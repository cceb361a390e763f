"""A seal on a reporter's identity outlives the letter's kind; only the unit's leader lifts it,
with a reason; a same-sender match never confirms a guessed denouncer; sender matching folds
away invisible and full-width characters (issue 10)."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from app.cases.models import CaseEvent
from app.cases.services import transition_case
from app.core.errors import Invalid
from app.core.text import fold_name
from app.identity import services as identity
from app.identity.models import IdentitySeal
from app.letters import rules
from tests.letters.conftest import classify, log_letter

NAME = "Đoàn Thị Bí Mật"
ADDRESS = "Thôn 4, xã Kỳ Hoa"
SECRETS = (NAME, ADDRESS, "0966 000 777")


def _reporter(name=NAME):
    return identity.Reporter(name=name, address=ADDRESS, contact=SECRETS[2])


def _events(db, case, action):
    return db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action).order_by(CaseEvent.id)).all()


def _classify_form(case, kind, **extra):
    return {"version": case.version, "kind": kind, "is_valid": "yes",
            "within_competence": "yes", "complexity": "normal", **extra}


def _page(browser, case) -> str:
    response = browser.get(f"/cases/{case.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def denunciation(db, world):
    case = log_letter(world.users["intake"], world.orgs["a"], reporter=_reporter())
    classify(case, world.users["intake"], kind="denunciation")
    db.session.commit()
    return case


def _assert_hidden_from_handler(browser, db, case):
    """`handler` may see the case but is not one of its named handlers."""
    browser.login("handler")
    page = _page(browser, case)
    for secret in SECRETS:
        assert secret not in page
    assert 'data-testid="sealed-identity"' in page
    assert browser.get(f"/cases/{case.id}/identity").status_code == 403
    browser.logout()


# --- reclassification ------------------------------------------------------------------------

def test_reclassifying_a_denunciation_as_a_complaint_keeps_the_seal(browser, db, world,
                                                                    denunciation):
    browser.login("intake")
    response = browser.post(f"/letters/{denunciation.id}/classify",
                            _classify_form(denunciation, "complaint"))
    assert response.status_code == 302
    browser.logout()
    db.session.expire_all()
    assert denunciation.kind == "complaint"
    assert identity.is_sealed(denunciation)
    _assert_hidden_from_handler(browser, db, denunciation)
    # The letter documents addressed to an open sender (receipt, notices) are not offered.
    browser.login("handler")
    assert browser.get(f"/letters/{denunciation.id}/documents/receipt.pdf").status_code in (
        403, 404)
    browser.logout()
    # Back to a denunciation and to a complaint again: still sealed, nothing viewed meanwhile.
    classify(denunciation, world.users["intake"], kind="denunciation")
    classify(denunciation, world.users["intake"], kind="complaint")
    db.session.commit()
    assert identity.is_sealed(denunciation)
    assert _events(db, denunciation, "identity_viewed") == []


def test_a_sender_who_asks_for_confidentiality_stays_sealed_as_a_complaint(browser, db, world):
    browser.login("intake")
    form = browser.get("/letters/new").get_data(as_text=True)
    assert 'name="keep_confidential"' in form
    assert "Khi đó danh tính được niêm phong dù đơn được phân loại thế nào" in form
    response = browser.post("/letters/new", {
        "org_id": world.orgs["a"].id, "channel": "report", "intake_form": "writing",
        "received_on": date.today().strftime("%d/%m/%Y"), "title": "Khiếu nại kỷ luật",
        "summary": "Đề nghị xem xét lại quyết định kỷ luật.", "sender_name": NAME,
        "sender_address": ADDRESS, "sender_contact": SECRETS[2], "keep_confidential": "y",
        "subject_kind": "organisation", "subject_name": "Công ty TNHH Minh Phát"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    case_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    from app.cases.models import Case

    case = db.session.get(Case, case_id)
    classify(case, world.users["intake"], kind="complaint")
    db.session.commit()
    assert db.session.get(IdentitySeal, case.id).reason == "requested"
    browser.logout()
    _assert_hidden_from_handler(browser, db, case)


def test_a_complaint_never_sealed_shows_its_sender(browser, db, world):
    case = log_letter(world.users["intake"], world.orgs["a"], reporter=_reporter())
    classify(case, world.users["intake"], kind="complaint")
    db.session.commit()
    assert not identity.was_ever_sealed(case)
    browser.login("handler")
    assert NAME in _page(browser, case)


# --- lifting a seal ----------------------------------------------------------------------------

@pytest.fixture
def reclassified(db, world, denunciation):
    classify(denunciation, world.users["intake"], kind="complaint")
    db.session.commit()
    return denunciation


@pytest.mark.parametrize("username,status", [
    ("intake", 403), ("handler", 403), ("admin", 403), ("auditor", 403),
    ("top_approver", 403), ("b_approver", 404), ("approver2", 302)])
def test_only_the_units_leader_lifts_a_seal(browser, db, world, reclassified, username, status):
    browser.login(username)
    response = browser.post(f"/cases/{reclassified.id}/identity/lift",
                            {"reason": "Người gửi đồng ý công khai danh tính."})
    assert response.status_code == status
    db.session.expire_all()
    assert identity.is_sealed(reclassified) is (status != 302)


def test_lifting_needs_a_reason_and_is_its_own_audited_event(browser, db, world, reclassified):
    browser.login("approver")
    page = _page(browser, reclassified)
    assert 'data-testid="lift-seal"' in page
    response = browser.post(f"/cases/{reclassified.id}/identity/lift", {"reason": "  "})
    assert response.status_code == 422
    assert "reason" in response.get_data(as_text=True).lower() or \
        "lý do" in response.get_data(as_text=True).lower()
    assert identity.is_sealed(reclassified)
    response = browser.post(f"/cases/{reclassified.id}/identity/lift",
                            {"reason": "Người gửi đồng ý công khai danh tính."})
    assert response.status_code == 302
    db.session.expire_all()
    lifted = _events(db, reclassified, "identity_seal_lifted")
    assert [(e.actor_id, e.comment) for e in lifted] == [
        (world.users["approver"].id, "Người gửi đồng ý công khai danh tính.")]
    assert NAME not in str(lifted[0].data)
    seal = db.session.get(IdentitySeal, reclassified.id)
    assert seal.lifted_by_id == world.users["approver"].id and not identity.is_sealed(
        reclassified)
    browser.logout()
    # Every read of an identity that was once sealed is still audited: the page only links it.
    browser.login("handler")
    page = _page(browser, reclassified)
    assert NAME not in page and 'data-testid="seal-lifted"' in page
    assert _events(db, reclassified, "identity_viewed") == []
    response = browser.get(f"/cases/{reclassified.id}/identity")
    assert response.status_code == 200 and NAME in response.get_data(as_text=True)
    views = _events(db, reclassified, "identity_viewed")
    assert [e.actor_id for e in views] == [world.users["handler"].id]


def test_a_denunciation_cannot_be_lifted_before_its_kind_is_corrected(browser, db, world,
                                                                      denunciation):
    browser.login("approver")
    page = _page(browser, denunciation)
    assert 'data-testid="lift-seal"' not in page
    response = browser.post(f"/cases/{denunciation.id}/identity/lift",
                            {"reason": "Không cần giữ bí mật."})
    assert response.status_code == 409
    assert identity.is_sealed(denunciation)


def test_a_lifted_seal_closes_again_when_the_letter_becomes_a_denunciation(db, world,
                                                                           reclassified):
    identity.lift_seal(reclassified, world.users["approver"], "Phân loại nhầm.")
    assert not identity.is_sealed(reclassified)
    classify(reclassified, world.users["intake"], kind="denunciation")
    classify(reclassified, world.users["intake"], kind="complaint")
    assert identity.is_sealed(reclassified)
    assert [e.data["reason"] for e in _events(db, reclassified, "identity_sealed")] == [
        "denunciation", "denunciation"]


# --- duplicates in both directions -------------------------------------------------------------

OTHER_SUBJECT = {"subject_kind": "organisation", "subject_name": "Công ty May Hồng Lĩnh"}


def _candidate_codes(browser, case) -> str:
    page = _page(browser, case)
    start = page.find('data-testid="duplicate-candidates"')
    return page[start:page.find("</ul>", start)] if start >= 0 else ""


@pytest.mark.parametrize("guess", [NAME, "doan thi bi mat", "Ｄoàn Thị\u200b Bí\u202e Mật",
                                   "Trần Văn Không Phải"])
def test_a_guessed_sender_is_neither_confirmed_nor_denied(browser, db, world, denunciation,
                                                          guess):
    """`handler` may not see the denunciation's sender; logging a letter under a guessed name
    shows exactly the same panel whether the guess is right or wrong."""
    probe = log_letter(world.users["handler"], world.orgs["a"], reporter=_reporter(guess),
                       summary="Đề nghị kiểm tra việc trả lương làm thêm giờ.",
                       title="Đề nghị kiểm tra", subject=OTHER_SUBJECT,
                       received_on=date.today())
    db.session.commit()
    browser.login("handler")
    panel = _candidate_codes(browser, probe)
    assert denunciation.code not in panel
    assert "same sender" not in panel and "cùng người gửi" not in panel
    assert rules.duplicate_candidates(probe, world.users["handler"]) == []


def test_a_denunciations_page_lists_no_letter_by_its_sender_to_the_unentitled(browser, db,
                                                                              world):
    earlier = log_letter(world.users["handler"], world.orgs["a"], reporter=_reporter(),
                         summary="Đề nghị xem xét chế độ thai sản.", title="Kiến nghị",
                         subject=OTHER_SUBJECT, received_on=date(2026, 10, 1))
    classify(earlier, world.users["handler"], kind="petition")
    sealed = log_letter(world.users["intake"], world.orgs["a"], reporter=_reporter())
    db.session.commit()
    browser.login("handler")  # may merge letters here, may not see the sealed sender
    panel = _candidate_codes(browser, sealed)
    assert earlier.code not in panel
    browser.logout()
    # The receiving officer, a named handler of both letters, is offered the match.
    identity.add_handler(earlier, world.users["approver"], world.users["intake"])
    db.session.commit()
    browser.login("intake")
    assert earlier.code in _candidate_codes(browser, sealed)


# --- invisible characters ------------------------------------------------------------------------

@pytest.mark.parametrize("variant", [
    "Đoàn\u200b Thị Bí Mật", "\ufeffĐoàn Thị Bí Mật", "Đoàn Thị\u202e Bí Mật\u202c",
    "Ｄｏàｎ Ｔｈị Ｂí Ｍậｔ", "ĐOÀN  THỊ\u00a0BÍ MẬT", "Đoa\u0300n Thi\u0323 Bi\u0301 Mâ\u0323t",
    "Đoàn\u2060Thị Bí\u00ad Mật".replace("\u2060", " \u2060"), "Đoàn\u200dThị Bí Mật".replace(
        "\u200d", " \u200d")])
def test_the_sender_digest_survives_invisible_and_full_width_characters(variant):
    assert fold_name(variant) == "doan thi bi mat"


def test_a_denunciation_is_forwarded_once_even_under_a_disguised_name(db, world):
    u = world.users
    body = {"within_competence": False, "competent_body": "Ủy ban Kiểm tra Công đoàn tỉnh"}
    first = log_letter(u["intake"], world.orgs["a"], reporter=_reporter())
    second = log_letter(u["intake"], world.orgs["a"], reporter=_reporter("Ｄoàn\u200b Thị Bí Mật"),
                        summary="Nội dung khác hẳn: tố cáo việc lập chứng từ khống.",
                        subject=OTHER_SUBJECT)
    classify(first, u["intake"], **body)
    classify(second, u["intake"], **body)
    transition_case(first, "forward", u["intake"], comment="Chuyển đơn")
    with pytest.raises(Invalid) as refused:
        transition_case(second, "forward", u["intake"], comment="Chuyển đơn")
    assert first.code in refused.value.message


def test_a_signal_whose_sender_asks_for_confidentiality_is_sealed(browser, db, world):
    """Not only letters: any case logged with a sender who asks is sealed for good."""
    from app.cases.models import Case

    browser.login("intake")
    response = browser.post("/cases/new", {
        "family": "supervision", "kind": "ethics", "channel": "report", "intake_form": "online",
        "org_id": world.orgs["a"].id, "title": "Phản ánh về lối sống của giám đốc",
        "summary": "Nội dung phản ánh", "subject_kind": "person", "subject_name": "Trần Văn B",
        "subject_category": "head", "reporter_name": NAME, "reporter_contact": SECRETS[2],
        "reporter_confidential": "y"})
    assert response.status_code == 302
    case = db.session.scalar(sa.select(Case))
    assert identity.is_sealed(case) and db.session.get(IdentitySeal, case.id).reason == \
        "requested"
    browser.logout()
    _assert_hidden_from_handler(browser, db, case)


# --- documents that name the sender, issued before the seal ---------------------------------

def test_a_receipt_issued_to_an_open_sender_is_closed_by_a_later_seal(browser, db, world,
                                                                        tmp_path):
    """Classified as a complaint, a receipt naming the sender is issued; then the letter turns
    out to be a denunciation: the receipt opens only for those who may see the sender (each
    read audited), and the register book shows the recipient as sealed."""
    from tests.documents.helpers import issued, pdf_text

    case = log_letter(world.users["intake"], world.orgs["a"], reporter=_reporter())
    classify(case, world.users["intake"], kind="complaint")
    receipt = issued(world, case, "letter_receipt", on=date.today())
    year = date.today().year
    register = f"/documents/register.pdf?org={world.orgs['a'].id}&year={year}"
    db.session.commit()
    browser.login("handler")
    assert browser.get(f"/documents/{receipt.id}").status_code == 200
    assert ADDRESS in pdf_text(browser.get(f"/documents/{receipt.id}.pdf").data, tmp_path,
                               "open.pdf")
    browser.logout()
    classify(case, world.users["intake"], kind="denunciation")
    db.session.commit()
    browser.login("handler")
    for url in (f"/documents/{receipt.id}", f"/documents/{receipt.id}.pdf"):
        assert browser.get(url).status_code == 403
    book = pdf_text(browser.get(register).data, tmp_path, "sealed.pdf")
    assert not any(secret in book for secret in SECRETS) and "(giữ bí" in book
    browser.logout()
    assert _events(db, case, "identity_viewed") == []
    browser.login("intake")  # the receiving officer, a named handler
    response = browser.get(f"/documents/{receipt.id}.pdf")
    assert response.status_code == 200
    assert [e.actor_id for e in _events(db, case, "identity_viewed")] == [
        world.users["intake"].id]
