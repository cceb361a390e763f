"""The administration pages end to end through the test client: who reaches them, the forms,
the refusals users read (in Vietnamese), and what the pages show of the audit trail."""
from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from app.admin import services
from app.admin.models import AdminEvent
from app.auth.models import User
from app.core.calendar import local_today
from app.core.dates import format_day
from app.orgs.models import Organisation
from tests.conftest import Browser
from tests.factories import FOUNDED, PASSWORD
from workflows.vocab import HANDLER, INTAKE


def _text(response) -> str:
    return response.get_data(as_text=True)


def _user(db, username) -> User:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def test_only_admins_reach_the_pages_and_only_their_subtree(browser, world):
    browser.login("handler")
    assert browser.get("/admin/users").status_code == 403
    assert browser.get(f"/admin/units/{world.orgs['a'].id}").status_code == 403
    browser.logout()
    browser.login("admin")
    page = browser.get("/admin/users")
    assert page.status_code == 200
    assert 'data-username="grass_handler"' in _text(page)
    assert 'data-username="b_handler"' not in _text(page)
    assert browser.get(f"/admin/users/{world.users['b_handler'].id}").status_code == 404
    assert browser.get(f"/admin/users/{world.users['top_approver'].id}").status_code == 404
    assert browser.post(f"/admin/users/{world.users['b_handler'].id}/deactivate"
                        ).status_code == 404
    for key, status in (("a", 200), ("a_grass", 200), ("b", 404), ("tld", 404)):
        assert browser.get(f"/admin/units/{world.orgs[key].id}").status_code == status, key
    home = _text(browser.get("/"))
    assert 'href="/admin/users"' in home


def test_create_a_user_whose_password_is_shown_once_then_they_log_in(app, browser, db, world):
    browser.login("admin")
    form = browser.get(f"/admin/users/new?unit={world.orgs['a_zone'].id}")
    assert form.status_code == 200
    assert f'selected value="{world.orgs["a_zone"].id}"' in _text(form)
    created = browser.post("/admin/users/new", {
        "username": "nguyen.an", "full_name": "Nguyễn Văn An", "email": "",
        "org_id": world.orgs["a_zone"].id, "roles": [HANDLER, INTAKE], "password": ""})
    assert created.status_code == 200
    password = re.search(r'data-testid="temporary-password"[^>]*>([^<]+)<',
                         _text(created)).group(1)
    user = _user(db, "nguyen.an")
    assert {a.role for a in user.roles} == {HANDLER, INTAKE}
    # The password is on that one page only: the user's page does not show it.
    assert password not in _text(browser.get(f"/admin/users/{user.id}"))
    newcomer = Browser(app.test_client())
    newcomer.login("nguyen.an", password)
    assert newcomer.get("/").status_code == 200


def test_a_refused_form_answers_422_in_vietnamese(browser, world):
    browser.login("admin")
    taken = browser.post("/admin/users/new", {
        "username": "handler", "full_name": "Trùng tên", "org_id": world.orgs["a"].id,
        "roles": [HANDLER], "password": ""})
    assert taken.status_code == 422
    assert "Người dùng “handler” đã tồn tại." in _text(taken)
    short = browser.post("/admin/users/new", {
        "username": "ngan", "full_name": "Mật khẩu ngắn", "org_id": world.orgs["a"].id,
        "roles": [HANDLER], "password": "ngan"})
    assert short.status_code == 422
    assert "Mật khẩu phải có ít nhất 8 ký tự." in _text(short)
    beyond = browser.post("/admin/users/new", {
        "username": "ngoai", "full_name": "Ngoài phạm vi", "org_id": world.orgs["b"].id,
        "roles": [HANDLER], "password": ""})
    assert beyond.status_code == 422  # not among the choices
    assert "Not a valid choice" not in _text(beyond) and "Lựa chọn không hợp lệ" in _text(beyond)
    forged = browser.post("/admin/users/new", {
        "username": "gia", "full_name": "Vai trò giả", "org_id": world.orgs["a"].id,
        "roles": ["superuser"], "password": ""})
    assert forged.status_code == 422
    assert "“superuser” không phải là một lựa chọn hợp lệ của mục này." in _text(forged)


