"""Demo employers and dialogues: each grassroots union of the demo tree covers employers in every
situation of the current year, and a dialogue case stands at each step of the workflow.

Called from app.demo.seed once the organisation tree and the users exist:
``workplace_demo.seed(orgs, users)`` with the demo's dicts (grassroots keys "thep", "may",
"thpt", "giay", "dientu"; users "cdcs.thep", "canbo", "canbo.hcm" and the chairs
"chutich.<key>" who sign each union's documents). Everything goes through app.workplace.services
and app.cases.services, dated in the past where it happened then, so the timelines are real.
Flushes; the caller commits.

The employers of "thep" (the union of the demo user cdcs.thep) are those of its home page: the
steel company whose periodic dialogue falls due within the rule's warning, the mechanical
company a year late, the environment company whose dialogue is scheduled and the small
transport company under 10 workers that held its dialogue this year.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from app.cases.models import Case
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.documents.services import issue_needed
from app.workplace import rules
from app.workplace import services as wp
from app.workplace.models import Employer

#: Periodic dialogue: days since the last one. DUE_SOON lies within dialogue.periodic's warning
#: (365 days, warned 30 before); OVERDUE past it.
DUE_SOON_DAYS = 345
OVERDUE_DAYS = 400
#: The content reaches the other side this many calendar days before the dialogue (rule
#: dialogue.agenda asks 5 working days: three weeks hold them even across Tết).
AGENDA_LEAD = 21


@dataclass
class Walk:
    """A dialogue at an employer brought to `stage`; days are counted back from today (negative:
    ahead). `held` is the day of the dialogue (the scheduled day when not held yet)."""
    kind: str
    stage: str
    held: int
    proposals: tuple[str, ...] = ("Tăng tiền ăn giữa ca lên 35.000 đồng/suất",)
    employer_item: str = ""
    requested_by: str | None = None
    event: str | None = None
    #: Following up: an agreed item left open, due this many days ago.
    open_item_due: int | None = None
    #: The workers' first proposal is not agreed at the dialogue.
    not_agreed: bool = True


@dataclass
class Spec:
    """An employer and its yearly records, days counted back from today."""
    name: str
    kind: str
    tax_code: str
    sector: str
    representative: str
    address: str
    #: (days ago, workers): the first is the day the union began to cover it.
    headcounts: tuple[tuple[int, int], ...]
    conferences: tuple[int, ...] = ()
    regulation: int | None = None
    board: tuple[int, int] | None = None  # (elected days ago, report days ago)
    dialogues: tuple[Walk, ...] = field(default_factory=tuple)


def _this_year(today: date, days: int) -> int:
    """`days` ago, or fewer so that the day falls in the current year."""
    return min(days, (today - date(today.year, 1, 1)).days)


def specs(today: date) -> dict[str, list[Spec]]:
    """The employers of each grassroots union and their records, for `today`."""
    early = _this_year(today, 75)  # a dialogue or a conference of this year
    recent = _this_year(today, 12)
    return {
        "thep": [
            Spec("Công ty Cổ phần Thép Vũng Áng", "enterprise", "3001234567", "Luyện kim",
                 "Nguyễn Đình Khang", "Khu kinh tế Vũng Áng, thị xã Kỳ Anh, Hà Tĩnh",
                 ((900, 1150), (200, 1210)), conferences=(_this_year(today, 100), 470),
                 regulation=700,
                 dialogues=(
                     Walk("periodic", "closed", DUE_SOON_DAYS,
                          ("Bố trí thêm xe đưa đón công nhân ca đêm",),
                          employer_item="Kế hoạch sản xuất và bố trí ca năm tới"),
                     Walk("on_event", "following_up", 60,
                          ("Hỗ trợ đào tạo lại cho người lao động chuyển vị trí",
                           "Giữ nguyên thu nhập 6 tháng cho người chuyển vị trí"),
                          event="restructuring", open_item_due=15),
                 )),
            Spec("Công ty TNHH Cơ khí Vũng Áng", "enterprise", "3001234568", "Cơ khí chế tạo",
                 "Trần Văn Hải", "Phường Kỳ Long, thị xã Kỳ Anh, Hà Tĩnh",
                 ((1000, 160), (150, 185)), conferences=(430,), regulation=800,
                 dialogues=(
                     Walk("periodic", "closed", OVERDUE_DAYS,
                          ("Trang bị thêm quạt công nghiệp tại xưởng hàn",)),
                     Walk("on_request", "agenda_sent", -10,
                          ("Điều chỉnh đơn giá tiền lương sản phẩm tổ hàn",),
                          requested_by="workers"),
                 )),
            Spec("Công ty TNHH Dịch vụ Môi trường Vũng Áng", "enterprise", "3001234569",
                 "Vệ sinh công nghiệp", "Lê Thị Hoa", "Xã Kỳ Lợi, thị xã Kỳ Anh, Hà Tĩnh",
                 ((800, 55), (90, 62)), conferences=(early,),
                 dialogues=(
                     Walk("periodic", "closed", 355, ("Cấp đủ bảo hộ lao động cho tổ thu gom",)),
                     Walk("periodic", "scheduled", -25,
                          ("Hỗ trợ tiền nhà trọ cho người lao động ở xa",)),
                 )),
            Spec("Công ty TNHH Vận tải Kỳ Anh", "enterprise", "3001234570", "Vận tải hàng hóa",
                 "Phạm Văn Toàn", "Phường Sông Trí, thị xã Kỳ Anh, Hà Tĩnh",
                 ((600, 9), (100, 8)), conferences=(early,),
                 dialogues=(
                     Walk("periodic", "closed", early, ("Khám sức khỏe định kỳ cho lái xe",),
                          not_agreed=False),
                 )),
        ],
        "may": [
            Spec("Công ty TNHH May Hà Tĩnh Việt Hàn", "enterprise", "3001234571", "Dệt may",
                 "Kim Jae Won", "Khu công nghiệp Gia Lách, huyện Nghi Xuân, Hà Tĩnh",
                 ((1100, 780), (300, 860)), conferences=(_this_year(today, 120), 480),
                 regulation=900,
                 dialogues=(
                     Walk("periodic", "closed", early,
                          ("Bố trí phòng vắt, trữ sữa cho lao động nữ",
                           "Tăng phụ cấp chuyên cần lên 500.000 đồng/tháng")),
                     Walk("on_event", "held", 1,
                          ("Công khai định mức lao động mới trước khi áp dụng",),
                          event="wage_scale"),
                 )),
            Spec("Công ty TNHH Bao bì Nghi Xuân", "enterprise", "3001234572", "Bao bì giấy",
                 "Đặng Quốc Bảo", "Khu công nghiệp Gia Lách, huyện Nghi Xuân, Hà Tĩnh",
                 ((700, 40), (60, 46)), conferences=(410,),
                 dialogues=(
                     Walk("periodic", "closed", OVERDUE_DAYS + 30,
                          ("Sửa chữa nhà vệ sinh khu sản xuất",)),
                 )),
        ],
        "thpt": [
            Spec("Trường THPT Hồng Lĩnh", "public_unit", "3001234573", "Giáo dục",
                 "Vũ Thị Thanh Tâm", "Phường Bắc Hồng Lĩnh, thị xã Hồng Lĩnh, Hà Tĩnh",
                 ((1200, 78), (250, 84)), conferences=(_this_year(today, 90), 450),
                 regulation=1000, board=(420, recent),
                 dialogues=(
                     Walk("periodic", "closed", DUE_SOON_DAYS - 5,
                          ("Bố trí phòng nghỉ trưa cho giáo viên",)),
                 )),
        ],
        "giay": [
            Spec("Công ty TNHH Giày da Tân Thuận", "enterprise", "0301234574", "Da giày",
                 "Đặng Minh Tuấn", "Khu chế xuất Tân Thuận, Quận 7, TP. Hồ Chí Minh",
                 ((1300, 2900), (400, 3150), (30, 3240)), conferences=(395,), regulation=1100,
                 dialogues=(
                     Walk("periodic", "closed", 380, ("Tăng tiền ăn giữa ca lên 30.000 đồng",)),
                     Walk("periodic", "minuted", 3,
                          ("Giảm giờ làm thêm trong tháng cao điểm",
                           "Hỗ trợ tiền gửi trẻ cho công nhân có con nhỏ")),
                 )),
        ],
        "dientu": [
            Spec("Công ty TNHH Điện tử Linh Trung", "enterprise", "0301234575",
                 "Linh kiện điện tử", "Trịnh Công Sơn",
                 "Khu chế xuất Linh Trung I, TP. Thủ Đức, TP. Hồ Chí Minh",
                 ((1000, 2300), (180, 2420)), conferences=(_this_year(today, 60), 420),
                 regulation=950,
                 dialogues=(
                     Walk("periodic", "closed", OVERDUE_DAYS + 20,
                          ("Luân phiên ca đêm hằng tháng",)),
                     Walk("on_request", "cancelled", -15, ("Xem xét lại quy chế thưởng",),
                          requested_by="employer"),
                 )),
            Spec("Công ty TNHH Cơ điện Thủ Đức", "other", "", "Sửa chữa cơ điện",
                 "Nguyễn Thành Nam", "TP. Thủ Đức, TP. Hồ Chí Minh", ((500, 7),)),
        ],
    }


#: Who opens and keeps the records of each union's employers (a handler of the unit or above).
KEEPERS = {"thep": "cdcs.thep", "may": "canbo", "thpt": "canbo", "giay": "canbo.hcm",
           "dientu": "canbo.hcm"}
PLACES = ("Hội trường công ty", "Phòng họp tầng 2", "Nhà ăn ca")


def seed(orgs: dict, users: dict, today: date | None = None) -> list[Case]:
    """The employers of `specs` with their records and dialogues; returns the dialogue cases."""
    today = today or local_today()
    cases = []
    for key, rows in specs(today).items():
        org, keeper, chair = orgs[key], users[KEEPERS[key]], users[f"chutich.{key}"]
        for spec in rows:
            employer = _employer(spec, org, keeper, today)
            for walk in spec.dialogues:
                cases.append(_dialogue(employer, walk, keeper, chair, today))
    return cases


def _employer(spec: Spec, org, keeper, today: date) -> Employer:
    (first_ago, first), *later = spec.headcounts
    employer = wp.register_employer(
        keeper, org, name=spec.name, kind=spec.kind, tax_code=spec.tax_code,
        address=spec.address, sector=spec.sector, representative=spec.representative,
        covered_since=today - timedelta(days=first_ago), workers=first, today=today)
    for ago, workers in later:
        wp.record_headcount(employer, keeper, as_of=today - timedelta(days=ago), workers=workers,
                            today=today)
    for ago in sorted(spec.conferences, reverse=True):
        held_on = today - timedelta(days=ago)
        wp.record_conference(
            employer, keeper, held_on=held_on,
            participants=max(1, (employer.workers_on(held_on) or 10) * 2 // 3),
            resolutions=f"Thông qua kế hoạch sản xuất, quy chế trả lương, thưởng năm "
                        f"{held_on.year}; bầu Ban thanh tra nhân dân (nếu có).", today=today)
    if spec.regulation is not None:
        wp.record_regulation(employer, keeper, kind="issued",
                             issued_on=today - timedelta(days=spec.regulation),
                             reference="15/QĐ-GĐ", note="Quy chế dân chủ ở cơ sở tại nơi làm việc",
                             today=today)
    if spec.board is not None:
        elected, reported = spec.board
        board = wp.record_board(employer, keeper, elected_on=today - timedelta(days=elected),
                                members="Nguyễn Thị Lan (Trưởng ban)\nHồ Văn Sơn\nLê Thị Mai",
                                today=today)
        wp.record_board_report(
            board, keeper, reported_on=today - timedelta(days=reported),
            content="Giám sát việc công khai tài chính học kỳ I: thu, chi đúng quy chế chi tiêu "
                    "nội bộ; đề nghị công khai thêm khoản thu hộ.", today=today)
    return employer


def _participants(employer: Employer, day: date, chair) -> list[dict]:
    """Both sides, the workers' as many as the workforce asks (led by the union's chair), the
    employer's led by its legal representative."""
    need = rules.workers_side_minimum(employer.workers_on(day))
    workers = [{"side": "workers", "name": chair.full_name,
                "position": "Chủ tịch Công đoàn cơ sở"}] + [
        {"side": "workers", "name": f"Đại diện tổ {i}", "position": "Tổ trưởng công đoàn"}
        for i in range(1, need)]
    bosses = [{"side": "employer", "name": employer.representative,
               "position": "Người đại diện theo pháp luật"},
              {"side": "employer", "name": "Trưởng phòng Nhân sự", "position": "Trưởng phòng"},
              {"side": "employer", "name": "Kế toán trưởng", "position": "Kế toán trưởng"}]
    return workers + bosses


