"""Upgrading inside the app's process (bench.generate, a test) leaves the app's logger working:
alembic's env.py configures logging without disabling the loggers that already exist."""
import logging

import flask_migrate

from config import TestConfig


def test_an_in_process_upgrade_keeps_the_app_logger(tmp_path):
    from app import create_app

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'upgraded.db'}"

    app = create_app(Config)
    app.logger.info("the app's logger exists before the upgrade, as in a running process")
    with app.app_context():
        flask_migrate.upgrade()
    heard = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = heard.append
    logging.getLogger().addHandler(handler)
    try:
        app.logger.warning("still heard after the upgrade")
    finally:
        logging.getLogger().removeHandler(handler)
    assert [r.getMessage() for r in heard] == ["still heard after the upgrade"]