def test_deactivation_from_the_page_ends_the_users_session(app, browser, db, world):
    victim = Browser(app.test_client())
    victim.login("handler")
    browser.login("admin")
    user_id = world.users["handler"].id
    response = browser.post(f"/admin/users/{user_id}/deactivate")
    assert response.status_code == 302
    assert victim.get("/").status_code == 302  # back to the login page
    again = Browser(app.test_client())
    again.get("/login")
    assert again.post("/login", {"username": "handler", "password": PASSWORD}
                      ).status_code == 401
    page = _text(browser.get(f"/admin/users/{user_id}"))
    assert 'data-action="user_deactivated"' in page and 'data-testid="reactivate"' in page
    assert browser.post(f"/admin/users/{user_id}/reactivate").status_code == 302
    again.login("handler")


def test_reset_password_from_the_page(app, browser, db, world):
    browser.login("admin")
    user_id = world.users["handler"].id
    reset = browser.post(f"/admin/users/{user_id}/password", {"password": ""})
    assert reset.status_code == 200
    password = re.search(r'data-testid="temporary-password"[^>]*>([^<]+)<',
                         _text(reset)).group(1)
    Browser(app.test_client()).login("handler", password)
    [event] = db.session.scalars(sa.select(AdminEvent).where(
        AdminEvent.action == "password_reset")).all()
    assert event.data == {"before": {}, "after": {"generated": True}}


def test_self_lockout_is_refused_with_the_reason(browser, world):
    browser.login("admin")
    me = world.users["admin"].id
    page = _text(browser.get(f"/admin/users/{me}"))
    assert 'data-testid="deactivate"' not in page
    refused = browser.post(f"/admin/users/{me}/deactivate")
    assert refused.status_code == 403
    assert "Bạn không thể vô hiệu hóa tài khoản của chính mình." in _text(refused)
    own = world.users["admin"].roles[0].id
    refused = browser.post(f"/admin/users/{me}/roles/{own}/remove")
    assert refused.status_code == 422  # the last role of the user (and their admin role)
    assert "Đây là vai trò cuối cùng của" in _text(refused)
    assert browser.get("/admin/users").status_code == 200  # still an admin: the role stayed


def test_an_account_with_roles_elsewhere_is_refused_with_the_reason(browser, db, world):
    from app.auth.services import add_role

    add_role(world.users["b_handler"], HANDLER, world.orgs["a_grass"])
    browser.login("admin")
    uid = world.users["b_handler"].id
    page = _text(browser.get(f"/admin/users/{uid}"))
    assert 'data-testid="no-control"' in page and 'data-testid="roles-beyond"' in page
    assert world.orgs["b"].display_name not in page  # a unit beyond is not named
    refused = browser.post(f"/admin/users/{uid}/password", {"password": ""})
    assert refused.status_code == 403
    assert "không quản trị" in _text(refused)


def test_units_create_rename_and_move_with_a_date(browser, db, world):
    browser.login("admin")
    a = world.orgs["a"]
    created = browser.post(f"/admin/units/{a.id}/new", {
        "name": "Công đoàn Viên chức tỉnh Hà Tĩnh", "label": "CĐVC Hà Tĩnh",
        "short_name": "CĐVC", "header_name": "", "place_name": "Hà Tĩnh"})
    assert created.status_code == 302
    zone2 = db.session.scalar(sa.select(Organisation).where(Organisation.label == "CĐVC Hà Tĩnh"))
    assert zone2.level == 3 and zone2.parent_id == a.id
    grass = world.orgs["a_grass"]
    renamed = browser.post(f"/admin/units/{grass.id}/edit", {
        "name": grass.name, "label": "CĐCS Thép Vũng Áng", "short_name": "CĐCS",
        "header_name": "", "place_name": "Kỳ Anh"})
    assert renamed.status_code == 302
    move_page = browser.get(f"/admin/units/{grass.id}/move?q=CĐVC")
    assert move_page.status_code == 200 and "CĐVC Hà Tĩnh" in _text(move_page)
    # Before the day it came under its present unit above: refused, in Vietnamese.
    refused = browser.post(f"/admin/units/{grass.id}/move", {
        "parent_id": zone2.id, "on": (FOUNDED - timedelta(days=1)).isoformat()})
    assert refused.status_code == 422
    assert ("không thể ghi việc chuyển trước ngày đó" in _text(refused)
            and format_day(FOUNDED) in _text(refused))
    on = local_today() - timedelta(days=3)
    moved = browser.post(f"/admin/units/{grass.id}/move", {
        "parent_id": zone2.id, "on": on.isoformat()})
    assert moved.status_code == 302
    page = _text(browser.get(f"/admin/units/{grass.id}"))
    history = page[page.index('data-testid="parent-links"'):]
    assert history.index("CĐVC Hà Tĩnh") < history.index(world.orgs["a_zone"].display_name)
    assert format_day(on) in history and format_day(FOUNDED) in history
    for action in ("unit_changed", "unit_moved"):
        assert f'data-action="{action}"' in page
    # The admin's own top unit is moved only by an admin above it.
    assert browser.get(f"/admin/units/{a.id}/move").status_code == 403


