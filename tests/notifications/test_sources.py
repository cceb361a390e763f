"""Each kind of notification comes from its real trigger and reaches the right officers, in
the inbox and as an email in a real SMTP sink; never the one who acted, never a sender's name."""
from datetime import date, timedelta

import sqlalchemy as sa

from app.auth.services import create_user
from app.cases.models import Case
from app.cases.services import record_event, transition_case
from app.core.calendar import local_today
from app.critique import services as critique
from app.deadlines import services as deadlines
from app.extensions import db as _db
from app.identity import services as identity
from app.identity.services import Reporter
from app.letters.rules import details_of
from app.letters.services import receive_letter
from app.notifications import kinds
from app.notifications.models import Notification
from app.notifications.services import fanout
from tests.factories import advance, make_case, password_hash
from tests.notifications.conftest import address, commit_and_send, told
from workflows.vocab import INTAKE

TODAY = local_today()


def _letter(world, **values):
    """A complaint logged by the intake officer of province a (its first handler)."""
    return make_case(world.users["intake"], world.orgs["a"], family="letter",
                     title="Khiếu nại về việc chậm trả lương", **values)


def test_a_named_handler_is_told_in_the_inbox_and_by_email(db, people, smtp_sink):
    case = _letter(people)
    identity.add_handler(case, people.users["approver"], people.users["handler2"])
    commit_and_send(db)

    [row] = told(db, people.users["handler2"], kinds.ASSIGNMENT)
    assert row.case_id == case.id and row.params["code"] == case.code
    assert told(db, people.users["approver"]) == []  # not told of their own act
    [mail] = smtp_sink.wait(1)
    assert mail["To"] == address("handler2")
    assert case.code in mail["Subject"]
    assert f"/cases/{case.id}" in mail.get_content()
    assert _db.session.get(Notification, row.id).emailed_at is not None


def test_the_delegation_s_members_are_told(db, people, smtp_sink):
    from app.supervision import services as supervision

    case = make_case(people.users["handler"], people.orgs["a"])
    case = advance(case, [people.users["handler"], people.users["approver"]],
                   case.workflow.paths_to_states()["plan_approved"])
    supervision.set_delegation(case, people.users["approver"], [
        {"user_id": people.users["delegate"].id, "name": "", "position": "Trưởng ban",
         "role": "leader"},
        {"user_id": None, "name": "Chuyên gia ngoài", "position": "", "role": "member"}])
    commit_and_send(db)
    assert [r.kind for r in told(db, people.users["delegate"])] == [kinds.ASSIGNMENT]
    assert address("delegate") in [m["To"] for m in smtp_sink.wait(1)]


def test_a_plan_drafted_asks_the_unit_s_approvers(db, people, smtp_sink):
    case = make_case(people.users["handler"], people.orgs["a"])
    path = case.workflow.paths_to_states()["plan_drafted"]
    advance(case, [people.users["handler"], people.users["approver"]], path[:-1])
    commit_and_send(db)
    assert told(db, people.users["approver"], kinds.APPROVAL_REQUESTED) == []
    advance(case, [people.users["handler"]], path[-1:])
    commit_and_send(db)

    for name in ("approver", "approver2"):
        [row] = told(db, people.users[name], kinds.APPROVAL_REQUESTED)
        assert row.case_id == case.id
    # Not the approvers of the unit above, nor of another province.
    assert told(db, people.users["top_approver"]) == []
    assert told(db, people.users["b_approver"]) == []
    assert {m["To"] for m in smtp_sink.wait(2)} == {address("approver"), address("approver2")}
    # Approving it asks nobody again.
    transition_case(case, "approve_plan", people.users["approver"])
    commit_and_send(db)
    assert len(told(db, people.users["approver2"], kinds.APPROVAL_REQUESTED)) == 1


def _classified_letter(world, received_on=date(2026, 3, 2)):
    """Due Thu 12/03/2026 (accept within 10 days), warned from Mon 09/03/2026."""
    case = _letter(world, kind="complaint", received_on=received_on)
    details = details_of(case)
    details.is_valid = details.within_competence = True
    transition_case(case, "classify", world.users["handler"], comment="Đủ điều kiện",
                    today=received_on)
    return case


def test_the_sweep_s_warning_and_expiry_reach_the_case_s_handlers(db, people, smtp_sink):
    case = _classified_letter(people)
    identity.add_handler(case, people.users["approver"], people.users["handler2"])
    commit_and_send(db)
    smtp_sink.clear()
    assert fanout() == 0  # nothing swept yet

    deadlines.sweep(date(2026, 3, 9))
    commit_and_send(db)
    assert fanout() == 2  # the intake officer (who logged it) and the named handler
    commit_and_send(db)
    for name in ("intake", "handler2"):
        [row] = told(db, people.users[name], kinds.DEADLINE_SOON)
        assert row.params["due_on"] == "2026-03-12"
    assert told(db, people.users["handler"]) == []  # classified it, not named on it
    assert {m["To"] for m in smtp_sink.wait(2)} == {address("handler2"), address("intake")}
    assert "12/03/2026" in smtp_sink.messages[0].get_content()

    assert fanout() == 0  # each line is told once
    deadlines.sweep(date(2026, 3, 13))
    commit_and_send(db)
    assert fanout() == 2
    commit_and_send(db)
    assert len(told(db, people.users["intake"], kinds.DEADLINE_PASSED)) == 1
    assert len(smtp_sink.wait(4)) == 4


