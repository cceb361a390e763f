"""The records a trigger's guard asks for, written by the tests' `advance` before it fires.

Each writer goes through the feature's own services (or its public reads), with short test
values: a supervision plan, delegation and report, a dialogue's content, minutes and follow-up
(its meeting and publication are fired through their own forms: FIRERS), a letter's
classification, a critique's articles, conference, points and responses.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import RoleAssignment, User
from app.auth.permissions import roles_in
from app.core.calendar import local_today
from app.critique import rules as critique_rules
from app.critique import services as critique
from app.documents import services as documents
from app.extensions import db
from app.letters.rules import details_of
from app.supervision import services as supervision
from app.workplace import queries as workplace
from app.workplace import rules as workplace_rules
from app.workplace import services as workplace_services
from workflows import vocab

#: A draft of two articles, for critiques written by the tests.
ARTICLES = ("Điều 1. Phạm vi\nNghị định quy định tiền lương.\n"
            "Điều 2. Hiệu lực\nCó hiệu lực từ năm 2027.")
#: The two recommendations of the report the tests write (to the supervised party).
RECOMMENDATIONS = ("Truy đóng bảo hiểm xã hội", "Trả đủ tiền làm thêm giờ")
SUPERIOR = "Sở Nội vụ"
#: The named members of the delegation besides its users: a secretary, and a leader when the
#: walk has no delegation member among its users.
SECRETARY = ("Vũ Thị Mai", "Cán bộ")
LEADER = "Trần Văn Lực"


def prepare_records(case, trigger: str, users, day) -> None:
    """Write what `trigger`'s guard needs on `case`, as the first handler among `users` (the
    delegation member, for the report); a letter's classification is set without one. Nothing
    for a trigger that needs nothing, or when no user may write the records."""
    write = WRITERS.get((case.family, trigger))
    handler = _holder(users, vocab.HANDLER, case)
    if write is not None and (handler is not None or case.family == vocab.LETTER):
        write(case, handler, users, day)
    _issue_documents(case, trigger, users)


def _issue_documents(case, trigger, users):
    """The documents the step rests on (Action.documents), issued by an approver of the
    case's own unit among `users` (for a dialogue, by its union's approver anyway); none when
    no such user takes part."""
    issuer = documents.signer_among(users, case.org)
    if issuer is None and case.family == vocab.DIALOGUE:
        issuer = _chair(case)
    if (issuer is not None and case.workflow.has_action(trigger)
            and case.workflow.action(trigger).documents):
        documents.issue_needed(case, trigger, issuer)


def _chair(case):
    """An approver of the grassroots union of a dialogue (it signs the invitation and the
    minutes), even when the walk's users are officers of a unit above."""
    return db.session.scalar(
        sa.select(User).join(RoleAssignment)
        .where(RoleAssignment.org_id == case.org_id, RoleAssignment.role == vocab.APPROVER)
        .order_by(User.id).limit(1))


def _holder(users, role, case):
    return next((user for user in users if role in roles_in(user, case.org)), None)


# -- supervision ---------------------------------------------------------------------------

def _plan(case, handler, users, day):
    supervision.save_plan(
        case, handler, purpose="Kiểm tra chế độ cho người lao động",
        content="Việc trích nộp bảo hiểm xã hội", form="Trực tiếp", place="Tại đơn vị",
        starts_on=day + timedelta(days=20), ends_on=day + timedelta(days=25),
        subject_preparation="Báo cáo theo đề cương")


def _delegation(case, handler, users, day):
    delegate = _holder(users, vocab.DELEGATE, case)
    leader = {"user_id": delegate.id, "name": ""} if delegate else {"name": LEADER}
    rows = [leader | {"position": "Phó Chủ tịch", "role": "leader"}]
    if handler is not delegate:
        rows.append({"user_id": handler.id, "position": "Ủy viên", "role": "member"})
    name, position = SECRETARY
    rows.append({"name": name, "position": position, "role": "secretary"})
    supervision.set_delegation(case, handler, rows)


def _report(case, handler, users, day):
    addressee = case.subject_name or "Đơn vị"
    supervision.save_report(
        case, _holder(users, vocab.DELEGATE, case) or handler,
        findings=[{"item": "Bảo hiểm xã hội", "strengths": "Đóng đủ cho phần lớn",
                   "shortcomings": "Chậm đóng", "causes": "Thiếu vốn"},
                  {"item": "Làm thêm giờ", "strengths": "Quy chế công khai",
                   "shortcomings": "Trả thiếu", "causes": "Tính sai"}],
        recommendations=[{"addressee": addressee, "superior": SUPERIOR, "text": text}
                         for text in RECOMMENDATIONS],
        conclusion="Cần khắc phục việc chậm đóng bảo hiểm xã hội.")


# -- workplace dialogue (a case opened by tests.factories.make_dialogue) --------------------

