"""The administrators' writers: accounts, roles and units within the admin's subtree, each
change on the audit trail with its actor and before/after, nobody locked out.

The world's `admin` administers province a (tld > a > a_zone > a_grass); province b is beyond."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.admin import queries, services
from app.admin.models import AdminEvent
from app.auth.services import authenticate, create_user
from app.core.calendar import local_today
from app.core.errors import Forbidden, Invalid, NotFound
from app.orgs.models import OrgParentLink
from app.orgs.services import TreeRefused
from tests.factories import FOUNDED, password_hash
from workflows.vocab import ADMIN, AUDITOR, HANDLER, INTAKE


def _events(db, **where) -> list[AdminEvent]:
    return db.session.scalars(sa.select(AdminEvent).filter_by(**where)
                              .order_by(AdminEvent.id)).all()


@pytest.fixture
def admin(world):
    return world.users["admin"]


@pytest.fixture
def national_admin(db, world):
    user = create_user("quantri.tw", "Quản trị Tổng Liên đoàn", None,
                       [(ADMIN, world.orgs["tld"])], password_hash=password_hash())
    db.session.flush()
    return user


# --- accounts ----------------------------------------------------------------------------------

def test_create_user_with_a_generated_password_shown_once_and_audited(db, world, admin):
    user, password = services.create_user(
        admin, username="Nguyen.An", full_name="Nguyễn Văn An", email="an@example.vn",
        password=None, roles=[(HANDLER, world.orgs["a_zone"]), (INTAKE, world.orgs["a_zone"])])
    assert user.username == "nguyen.an"
    assert {(a.role, a.org_id) for a in user.roles} == {
        (HANDLER, world.orgs["a_zone"].id), (INTAKE, world.orgs["a_zone"].id)}
    assert len(password) == 14 and password.count("-") == 2
    assert authenticate("nguyen.an", password) is user
    [event] = _events(db, action="user_created")
    assert event.actor_id == admin.id and event.user_id == user.id
    assert event.org_id == world.orgs["a_zone"].id  # filed under the unit of its roles
    assert event.data["before"] == {}
    assert event.data["after"]["username"] == "nguyen.an"
    assert {r["role"] for r in event.data["after"]["roles"]} == {HANDLER, INTAKE}
    assert password not in str(event.data)


def test_create_user_with_a_typed_password_and_refusals(db, world, admin):
    user, shown = services.create_user(
        admin, username="binh", full_name="Trần Bình", email="", password="mat-khau-2026",
        roles=[(HANDLER, world.orgs["a"])])
    assert shown is None and authenticate("binh", "mat-khau-2026") is user
    with pytest.raises(NotFound):  # a unit beyond the admin's subtree
        services.create_user(admin, username="chi", full_name="Chi", email="", password=None,
                             roles=[(HANDLER, world.orgs["b"])])
    with pytest.raises(Invalid) as taken:
        services.create_user(admin, username="BINH", full_name="Bình khác", email="",
                             password=None, roles=[(HANDLER, world.orgs["a"])])
    assert taken.value.field == "username"
    with pytest.raises(Invalid):
        services.create_user(admin, username="dung", full_name="Dũng", email="",
                             password=None, roles=[])


def test_roles_given_and_taken_are_audited_with_before_and_after(db, world, admin):
    handler = world.users["handler"]
    assignment = services.add_role(admin, handler, AUDITOR, world.orgs["a_grass"])
    services.remove_role(admin, handler, assignment.id)
    added, removed = _events(db, user_id=handler.id)
    assert (added.action, removed.action) == ("role_added", "role_removed")
    assert added.data["after"] == {"role": AUDITOR, "unit": world.orgs["a_grass"].display_name,
                                   "unit_id": world.orgs["a_grass"].id}
    assert removed.data["before"] == added.data["after"] and removed.data["after"] == {}
    assert added.org_id == removed.org_id == world.orgs["a_grass"].id
    assert {a.role for a in handler.roles} == {HANDLER}


def test_a_users_last_role_is_not_taken_and_roles_beyond_are_not_reached(db, world, admin):
    handler = world.users["handler"]
    with pytest.raises(Invalid, match="vô hiệu hóa tài khoản thay vì"):
        services.remove_role(admin, handler, handler.roles[0].id)
    both = create_user("hai.tinh", "Người hai tỉnh", None,
                       [(HANDLER, world.orgs["a"]), (HANDLER, world.orgs["b"])],
                       password_hash=password_hash())
    beyond = next(a for a in both.roles if a.org_id == world.orgs["b"].id)
    with pytest.raises(NotFound):
        services.remove_role(admin, both, beyond.id)
    with pytest.raises(NotFound):
        services.add_role(admin, both, AUDITOR, world.orgs["b"])
    assert len(both.roles) == 2 and not _events(db)


def test_deactivation_ends_the_sessions_refuses_login_and_reactivation_undoes_it(
        db, world, admin):
    handler = world.users["handler"]
    token = handler.session_token
    services.set_active(admin, handler, False)
    assert handler.session_token != token and not handler.active
    assert authenticate("handler", "password123") is None
    services.set_active(admin, handler, False)  # already: nothing more recorded
    services.set_active(admin, handler, True)
    assert authenticate("handler", "password123") is handler
    off, on = _events(db, user_id=handler.id)
    assert (off.action, on.action) == ("user_deactivated", "user_reactivated")
    assert off.data == {"before": {"active": True}, "after": {"active": False}}
    assert off.actor_id == admin.id and off.org_id == world.orgs["a"].id


def test_password_reset_ends_the_sessions_and_records_no_password(db, world, admin):
    handler = world.users["handler"]
    token = handler.session_token
    password = services.reset_password(admin, handler)
    assert handler.session_token != token
    assert authenticate("handler", "password123") is None
    assert authenticate("handler", password) is handler
    assert services.reset_password(admin, handler, "mat-khau-tam-2026") is None
    assert authenticate("handler", "mat-khau-tam-2026") is handler
    events = _events(db, action="password_reset")
    assert [e.data["after"] for e in events] == [{"generated": True}, {"generated": False}]
    assert all(password not in str(e.data) and "mat-khau" not in str(e.data) for e in events)


def test_an_account_with_roles_beyond_the_subtree_is_not_deactivated_nor_reset(
        db, world, admin):
    both = create_user("hai.tinh", "Người hai tỉnh", None,
                       [(HANDLER, world.orgs["a_zone"]), (HANDLER, world.orgs["b"])],
                       password_hash=password_hash())
    for act in (lambda: services.set_active(admin, both, False),
                lambda: services.reset_password(admin, both)):
        with pytest.raises(Forbidden, match="Người hai tỉnh"):
            act()
    assert both.active and authenticate("hai.tinh", "password123") is both
    assert not _events(db)
    # An admin of a unit above both may.
    top = create_user("quantri.top", "Quản trị", None, [(ADMIN, world.orgs["tld"])],
                      password_hash=password_hash())
    services.set_active(top, both, False)
    [event] = _events(db, user_id=both.id)
    assert event.org_id == world.orgs["tld"].id  # the unit above all their roles


def test_users_and_units_beyond_the_subtree_are_not_found(db, world, admin):
    with pytest.raises(NotFound):
        services.require_user(admin, world.users["b_handler"])
    with pytest.raises(NotFound):
        services.require_user(admin, world.users["top_approver"])
    with pytest.raises(NotFound):
        services.set_active(admin, world.users["b_handler"], False)
    for key in ("tld", "b"):
        with pytest.raises(NotFound):
            services.require_unit(admin, world.orgs[key])
    assert services.require_unit(admin, world.orgs["a_grass"]) is world.orgs["a_grass"]


def test_nobody_locks_themselves_out(db, world, admin):
    with pytest.raises(Forbidden, match="tài khoản của chính mình"):
        services.set_active(admin, admin, False)
    with pytest.raises(Forbidden, match="tự đặt lại mật khẩu"):
        services.reset_password(admin, admin)
    services.add_role(admin, admin, HANDLER, world.orgs["a"])
    own_admin = next(a for a in admin.roles if a.role == ADMIN)
    with pytest.raises(Forbidden, match="vai trò quản trị cuối cùng"):
        services.remove_role(admin, admin, own_admin.id)
    # With a second admin role, the first may go.
    services.add_role(admin, admin, ADMIN, world.orgs["a_zone"])
    services.remove_role(admin, admin, own_admin.id)
    assert admin.active and {a.role for a in admin.roles} == {ADMIN, HANDLER}


# --- units -------------------------------------------------------------------------------------

def test_create_a_unit_one_level_below_with_its_names(db, world, admin):
    org = services.create_unit(admin, world.orgs["a_zone"], name="Công đoàn cơ sở Công ty May",
                               label="CĐCS May Kỳ Anh", short_name="CĐCS", header_name="",
                               place_name="Kỳ Anh")
    assert org.level == 4 and org.parent is world.orgs["a_zone"]
    assert org.path == f"{world.orgs['a_zone'].path}{org.id}/"
    assert org.display_name == "CĐCS May Kỳ Anh"
    [event] = _events(db, action="unit_created")
    assert event.org_id == org.id and event.actor_id == admin.id
    assert event.data["after"]["parent"] == world.orgs["a_zone"].display_name
    assert event.data["after"]["label"] == "CĐCS May Kỳ Anh"
    with pytest.raises(Invalid, match="cấp thấp nhất"):
        services.create_unit(admin, world.orgs["a_grass"], name="X", label="", short_name="X",
                             header_name="", place_name="Kỳ Anh")
    with pytest.raises(NotFound):
        services.create_unit(admin, world.orgs["b"], name="X", label="", short_name="X",
                             header_name="", place_name="X")


def test_rename_a_unit_records_before_and_after_and_nothing_when_unchanged(db, world, admin):
    org = world.orgs["a_zone"]
    old_name = org.name
    changed = services.change_unit(admin, org, name="Công đoàn Khu kinh tế Vũng Áng",
                                   label="CĐ KKT Vũng Áng", short_name=org.short_name,
                                   header_name="", place_name=org.place_name)
    assert set(changed) == {"name", "label"}
    [event] = _events(db, action="unit_changed")
    assert event.data == {"before": {"name": old_name, "label": ""},
                          "after": {"name": "Công đoàn Khu kinh tế Vũng Áng",
                                    "label": "CĐ KKT Vũng Áng"}}
    assert services.change_unit(admin, org, label="CĐ KKT Vũng Áng") == {}
    assert len(_events(db, action="unit_changed")) == 1
    with pytest.raises(TreeRefused):
        services.change_unit(admin, org, short_name="  ")


def test_move_a_unit_with_a_date_keeps_the_dated_links(db, world, admin):
    a = world.orgs["a"]
    zone2 = services.create_unit(admin, a, name="Công đoàn Viên chức tỉnh Hà Tĩnh",
                                 label="CĐVC Hà Tĩnh", short_name="CĐVC", header_name="",
                                 place_name="Hà Tĩnh", valid_from=FOUNDED)
    grass = world.orgs["a_grass"]
    on = local_today() - timedelta(days=10)
    services.move_unit(admin, grass, zone2, on)
    assert grass.parent is zone2 and grass.path == f"{zone2.path}{grass.id}/"
    links = db.session.scalars(sa.select(OrgParentLink).where(OrgParentLink.child_id == grass.id)
                               .order_by(OrgParentLink.valid_from)).all()
    assert [(link.parent_id, link.valid_from, link.valid_to) for link in links] == [
        (world.orgs["a_zone"].id, FOUNDED, on), (zone2.id, on, None)]
    [event] = _events(db, action="unit_moved")
    assert event.data["before"]["parent_id"] == world.orgs["a_zone"].id
    assert event.data["after"] == {"parent": "CĐVC Hà Tĩnh", "parent_id": zone2.id,
                                   "on": on.isoformat()}


def test_a_move_before_the_current_link_is_refused_in_vietnamese(app, db, world, admin):
    zone2 = services.create_unit(admin, world.orgs["a"], name="Công đoàn Viên chức",
                                 label="", short_name="CĐVC", header_name="",
                                 place_name="Hà Tĩnh", valid_from=FOUNDED)
    with app.test_request_context(), force_locale("vi"):
        with pytest.raises(TreeRefused) as refused:
            services.move_unit(admin, world.orgs["a_grass"], zone2, date(1999, 12, 31))
    assert refused.value.message == ("Đơn vị trực thuộc đơn vị cấp trên hiện tại từ ngày "
                                     "01/01/2000: không thể ghi việc chuyển trước ngày đó.")
    assert refused.value.field == "on" and isinstance(refused.value, ValueError)
    with app.test_request_context(), force_locale("vi"):
        with pytest.raises(TreeRefused, match="sau hôm nay"):
            services.move_unit(admin, world.orgs["a_grass"], zone2,
                               local_today() + timedelta(days=1))
        with pytest.raises(TreeRefused, match="chính nó"):
            services.move_unit(admin, world.orgs["a_zone"], world.orgs["a_grass"], local_today())
    assert world.orgs["a_grass"].parent is world.orgs["a_zone"] and not _events(
        db, action="unit_moved")


def test_only_an_admin_of_the_unit_above_moves_a_unit(db, world, admin, national_admin):
    with pytest.raises(Forbidden):  # the admin's own top unit: its parent is beyond them
        services.move_unit(admin, world.orgs["a"], world.orgs["tld"], local_today())
    with pytest.raises(NotFound):  # a new parent beyond the subtree
        services.move_unit(admin, world.orgs["a_zone"], world.orgs["b"], local_today())
    services.move_unit(national_admin, world.orgs["a_zone"], world.orgs["b"], local_today())
    assert world.orgs["a_zone"].parent is world.orgs["b"]


# --- the audit trail's scope -------------------------------------------------------------------

def test_the_audit_trail_is_scoped_to_the_admins_subtree(db, world, admin, national_admin):
    services.add_role(admin, world.users["handler"], AUDITOR, world.orgs["a_zone"])
    services.add_role(national_admin, world.users["b_handler"], AUDITOR, world.orgs["b"])
    services.create_user(national_admin, username="khong.vai.tro", full_name="Chưa có vai trò",
                         email="", password=None, roles=[(HANDLER, world.orgs["b"])])
    mine = [e.action for e in queries.audit_page(admin).items]
    everything = [(e.action, e.user_id) for e in queries.audit_page(national_admin).items]
    assert mine == ["role_added"]
    assert [a for a, _u in everything] == ["user_created", "role_added", "role_added"]
    # The zone's admin sees what concerns the zone, not the province's own roles.
    zone_admin = create_user("qt.zone", "Quản trị khu", None, [(ADMIN, world.orgs["a_zone"])],
                             password_hash=password_hash())
    assert [e.org_id for e in queries.audit_page(zone_admin).items] == [world.orgs["a_zone"].id]
    assert queries.events_of_user(admin, world.users["b_handler"]) == []


def test_the_audit_trail_pages_by_key(db, world, admin, monkeypatch):
    monkeypatch.setattr(queries, "PER_PAGE", 2)
    for role in (AUDITOR, INTAKE, ADMIN):
        services.add_role(admin, world.users["handler"], role, world.orgs["a_grass"])
    first = queries.audit_page(admin)
    second = queries.audit_page(admin, first.next_after)
    assert len(first.items) == 2 and first.next_after == first.items[-1].id
    assert [e.data["after"]["role"] for e in first.items + second.items] == [
        ADMIN, INTAKE, AUDITOR]
    assert second.next_after is None


def test_the_user_list_is_scoped_filtered_and_paged_by_key(db, world, admin, monkeypatch):
    names = [u.username for u in queries.users_page(admin).items]
    assert "handler" in names and "grass_handler" in names
    assert "b_handler" not in names and "top_approver" not in names
    assert [u.username for u in queries.users_page(admin, q="GRASS").items] == [
        "grass_approver", "grass_handler"]
    assert {u.username for u in queries.users_page(admin, org=world.orgs["a_grass"]).items} \
        == {"grass_approver", "grass_handler"}
    monkeypatch.setattr(queries, "PER_PAGE", 3)
    first = queries.users_page(admin)
    second = queries.users_page(admin, after=first.next_after)
    assert [u.username for u in first.items + second.items] == sorted(names)[:6]


def test_a_role_written_meanwhile_by_another_request_is_refused_not_a_500(db, world):
    """Two admins (or a double submit) giving the same role: the second meets the unique row
    at the flush and gets the refusal, and the transaction goes on."""
    from app.auth.models import RoleAssignment
    from app.auth.services import AccountRefused, add_role
    from workflows.vocab import AUDITOR

    user, unit = world.users["handler"], world.orgs["a_zone"]
    assert all(a.role != AUDITOR for a in user.roles)  # what this request read
    db.session.execute(sa.insert(RoleAssignment).values(user_id=user.id, org_id=unit.id,
                                                        role=AUDITOR))
    with pytest.raises(AccountRefused) as refused:
        add_role(user, AUDITOR, unit)
    assert "đã giữ vai trò này" in refused.value.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RoleAssignment).where(
        RoleAssignment.user_id == user.id, RoleAssignment.role == AUDITOR)) == 1
