"""Optional second login step: a user with an authenticator app (approvers, admins) is logged
in only after the password and a current code, each code good once."""
from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from tests.factories import PASSWORD


@pytest.fixture
def secret(app, world):
    result = app.test_cli_runner().invoke(args=["totp", "--username", "approver"])
    assert result.exit_code == 0, result.output
    uri = re.search(r"otpauth://\S+", result.output).group(0)
    return parse_qs(urlsplit(uri).query)["secret"][0]


def _password(browser, username="approver", next_=None):
    browser.get("/login")
    url = "/login" + (f"?next={next_}" if next_ else "")
    return browser.post(url, {"username": username, "password": PASSWORD})


def _wrong(secret: str) -> str:
    """A six-digit code that is none of the codes accepted now."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(datetime.now(UTC))
    good = {totp.generate_otp(s) for s in (step - 2, step - 1, step, step + 1, step + 2)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in good)


def _code(browser, code):
    browser.get("/login/code")
    return browser.post("/login/code", {"code": code})


def _password_only(browser, username):
    """Logs in with the password alone (Browser.login also passes on the way to the code)."""
    response = browser.login(username)
    assert not response.location.endswith("/login/code")
    assert browser.get("/").status_code == 200


def test_the_password_alone_does_not_log_in(browser, secret):
    response = _password(browser)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    assert browser.get("/").status_code == 302  # still not logged in
    assert _code(browser, _wrong(secret)).status_code == 401
    assert browser.get("/").status_code == 302


def test_password_and_current_code_log_in_and_keep_next(browser, secret):
    _password(browser, next_="/cases/")
    response = _code(browser, pyotp.TOTP(secret).now())
    assert response.status_code == 302 and response.location == "/cases/"
    assert browser.get("/").status_code == 200


def test_a_code_is_good_only_once(browser, secret):
    code = pyotp.TOTP(secret).now()
    _password(browser)
    assert _code(browser, code).status_code == 302
    browser.get("/")
    browser.logout()
    _password(browser)
    response = _code(browser, code)
    assert response.status_code == 401
    assert browser.get("/").status_code == 302


def test_wrong_codes_count_towards_the_lockout(browser, secret):
    browser.post("/language/en", {"next": "/login"})
    _password(browser)
    for _ in range(5):
        assert _code(browser, _wrong(secret)).status_code == 401
    response = _code(browser, pyotp.TOTP(secret).now())
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.get_data(as_text=True)


def test_entering_the_password_again_does_not_forgive_wrong_codes(browser, secret):
    """Only a finished login clears the count, or the password would buy endless code guesses."""
    browser.post("/language/en", {"next": "/login"})
    for _ in range(2):
        _password(browser)
        for _ in range(2):
            assert _code(browser, _wrong(secret)).status_code == 401
    assert _password(browser).status_code == 302
    assert _code(browser, _wrong(secret)).status_code == 401  # the fifth wrong code
    response = _code(browser, pyotp.TOTP(secret).now())
    assert response.status_code == 429
    assert "Too many failed login attempts" in response.get_data(as_text=True)


def test_the_code_page_without_a_password_sends_back_to_login(browser, world):
    response = browser.get("/login/code")
    assert response.status_code == 302 and "/login" in response.location


def test_users_without_totp_log_in_with_the_password_only(browser, secret):
    _password_only(browser, "handler")


def test_disabling_totp_restores_the_password_only_login(app, browser, secret):
    result = app.test_cli_runner().invoke(args=["totp", "--username", "approver", "--disable"])
    assert result.exit_code == 0, result.output
    _password_only(browser, "approver")
