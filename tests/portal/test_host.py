"""The portal as its own site: its strict CSP, no staff user on its pages, and on PORTAL_HOST
nothing but the portal and its own session cookie."""
from __future__ import annotations

import re

import pytest

from app.portal.host import PORTAL_SESSION_COOKIE, STRICT_CSP

HOST = "cong.example.vn"


@pytest.fixture
def portal_host(app):
    app.config["PORTAL_HOST"] = HOST
    yield f"http://{HOST}"
    app.config["PORTAL_HOST"] = ""


def test_portal_pages_have_the_strict_csp(client, world):
    for path in ("/portal/", "/portal/units", "/portal/send", "/portal/follow"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Security-Policy"] == STRICT_CSP
    staff = client.get("/login")
    assert staff.headers["Content-Security-Policy"] != STRICT_CSP


def test_a_staff_session_shows_nothing_of_the_staff_on_the_portal(browser, world):
    browser.login("intake")
    for path in ("/portal/", "/portal/send"):
        html = browser.get(path).data.decode()
        assert "Người dùng intake" not in html and 'data-testid="whoami"' not in html
        assert "/logout" not in html


def test_the_staff_user_is_not_loaded_on_the_portal(browser, db, world):
    """Not even their language: the portal sees an anonymous visitor."""
    world.users["intake"].locale = "en"
    db.session.commit()
    browser.login("intake")
    assert b'<html lang="en">' in browser.get("/").data
    assert b'<html lang="vi">' in browser.get("/portal/").data


def test_the_portal_host_serves_the_portal_alone(client, world, portal_host):
    assert client.get("/portal/", base_url=portal_host).status_code == 200
    for path in ("/login", "/", "/cases/", "/static/app.css", "/nowhere"):
        response = client.get(path, base_url=portal_host)
        assert response.status_code == 404, path
        assert response.headers["Content-Security-Policy"] == STRICT_CSP
    assert client.get("/static/portal/pow.js", base_url=portal_host).status_code == 200
    # The staff host still works.
    assert client.get("/login").status_code == 200


def test_the_portal_host_has_its_own_session_cookie(client, world, portal_host):
    page = client.get("/portal/follow", base_url=portal_host)
    cookies = page.headers.getlist("Set-Cookie")
    assert any(c.startswith(f"{PORTAL_SESSION_COOKIE}=") for c in cookies)
    assert not any(c.startswith("session=") for c in cookies)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    response = client.post("/portal/follow", base_url=portal_host,
                           data={"csrf_token": token.decode(), "code": "AAAA-AAAA-AA",
                                 "secret": "X"})
    assert response.status_code == 401  # the CSRF token was read from the portal's cookie


def test_a_staff_cookie_is_not_read_on_the_portal_host(client, world, portal_host):
    from tests.conftest import Browser

    staff = Browser(client)
    staff.login("intake")
    staff_cookie = client.get_cookie("session")
    assert staff_cookie is not None
    client.set_cookie("session", staff_cookie.value, domain=HOST)
    html = client.get("/portal/", base_url=portal_host).data.decode()
    assert "Người dùng intake" not in html
    assert client.get("/", base_url=portal_host).status_code == 404
