"""GET /healthz: what a load balancer or monitoring probe sees, without logging in."""
from __future__ import annotations

import logging

import pytest

from app import create_app
from app.extensions import db
from config import TestConfig


def test_healthz_answers_ok_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json
    assert response.get_json() == {"status": "ok", "app": "ok", "database": "ok"}
    # Only the probe is public: the rest of the site still asks to log in.
    assert client.get("/").status_code == 302


def _app_on(uri: str, **engine_options):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = uri
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, **engine_options}

    return create_app(Config)


@pytest.fixture
def unreachable(request, tmp_path):
    if request.param == "postgresql":
        app = _app_on("postgresql+psycopg://postgres@127.0.0.1:1/nope",
                      connect_args={"connect_timeout": 1})
    else:
        app = _app_on(f"sqlite:///{tmp_path / 'missing-dir' / 'giamsat.db'}")
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("unreachable", ["postgresql", "sqlite"], indirect=True)
def test_healthz_reports_an_unreachable_database_as_503(unreachable, caplog):
    caplog.set_level(logging.WARNING)
    response = unreachable.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.is_json
    assert response.get_json() == {"status": "degraded", "app": "ok", "database": "unavailable"}
    body = response.get_data(as_text=True)
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite3", "127.0.0.1", "File \""):
        assert leak not in body
    # The operator finds the reason in the log instead.
    assert any("health check: database unavailable" in r.getMessage() for r in caplog.records)


def test_healthz_recovers_when_the_database_comes_back(tmp_path):
    directory = tmp_path / "later"
    app = _app_on(f"sqlite:///{directory / 'giamsat.db'}")
    client = app.test_client()
    try:
        assert client.get("/healthz").status_code == 503
        directory.mkdir()
        response = client.get("/healthz")
        assert response.status_code == 200, "no restart should be needed once the database answers"
        assert response.get_json()["database"] == "ok"
    finally:
        with app.app_context():
            db.engine.dispose()
