"""Production configuration: the app refuses to start with a weak secret; the environment wins."""
from __future__ import annotations

import importlib

import pytest
import sqlalchemy as sa

import config
from app import create_app
from app.extensions import db

GOOD_SECRET = "k3Vq9-Zt7mWc2xYp8rLs4nBd6fHj0aQe"
IDENTITY_KEY = "PPOrA1eG9Ye2A0KpIisiKb2E5JNXSa5RJgI4BipiCHM="


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment with a throw-away SQLite database; `config` is re-read on demand
    (its class attributes are evaluated at import) and restored afterwards."""
    for name in ("SECRET_KEY", "IDENTITY_KEY", "DATABASE_URL", "GIAMSAT_ENV",
                 "SESSION_COOKIE_SECURE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    yield monkeypatch
    monkeypatch.undo()
    importlib.reload(config)


@pytest.mark.parametrize("secret", [None, config.DEFAULT_SECRET_KEY, "short-secret-1"],
                         ids=["missing", "dev-default", "short"])
def test_production_refuses_a_missing_default_or_short_secret_key(env, secret):
    if secret is not None:
        env.setenv("SECRET_KEY", secret)
    env.setenv("IDENTITY_KEY", IDENTITY_KEY)
    importlib.reload(config)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set to a long random value"):
        create_app("production")


def test_production_is_chosen_by_giamsat_env_and_refuses_too(env):
    env.setenv("GIAMSAT_ENV", "production")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_refuses_without_identity_key(env):
    env.setenv("SECRET_KEY", GOOD_SECRET)
    importlib.reload(config)
    with pytest.raises(RuntimeError, match="IDENTITY_KEY must be set"):
        create_app("production")


def test_production_refuses_an_identity_key_that_is_not_a_fernet_key(env):
    env.setenv("SECRET_KEY", GOOD_SECRET)
    env.setenv("IDENTITY_KEY", "not-a-key")
    importlib.reload(config)
    with pytest.raises(RuntimeError, match="IDENTITY_KEY is not a valid Fernet key"):
        create_app("production")


def test_production_starts_with_a_strong_secret_and_identity_key(env, tmp_path):
    env.setenv("SECRET_KEY", GOOD_SECRET)
    env.setenv("IDENTITY_KEY", IDENTITY_KEY)
    importlib.reload(config)

    app = create_app("production")
    assert app.config["SECRET_KEY"] == GOOD_SECRET
    assert app.config["IDENTITY_KEY"] == IDENTITY_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert not app.debug and not app.testing
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "prod.db")
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT 1")).scalar() == 1
        db.engine.dispose()
    # It serves requests: the health check answers even on the empty database.
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    with app.app_context():
        db.engine.dispose()


def test_database_url_from_the_environment_is_honoured(env, tmp_path):
    url = f"sqlite:///{tmp_path / 'elsewhere.db'}"
    env.setenv("DATABASE_URL", url)
    importlib.reload(config)
    assert config.Config.SQLALCHEMY_DATABASE_URI == url
    assert config.ProductionConfig.SQLALCHEMY_DATABASE_URI == url

    app = create_app("development")
    with app.app_context():
        assert db.engine.url.database == str(tmp_path / "elsewhere.db")
        db.engine.dispose()


def test_without_database_url_the_instance_sqlite_file_is_used(env):
    env.delenv("DATABASE_URL")
    importlib.reload(config)
    assert config.Config.SQLALCHEMY_DATABASE_URI == \
        f"sqlite:///{config.INSTANCE_DIR / 'giamsat.db'}"
