"""HTTP hygiene: no open redirect through `next`, the friendly 503 when the database is down,
nothing cached for a logged-in user, HSTS in production, letters only through their own form."""
from __future__ import annotations

import importlib
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

import config
from app import create_app
from app.cases.models import Case
from app.extensions import db as _db
from config import TestConfig
from tests.factories import PASSWORD

#: Each would leave the site in a browser: tabs and newlines are dropped anywhere in a URL, spaces
#: and controls at the ends, and a backslash reads as a slash.
OFFSITE = [
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "\t//evil.example",
    " //evil.example", "/\\evil.example", "\\\\evil.example", "/\\/evil.example",
    "//evil.example", "///evil.example", "https://evil.example/", "javascript:alert(1)",
    "evil.example", "\x00//evil.example", "/\x0b/evil.example", "/\x7f/evil.example",
]


@pytest.mark.parametrize("target", OFFSITE)
def test_the_language_switch_never_redirects_off_site(browser, target):
    response = browser.post("/language/en", {"next": target})
    assert response.status_code == 302
    assert response.location == "/"


@pytest.mark.parametrize("target", OFFSITE)
def test_login_never_redirects_off_site(browser, world, target):
    browser.get("/login")
    response = browser.post("/login?" + urlencode({"next": target}),
                            {"username": "handler", "password": PASSWORD})
    assert response.status_code == 302
    assert response.location == "/"


def test_local_targets_are_kept(browser, world):
    assert browser.post("/language/en", {"next": "/cases/?q=nguyen%20van&page=2"}
                        ).location == "/cases/?q=nguyen%20van&page=2"
    browser.get("/login")
    response = browser.post("/login?" + urlencode({"next": "/cases/?family=letter"}),
                            {"username": "handler", "password": PASSWORD})
    assert response.location == "/cases/?family=letter"


# --- the database is down -----------------------------------------------------------------------

@pytest.fixture
def outage(backend, tmp_path):
    """The same application (same secret key) on a database that does not answer."""
    if backend == "postgresql":
        uri = "postgresql+psycopg://postgres@127.0.0.1:1/giamsat"
        options = {"connect_args": {"connect_timeout": 1}}
    else:
        uri = f"sqlite:///{tmp_path / 'missing-dir' / 'giamsat.db'}"
        options = {}

    class Down(TestConfig):
        SQLALCHEMY_DATABASE_URI = uri
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, **options}

    app = create_app(Down)
    yield app
    with app.app_context():
        _db.engine.dispose()


# The outage app shares the `db` object: its sessions must stay off the test's connection.
@pytest.mark.commits
@pytest.mark.parametrize("path", ["/", "/cases/", "/cases/1", "/reports/dashboard"])
def test_a_logged_in_user_gets_the_friendly_503_when_the_database_is_down(
        browser, world, outage, path, caplog):
    browser.login("handler")
    client = outage.test_client()
    client.set_cookie("session", browser.client.get_cookie("session").value)

    response = client.get(path)
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Hệ thống tạm thời gián đoạn" in page and "Vui lòng thử lại sau ít phút." in page
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite3", "127.0.0.1"):
        assert leak not in page
    assert any("Database unavailable" in r.getMessage() for r in caplog.records)


def test_any_error_page_renders_during_an_outage(browser, world, outage):
    """A refused form (expired token) draws its page without reading the user's row."""
    browser.login("handler")
    client = outage.test_client()
    client.set_cookie("session", browser.client.get_cookie("session").value)
    response = client.post("/language/en", data={"next": "/"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Vui lòng tải lại trang và gửi lại." in page


# --- caching -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/cases/", "/reports/dashboard", "/reports/cases.csv"])
def test_nothing_a_logged_in_user_sees_is_stored_by_the_browser(browser, world, path):
    browser.login("handler")
    response = browser.get(path)
    assert response.status_code == 200
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_the_case_page_is_not_stored(browser, db, world):
    from tests.factories import make_case

    case = make_case(world.users["handler"], world.orgs["a"])
    browser.login("handler")
    response = browser.get(f"/cases/{case.id}")
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/static/app.css", "/bootstrap/static/css/bootstrap.min.css"])
def test_static_files_stay_cacheable(browser, world, path):
    browser.login("handler")
    response = browser.get(path)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_no_hsts_outside_production(client):
    assert "Strict-Transport-Security" not in client.get("/login").headers


@pytest.fixture
def production_env(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "IDENTITY_KEY", "DATABASE_URL", "GIAMSAT_ENV",
                 "SESSION_COOKIE_SECURE", "HSTS_SECONDS", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    monkeypatch.setenv("SECRET_KEY", "k3Vq9-Zt7mWc2xYp8rLs4nBd6fHj0aQe")
    monkeypatch.setenv("IDENTITY_KEY", TestConfig.IDENTITY_KEY)
    yield monkeypatch
    monkeypatch.undo()
    importlib.reload(config)


def test_production_sends_hsts_and_secure_lax_short_remember_cookies(production_env):
    importlib.reload(config)
    app = create_app("production")
    try:
        response = app.test_client().get("/login")
        hsts = response.headers["Strict-Transport-Security"]
        assert hsts.startswith("max-age=") and int(hsts.split("=")[1].split(";")[0]) >= 180 * 86400
        assert app.config["REMEMBER_COOKIE_SECURE"] is True
        assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"
        assert app.config["REMEMBER_COOKIE_DURATION"].days <= 14
    finally:
        with app.app_context():
            _db.engine.dispose()


def test_remember_cookie_follows_session_cookie_secure(production_env):
    """A deployment without TLS that turns the Secure flag off does so for both cookies."""
    production_env.setenv("SESSION_COOKIE_SECURE", "0")
    importlib.reload(config)
    assert config.ProductionConfig.SESSION_COOKIE_SECURE is False
    assert config.ProductionConfig.REMEMBER_COOKIE_SECURE is False


# --- a letter only through the letters intake --------------------------------------------------

LETTER_BY_THE_GENERIC_FORM = {
    "family": "letter", "kind": "denunciation", "channel": "report", "intake_form": "online",
    "title": "Tố cáo hành vi trù dập người lao động", "summary": "",
    "subject_kind": "person", "subject_name": "Trần Văn B", "reporter_name": "Nguyễn Văn A",
}


def test_the_generic_form_does_not_offer_letters_or_critiques(browser, world):
    browser.login("intake")
    page = browser.get("/cases/new").get_data(as_text=True)
    assert 'value="supervision"' in page
    assert 'value="letter"' not in page and 'value="critique"' not in page
    assert 'value="denunciation"' not in page  # nor the letter kinds


@pytest.mark.parametrize("family, message", [
    ("letter", "A letter is logged through the letter intake form"),
    ("critique", "A draft for social critique is registered through its own form"),
])
def test_the_generic_form_refuses_a_letter_or_a_critique(browser, db, world, family, message):
    browser.login("intake")
    browser.post("/language/en", {"next": "/"})
    browser.get("/cases/new")
    response = browser.post("/cases/new", {**LETTER_BY_THE_GENERIC_FORM, "family": family,
                                           "org_id": world.orgs["a"].id})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0


def test_the_generic_form_refuses_an_unknown_family(browser, db, world):
    browser.login("intake")
    browser.get("/cases/new")
    response = browser.post("/cases/new", {**LETTER_BY_THE_GENERIC_FORM, "family": "bogus",
                                           "org_id": world.orgs["a"].id})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 0
