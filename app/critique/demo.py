"""Demo critiques: one draft per stage, registered and moved through the critique services.

Called from app.demo.seed once the organisation tree and the users exist:
``critique_demo.seed(orgs, users)`` with the demo's dicts (keys "ht", "kkt", "thep"; users
"canbo", "lanhdao", "tiepnhan", "cdcs.thep"). Flushes; the caller commits.
"""
from __future__ import annotations

from datetime import date, timedelta

from app.cases.services import transition_case
from app.core.calendar import local_today
from app.critique import services as cs
from app.critique.rules import articles_of, points_of

ARTICLES = """Điều 1. Phạm vi điều chỉnh
Nghị định này quy định mức lương tối thiểu đối với người lao động làm việc theo hợp đồng lao động.
Điều 2. Đối tượng áp dụng
Người lao động, người sử dụng lao động theo quy định của Bộ luật Lao động.
Điều 3. Mức lương tối thiểu
Mức lương tối thiểu tháng vùng I là 4.960.000 đồng/tháng.
Điều 4. Điều chỉnh mức lương tối thiểu
Mức lương tối thiểu được xem xét điều chỉnh khi chỉ số giá tiêu dùng tăng trên 5%.
Điều 5. Hiệu lực thi hành
Nghị định có hiệu lực thi hành từ ngày 01 tháng 01 năm 2027."""

DRAFTS = [  # (title, drafting body, kind, days ago received, days of notice, stage)
    ("Nghị định quy định mức lương tối thiểu đối với người lao động", "Bộ Nội vụ", "decree",
     60, 40, "closed"),
    ("Kế hoạch phát triển nhà ở xã hội cho công nhân giai đoạn 2026-2030",
     "Sở Xây dựng tỉnh Hà Tĩnh", "plan", 40, 30, "following_up"),
    ("Dự thảo Luật Việc làm (sửa đổi)", "Bộ Nội vụ", "law", 30, 45, "issued"),
    ("Chương trình hỗ trợ lao động mất việc làm năm 2027", "Sở Nội vụ tỉnh Hà Tĩnh",
     "programme", 15, 20, "awaiting_approval"),
    ("Kế hoạch tổ chức Tháng Công nhân năm 2027", "Ủy ban nhân dân tỉnh Hà Tĩnh", "plan",
     6, 25, "consolidating"),
    ("Chương trình đào tạo nghề cho lao động nữ khu kinh tế", "Sở Nội vụ tỉnh Hà Tĩnh",
     "programme", 2, 10, "consulting"),
]
STAGES = ("consulting", "consolidating", "awaiting_approval", "issued", "following_up", "closed")
POINTS = [
    "Đề nghị nâng mức lương tối thiểu vùng I lên 5.200.000 đồng/tháng.",
    "Đề nghị quy định cơ chế điều chỉnh mức lương tối thiểu hằng năm.",
    "Đề nghị bổ sung trách nhiệm tham vấn tổ chức công đoàn khi điều chỉnh.",
]
ANSWERS = [("taken_in", "Đã tiếp thu, sửa Điều 3."),
           ("explained", "Đã có cơ chế Hội đồng tiền lương quốc gia."),
           ("not_taken_in", "Nội dung thuộc phạm vi văn bản khác.")]


