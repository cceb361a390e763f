"""Small creator helpers for tests (plain callables, Indico-style)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from app.auth.services import create_user
from app.cases.services import open_case, transition_case
from app.core.calendar import local_today
from app.orgs.services import create_org
from tests.records import prepare_records
from workflows import vocab

PASSWORD = "password123"


@lru_cache(maxsize=1)
def password_hash() -> str:
    """The shared test password's hash, made once: scrypt at a cost of 2^10 instead of the
    app's 2^15, so that each of the suite's logins checks it in 1 ms, not 70. The app's own
    hashes (set_password, the unknown user's dummy) keep their cost; a test that compares
    timings gives its user such a hash."""
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD, method="scrypt:1024:8:1")


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)


#: The world's units sit where they are since long before any case (dated parent links).
FOUNDED = date(2000, 1, 1)


def build_world() -> World:
    w = World()
    o = w.orgs
    o["tld"] = create_org("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1)
    o["a"] = create_org("Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ", "Hà Tĩnh", 2, o["tld"],
                        valid_from=FOUNDED)
    o["a_zone"] = create_org("Công đoàn Khu kinh tế tỉnh Hà Tĩnh", "CĐKKT", "Hà Tĩnh", 3, o["a"],
                             valid_from=FOUNDED)
    o["a_grass"] = create_org("Công đoàn cơ sở Công ty Thép Vũng Áng", "CĐCS", "Kỳ Anh", 4,
                              o["a_zone"], valid_from=FOUNDED)
    o["b"] = create_org("Liên đoàn Lao động Thành phố Hồ Chí Minh", "LĐLĐ", "TP. Hồ Chí Minh", 2,
                        o["tld"], valid_from=FOUNDED)
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


def issue_for(case, trigger: str, issuer, today: date | None = None) -> list:
    """Issue, signed by `issuer` (an approver of the case's unit) and dated `today`, the
    documents `trigger` rests on (Action.documents), as the office does before the step."""
    from app.documents.services import issue_needed

    return issue_needed(case, trigger, issuer, today)


def issue_notices(case, issuer, day: date | None = None) -> list:
    """Issue, dated `day`, the notices the case's open deadlines wait for (DeadlineRule.met_by:
    the notices to the denouncer and to the denounced after accepting a denunciation)."""
    from app.documents.services import applicable_templates, issue_now

    codes = [tpl.code for row in case.deadlines if row.is_open
             for tpl in applicable_templates(case, row.rule.get("met_by") or ())]
    return [issue_now(case, issuer, code, day) for code in codes]


def advance(case, users_by_role, triggers, today: date | None = None):
    """Fire `triggers` in order, each by the first user in `users_by_role` allowed to.

    The records a guard needs are written first (tests.records), and the clock jumps past the
    notice period before fieldwork.
    """
    from app.auth.permissions import can_fire

    users = list(users_by_role)
    clock = today or local_today()
    for trigger in triggers:
        prepare_records(case, trigger, users, clock)
        if trigger == "start_fieldwork":
            clock = clock + timedelta(days=16)
        action = case.workflow.action(trigger)
        actor = next(u for u in users if can_fire(u, case, action))
        transition_case(case, trigger, actor, comment="Ghi chú kiểm thử", today=clock)
    return case
