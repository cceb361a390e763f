"""Small creator helpers for tests (plain callables, Indico-style)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from app.auth.services import create_user
from app.cases.services import open_case, transition_case
from app.orgs.services import create_org
from workflows import vocab

PASSWORD = "password123"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """scrypt is deliberately slow: hash the shared test password once per session."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt")


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


def build_world() -> World:
    w = World()
    o = w.orgs
    o["tld"] = create_org("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1)
    o["a"] = create_org("Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ", "Hà Tĩnh", 2, o["tld"])
    o["a_zone"] = create_org("Công đoàn Khu kinh tế tỉnh Hà Tĩnh", "CĐKKT", "Hà Tĩnh", 3, o["a"])
    o["a_grass"] = create_org("Công đoàn cơ sở Công ty Thép Vũng Áng", "CĐCS", "Kỳ Anh", 4,
                              o["a_zone"])
    o["b"] = create_org("Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ", "TP. Hồ Chí Minh", 2,
                        o["tld"])
    spec = {
        "intake": [(vocab.INTAKE, "a")],
        "handler": [(vocab.HANDLER, "a")],
        "handler2": [(vocab.HANDLER, "a")],
        "delegate": [(vocab.DELEGATE, "a")],
        "approver": [(vocab.APPROVER, "a")],
        "approver2": [(vocab.APPROVER, "a")],
        "admin": [(vocab.ADMIN, "a")],
        "auditor": [(vocab.AUDITOR, "a")],
        "grass_handler": [(vocab.HANDLER, "a_grass"), (vocab.INTAKE, "a_grass")],
        "grass_approver": [(vocab.APPROVER, "a_grass")],
        "b_handler": [(vocab.HANDLER, "b"), (vocab.INTAKE, "b")],
        "b_approver": [(vocab.APPROVER, "b")],
        "top_approver": [(vocab.APPROVER, "tld")],
    }
    for username, roles in spec.items():
        w.users[username] = create_user(
            username, f"Người dùng {username}", None, [(r, o[k]) for r, k in roles],
            password_hash=password_hash())
    return w


def make_case(actor, org, family=vocab.SUPERVISION, **values):
    values.setdefault("channel", "report")
    values.setdefault("intake_form", "writing")
    values.setdefault("title", "Giám sát việc đóng bảo hiểm xã hội")
    values.setdefault("subject_name", "Công ty TNHH May Việt Hàn")
    values.setdefault("summary", "Người lao động phản ánh doanh nghiệp nợ bảo hiểm xã hội.")
    if family == vocab.LETTER:
        values.setdefault("kind", "complaint")
    return open_case(actor, org, family, **values)


def _writer(users, role):
    from app.core.permissions import roles_in

    return next((u for u in users if role in roles_in(u, u.roles[0].org)), users[0])


def prepare(case, trigger: str, users, today: date):
    """Write the records a supervision trigger's guards ask for (plan, delegation, report)."""
    from app.supervision import services as sv

    handler = _writer(users, vocab.HANDLER)
    if trigger == "draft_plan":
        sv.save_plan(case, handler, purpose="Đánh giá việc đóng BHXH",
                     content="Việc trích nộp BHXH năm 2026", form="Làm việc trực tiếp",
                     place="Trụ sở công ty", starts_on=today + timedelta(days=20),
                     ends_on=today + timedelta(days=25),
                     subject_preparation="Báo cáo tình hình đóng BHXH")
    elif trigger == "form_delegation":
        delegate = _writer(users, vocab.DELEGATE)
        sv.set_delegation(case, handler, [
            {"user_id": delegate.id, "name": "", "position": "Phó Chủ tịch", "role": "leader"},
            {"user_id": None, "name": "Lê Văn Thư", "position": "Chuyên viên",
             "role": "secretary"}])
    elif trigger == "submit_report":
        sv.save_report(case, _writer(users, vocab.DELEGATE), findings=[
            {"item": "Đóng BHXH", "strengths": "Đóng đủ cho 90% lao động",
             "shortcomings": "Chậm đóng 3 tháng", "causes": "Khó khăn tài chính"}],
            recommendations=[{"addressee": "Công ty TNHH May Việt Hàn",
                              "superior": "Sở Nội vụ", "text": "Truy đóng BHXH còn nợ"}],
            conclusion="Doanh nghiệp cần khắc phục việc chậm đóng BHXH.")


def advance(case, users_by_role, triggers, today: date | None = None):
    """Fire `triggers` in order, each by the first user in `users_by_role` allowed to.

    Supervision records are written first where a guard needs them, and the clock jumps past
    the notice period before fieldwork.
    """
    from app.core.permissions import can_fire

    users = list(users_by_role)
    clock = today or date.today()
    for trigger in triggers:
        if case.family == vocab.SUPERVISION:
            prepare(case, trigger, users, clock)
        if case.family == vocab.DIALOGUE and trigger == "hold":
            from app.supervision.services import record_dialogue

            record_dialogue(case, _writer(users, vocab.HANDLER), kind="periodic",
                            held_on=min(clock, date.today()),
                            union_side="Nguyễn Văn A\nTrần Thị B\nLê Văn C",
                            other_side="Phạm Văn D\nHoàng Thị E\nVũ Văn G",
                            agenda="Tiền lương năm 2026", agreed="Tăng lương 6%",
                            not_agreed="Phụ cấp độc hại")
        if trigger == "start_fieldwork":
            clock = clock + timedelta(days=16)
        action = case.workflow.action(trigger)
        actor = next(u for u in users if can_fire(u, case, action))
        transition_case(case, trigger, actor, comment="Ghi chú kiểm thử", today=clock)
    return case
