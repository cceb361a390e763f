"""Cases in known states at known dates, for figures worked out by hand (see test_stats.py).

Period H1 2025 for unit a (with a_zone and a_grass below it):

| case | unit   | family         | received   | history                                         |
|------|--------|----------------|------------|-------------------------------------------------|
| L1   | a      | letter, KN     | 2024-11-10 | accepted 11/2024, result 10/03/2025 (carried)   |
| L2   | a_grass| letter, TC     | 2025-01-20 | forwarded 05/02/2025; 3 signers; channel compl. |
| L3   | a      | letter, PA anon| 2025-03-03 | not valid, filed 05/03, closed 06/03/2025       |
| L4   | a      | letter, KNg    | 2025-06-20 | untouched                                       |
| L5   | a      | letter         | 2025-07-05 | after the period                                |
| L6   | a      | letter         | 2024-10-01 | guided and closed in 10/2024 (not carried)      |
| S1   | a      | supervision    | 2025-02-10 | channel media                                   |
| D1   | a_grass| dialogue       | 2024-12-01 | open (carried)                                  |
| R1   | a      | recommendation | 2025-04-01 | reply 15/04/2025, still waiting, overdue        |
| R2   | a_zone | recommendation | 2025-05-01 | implemented 01/06/2025                          |
| B1   | b      | letter         | 2025-02-02 | another province                                |
"""
from datetime import date

from app.cases.services import transition_case
from app.followup.services import record_reply
from app.letters.rules import details_of
from app.reports.stats import Period
from tests.factories import issue_for, make_case, make_dialogue
from workflows import vocab

H1_2025 = Period(date(2025, 1, 1), date(2025, 6, 30), "h1")


def _steps(case, actor, *steps, issuer=None):
    """Fire the steps on their days; `issuer` issues the documents a step rests on."""
    for trigger, day in steps:
        if issuer is not None:
            issue_for(case, trigger, issuer, day)
        transition_case(case, trigger, actor, comment=f"Ghi chú {trigger}", today=day)


def _letter(actor, org, kind, received, **values):
    return make_case(actor, org, vocab.LETTER, kind=kind, received_on=received,
                     title=f"Đơn {kind} nhận ngày {received:%d/%m/%Y}", **values)


def build_cases(world) -> dict:
    u, o = world.users, world.orgs
    handler = u["handler"]
    c = world.cases = {}

    c["L1"] = _letter(handler, o["a"], "complaint", date(2024, 11, 10))
    details = details_of(c["L1"])
    details.is_valid, details.within_competence = True, True
    _steps(c["L1"], handler, ("classify", date(2024, 11, 12)), ("accept", date(2024, 11, 15)),
           ("start_verification", date(2025, 2, 1)), ("record_result", date(2025, 3, 10)),
           issuer=u["approver"])

    c["L2"] = _letter(u["grass_handler"], o["a_grass"], "denunciation", date(2025, 1, 20),
                      channel="complaint", summary="Tố cáo chủ tịch công đoàn cơ sở.")
    details = details_of(c["L2"])
    details.is_valid, details.within_competence = True, False
    details.competent_body, details.signer_count = "Thanh tra tỉnh Hà Tĩnh", 3
    _steps(c["L2"], u["grass_handler"], ("classify", date(2025, 1, 22)),
           ("forward", date(2025, 2, 5)))

    c["L3"] = _letter(handler, o["a"], "feedback", date(2025, 3, 3), is_anonymous=True)
    details_of(c["L3"]).is_valid = False
    _steps(c["L3"], handler, ("classify", date(2025, 3, 4)), ("file_away", date(2025, 3, 5)),
           ("close", date(2025, 3, 6)))

    c["L4"] = _letter(handler, o["a"], "petition", date(2025, 6, 20))
    c["L5"] = _letter(handler, o["a"], "complaint", date(2025, 7, 5))
    c["L6"] = _letter(handler, o["a"], "petition", date(2024, 10, 1))
    _steps(c["L6"], handler, ("classify", date(2024, 10, 2)), ("guide", date(2024, 10, 5)),
           ("close", date(2024, 10, 6)))

    c["S1"] = make_case(handler, o["a"], vocab.SUPERVISION, channel="media",
                        received_on=date(2025, 2, 10))
    c["D1"] = make_dialogue(handler, o["a_grass"], today=date(2024, 12, 1),
                            scheduled_on=date(2024, 12, 20))
    c["R1"] = make_case(handler, o["a"], vocab.RECOMMENDATION, received_on=date(2025, 4, 1),
                        title="Kiến nghị truy đóng bảo hiểm xã hội",
                        summary="Truy đóng bảo hiểm xã hội cho 125 người lao động.")
    record_reply(c["R1"], handler, received_on=date(2025, 4, 15),
                 text="Công ty đã lập kế hoạch truy đóng.")
    c["R2"] = make_case(handler, o["a_zone"], vocab.RECOMMENDATION, received_on=date(2025, 5, 1),
                        subject_name="Công ty TNHH Giày da Tân Thuận",
                        summary="Trả lương làm thêm giờ đúng quy định.")
    _steps(c["R2"], handler, ("record_implemented", date(2025, 6, 1)))

    c["B1"] = _letter(u["b_handler"], o["b"], "complaint", date(2025, 2, 2))
    return c
