"""Demo letters that show the whole letter path: classification, the four decisions, a merged
duplicate, an anonymous letter, a second complaint. Written through the services, so the
timelines and sealed identities are real."""
from __future__ import annotations

from datetime import date, timedelta

from app.cases.services import transition_case
from app.core.calendar import local_today
from app.documents import services as documents
from app.identity.services import Reporter
from app.letters import services

SUBJECT = {"subject_kind": "person", "subject_name": "Lê Văn Hải",
           "subject_category": "key_cadre", "subject_position": "Chủ tịch Công đoàn cơ sở",
           "subject_unit": "Công ty Cổ phần Thép Vũng Áng"}
FUND = ("Chủ tịch công đoàn cơ sở tự ý chi quỹ công đoàn để tổ chức du lịch cho ban chấp "
        "hành, không báo cáo đoàn viên, không công khai chứng từ.")


def seed(orgs: dict, users: dict, today: date | None = None) -> list:
    """Letters in the unit `orgs["ht"]`, handled by the demo users tiepnhan, canbo, lanhdao."""
    today = today or local_today()
    org, intake, handler, leader = orgs["ht"], users["tiepnhan"], users["canbo"], users["lanhdao"]

    def letter(title, summary, days_ago, reporter=None, **kw):
        kw.setdefault("subject", SUBJECT)
        return services.receive_letter(
            intake, org, title=title, summary=summary, channel="report",
            intake_form=kw.pop("intake_form", "writing"), received_on=today - timedelta(days_ago),
            is_anonymous=reporter is None, reporter=reporter, **kw)

    def classify(case, kind, **kw):
        values = {"is_valid": True, "within_competence": True} | kw
        services.classify_letter(case, handler, kind=kind, **values)

    def fire(case, *steps):
        for trigger, actor, comment in steps:
            documents.issue_needed(case, trigger, leader)  # the decisions the step rests on
            transition_case(case, trigger, actor, comment=comment)

    made = []
    fund = letter("Đơn tố cáo Lê Văn Hải, Chủ tịch Công đoàn cơ sở, sai phạm trong chi quỹ "
                  "công đoàn", FUND, 20,
                  Reporter(name="Trần Thị Hoài Thu", address="Tổ 5, phường Kỳ Long",
                           contact="0912 345 678"), intake_form="in_person")
    classify(fund, "denunciation", complexity="complex")
    fire(fund, ("accept", leader, "Đủ điều kiện thụ lý, đúng thẩm quyền"),
         ("start_verification", handler, ""))
    copy = letter("Don to cao chi quy cong doan", FUND.replace("không báo cáo", "không họp"),
                  12, Reporter(name="Lê Văn Cường", contact="0988 111 222"))
    services.mark_duplicate(copy, handler, fund, comment="Cùng nội dung với đơn đã thụ lý")
    made += [fund, copy]

    dismissal = letter("Đơn khiếu nại quyết định kỷ luật sa thải",
                       "Người lao động khiếu nại quyết định kỷ luật sa thải vì cho rằng không "
                       "có biên bản họp xử lý kỷ luật.", 90,
                       Reporter(name="Phạm Minh Châu", address="Xã Kỳ Lợi, thị xã Kỳ Anh"),
                       subject={"subject_kind": "organisation",
                                "subject_name": "Công ty TNHH May Hà Tĩnh Việt Hàn"})
    classify(dismissal, "complaint")
    fire(dismissal, ("accept", handler, "Thụ lý giải quyết khiếu nại lần đầu"),
         ("start_verification", handler, ""),
         ("record_result", handler, "Giữ nguyên quyết định kỷ luật"))
    # Lodged with the unit above (Luật Khiếu nại 2011, Điều 33): logged there by its approver.
    second = services.open_second_complaint(
        dismissal, users["tld"], title="Khiếu nại lần hai quyết định kỷ luật sa thải",
        summary="Không đồng ý với kết quả giải quyết khiếu nại lần đầu.", received_on=today)
    fire(dismissal, ("close", leader, ""))
    made += [dismissal, second]

    wages = letter("Kiến nghị về việc chậm trả lương tháng 10",
                   "Tập thể người lao động kiến nghị về việc doanh nghiệp chậm trả lương.", 15,
                   Reporter(name="Đỗ Văn Lợi", representative="Đỗ Văn Lợi",
                            signers=("Võ Thị Hạnh", "Bùi Văn Tâm")), signer_count=27,
                   subject={"subject_kind": "organisation",
                            "subject_name": "Công ty TNHH May Hà Tĩnh Việt Hàn"})
    classify(wages, "petition", within_competence=False,
             competent_body="Sở Nội vụ tỉnh Hà Tĩnh")
    fire(wages, ("forward", handler, "Không thuộc thẩm quyền, chuyển Sở Nội vụ"))
    anonymous = letter("Đơn nặc danh phản ánh việc thu tiền đoàn phí",
                       "Đơn không ký tên phản ánh việc thu thêm tiền đoàn phí.", 8)
    classify(anonymous, "feedback", is_valid=False,
             invalid_reason="Đơn nặc danh, không nêu rõ người vi phạm, không có chứng cứ.")
    fire(anonymous, ("file_away", handler, "Lưu đơn theo Điều 25 Luật Tố cáo"))
    shifts = letter("Phản ánh về việc bố trí ca đêm liên tục",
                    "Người lao động phản ánh việc bố trí ca đêm liên tục hai tháng.", 5,
                    Reporter(name="Hoàng Thị Yến", contact="yen.hoang@example.vn"),
                    intake_form="online",
                    subject={"subject_kind": "organisation",
                             "subject_name": "Công ty Cổ phần Thép Vũng Áng"})
    made += [wages, anonymous, shifts]
    return made


def prepare_records(case, trigger: str) -> None:
    """What a letter trigger's guard asks for, for the demo's walks that fire bare triggers: a
    classification that allows the decision about to fire."""
    if case.family != "letter":
        return
    from app.letters.rules import details_of

    if trigger == "accept":
        letter = details_of(case)
        letter.is_valid, letter.within_competence = True, True
        letter.names_violator = letter.has_evidence = case.is_anonymous
    elif trigger == "forward":
        letter = details_of(case)
        letter.is_valid, letter.within_competence = True, False
        letter.competent_body = letter.competent_body or "Sở Nội vụ tỉnh"
