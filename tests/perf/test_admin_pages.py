"""The administration's lists cost the same few statements however many rows they show, and
neither count nor skip rows (a national admin's scope is every user and every unit)."""
from __future__ import annotations

import re

from app.admin import services
from app.auth.services import create_user
from tests.factories import password_hash
from workflows.vocab import AUDITOR, HANDLER, INTAKE


def _cost(browser, count_statements, url) -> tuple[int, str]:
    with count_statements() as log:
        response = browser.get(url)
    assert response.status_code == 200, url
    sql = log.report()
    # (SQLite writes every LIMIT as "LIMIT ? OFFSET ?", with 0.)
    assert not re.search(r"\bcount\s*\(|\bOFFSET\b(?! \?)", sql, re.I), sql
    return len(log), response.get_data(as_text=True)


def _grow(db, world, n: int, start: int) -> None:
    """`n` more users of the zone, each given a role by the admin (an audit line each)."""
    for i in range(start, start + n):
        user = create_user(f"nguoi.{i:03d}", f"Người dùng {i}", None,
                           [(HANDLER, world.orgs["a_zone"])], password_hash=password_hash())
        services.add_role(world.users["admin"], user, INTAKE, world.orgs["a_zone"])
    db.session.commit()


def test_users_audit_and_unit_pages_cost_the_same_with_more_rows(browser, db, world,
                                                                 count_statements):
    _grow(db, world, 3, 0)
    services.add_role(world.users["admin"], world.users["handler"], AUDITOR, world.orgs["a_zone"])
    db.session.commit()
    browser.login("admin")
    zone = world.orgs["a_zone"].id
    urls = ["/admin/users", f"/admin/users?org={zone}", "/admin/audit",
            f"/admin/units/{zone}", f"/admin/users/{world.users['handler'].id}"]
    small = {url: _cost(browser, count_statements, url)[0] for url in urls}
    _grow(db, world, 40, 3)
    services.add_role(world.users["admin"], world.users["handler"], AUDITOR, world.orgs["a"])
    db.session.commit()
    for url in urls:
        big, html = _cost(browser, count_statements, url)
        assert big == small[url], f"{url}: {small[url]} statements, then {big}"
    assert html.count('data-action="role_added"') == 2
    users = _cost(browser, count_statements, "/admin/users")[1]
    assert users.count("data-username=") == 50 and 'rel="next"' in users