def _dialogue(employer: Employer, walk: Walk, keeper, chair, today: date) -> Case:
    held_on = today - timedelta(days=walk.held)
    agenda_on = min(today, held_on - timedelta(days=AGENDA_LEAD))
    opened_on = min(today, agenda_on - timedelta(days=7))
    place = PLACES[employer.id % len(PLACES)]
    case = wp.open_dialogue(
        keeper, employer, kind=walk.kind, scheduled_on=held_on, place=place,
        requested_by=walk.requested_by,
        requested_on=opened_on if walk.kind == "on_request" else None, event=walk.event,
        summary="Đối thoại giữa người sử dụng lao động và tổ chức đại diện người lao động tại "
                f"{employer.name} (Bộ luật Lao động 2019, Điều 63).", today=opened_on)
    for text in walk.proposals:
        wp.add_item(case, keeper, source="workers", text=text)
    if walk.employer_item:
        wp.add_item(case, keeper, source="employer", text=walk.employer_item)
    if walk.stage == "scheduled":
        return case
    if walk.stage == "cancelled":
        transition_case(case, "cancel", chair, today=opened_on,
                        comment="Hai bên thống nhất giải quyết qua hội nghị người lao động.")
        return case
    issue_needed(case, "send_agenda", chair, today=agenda_on)
    transition_case(case, "send_agenda", keeper, today=agenda_on)
    if walk.stage == "agenda_sent":
        return case
    wp.hold_dialogue(case, keeper, held_on=held_on, place=place,
                     participants=_participants(employer, held_on, chair), today=today)
    if walk.stage == "held":
        return case
    items = rules.items_of(case)
    outcomes: dict[int, dict] = {}
    for n, item in enumerate(items):
        refused = walk.not_agreed and item.source == "workers" and n == 1
        outcomes[item.id] = (
            {"outcome": "not_agreed", "note": "Người sử dụng lao động chưa bố trí được kinh phí."}
            if refused else
            {"outcome": "agreed", "note": "Người sử dụng lao động thực hiện.",
             "due_on": held_on + timedelta(days=30 + 15 * n)})
    agreed = [item for item in items if outcomes[item.id]["outcome"] == "agreed"]
    left_open = agreed[-1] if walk.open_item_due is not None else None
    if left_open is not None:
        outcomes[left_open.id]["due_on"] = today - timedelta(days=walk.open_item_due)
    people = rules.participants_of(case)
    signers = {next(p.id for p in people if p.side == side) for side in ("workers", "employer")}
    wp.record_minutes(case, keeper, outcomes=outcomes, signatories=signers)
    issue_needed(case, "sign_minutes", chair, today=held_on)
    transition_case(case, "sign_minutes", keeper, today=held_on)
    if walk.stage == "minuted":
        return case
    published_on = min(today, held_on + timedelta(days=1))
    issue_needed(case, "publish", chair, today=published_on)
    wp.publish_minutes(case, keeper, published_on=published_on,
                       how="Niêm yết tại bảng tin và thông báo tại các tổ sản xuất", today=today)
    for item in agreed:
        if item is left_open:
            continue
        done_on = min(today, item.due_on)
        wp.follow_item(case, keeper, item.id, status="done", status_on=done_on,
                       note="Đã thực hiện theo biên bản đối thoại.", today=today)
    if walk.stage == "following_up":
        return case
    closed_on = min(today, max(i.status_on for i in agreed) if agreed else published_on)
    transition_case(case, "close", keeper, today=closed_on)
    return case