def seed(orgs: dict, users: dict, today: date | None = None) -> list:
    """One critique per entry of DRAFTS, brought to its stage; returns the cases.

    Every case ends on a workflow transition (its timeline ends at its state); the one left
    consolidating still waits for the grassroots union's comments, so "cdcs.thep" finds it
    among the consultations awaiting comments.
    """
    today = today or local_today()
    handler, approver = users["canbo"], users["lanhdao"]
    cases = []
    for title, body, kind, ago, notice, stage in DRAFTS:
        received = today - timedelta(days=ago)
        critique = cs.register_draft(handler, orgs["ht"], title=title, drafting_body=body,
                                     kind=kind, received_on=received,
                                     submission_on=received + timedelta(days=notice),
                                     articles=cs.split_articles(ARTICLES))
        case = critique_case(critique)
        cases.append(case)
        transition_case(case, "open_consultation", handler)
        if stage == "consulting":
            continue
        _consult(case, orgs, users, today, answered=stage != "consolidating")
        transition_case(case, "consolidate", handler)
        if stage == "consolidating":
            continue
        articles = articles_of(case)
        cs.save_points(case, handler, [
            {"article_id": articles[2].id, "text": POINTS[0]},
            {"article_id": articles[3].id, "text": POINTS[1]},
            {"article_id": None, "text": POINTS[2]}])
        transition_case(case, "submit_critique", handler)
        if stage == "awaiting_approval":
            continue
        transition_case(case, "approve_critique", approver)
        answered = {"issued": 0, "following_up": 2, "closed": 3}[stage]
        for point, (response, text) in zip(points_of(case), ANSWERS[:answered]):
            cs.record_response(point, case, handler, response=response, text=text,
                               responded_on=today)
        if stage != "issued":
            transition_case(case, "start_follow_up", handler)
        if stage == "closed":
            transition_case(case, "close", handler)
    return cases


def _consult(case, orgs, users, today, answered: bool) -> None:
    """Send the draft to the zone union, a grassroots union and an expert; the expert answers
    by e-mail (recorded by the handler), the grassroots union when `answered`."""
    handler = users["canbo"]
    consultation = cs.send_consultation(
        case, handler, deadline=today + timedelta(days=5),
        org_ids=[orgs["kkt"].id, orgs["thep"].id],
        experts=[{"name": "PGS.TS Nguyễn Văn Bình", "organisation": "Viện Công nhân và Công đoàn",
                  "email": "binh@example.vn"}])
    articles = articles_of(case)
    expert = next(i for i in consultation.invitees if i.org_id is None)
    cs.submit_comments(expert, handler, [
        {"article_id": articles[3].id, "position": "amend",
         "text": "Nên điều chỉnh theo chỉ số giá tiêu dùng hằng năm."}])
    if answered:
        thep = next(i for i in consultation.invitees if i.org_id == orgs["thep"].id)
        cs.submit_comments(thep, users["cdcs.thep"], [
            {"article_id": articles[0].id, "position": "agree", "text": ""},
            {"article_id": articles[2].id, "position": "amend",
             "text": "Mức lương tối thiểu chưa bảo đảm mức sống tối thiểu của công nhân."}])
    cs.send_reminder(consultation, handler)


def prepare_records(case, trigger: str, users, day: date) -> None:
    """Write what a critique trigger's guard asks for, for the demo walker (called from
    app.demo.prepare_records): articles, a conference, points, responses. Other families pass
    through untouched."""
    from app.auth.permissions import roles_in
    from app.critique.rules import consultations_of, meetings_of
    from workflows.vocab import CRITIQUE, HANDLER

    if case.family != CRITIQUE:
        return
    handler = next((u for u in users if HANDLER in roles_in(u, case.org)), None)
    if handler is None:
        return
    day = min(day, local_today())
    if trigger == "open_consultation" and not articles_of(case):
        cs.set_articles(case, handler, cs.split_articles(ARTICLES))
    elif trigger == "consolidate" and not (consultations_of(case) or meetings_of(case)):
        cs.record_meeting(case, handler, kind="conference", held_on=day,
                          place="Hội trường Liên đoàn Lao động tỉnh",
                          participants="Đại diện cơ quan soạn thảo\nĐại diện các cấp công đoàn",
                          minutes="Các đại biểu thống nhất đề nghị nâng mức lương tối thiểu.")
    elif trigger == "submit_critique" and not points_of(case):
        cs.save_points(case, handler, [{"article_id": None, "text": POINTS[0]}])
    elif trigger == "close":
        for point in points_of(case):
            if point.response is None:
                cs.record_response(point, case, handler, response="taken_in", text="",
                                   responded_on=day)


def critique_case(critique):
    from app.cases.models import Case
    from app.extensions import db

    return db.session.get(Case, critique.case_id)
