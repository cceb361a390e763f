"""A denouncer's identity: sealed apart from the case, encrypted, shown only to the named
handlers and the unit's leader, every view audited, never leaked through a page or a search."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from app.cases.models import Attachment, Case, CaseEvent
from app.core.errors import Forbidden
from app.core.uploads import Upload
from app.identity import services as identity
from app.identity.models import SealedFile, SealedIdentity
from tests.factories import make_case

NAME = "Nguyễn Thị Tố Giác"
ADDRESS = "Tổ 5, phường Kỳ Trinh, thị xã Kỳ Anh"
CONTACT = "0912 345 678"
PNG = b"\x89PNG\r\n\x1a\n" + b"scan-of-handwriting" * 20


@pytest.fixture
def denunciation(db, world):
    case = make_case(
        world.users["intake"], world.orgs["a"], family="letter", kind="denunciation",
        title="Tố cáo chủ tịch công đoàn cơ sở", summary="Lập danh sách khống để chi sai.",
        reporter=identity.Reporter(name=NAME, address=ADDRESS, contact=CONTACT),
        reporter_files=[Upload("thu-tay.png", PNG)],
    )
    db.session.commit()
    return case


def audit_rows(db, case):
    return db.session.scalars(sa.select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "identity_viewed")).all()


def test_the_identity_is_stored_apart_and_encrypted(db, denunciation):
    row = db.session.scalar(sa.select(SealedIdentity).where(
        SealedIdentity.case_id == denunciation.id))
    for secret in (NAME, ADDRESS, CONTACT):
        assert secret.encode() not in row.ciphertext
    case_row = db.session.execute(sa.select(Case.__table__).where(
        Case.id == denunciation.id)).one()
    assert not any(NAME in str(value) for value in case_row)
    assert "to giac" not in denunciation.search_text
    scan = db.session.scalar(sa.select(SealedFile).where(SealedFile.case_id == denunciation.id))
    assert b"scan-of-handwriting" not in scan.data_ciphertext
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_the_receiving_officer_and_the_units_leader_see_it_and_each_view_is_audited(
        db, world, denunciation):
    for username in ("intake", "approver"):
        reporter = identity.reveal(denunciation, world.users[username], "view")
        assert (reporter.name, reporter.address, reporter.contact) == (NAME, ADDRESS, CONTACT)
    rows = audit_rows(db, denunciation)
    assert [(r.actor_id, r.data["purpose"]) for r in rows] == [
        (world.users["intake"].id, "view"), (world.users["approver"].id, "view")]
    assert all(NAME not in (r.comment + str(r.data)) for r in rows)


@pytest.mark.parametrize("username", ["handler", "handler2", "admin", "auditor", "delegate",
                                      "grass_approver", "top_approver", "b_approver"])
def test_nobody_else_may_see_it(db, world, denunciation, username):
    with pytest.raises(Forbidden):
        identity.reveal(denunciation, world.users[username], "view")
    assert audit_rows(db, denunciation) == []


@pytest.mark.parametrize("username,status", [
    ("intake", 200), ("approver", 200), ("handler", 403), ("admin", 403), ("auditor", 403),
    ("top_approver", 403), ("b_handler", 404), ("b_approver", 404), ("grass_handler", 404),
])
def test_the_reveal_page_by_role(browser, db, denunciation, username, status):
    browser.login(username)
    response = browser.get(f"/cases/{denunciation.id}/identity")
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert (NAME in page) is (status == 200)
    if status == 200:
        assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("username", ["intake", "handler", "approver", "admin", "auditor",
                                      "top_approver"])
def test_no_case_page_or_list_or_search_shows_it(browser, db, denunciation, username):
    browser.login(username)
    for url in (f"/cases/{denunciation.id}", "/cases/", "/"):
        response = browser.get(url)
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        for secret in (NAME, ADDRESS, CONTACT, "thu-tay.png"):
            assert secret not in text
    assert denunciation.code in browser.get("/cases/").get_data(as_text=True)
    for query in (NAME, "nguyen thi to giac", "0912 345 678", "Kỳ Trinh"):
        searched = browser.get("/cases/", query_string={"q": query})
        assert denunciation.code not in searched.get_data(as_text=True)


def test_a_named_handler_sees_it_once_the_leader_names_them(browser, db, world, denunciation):
    browser.login("handler")
    assert browser.get(f"/cases/{denunciation.id}/identity").status_code == 403
    assert browser.post(f"/cases/{denunciation.id}/handlers",
                        {"user_id": world.users["handler"].id}).status_code == 403
    browser.logout()
    browser.login("approver")
    page = browser.get(f"/cases/{denunciation.id}").get_data(as_text=True)
    assert 'data-testid="reveal-identity"' in page
    response = browser.post(f"/cases/{denunciation.id}/handlers",
                            {"user_id": world.users["handler"].id})
    assert response.status_code == 302
    browser.logout()
    browser.login("handler")
    response = browser.get(f"/cases/{denunciation.id}/identity")
    assert response.status_code == 200 and NAME in response.get_data(as_text=True)
    assert audit_rows(db, denunciation)[-1].actor_id == world.users["handler"].id


def test_only_officers_of_the_cases_own_unit_can_be_named(browser, db, world, denunciation):
    browser.login("approver")
    response = browser.post(f"/cases/{denunciation.id}/handlers",
                            {"user_id": world.users["top_approver"].id})
    assert response.status_code == 422
    assert identity.handler_ids(denunciation) == {world.users["intake"].id}


def test_the_scan_downloads_only_for_the_allowed_and_is_audited(browser, db, world, denunciation):
    scan_id = db.session.scalar(sa.select(SealedFile.id).where(
        SealedFile.case_id == denunciation.id))
    url = f"/cases/{denunciation.id}/identity/files/{scan_id}"
    browser.login("handler")
    assert browser.get(url).status_code == 403
    browser.logout()
    browser.login("intake")
    response = browser.get(url)
    assert response.status_code == 200 and response.data == PNG
    assert "thu-tay.png" in response.headers["Content-Disposition"]
    assert audit_rows(db, denunciation)[-1].data["purpose"] == f"file:{scan_id}"


def test_a_wrong_key_fails_loudly_instead_of_showing_garbage(app, browser, db, denunciation):
    app.config["IDENTITY_KEY"] = Fernet.generate_key().decode()
    with pytest.raises(identity.IdentityKeyError):
        identity.reveal(denunciation, denunciation.created_by, "view")
    browser.login("intake")
    response = browser.get(f"/cases/{denunciation.id}/identity")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "IDENTITY_KEY" in page and NAME not in page
    assert "Traceback" not in page


def test_a_complainants_name_is_shown_to_those_who_see_the_case_without_audit(
        browser, db, world):
    case = make_case(world.users["intake"], world.orgs["a"], family="letter", kind="complaint",
                     reporter=identity.Reporter(name="Trần Văn Khiếu", contact="0987 000 111"))
    db.session.commit()
    browser.login("handler")
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Trần Văn Khiếu" in page
    assert audit_rows(db, case) == []


def test_the_same_sender_is_found_whatever_the_diacritics(db, world, denunciation):
    other = make_case(world.users["intake"], world.orgs["a"], family="letter",
                      kind="denunciation", reporter=identity.Reporter(name="nguyen thi  to giac"))
    stranger = make_case(world.users["intake"], world.orgs["a"], family="letter",
                         kind="denunciation", reporter=identity.Reporter(name="Lê Văn Khác"))
    db.session.commit()
    assert identity.same_sender(other) == [denunciation]
    assert identity.same_sender(stranger) == []


def test_several_signers_with_a_representative(db, world):
    case = make_case(world.users["intake"], world.orgs["a"], family="letter", kind="complaint",
                     reporter=identity.Reporter(representative="Phạm Văn Đại",
                                                signers=("Phạm Văn Đại", "Hoàng Thị Ký")))
    db.session.commit()
    reporter = identity.reveal(case, world.users["handler"], "view")
    assert reporter.display_name == "Phạm Văn Đại"
    assert reporter.signers == ("Phạm Văn Đại", "Hoàng Thị Ký")


def test_a_bad_scan_is_refused_and_nothing_is_saved(db, world):
    from app.core.errors import Invalid

    with pytest.raises(Invalid):
        make_case(world.users["intake"], world.orgs["a"], family="letter", kind="denunciation",
                  reporter=identity.Reporter(name=NAME),
                  reporter_files=[Upload("scan.png", b"not a png")])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SealedIdentity)) == 0


def test_keys_can_be_rotated_without_losing_an_identity(app, db, world, denunciation):
    old_key = app.config["IDENTITY_KEY"]
    new_key = Fernet.generate_key().decode()
    app.config["IDENTITY_KEY"] = f"{new_key},{old_key}"
    assert identity.rotate_keys() == 2
    db.session.commit()
    app.config["IDENTITY_KEY"] = new_key
    assert identity.reveal(denunciation, world.users["intake"], "view").name == NAME
    again = make_case(world.users["intake"], world.orgs["a"], family="letter",
                      kind="denunciation", reporter=identity.Reporter(name=NAME))
    assert identity.same_sender(again) == [denunciation]
    app.config["IDENTITY_KEY"] = old_key
    with pytest.raises(identity.IdentityKeyError):
        identity.reveal(denunciation, world.users["intake"], "view")
