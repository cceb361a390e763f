"""Each feature plugs in at one place: create_app lists them, and an app without any one of
them (or without all of them) starts and serves the kernel's pages without its contributions."""
import re

import pytest

from app import FEATURES, create_app
from app.auth.models import User
from app.cases.plugins import contributions
from app.cases.services import transition_case
from app.extensions import db as _db
from app.orgs.models import Organisation
from config import TestConfig
from tests.conftest import Browser
from tests.factories import make_case

#: What each feature shows that the kernel alone does not: a menu entry (href) or a panel.
MARKS = {
    "app.supervision": 'href="/supervision/programme"',
    "app.followup": 'href="/recommendations/"',
    "app.documents": 'data-testid="documents-panel"',
    "app.deadlines": 'data-testid="deadlines-panel"',
    "app.reports": 'href="/reports/',
    "app.critique": 'href="/critique/',
    "app.letters": 'data-testid="log-letter"',
    "app.workplace": 'href="/workplace/"',
    "app.notifications": 'data-testid="inbox-link"',
}
#: Links a feature adds to the kernel's case list.
LIST_MARKS = {"app.reports": 'data-testid="export-csv"', "app.letters": 'data-testid="log-letter"'}


def _without(left_out):
    return tuple(f for f in FEATURES if f.__name__ not in left_out)


def _open_and_classify(world):
    """A case opened and classified in the current app's own session."""
    handler = _db.session.get(User, world.users["handler"].id)
    case = make_case(handler, _db.session.get(Organisation, world.orgs["a"].id))
    transition_case(case, "classify", handler)  # no guard of a feature
    _db.session.commit()
    return case.id, case.code


def test_create_app_installs_every_feature_by_default(app):
    installed = contributions(app).features
    assert installed[:3] == ["cases", "identity", "main"]
    assert set(installed) == {"cases", "identity", "main", "deadlines", "documents",
                              "supervision", "followup", "letters", "critique", "workplace",
                              "reports", "admin", "portal", "notifications", "api"}
    assert "supervision.programme" in app.view_functions


@pytest.mark.parametrize("left_out", [(f.__name__,) for f in FEATURES]
                         + [tuple(f.__name__ for f in FEATURES)], ids=lambda x: "+".join(x))
def test_the_app_runs_without(left_out, app, world, database_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    small = create_app(Config, features=_without(left_out))
    names = {name.removeprefix("app.") for name in left_out}
    assert not names & set(contributions(small).features)
    assert not any(bp.split(".")[0] in names for bp in small.blueprints)
    with small.app_context():
        case_id, code = _open_and_classify(world)
        browser = Browser(small.test_client())
        browser.login("handler")
        pages = {url: browser.get(url) for url in ("/", "/cases/", f"/cases/{case_id}")}
        _db.session.remove()
    for url, response in pages.items():
        assert response.status_code == 200, (url, response.data[:300])
    detail = pages[f"/cases/{case_id}"].get_data(as_text=True)
    assert code in detail and 'data-testid="timeline"' in detail
    assert 'data-testid="sender"' in detail  # the kernel's identity panel is always there
    for name, mark in MARKS.items():
        shown = mark in pages["/"].get_data(as_text=True) + detail
        assert shown == (name not in left_out), (name, mark)
    for name, mark in LIST_MARKS.items():
        shown = mark in pages["/cases/"].get_data(as_text=True)
        assert shown == (name not in left_out), (name, mark)


def test_a_step_whose_feature_is_missing_is_refused_cleanly(app, world, database_url):
    """Without supervision its guards are absent: its guarded steps refuse with a message
    (409), never a KeyError."""
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    small = create_app(Config, features=_without({"app.supervision"}))
    with small.app_context():
        case_id, _code = _open_and_classify(world)
        browser = Browser(small.test_client())
        browser.login("handler")
        page = browser.get(f"/cases/{case_id}").get_data(as_text=True)
        token = re.search(r'name="version" value="(\d+)"', page)[1]
        response = browser.post(f"/cases/{case_id}/actions/draft_plan", {"version": token})
        followed = browser.get(response.headers["Location"]).get_data(as_text=True)
        _db.session.remove()
    assert response.status_code == 303  # back to the case page, with the reason
    assert "không dùng được trong bản cài đặt này" in followed
