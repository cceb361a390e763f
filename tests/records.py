"""The records a trigger's guard asks for, written by the tests' `advance` before it fires.

Each writer goes through the feature's own services (or its public reads), with short test
values: a supervision plan, delegation and report, a dialogue record, a letter's
classification, a critique's articles, conference, points and responses.
"""
from __future__ import annotations

from datetime import timedelta

from app.auth.permissions import roles_in
from app.core.calendar import local_today
from app.critique import rules as critique_rules
from app.critique import services as critique
from app.documents import services as documents
from app.letters.rules import details_of
from app.supervision import services as supervision
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
    case's own unit among `users`; none when no such user takes part."""
    issuer = documents.signer_among(users, case.org)
    if (issuer is not None and case.workflow.has_action(trigger)
            and case.workflow.action(trigger).documents):
        documents.issue_needed(case, trigger, issuer)


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


def _dialogue(case, handler, users, day):
    supervision.record_dialogue(
        case, handler, kind="periodic", held_on=min(day, local_today()),
        union_side="Công đoàn 1\nCông đoàn 2\nCông đoàn 3",
        other_side="Công ty 1\nCông ty 2\nCông ty 3",
        agenda="Tiền lương", agreed="Tăng lương", not_agreed="Phụ cấp")


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
    (vocab.DIALOGUE, "hold"): _dialogue,
    (vocab.LETTER, "accept"): _acceptable,
    (vocab.LETTER, "forward"): _elsewhere,
    (vocab.CRITIQUE, "open_consultation"): _articles,
    (vocab.CRITIQUE, "consolidate"): _conference,
    (vocab.CRITIQUE, "submit_critique"): _points,
    (vocab.CRITIQUE, "close"): _responses,
}
