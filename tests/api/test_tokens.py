"""API tokens: created on the user's page and shown once, stored as a hash, refused when
revoked, expired or of a deactivated user, limited to their scopes; a staff session cookie is
never accepted by the API."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.api.models import ApiToken
from tests.api.conftest import TODAY, ApiClient, new_token

PAGE = "/account/api-tokens/"


def _created_token(response) -> str:
    match = re.search(rb'data-testid="new-token-value" value="([^"]+)"|value="(gs_[^"]+)"',
                      response.data)
    assert match, response.data[:2000]
    return (match.group(1) or match.group(2)).decode()


def test_a_token_is_shown_once_and_only_its_hash_is_kept(browser, world, db, client):
    browser.login("handler")
    page = browser.get(PAGE)
    assert page.status_code == 200
    response = browser.post(PAGE, {"name": "Cổng dữ liệu tỉnh", "scopes": ["read", "write"],
                                   "expires_on": (TODAY + timedelta(days=30)).strftime(
                                       "%d/%m/%Y")})
    assert response.status_code == 200
    raw = _created_token(response)
    assert raw.startswith("gs_")
    row = db.session.scalar(sa.select(ApiToken).where(ApiToken.name == "Cổng dữ liệu tỉnh"))
    assert row.scopes == "read write" and row.user_id == world.users["handler"].id
    assert raw not in (row.token_hash, row.prefix) and raw.startswith(row.prefix)
    again = browser.get(PAGE)
    assert raw.encode() not in again.data and row.prefix.encode() in again.data
    assert ApiClient(client, raw).get("/api/v1/cases").status_code == 200


def test_the_tokens_page_refuses_bad_input_and_a_missing_csrf_token(browser, world, db):
    browser.login("handler")
    count = db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken))
    too_late = (TODAY + timedelta(days=10_000)).strftime("%d/%m/%Y")
    for data in ({"name": "", "scopes": ["read"]},
                 {"name": "A", "scopes": [], "expires_on": "01/01/2030"},
                 {"name": "A", "scopes": ["read"], "expires_on": too_late},
                 {"name": "A", "scopes": ["read"], "expires_on": "31/02/2026"}):
        assert browser.post(PAGE, data).status_code == 422, data
    assert browser.post(PAGE, {"name": "A", "scopes": ["read"]}, csrf=False).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == count


def test_revoking_stops_the_token_and_another_users_token_is_not_found(browser, world, client):
    raw = new_token(world.users["handler"])
    other = new_token(world.users["approver"])
    from app.api.services import hash_token
    from app.extensions import db

    mine = db.session.scalar(sa.select(ApiToken.id).where(ApiToken.token_hash == hash_token(raw)))
    theirs = db.session.scalar(sa.select(ApiToken.id).where(
        ApiToken.token_hash == hash_token(other)))
    browser.login("handler")
    assert browser.post(f"{PAGE}{theirs}/revoke").status_code == 404
    assert browser.post(f"{PAGE}{mine}/revoke", csrf=False).status_code == 400
    assert ApiClient(client, raw).get("/api/v1/cases").status_code == 200
    assert browser.post(f"{PAGE}{mine}/revoke").status_code == 302
    assert ApiClient(client, raw).get("/api/v1/cases").status_code == 401
    assert ApiClient(client, other).get("/api/v1/cases").status_code == 200


def test_refused_tokens_all_answer_the_same_401(world, db, client):
    from app.auth.models import User

    expired = new_token(world.users["handler"])
    db.session.execute(sa.update(ApiToken).values(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    inactive = new_token(world.users["approver"])
    db.session.get(User, world.users["approver"].id).active = False
    answers = []
    for header in (f"Bearer {expired}", f"Bearer {inactive}", "Bearer gs_unknown",
                   "Basic dXNlcjpwYXNz", ""):
        response = ApiClient(client).get("/api/v1/cases", headers={"Authorization": header})
        assert response.status_code == 401, header
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        answers.append(response.json)
    assert all(answer == answers[0] for answer in answers)


def test_a_missing_scope_is_403_naming_it(world, client):
    reader = ApiClient(client, new_token(world.users["handler"], scopes=["read"]))
    response = reader.post("/api/v1/cases", json={})
    assert response.status_code == 403
    assert "write" in response.json["message"]
    writer = ApiClient(client, new_token(world.users["handler"], scopes=["write"]))
    assert writer.get("/api/v1/cases").status_code == 403
    assert writer.request("head", "/api/v1/cases").status_code == 403


def test_a_staff_session_cookie_alone_is_refused(browser, world, db):
    from app.cases.models import Case

    browser.login("handler")
    assert browser.get("/api/v1/cases").status_code == 401
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    response = browser._request("post", "/api/v1/cases", json={
        "org_id": world.orgs["a"].id, "family": "supervision", "channel": "report",
        "intake_form": "writing", "title": "Giám sát qua cookie"})
    assert response.status_code == 401
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == before
    # The cookie does not even decide who the token's request acts for: the token's user
    # (province B) does not see the cookie's user's case (province A).
    from tests.factories import make_case

    own = make_case(world.users["handler"], world.orgs["a"], title="Giám sát của tỉnh A")
    db.session.commit()
    assert browser.get(f"/cases/{own.id}").status_code == 200
    raw = new_token(world.users["b_handler"])
    listed = browser.get("/api/v1/cases?limit=100", headers={"Authorization": f"Bearer {raw}"})
    assert listed.status_code == 200
    assert own.id not in [item["id"] for item in listed.json["items"]]
    assert browser.get(f"/api/v1/cases/{own.id}",
                       headers={"Authorization": f"Bearer {raw}"}).status_code == 404


def test_the_last_use_is_written_at_most_once_a_minute(world, db, client):
    raw = new_token(world.users["handler"])
    api = ApiClient(client, raw)
    api.get("/api/v1/cases")
    first = db.session.scalar(sa.select(ApiToken.last_used_at))
    api.get("/api/v1/cases")
    db.session.expire_all()
    assert first is not None
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) == first
    # A minute later, the next request writes it again.
    earlier = datetime.now(UTC) - timedelta(seconds=61)
    db.session.execute(sa.update(ApiToken).values(last_used_at=earlier))
    api.get("/api/v1/cases")
    db.session.expire_all()
    again = db.session.scalar(sa.select(ApiToken.last_used_at))
    again = again if again.tzinfo else again.replace(tzinfo=UTC)  # SQLite: naive UTC
    assert again > earlier + timedelta(seconds=30)


def test_the_users_own_page_links_the_tokens_page(browser, world):
    """The user's name in the header leads to their own page, which lists their roles and
    links their tokens and their notification settings."""
    browser.login("auditor")
    assert 'href="/account/" title="Tài khoản của tôi"' in browser.get("/").get_data(as_text=True)
    page = browser.get("/account/").get_data(as_text=True)
    assert 'href="/account/api-tokens/" data-testid="api-tokens-link">Mã truy cập API</a>' in page
    assert 'href="/notifications/settings" data-testid="account-notification-settings">' in page
    assert "Kiểm toán" in page and world.orgs["a"].display_name in page


def test_messages_speak_the_token_owners_language_not_the_cookies(browser, world, db):
    """A staff browser switched to English sends its cookie along with a token: the messages
    stay in the token owner's language (Vietnamese here), then follow the owner's choice."""
    browser.login("handler")
    browser.post("/language/en", {"next": "/"})  # the cookie says English...
    world.users["handler"].locale = "vi"  # ...the account, since, Vietnamese
    raw = new_token(world.users["handler"], scopes=["read"])
    headers = {"Authorization": f"Bearer {raw}"}
    refused = browser._request("post", "/api/v1/cases", json={}, headers=headers)
    assert refused.status_code == 403
    assert refused.json["message"] == "Mã truy cập này không có quyền “write”."
    world.users["handler"].locale = "en"
    db.session.commit()
    refused = browser._request("post", "/api/v1/cases", json={}, headers=headers)
    assert refused.json["message"] == "This token does not have the “write” permission."
