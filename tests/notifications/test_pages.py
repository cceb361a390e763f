"""The inbox (keyset pages, unread in bold, opening an item marks it read and leads to its case,
mark all read), the badge in the top bar, and the settings form."""
import re

import sqlalchemy as sa

from app.extensions import db as _db
from app.notifications import kinds
from app.notifications.models import Notification, NotificationPreference
from app.notifications.queries import PER_PAGE
from app.notifications.services import notify
from tests.factories import make_case
from tests.notifications.conftest import told


def _cases(world, n):
    return [make_case(world.users["intake"], world.orgs["a"], family="letter",
                      title=f"Khiếu nại số {i}") for i in range(n)]


def _items(html: str) -> list[str]:
    return re.findall(r'<li class="list-group-item[^"]*" data-testid="notification"[^>]*>', html)


def _badge(html: str) -> str | None:
    found = re.search(r'data-testid="inbox-badge">([^<]+)<', html)
    return found.group(1) if found else None


def test_the_inbox_pages_newest_first_and_opening_an_item_marks_it_read(db, people, browser):
    user = people.users["handler"]
    cases = _cases(people, PER_PAGE + 3)
    for case in cases:
        notify([user], kinds.PORTAL_REPLY, case)
    notify([people.users["handler2"]], kinds.PORTAL_REPLY, cases[0])  # someone else's
    browser.login("handler")

    first = browser.get("/notifications/").get_data(as_text=True)
    assert len(_items(first)) == PER_PAGE
    assert cases[-1].code in first and cases[2].code not in first  # newest first
    assert all('data-unread="true"' in item and "fw-bold" in item for item in _items(first))
    older = re.search(r'href="(/notifications/\?before=\d+)" data-testid="inbox-older"',
                      first).group(1)
    second = browser.get(older).get_data(as_text=True)
    assert len(_items(second)) == 3 and cases[0].code in second
    assert 'data-testid="inbox-older"' not in second
    assert _badge(first) == str(PER_PAGE + 3)

    row = told(db, user)[0]
    opened = browser.post(f"/notifications/{row.id}/open")
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(f"/cases/{cases[0].id}")
    _db.session.expire_all()
    assert _db.session.get(Notification, row.id).read_at is not None
    page = browser.get(older).get_data(as_text=True)
    assert sum('data-unread="false"' in item for item in _items(page)) == 1
    assert _badge(page) == str(PER_PAGE + 2)


def test_mark_all_read_clears_the_badge(db, people, browser):
    user = people.users["handler"]
    for case in _cases(people, 3):
        notify([user], kinds.PORTAL_REPLY, case)
    notify([people.users["handler2"]], kinds.PORTAL_REPLY, case)
    browser.login("handler")
    assert _badge(browser.get("/").get_data(as_text=True)) == "3"
    response = browser.post("/notifications/read")
    assert response.status_code == 303
    page = browser.get("/notifications/").get_data(as_text=True)
    assert _badge(page) is None and 'data-unread="true"' not in page
    _db.session.expire_all()
    assert [r.read_at for r in told(db, people.users["handler2"])] == [None]  # not theirs


def test_the_badge_stops_counting_at_99(db, people, browser):
    [case] = _cases(people, 1)
    user = people.users["handler"]
    _db.session.execute(sa.insert(Notification), [
        {"user_id": user.id, "kind": kinds.PORTAL_REPLY, "case_id": case.id, "params": {}}
        for _ in range(120)])
    browser.login("handler")
    assert _badge(browser.get("/").get_data(as_text=True)) == "99+"


def test_another_user_s_notification_cannot_be_opened(db, people, browser):
    [case] = _cases(people, 1)
    [theirs] = notify([people.users["handler2"]], kinds.PORTAL_REPLY, case)
    browser.login("handler")
    assert browser.post(f"/notifications/{theirs}/open").status_code == 404
    assert browser.post("/notifications/999999/open").status_code == 404
    _db.session.expire_all()
    assert _db.session.get(Notification, theirs).read_at is None


def test_the_inbox_s_forms_need_the_csrf_token(db, people, browser):
    [case] = _cases(people, 1)
    [mine] = notify([people.users["handler"]], kinds.PORTAL_REPLY, case)
    browser.login("handler")
    assert browser.post(f"/notifications/{mine}/open", csrf=False).status_code == 400
    assert browser.post("/notifications/read", csrf=False).status_code == 400
    assert browser.post("/notifications/settings", {kinds.ASSIGNMENT: "off"},
                        csrf=False).status_code == 400
    _db.session.expire_all()
    assert _db.session.get(Notification, mine).read_at is None


def test_an_invitation_leads_to_the_unit_s_requests_not_the_case(db, people, browser):
    [case] = _cases(people, 1)
    [row] = notify([people.users["grass_handler"]], kinds.CRITIQUE_INVITATION, case)
    browser.login("grass_handler")
    opened = browser.post(f"/notifications/{row}/open")
    assert opened.headers["Location"].endswith("/critique/requests")


def _settings_data(**chosen):
    data = {kind: kinds.IMMEDIATE for kind in kinds.KINDS}
    data.update(chosen)
    return data


def test_the_settings_form_saves_a_choice_per_kind(db, people, browser):
    browser.login("handler")
    page = browser.get("/notifications/settings").get_data(as_text=True)
    for kind in kinds.KINDS:
        assert f'data-testid="setting-{kind}"' in page
        assert re.search(rf'checked[^>]*name="{kind}"[^>]*value="immediate"|'
                         rf'name="{kind}"[^>]*value="immediate"[^>]*checked', page)
    response = browser.post("/notifications/settings", _settings_data(
        deadline_soon=kinds.DIGEST, portal_reply=kinds.OFF))
    assert response.status_code == 303
    saved = dict(_db.session.execute(
        sa.select(NotificationPreference.kind, NotificationPreference.mode)
        .where(NotificationPreference.user_id == people.users["handler"].id)).all())
    assert saved["deadline_soon"] == "digest" and saved["portal_reply"] == "off"
    assert saved["assignment"] == "immediate"
    page = browser.get("/notifications/settings").get_data(as_text=True)
    assert re.search(r'name="portal_reply"[^>]*value="off"[^>]*checked|'
                     r'checked[^>]*name="portal_reply"[^>]*value="off"', page)

    # Changing a choice again updates it.
    browser.post("/notifications/settings", _settings_data(portal_reply=kinds.DIGEST))
    _db.session.expire_all()
    assert _db.session.get(NotificationPreference,
                           (people.users["handler"].id, "portal_reply")).mode == "digest"


def test_a_bad_choice_is_refused_with_422_and_nothing_saved(db, people, browser):
    browser.login("handler")
    response = browser.post("/notifications/settings",
                            _settings_data(portal_reply="sometimes", assignment=kinds.OFF))
    assert response.status_code == 422
    assert "invalid-feedback" in response.get_data(as_text=True)
    missing = _settings_data()
    del missing["assignment"]
    assert browser.post("/notifications/settings", missing).status_code == 422
    assert _db.session.scalar(sa.select(sa.func.count())
                              .select_from(NotificationPreference)) == 0
