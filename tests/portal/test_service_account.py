"""The portal's service account is the system's: no administrator manages it (not even the
national one, who could otherwise give it a password or deactivate the portal), and nobody
logs in as it."""
import sqlalchemy as sa

from app.auth import permissions
from app.auth.services import create_user
from app.portal import services
from tests.factories import password_hash
from workflows.vocab import ADMIN


def _national_admin(world):
    return create_user("quantri.tw", "Quản trị Trung ương", None, [(ADMIN, world.orgs["tld"])],
                       password_hash=password_hash())


def test_no_admin_manages_the_portal_account(browser, db, world):
    account = services.portal_account()
    admin = _national_admin(world)
    db.session.commit()
    assert account.is_service_account
    assert not permissions.can_manage_user(admin, account)
    browser.login("quantri.tw")
    listing = browser.get("/admin/users?q=portal")
    assert listing.status_code == 200
    assert f"/admin/users/{account.id}" not in listing.get_data(as_text=True)
    assert browser.get(f"/admin/users/{account.id}").status_code == 404
    assert browser.post(f"/admin/users/{account.id}/password", {}).status_code == 404
    assert browser.post(f"/admin/users/{account.id}/deactivate", {}).status_code == 404
    db.session.refresh(account)
    assert account.is_service_account and account.active
    # the portal still logs letters through it
    assert services.portal_account().id == account.id


def test_nobody_logs_in_as_the_portal_account(browser, db, world):
    account = services.portal_account()
    db.session.commit()
    for password in ("portal-service-account", account.password_hash):
        response = browser.post("/login", {"username": "portal", "password": password})
        assert response.status_code != 302
    assert browser.get("/").status_code == 302  # still anonymous: sent to the login page


def test_the_portal_account_is_nobody_who_acts_next_nor_anyone_told(db, world):
    """It holds the intake role at the national unit, yet a case there names nobody for
    intake ("Ai làm tiếp"), and a letter sent there through the portal tells nobody by it."""
    from app.cases.queries import people_acting
    from app.notifications.models import Notification
    from tests.factories import make_case
    from workflows.vocab import INTAKE, LETTER

    account = services.portal_account()
    national = make_case(world.users["top_approver"], world.orgs["tld"], LETTER,
                         title="Đơn gửi Tổng Liên đoàn")
    assert INTAKE not in people_acting(national, {INTAKE})
    case, _receipt, _secret = services.submit_letter(
        world.orgs["tld"], kind="feedback", title="Phản ánh gửi Tổng Liên đoàn",
        content="Đề nghị Tổng Liên đoàn xem xét chế độ nghỉ giữa ca.", is_anonymous=True)
    db.session.flush()
    told = db.session.scalars(sa.select(Notification.user_id)
                              .where(Notification.case_id == case.id)).all()
    assert account.id not in told


def test_a_person_named_portal_closes_the_portal_with_a_clear_message(browser, app, db, world):
    """An account "portal" someone can log in as is never used: the sender keeps their form
    and is told the portal cannot take letters now (no stack trace, nothing saved)."""
    from app.cases.models import Case
    from tests.portal.conftest import TITLE, send

    create_user("portal", "Nguyễn Văn Cổng", None, [], password_hash=password_hash())
    db.session.commit()
    cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    response = send(browser, app, org=world.orgs["a"])
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "Traceback" not in html and TITLE in html
    assert 'data-testid="send"' in html  # the form, as typed
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == cases


def test_a_dissolved_national_unit_is_told_not_a_stack_trace(browser, app, db, world):
    """The units page starts at the national unit, and "I don't know which unit" sends there:
    dissolved, it takes no letters, and the sender is told so."""
    from datetime import date

    from tests.portal.conftest import send

    world.orgs["tld"].dissolved_on = date(2025, 7, 1)
    db.session.commit()
    response = browser.get("/portal/units")
    assert response.status_code == 503
    assert b'data-testid="error-message"' in response.data
    response = send(browser, app)  # to no unit, no province: the national unit
    assert response.status_code == 503 and b'data-testid="send"' in response.data