#: The workers' proposal gathered before the content is sent.
PROPOSAL = "Tăng tiền ăn giữa ca"
#: How far ahead of the sending a dialogue is moved when its day comes too soon for the
#: content to reach the other side (rule dialogue.agenda: 5 working days).
AGENDA_LEAD = timedelta(days=30)


def _agenda(case, handler, users, day):
    if not any(item.source == "workers" for item in workplace.items_of(case)):
        workplace_services.add_item(case, handler, source="workers", text=PROPOSAL)
    record = workplace.record_of(case)
    if workplace_rules.agenda_timing_problem(case, day, record.scheduled_on):
        workplace_services.reschedule(case, handler, scheduled_on=day + AGENDA_LEAD,
                                      place=record.place)


def _minutes(case, handler, users, day):
    """Every item agreed, due a month after the dialogue; the first of each side signs."""
    held_on = workplace.record_of(case).held_on or day
    people = workplace.participants_of(case)
    workplace_services.record_minutes(
        case, handler,
        outcomes={item.id: {"outcome": "agreed", "note": "Thực hiện",
                            "due_on": held_on + timedelta(days=30)}
                  for item in workplace.items_of(case)},
        signatories={next(p.id for p in people if p.side == side)
                     for side in ("workers", "employer") if any(p.side == side for p in people)})


def _followed(case, handler, users, day):
    for item in workplace.items_of(case):
        if item.outcome == "agreed" and item.status is None:
            workplace_services.follow_item(case, handler, item.id, status="done", status_on=day,
                                           note="Đã thực hiện", today=max(day, local_today()))


def participants(workers: int = 4, employer_side: int = 3) -> list[dict]:
    """Enough people on each side for a workforce of 50 to 149 (Nghị định 145/2020, Điều 38)."""
    return ([{"side": "workers", "name": f"Công nhân {i}", "position": "Tổ trưởng"}
             for i in range(1, workers + 1)]
            + [{"side": "employer", "name": f"Quản lý {i}", "position": "Trưởng phòng"}
               for i in range(1, employer_side + 1)])


def _hold(case, actor, day):
    """The dialogue held on `day` (its own form: the participants, then the step)."""
    workers = workplace.record_of(case).employer.workers_on(day)
    workplace_services.hold_dialogue(
        case, actor, held_on=day, place="Hội trường",
        participants=participants(workplace_rules.workers_side_minimum(workers)),
        today=max(day, local_today()))


def _publish(case, actor, day):
    workplace_services.publish_minutes(case, actor, published_on=day, how="Bảng tin",
                                       today=max(day, local_today()))


# -- letters: a classification that allows the decision about to fire ----------------------

def _acceptable(case, handler, users, day):
    letter = details_of(case)
    letter.is_valid = letter.within_competence = True
    # an anonymous letter is accepted only when it names the violator with evidence
    letter.names_violator = letter.has_evidence = case.is_anonymous


def _elsewhere(case, handler, users, day):
    letter = details_of(case)
    letter.is_valid, letter.within_competence = True, False
    letter.competent_body = letter.competent_body or "Thanh tra tỉnh"


# -- critique ------------------------------------------------------------------------------

def _articles(case, handler, users, day):
    if not critique.articles_of(case):
        critique.set_articles(case, handler, critique.split_articles(ARTICLES))


def _conference(case, handler, users, day):
    if critique_rules.consultations_of(case) or critique_rules.meetings_of(case):
        return
    critique.record_meeting(case, handler, kind="conference", held_on=min(day, local_today()),
                            place="Phòng họp", participants="Đại biểu công đoàn",
                            minutes="Góp ý dự thảo.")


def _points(case, handler, users, day):
    if not critique.points_of(case):
        critique.save_points(case, handler, [{"article_id": None, "text": "Sửa Điều 1."}])


def _responses(case, handler, users, day):
    for point in critique.points_of(case):
        if point.response is None:
            critique.record_response(point, case, handler, response="taken_in", text="",
                                     responded_on=min(day, local_today()))


WRITERS = {
    (vocab.SUPERVISION, "draft_plan"): _plan,
    (vocab.SUPERVISION, "form_delegation"): _delegation,
    (vocab.SUPERVISION, "submit_report"): _report,
    (vocab.DIALOGUE, "send_agenda"): _agenda,
    (vocab.DIALOGUE, "sign_minutes"): _minutes,
    (vocab.DIALOGUE, "close"): _followed,
    (vocab.LETTER, "accept"): _acceptable,
    (vocab.LETTER, "forward"): _elsewhere,
    (vocab.CRITIQUE, "open_consultation"): _articles,
    (vocab.CRITIQUE, "consolidate"): _conference,
    (vocab.CRITIQUE, "submit_critique"): _points,
    (vocab.CRITIQUE, "close"): _responses,
}

#: Steps fired from their own form, through their feature's service (which writes the form's
#: records and fires the step): fire(case, actor, day).
FIRERS = {
    (vocab.DIALOGUE, "hold"): _hold,
    (vocab.DIALOGUE, "publish"): _publish,
}
