"""Small creator helpers for tests (plain callables, Indico-style)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from app.auth.services import create_user
from app.cases.services import open_case, transition_case
from app.core.calendar import local_today
from app.orgs.services import create_org
from tests.records import FIRERS, prepare_records
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


#: The employer of the dialogues the tests open, and its workforce (4 people on the workers'
#: side are enough: Nghị định 145/2020, Điều 38).
EMPLOYER = "Công ty TNHH May Việt Hàn"
WORKERS = 120


def make_employer(actor, org, *, name: str = EMPLOYER, workers: int = WORKERS,
                  since: date = date(2020, 1, 1), **values):
    """An employer covered by the grassroots union `org`, or by the first grassroots union
    below `org` when it is an upper unit, registered by `actor`."""
    from app.workplace import services as workplace

    return workplace.register_employer(actor, grassroots_under(org), name=name,
                                       kind=values.pop("kind", "enterprise"),
                                       covered_since=since, workers=workers, **values)


def grassroots_under(org):
    """`org` when it is a grassroots union (level 4), else the first one below it."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.orgs.models import Organisation

    if org.level == 4:
        return org
    found = db.session.scalar(
        sa.select(Organisation).where(Organisation.level == 4,
                                      Organisation.dissolved_on.is_(None),
                                      Organisation.path.startswith(org.path, autoescape=True))
        .order_by(Organisation.path).limit(1))
    if found is None:
        raise LookupError(f"no grassroots union below {org.name}")
    return found


def make_dialogue(actor, org=None, *, employer=None, kind: str = "periodic",
                  scheduled_on: date | None = None, today: date | None = None, **values):
    """A dialogue case opened through the workplace services, as `advance` walks it: at
    `employer`, or at a new employer of the grassroots union `org` (or the first one below
    it). `actor` may be a World: its grassroots handler opens it in its grassroots union.
    `today`: the day it is opened (its received_on). Scheduled 30 days after `today`."""
    from app.workplace import services as workplace

    if isinstance(actor, World):
        org = org or actor.orgs["a_grass"]
        actor = actor.users["grass_handler"]
    if employer is None:
        employer = make_employer(actor, org)
    today = today or local_today()
    if kind == "on_request":
        values.setdefault("requested_by", "workers")
        values.setdefault("requested_on", today)
    if kind == "on_event":
        values.setdefault("event", "restructuring")
    return workplace.open_dialogue(actor, employer, kind=kind,
                                   scheduled_on=scheduled_on or today + timedelta(days=30),
                                   place=values.pop("place", "Hội trường công ty"),
                                   today=today, **values)


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
        fire = FIRERS.get((case.family, trigger))
        if fire is not None:  # a step of its own form, fired through its feature's service
            fire(case, actor, clock)
        else:
            transition_case(case, trigger, actor, comment="Ghi chú kiểm thử", today=clock)
    return case
