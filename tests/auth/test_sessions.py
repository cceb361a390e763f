"""Sessions end on the server's word: logout, a password change and deactivation end every
session and remember-me cookie of the user, so a copied cookie stops working."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import User
from tests.conftest import Browser
from tests.factories import PASSWORD


def _copy(browser: Browser, *names: str) -> Browser:
    """A second browser holding copies of `names` cookies of the first (a stolen cookie)."""
    thief = Browser(browser.client.application.test_client())
    for name in names:
        cookie = browser.client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.client.set_cookie(name, cookie.value)
    return thief


def _logged_in(browser: Browser) -> bool:
    response = browser.get("/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def _log_out(browser: Browser) -> None:
    response = browser.logout()
    assert response.status_code == 302 and "/login" in response.location


def _remember_login(browser: Browser, username: str):
    browser.get("/login")
    response = browser.post("/login", {"username": username, "password": PASSWORD,
                                       "remember": "y"})
    assert response.status_code == 302
    browser.get("/")  # the form token of the new session, for logging out
    return response


def test_logout_ends_a_copied_session_cookie(browser, world):
    browser.login("handler")
    thief = _copy(browser, "session")
    assert _logged_in(thief)

    _log_out(browser)
    assert not _logged_in(browser)
    response = thief.get("/cases/")
    assert response.status_code == 302 and "/login" in response.location


def test_logout_ends_the_remember_me_cookie_too(browser, world):
    _remember_login(browser, "handler")
    assert _logged_in(_copy(browser, "remember_token"))  # remember-me alone logs in

    copied = browser.client.get_cookie("remember_token").value
    _log_out(browser)
    assert browser.client.get_cookie("remember_token") is None
    thief = Browser(browser.client.application.test_client())
    thief.client.set_cookie("remember_token", copied)
    assert not _logged_in(thief)


@pytest.mark.parametrize("elsewhere, still_logged_in", [
    ("handler", False),  # the same user on another device
    ("approver", True),  # another user
])
def test_logout_ends_the_users_sessions_on_other_devices_and_no_one_elses(
        client, app, world, elsewhere, still_logged_in):
    other, home = Browser(client), Browser(app.test_client())
    other.login(elsewhere)
    home.login("handler")
    _log_out(home)
    assert _logged_in(other) is still_logged_in


def test_remember_me_cookie_is_lax_httponly_and_lasts_at_most_14_days(browser, world):
    response = _remember_login(browser, "handler")
    header = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("remember_token="))
    attributes = {part.strip().split("=", 1)[0].lower(): part.strip().partition("=")[2]
                  for part in header.split(";")[1:]}
    assert attributes.get("samesite") == "Lax"
    assert "httponly" in attributes
    expires = datetime.strptime(attributes["expires"], "%a, %d %b %Y %H:%M:%S GMT").replace(
        tzinfo=UTC)
    assert expires <= datetime.now(UTC) + timedelta(days=14, minutes=1)


def test_password_change_ends_every_session(app, browser, db, world):
    _remember_login(browser, "handler")
    thief = _copy(browser, "remember_token")
    result = app.test_cli_runner().invoke(
        args=["set-password", "--username", "handler", "--password", "mat-khau-moi-2026"])
    assert result.exit_code == 0, result.output
    assert "sessions have ended" in result.output

    assert not _logged_in(browser)
    assert not _logged_in(thief)
    browser.get("/login")
    assert browser.post("/login", {"username": "handler", "password": PASSWORD}
                        ).status_code == 401
    browser.login("handler", "mat-khau-moi-2026")


def test_set_password_refuses_a_short_password_and_an_unknown_user(app, browser, world):
    browser.login("handler")
    runner = app.test_cli_runner()
    short = runner.invoke(args=["set-password", "--username", "handler", "--password", "ngan"])
    assert short.exit_code != 0 and "at least 8 characters" in short.output
    unknown = runner.invoke(args=["set-password", "--username", "khong-co",
                                  "--password", "mat-khau-moi-2026"])
    assert unknown.exit_code != 0 and "No user 'khong-co'" in unknown.output
    assert _logged_in(browser)  # nothing changed for the handler


def test_deactivation_ends_every_session_and_refuses_login(app, browser, db, world):
    _remember_login(browser, "handler")
    thief = _copy(browser, "remember_token")
    result = app.test_cli_runner().invoke(args=["deactivate-user", "--username", "handler"])
    assert result.exit_code == 0, result.output

    assert not _logged_in(browser)
    assert not _logged_in(thief)
    browser.get("/login")
    assert browser.post("/login", {"username": "handler", "password": PASSWORD}
                        ).status_code == 401
    db.session.expire_all()
    assert db.session.scalar(sa.select(User.active).where(User.username == "handler")) is False

    # Reactivating lets the user log in again, but no old cookie comes back to life.
    result = app.test_cli_runner().invoke(
        args=["deactivate-user", "--username", "handler", "--reactivate"])
    assert result.exit_code == 0, result.output
    assert not _logged_in(thief)
    browser.login("handler")


def test_a_session_holding_only_the_user_id_is_refused(client, world):
    """Sessions issued before session tokens (or forged with a leaked key) carry a bare id."""
    with client.session_transaction() as session:
        session["_user_id"] = str(world.users["handler"].id)
        session["_fresh"] = True
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.location