def test_the_fanout_command_runs_the_sweep_first(app, db, people, smtp_sink):
    case = _classified_letter(people, received_on=TODAY - timedelta(days=40))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notifications", "fanout", "--sweep"])
    assert result.exit_code == 0, result.output
    assert "1 notification(s) written." in result.output
    [row] = told(db, people.users["intake"], kinds.DEADLINE_PASSED)
    assert row.case_id == case.id
    assert [m["To"] for m in smtp_sink.wait(1)] == [address("intake")]


def test_an_overdue_recommendation_is_told_as_such(db, people):
    parent = make_case(people.users["intake"], people.orgs["a"],
                       title="Giám sát thực hiện thỏa ước lao động tập thể")
    rec = make_case(people.users["intake"], people.orgs["a"], family="recommendation",
                    parent_id=parent.id, title="Kiến nghị gửi Công ty TNHH May Việt Hàn",
                    received_on=TODAY - timedelta(days=60))
    db.session.commit()
    deadlines.sweep(TODAY)
    assert fanout() >= 1
    [row] = told(db, people.users["intake"], kinds.RECOMMENDATION_OVERDUE)
    assert row.case_id == rec.id
    assert told(db, people.users["intake"], kinds.DEADLINE_PASSED) == []


def test_a_consultation_invites_the_officers_of_each_invited_unit(db, people, smtp_sink):
    handler = people.users["handler"]
    draft = critique.register_draft(
        handler, people.orgs["a"], title="Nghị định về tiền lương tối thiểu",
        drafting_body="Bộ Nội vụ", kind="decree", received_on=TODAY - timedelta(days=20),
        submission_on=TODAY + timedelta(days=20),
        articles=critique.split_articles("Điều 1. Phạm vi\nNghị định này quy định."))
    case = _db.session.get(Case, draft.case_id)
    transition_case(case, "open_consultation", handler)
    critique.send_consultation(case, handler, deadline=TODAY + timedelta(days=5),
                               org_ids=[people.orgs["a_grass"].id], experts=[])
    commit_and_send(db)

    for name in ("grass_handler", "grass_approver"):
        [row] = told(db, people.users[name], kinds.CRITIQUE_INVITATION)
        assert row.params["due_on"] == (TODAY + timedelta(days=5)).isoformat()
    assert told(db, people.users["approver"], kinds.CRITIQUE_INVITATION) == []
    mails = smtp_sink.wait(2)
    assert {m["To"] for m in mails} == {address("grass_approver"), address("grass_handler")}
    # The invited unit does not see the case: the link leads to its requests.
    assert all("/critique/requests" in m.get_content() for m in mails)


def test_a_member_s_reply_on_the_portal_reaches_the_handlers(db, people, smtp_sink):
    case = _letter(people)
    identity.add_handler(case, people.users["approver"], people.users["handler2"])
    commit_and_send(db)
    smtp_sink.clear()
    record_event(case, None, "portal_reply", data={})
    commit_and_send(db)
    for name in ("intake", "handler2"):
        assert len(told(db, people.users[name], kinds.PORTAL_REPLY)) == 1
    assert told(db, people.users["approver"], kinds.PORTAL_REPLY) == []
    assert len(smtp_sink.wait(2)) == 2


def test_a_reply_on_a_case_without_handlers_reaches_the_unit_s_intake(db, people):
    case = make_case(people.users["top_approver"], people.orgs["a_grass"], family="letter")
    assert told(db, people.users["grass_handler"]) == []
    record_event(case, None, "portal_reply", data={})
    assert len(told(db, people.users["grass_handler"], kinds.PORTAL_REPLY)) == 1


SENDER, CONTACT = "Trần Văn Tố", "0912 345 678"


def test_a_portal_letter_tells_the_unit_s_intake_and_never_names_the_sender(db, people,
                                                                             smtp_sink):
    case = receive_letter(
        people.users["top_approver"], people.orgs["a_grass"],
        title="Tố cáo sai phạm trong chi quỹ công đoàn",
        summary="Chủ tịch công đoàn cơ sở chi quỹ sai mục đích.", channel="report",
        intake_form="online", kind="denunciation",
        reporter=Reporter(name=SENDER, address="Kỳ Anh, Hà Tĩnh", contact=CONTACT))
    commit_and_send(db)

    [row] = told(db, people.users["grass_handler"], kinds.PORTAL_LETTER)
    assert row.case_id == case.id
    assert told(db, people.users["grass_approver"]) == []  # the unit's intake only
    assert told(db, people.users["intake"]) == []  # not the units above
    [mail] = smtp_sink.wait(1)
    assert mail["To"] == address("grass_handler")
    for text in (str(row.params), mail.as_string(), mail.get_content()):
        for secret in (SENDER, "Trần", CONTACT, "0912"):
            assert secret not in text


def test_a_letter_logged_on_paper_tells_nobody(db, people):
    _letter(people, intake_form="writing")
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0



def test_a_reply_on_a_letter_the_actor_handles_alone_reaches_the_unit_s_intake(db, people):
    """The portal's service account logs the letters of its own unit, so it is their first
    handler: a reply it records reaches the unit's other intake officers instead."""
    logger = people.users["grass_handler"]  # intake officer and handler of the unit
    clerk = create_user("grass_clerk", "Văn thư cơ sở", None, [(INTAKE, people.orgs["a_grass"])],
                        password_hash=password_hash())
    case = make_case(logger, people.orgs["a_grass"], family="letter")
    record_event(case, logger, "portal_reply", data={})
    assert told(db, logger) == []
    assert len(told(db, clerk, kinds.PORTAL_REPLY)) == 1