def test_give_a_role_on_a_units_page(browser, db, world):
    browser.login("admin")
    grass = world.orgs["a_grass"]
    given = browser.post(f"/admin/units/{grass.id}/roles",
                         {"username": "handler2", "role": INTAKE})
    assert given.status_code == 302
    assert (INTAKE, grass.id) in {(a.role, a.org_id) for a in _user(db, "handler2").roles}
    unknown = browser.post(f"/admin/units/{grass.id}/roles",
                           {"username": "b_handler", "role": INTAKE})
    assert unknown.status_code == 422 and "tạo tài khoản trước" in _text(unknown)


def test_the_audit_page_shows_the_admins_subtree_only(browser, db, world):
    from app.auth.services import create_user
    from tests.factories import password_hash
    from workflows.vocab import ADMIN, AUDITOR

    top = create_user("qt.top", "Quản trị trung ương", None, [(ADMIN, world.orgs["tld"])],
                      password_hash=password_hash())
    services.add_role(top, world.users["b_handler"], AUDITOR, world.orgs["b"])
    services.add_role(top, world.users["handler"], AUDITOR, world.orgs["a_zone"])
    db.session.commit()
    browser.login("admin")
    page = _text(browser.get("/admin/audit"))
    assert page.count('data-action="role_added"') == 1
    assert "b_handler" not in page and "Quản trị trung ương" in page
    assert "handler" in page
    labels = _text(browser.get(f"/admin/users/{world.users['handler'].id}"))
    assert 'data-action="role_added"' in labels


def test_the_move_search_offers_and_preselects_only_units_that_may_take_it(browser, db, world):
    from app.orgs.services import create_org

    a = world.orgs["a"]
    old = create_org("Công đoàn Viên chức tỉnh (cũ)", "CĐVC", "Hà Tĩnh", 3, a,
                     valid_from=FOUNDED, label="CĐVC cũ")
    old.dissolved_on = local_today() - timedelta(days=10)
    new = create_org("Công đoàn Viên chức tỉnh", "CĐVC", "Hà Tĩnh", 3, a, valid_from=FOUNDED,
                     label="CĐVC mới")
    db.session.commit()
    browser.login("admin")
    page = _text(browser.get(f"/admin/units/{world.orgs['a_grass'].id}/move?q=Viên chức"))
    assert f'selected value="{new.id}"' in page  # the first unit found that may take it
    assert f'value="{old.id}"' not in page  # a dissolved unit is no parent


def test_the_unit_search_ignores_accents_and_follows_a_rename(browser, db, world):
    """"ha tinh" finds "LĐLĐ tỉnh Hà Tĩnh", "dien tu" finds "Điện tử"; a renamed unit is found
    by its new name, not its old one; nothing beyond the admin's subtree."""
    from app.orgs.services import create_org

    electronics = create_org("Công đoàn cơ sở Công ty Điện tử Sao Mai", "CĐCS", "Kỳ Anh", 4,
                             world.orgs["a_zone"], valid_from=FOUNDED)
    browser.login("admin")

    def found(q):
        page = _text(browser.get("/admin/units", query_string={"q": q}))
        start = page.index('data-testid="units-found"')
        listed = page[start:page.index("</ul>", start)]
        return {int(i) for i in re.findall(r'href="/admin/units/(\d+)"', listed)}

    o = world.orgs
    for q, unit in (("ha tinh", o["a"]), ("HÀ TĨNH", o["a"]), ("vung ang", o["a_grass"]),
                    ("dien tu", electronics), ("Điện tử", electronics)):
        assert unit.id in found(q), q
    assert o["b"].id not in found("ho chi minh")  # another province's admin's unit
    renamed = browser.post(f"/admin/units/{electronics.id}/edit", {
        "name": "Công đoàn cơ sở Công ty Linh kiện Bắc Hà", "label": "", "short_name": "CĐCS",
        "header_name": "", "place_name": "Kỳ Anh"})
    assert renamed.status_code == 302
    assert electronics.id in found("linh kien bac ha")
    assert electronics.id not in found("dien tu")
