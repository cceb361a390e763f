"""The operator's commands: `flask --app wsgi seed-demo` and `flask --app wsgi create-user`."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.auth.models import SERVICE_HASH_PREFIX, User
from app.cases.models import Case, CaseEvent
from app.extensions import db as _db
from tests.conftest import _wipe
from workflows import vocab
from workflows.registry import WORKFLOWS

# --- seed-demo --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def demo(_app):
    """Run `seed-demo` twice on an empty database (once per backend) and record what it left."""
    from app.auth.services import authenticate
    from app.demo import DEMO_PASSWORD

    runner = _app.test_cli_runner()
    with _app.app_context():
        try:
            assert _db.session.scalar(sa.select(sa.func.count(Case.id))) == 0
            first = runner.invoke(args=["seed-demo"])
            cases = _db.session.execute(
                sa.select(Case.id, Case.family, Case.state, Case.channel, Case.parent_id)).all()
            timelines = defaultdict(list)
            for case_id, to_state in _db.session.execute(
                    sa.select(CaseEvent.case_id, CaseEvent.to_state)
                    .where(CaseEvent.to_state.is_not(None)).order_by(CaseEvent.id)):
                timelines[case_id].append(to_state)
            # The accounts people log in as; the portal's service account is the system's.
            users = _db.session.scalar(sa.select(sa.func.count(User.id)).where(
                sa.not_(User.password_hash.startswith(SERVICE_HASH_PREFIX))))
            demo_login_works = authenticate("canbo", DEMO_PASSWORD) is not None
            from app.portal import demo as portal_demo
            from app.portal import services as portal
            from app.portal.models import PortalMessage

            followed = portal.authenticate(portal_demo.CODE, portal_demo.SECRET)
            portal_follows = followed is not None and followed.case.title == portal_demo.TITLE
            portal_thread = [tuple(row) for row in _db.session.execute(
                sa.select(PortalMessage.direction, PortalMessage.text)
                .order_by(PortalMessage.id))]
            facts = _demo_facts(first.output)
            _db.session.remove()

            second = runner.invoke(args=["seed-demo"])
            cases_after_second = _db.session.scalar(sa.select(sa.func.count(Case.id)))
            users_after_second = _db.session.scalar(sa.select(sa.func.count(User.id)).where(
                sa.not_(User.password_hash.startswith(SERVICE_HASH_PREFIX))))
        finally:
            _db.session.remove()
            _wipe(_db)
    return {
        "first": first, "second": second, "cases": cases, "timelines": timelines,
        "users": users, "demo_login_works": demo_login_works,
        "portal_follows": portal_follows, "portal_thread": portal_thread,
        "cases_after_second": cases_after_second, "users_after_second": users_after_second,
        **facts,
    }


def _demo_facts(output: str) -> dict:
    """What the tests of the demo's content read: every case's fields, the units, the issued
    documents, the approvers' units, and whether the supervision the CLI points a newcomer to
    may start fieldwork today (tried, then rolled back)."""
    from app.auth.models import RoleAssignment
    from app.cases.services import transition_case
    from app.core.calendar import local_today
    from app.deadlines.services import rule_table
    from app.documents.models import CaseDocument
    from app.orgs.models import Organisation

    rows = [dict(r._mapping) for r in _db.session.execute(sa.select(Case.__table__))]
    orgs = {o.id: (o.name, o.path) for o in _db.session.scalars(sa.select(Organisation))}
    issued = defaultdict(set)
    for case_id, template in _db.session.execute(
            sa.select(CaseDocument.case_id, CaseDocument.template)
            .where(CaseDocument.number.is_not(None))):
        issued[case_id].add(template)
    actions = defaultdict(list)
    for case_id, action, at in _db.session.execute(
            sa.select(CaseEvent.case_id, CaseEvent.action, CaseEvent.created_at)
            .order_by(CaseEvent.id)):
        actions[case_id].append((action, at))
    approver_units = set(_db.session.scalars(
        sa.select(RoleAssignment.org_id).where(RoleAssignment.role == vocab.APPROVER)))
    walkthrough = {}
    match = re.search(r"Start here: supervision (\S+) ", output)
    if match:
        case = _db.session.scalar(sa.select(Case).where(Case.code == match.group(1)))
        delegate = _db.session.scalar(sa.select(User).where(User.username == "doangiamsat"))
        from app.supervision.rules import event_day

        walkthrough = {"state": case.state, "notified_on": event_day(case, "notify_subject"),
                       "notice_days": rule_table()["supervision.notice"].days,
                       "today": local_today()}
        try:
            transition_case(case, "start_fieldwork", delegate)
            walkthrough["fieldwork_started"] = case.state == "fieldwork"
        except Exception as exc:  # noqa: BLE001  (the refusal is what the test reports)
            walkthrough["fieldwork_started"] = repr(exc)
        _db.session.rollback()
    return {"rows": rows, "orgs": orgs, "issued": issued, "actions": actions,
            "approver_units": approver_units, "walkthrough": walkthrough}


def test_seed_demo_loads_at_least_200_cases_and_says_so(demo):
    first = demo["first"]
    assert first.exit_code == 0, first.output or repr(first.exception)
    match = re.search(r"Demo data loaded: (\d+) units, (\d+) users, (\d+) cases\.", first.output)
    assert match, first.output
    assert len(demo["cases"]) >= 200
    # The summary printed to the operator matches what is in the database.
    assert int(match.group(2)) == demo["users"]
    assert int(match.group(3)) == len(demo["cases"])


def test_seed_demo_covers_every_state_of_every_family(demo):
    present = defaultdict(set)
    for _id, family, state, _channel, _parent in demo["cases"]:
        present[family].add(state)
    missing = {family: sorted(set(wf.state_names) - present[family])
               for family, wf in WORKFLOWS.items()}
    assert {f: s for f, s in missing.items() if s} == {}


def test_seed_demo_uses_all_seven_channels(demo):
    used = Counter(channel for _id, _family, _state, channel, _parent in demo["cases"])
    assert len(vocab.CHANNELS) == 7
    assert set(used) == set(vocab.CHANNELS)
    # Channel 7 is a special case chosen for a supervision (its recommendations inherit it).
    family_of = {case_id: family for case_id, family, *_ in demo["cases"]}
    assert {(family, family_of.get(parent)) for _id, family, _state, channel, parent
            in demo["cases"] if channel == "delegation"} <= {
        (vocab.SUPERVISION, None), (vocab.RECOMMENDATION, vocab.SUPERVISION)}


def test_seed_demo_has_supervisions_with_recommendations(demo):
    family_of = {case_id: family for case_id, family, *_ in demo["cases"]}
    recommendations_by_parent = Counter(
        parent for _id, family, _state, _channel, parent in demo["cases"]
        if family == vocab.RECOMMENDATION)
    assert None not in recommendations_by_parent, "every recommendation follows a supervision"
    assert recommendations_by_parent
    assert {family_of[parent] for parent in recommendations_by_parent} == {vocab.SUPERVISION}


def test_seed_demo_timelines_are_real(demo):
    timelines = demo["timelines"]
    for case_id, family, state, _channel, _parent in demo["cases"]:
        events = timelines.get(case_id)
        assert events, f"case {case_id} has no timeline"
        assert events[0] == WORKFLOWS[family].initial
        assert events[-1] == state, f"case {case_id} ({family}) is {state} but its timeline " \
                                    f"ends at {events[-1]}"
    # Most cases moved on from their first state, so the timelines are not just "opened".
    assert sum(len(events) > 1 for events in timelines.values()) > len(demo["cases"]) / 2


FAMILY_WORDS = {  # what the title of a case of each kind says, diacritics folded
    vocab.LETTER: {"complaint": "khieu nai", "denunciation": "to cao", "petition": "kien nghi",
                   "feedback": "phan anh"},
    vocab.CRITIQUE: {"law": "luat", "decree": "nghi dinh", "plan": "ke hoach",
                     "programme": "chuong trinh"},
    vocab.DIALOGUE: {"periodic": "dinh ky", "on_request": "theo yeu cau"},
}


def test_seed_demo_cases_are_of_the_kind_their_title_and_subject_say(demo):
    from app.core.text import fold

    wrong = []
    for row in demo["rows"]:
        family, kind, title = row["family"], row["kind"], fold(row["title"])
        words = FAMILY_WORDS.get(family, {})
        said = {k for k, word in words.items() if word in title}
        if kind in words and said != {kind}:
            wrong.append((row["code"], kind, row["title"]))
        if family == vocab.LETTER and kind == "denunciation" and not (
                row["subject_kind"] == "person" and fold(row["subject_name"]) in title):
            wrong.append((row["code"], "names nobody", row["title"]))
        if family == vocab.LETTER and kind == "complaint" and "quyet dinh" not in title:
            wrong.append((row["code"], "no decision complained of", row["title"]))
        if family != vocab.SUPERVISION:
            continue
        ethics = "dao duc, loi song" in title
        if (kind == "ethics") != ethics:
            wrong.append((row["code"], kind, row["title"]))
        if kind == "ethics" and not (
                row["subject_kind"] == "person" and row["subject_category"] in (
                    "head", "key_cadre") and row["subject_party_committee"]
                and fold(row["subject_name"]) in title):
            wrong.append((row["code"], "ethics of whom?", row["subject_name"]))
        if kind != "ethics" and row["subject_kind"] != "organisation":
            wrong.append((row["code"], f"{kind} supervision of a person", row["subject_name"]))
        if kind != "ethics" and fold(row["subject_name"]) not in title + fold(row["summary"]):
            wrong.append((row["code"], "supervises another employer", row["subject_name"]))
    assert wrong == []


def test_seed_demo_supervisions_are_filed_by_units_that_may_supervise_and_sign(demo):
    """An upper union supervises the employers and agencies in its area and their cadres, and
    its own approver signs the decision, notice and report: the workplace (the organisation
    supervised, or the unit of the person) has its grassroots union below the filing unit."""
    orgs = demo["orgs"]
    wrong = []
    for row in demo["rows"]:
        if row["family"] != vocab.SUPERVISION:
            continue
        name, path = orgs[row["org_id"]]
        workplace = row["subject_name"] if row["subject_kind"] == "organisation" \
            else row["subject_unit"]
        unions = [p for n, p in orgs.values() if n == f"Công đoàn cơ sở {workplace}"]
        if not unions or not unions[0].startswith(path):
            wrong.append((row["code"], name, workplace))
        if row["org_id"] not in demo["approver_units"]:
            wrong.append((row["code"], name, "nobody of the unit signs"))
    assert wrong == []


def test_seed_demo_supervisions_have_the_documents_their_steps_rest_on(demo):
    needs = {"form_delegation": {"sv_decision"}, "notify_subject": {"sv_notice"},
             "issue_conclusion": {"sv_report", "recommendation"}}
    concluded = missing = 0
    for row in demo["rows"]:
        if row["family"] != vocab.SUPERVISION:
            continue
        done = {action for action, _at in demo["actions"][row["id"]]}
        wanted = set().union(*(docs for step, docs in needs.items() if step in done))
        if wanted - demo["issued"][row["id"]]:
            missing += 1
        concluded += "issue_conclusion" in done
    assert concluded >= 3
    assert missing == 0


def test_seed_demo_leaves_a_realistic_share_of_letters_overdue(demo):
    from app.core.calendar import local_today

    wf = WORKFLOWS[vocab.LETTER]
    open_letters = [r for r in demo["rows"] if r["family"] == vocab.LETTER
                    and not wf.state(r["state"]).is_terminal]
    overdue = [r for r in open_letters if r["due_on"] and r["due_on"] < local_today()]
    share = len(overdue) / len(open_letters)
    assert len(open_letters) >= 30
    assert 0.08 <= share <= 0.25, f"{len(overdue)} of {len(open_letters)} open letters overdue"


def test_seed_demo_points_a_newcomer_to_a_supervision_whose_notice_ends_today(demo):
    walk = demo["walkthrough"]
    assert walk, "the CLI names no supervision to start with:\n" + demo["first"].output
    assert walk["state"] == "subject_notified"
    assert walk["notified_on"] == walk["today"] - timedelta(days=walk["notice_days"])
    assert walk["fieldwork_started"] is True  # by the demo's delegation member, today


def test_seed_demo_users_can_log_in_with_the_demo_password(demo):
    assert demo["demo_login_works"]


def test_seed_demo_is_idempotent(demo):
    second = demo["second"]
    assert second.exit_code == 0, second.output or repr(second.exception)
    assert "nothing changed" in second.output
    assert "Demo data loaded" not in second.output
    assert demo["cases_after_second"] == len(demo["cases"])
    assert demo["users_after_second"] == demo["users"]


# --- create-user ------------------------------------------------------------------------------

def _create_user(app, *roles, username="Nguyen.An", password="mat-khau-dai-2026",
                 full_name="Nguyễn Văn An"):
    args = ["create-user", "--username", username, "--full-name", full_name,
            "--password", password]
    for role in roles:
        args += ["--role", role]
    return app.test_cli_runner().invoke(args=args)


def _user(username):
    return _db.session.scalar(sa.select(User).where(User.username == username))


def test_create_user_who_can_then_log_in(app, db, world, browser):
    grass = world.orgs["a_grass"]
    result = _create_user(app, f"{vocab.HANDLER}:{grass.id}", f"{vocab.AUDITOR}:TLĐ")
    assert result.exit_code == 0, result.output
    assert "User nguyen.an created with 2 role(s)." in result.output

    db.session.expire_all()
    user = _user("nguyen.an")
    assert user is not None and user.full_name == "Nguyễn Văn An"
    assert {(r.role, r.org_id) for r in user.roles} == {
        (vocab.HANDLER, grass.id), (vocab.AUDITOR, world.orgs["tld"].id)}
    assert user.password_hash != "mat-khau-dai-2026"

    browser.login("Nguyen.An", "mat-khau-dai-2026")
    home = browser.get("/")
    assert home.status_code == 200
    assert "Nguyễn Văn An" in home.get_data(as_text=True)


def test_create_user_with_a_wrong_password_cannot_log_in(app, db, world, browser):
    assert _create_user(app, f"{vocab.HANDLER}:{world.orgs['a'].id}").exit_code == 0
    browser.get("/login")
    response = browser.post("/login", {"username": "nguyen.an", "password": "sai-mat-khau"})
    assert response.status_code == 401


def test_create_user_refuses_an_unknown_role(app, db, world):
    result = _create_user(app, "chairman:TLĐ")
    assert result.exit_code != 0
    assert "unknown role 'chairman'" in result.output
    assert vocab.HANDLER in result.output  # the message lists the valid roles
    assert _user("nguyen.an") is None


@pytest.mark.parametrize("unit", ["Công đoàn không tồn tại", "999999", ""])
def test_create_user_refuses_an_unknown_unit(app, db, world, unit):
    result = _create_user(app, f"{vocab.HANDLER}:{unit}")
    assert result.exit_code != 0
    assert f"unit {unit!r} not found" in result.output
    assert _user("nguyen.an") is None


def test_create_user_refuses_an_ambiguous_unit(app, db, world):
    result = _create_user(app, f"{vocab.HANDLER}:LĐLĐ")  # two provinces share the short name
    assert result.exit_code != 0
    assert "names several units; use the id" in result.output
    assert _user("nguyen.an") is None


def test_create_user_refuses_a_duplicate_username(app, db, world):
    role = f"{vocab.HANDLER}:{world.orgs['a'].id}"
    assert _create_user(app, role).exit_code == 0
    db.session.expire_all()
    original_hash = _user("nguyen.an").password_hash

    result = _create_user(app, role, username="NGUYEN.AN", password="mot-mat-khau-khac")
    assert result.exit_code != 0
    assert "already exists" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(User.id))
                             .where(User.username == "nguyen.an")) == 1
    assert _user("nguyen.an").password_hash == original_hash


def test_create_user_refuses_a_short_password(app, db, world):
    result = _create_user(app, f"{vocab.HANDLER}:{world.orgs['a'].id}", password="ngan")
    assert result.exit_code != 0
    assert "at least 8 characters" in result.output
    assert _user("nguyen.an") is None


def test_seed_demo_prints_a_portal_receipt_that_follows_its_letter(demo):
    """The receipt printed by seed-demo opens the demo letter on the portal, with the unit's
    question and the sender's answer."""
    from app.portal.demo import ANSWER, CODE, QUESTION, SECRET

    assert f"receipt code {CODE} and secret {SECRET}" in demo["first"].output
    assert f"receipt code {CODE} and secret {SECRET}" in demo["second"].output
    assert demo["portal_thread"] == [("to_member", QUESTION), ("from_member", ANSWER)]
    assert demo["portal_follows"]
