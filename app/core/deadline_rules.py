"""Default deadline rules (domain.md §5) as data, with their legal basis beside each figure.

These are defaults: the client's legal staff must be able to correct them, so code reads rules from
here (or from an admin-edited copy) and never hard-codes a number of days. ``status`` carries the
verification tag of domain.md ("V" read in a public source, "P" partly verified, "U" unverified).
Day counting itself lives in ``app.core.calendar``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from app.core.calendar import UNITS

#: What users see in place of the legal basis of a rule whose basis is not verified (status
#: other than "V"): its figure is the unit's own configured rule. The admin page lists those
#: rules with the citation that awaits verification (awaiting_basis).
UNIT_RULE = "quy định của đơn vị (cấu hình)"

ComplexLevel = Literal["normal", "complex", "especially_complex"]
COMPLEX_LEVELS: tuple[str, ...] = ("normal", "complex", "especially_complex")
DIRECTIONS: tuple[str, ...] = ("after", "before")
STATUSES: tuple[str, ...] = ("V", "P", "U")

#: Events a period is counted from (or, for ``direction="before"``, counted back from).
START_EVENTS: dict[str, tuple[str, str]] = {
    "received": ("Ngày nhận đơn", "Date the letter was received"),
    "forwarded": ("Ngày chuyển đơn (hoặc đôn đốc)", "Date the letter was forwarded (or the "
                  "body reminded)"),
    "accepted": ("Ngày thụ lý", "Date of acceptance (thụ lý)"),
    "supervision_start": ("Ngày bắt đầu giám sát", "First day of the supervision"),
    "fieldwork_end": ("Ngày kết thúc giám sát trực tiếp", "Last day of fieldwork"),
    "recommendation_sent": ("Ngày gửi kiến nghị", "Date the recommendation was sent"),
    "critique_submission": ("Ngày trình dự thảo", "Date the draft is submitted for adoption"),
    "last_dialogue": ("Ngày đối thoại định kỳ gần nhất", "Date of the last periodic dialogue"),
    "dialogue_day": ("Ngày tổ chức đối thoại", "Day of the dialogue"),
    "dialogue_held": ("Ngày kết thúc đối thoại", "Day the dialogue ended"),
    "last_conference": ("Ngày hội nghị người lao động gần nhất",
                        "Date of the last workers' conference"),
}

_CODE_RE = re.compile(r"^[a-z][a-z_]*(\.[a-z][a-z_]*)+$")


@dataclass(frozen=True)
class DeadlineRule:
    code: str
    name_vi: str
    name_en: str
    #: Number + issuer + date, then the article: "124-QĐ/TW" alone names two documents.
    legal_basis: str
    start_event: str
    days: int
    unit: str  # "calendar" | "working"
    complex_days: int | None = None
    remote_days: int | None = None
    complex_remote_days: int | None = None
    #: Extensions granted one by one by written decision (Luật Tố cáo 2018 Điều 30).
    max_extensions: int = 0
    extension_days: int = 0
    warn_before_days: int = 3
    status: str = "U"
    #: "before": the act is due ``days`` before the start event (notice given ahead).
    direction: str = "after"
    note: str = ""
    #: Templates of documents (app.documents) whose issuing meets the deadline: each one that
    #: applies to the case must be issued (the notices to a denouncer and to the denounced).
    met_by: tuple[str, ...] = ()


_KN = "Luật Khiếu nại 2011 (02/2011/QH13, Quốc hội, 11/11/2011)"
_TC = "Luật Tố cáo 2018 (25/2018/QH14, Quốc hội, 12/6/2018)"
_TCD = "Luật Tiếp công dân 2013 (42/2013/QH13, Quốc hội, 25/11/2013)"
_CD = "Luật Công đoàn 2024 (50/2024/QH15, Quốc hội, 27/11/2024)"
_MTTQ = ("Mặt trận Tổ quốc Việt Nam (Nghị quyết liên tịch "
         "403/2017/NQLT-UBTVQH14-CP-ĐCTUBTWMTTQVN, hiệu lực 15/6/2017)")
_HD44 = "Hướng dẫn 44/HD-TLĐ (Tổng Liên đoàn Lao động Việt Nam, 20/12/2021)"

RULES: tuple[DeadlineRule, ...] = (
    DeadlineRule(
        code="complaint.accept",
        name_vi="Khiếu nại: thụ lý đơn",
        name_en="Complaint: accept for handling",
        legal_basis=f"{_KN}, Điều 27",
        start_event="received",
        days=10,
        unit="calendar",
        status="V",
    ),
    DeadlineRule(
        code="complaint.first.resolve",
        name_vi="Khiếu nại lần đầu: giải quyết",
        name_en="First complaint: resolve",
        legal_basis=f"{_KN}, Điều 28",
        start_event="accepted",
        days=30,
        unit="calendar",
        complex_days=45,
        remote_days=45,
        complex_remote_days=60,
        status="V",
    ),
    DeadlineRule(
        code="complaint.second.resolve",
        name_vi="Khiếu nại lần hai: giải quyết",
        name_en="Second complaint: resolve",
        legal_basis=f"{_KN}, Điều 37",
        start_event="accepted",
        days=45,
        unit="calendar",
        complex_days=60,
        remote_days=60,
        complex_remote_days=70,
        status="V",
        note="Gửi người có thẩm quyền giải quyết lần hai, cấp trên trực tiếp của người đã giải "
             "quyết lần đầu (Điều 33); 45 ngày kể từ ngày thụ lý, phức tạp 60; vùng sâu, vùng "
             "xa 60, phức tạp 70 (Điều 37).",
    ),
    DeadlineRule(
        code="denunciation.initial",
        name_vi="Tố cáo: xử lý ban đầu thông tin tố cáo",
        name_en="Denunciation: initial processing",
        legal_basis=f"{_TC}, Điều 24",
        start_event="received",
        days=7,
        unit="working",
        complex_days=10,
        warn_before_days=2,
        status="U",
        note="10 ngày làm việc khi phải kiểm tra, xác minh ở nhiều địa điểm (chọn mức 'phức tạp').",
    ),
    DeadlineRule(
        code="denunciation.notify",
        met_by=("letter_denouncer_notice", "letter_denounced"),
        name_vi="Tố cáo: thông báo thụ lý cho người tố cáo, người bị tố cáo",
        name_en="Denunciation: notify the parties of acceptance",
        legal_basis=f"{_TC}, Điều 29",
        start_event="accepted",
        days=5,
        unit="working",
        warn_before_days=2,
        status="V",
    ),
    DeadlineRule(
        code="denunciation.resolve",
        name_vi="Tố cáo: giải quyết",
        name_en="Denunciation: resolve",
        legal_basis=f"{_TC}, Điều 30",
        start_event="accepted",
        days=30,
        unit="calendar",
        max_extensions=2,
        extension_days=30,
        status="V",
        note="Phức tạp: gia hạn 1 lần; đặc biệt phức tạp: gia hạn 2 lần; mỗi lần ≤ 30 ngày, "
             "bằng quyết định gia hạn bằng văn bản.",
    ),
    DeadlineRule(
        code="petition.reply",
        name_vi="Kiến nghị, phản ánh: trả lời",
        name_en="Petition or feedback: reply",
        legal_basis=f"{_TCD}, Điều 28",
        start_event="received",
        days=10,
        unit="calendar",
        status="U",
        note="Số ngày chưa xác minh được trong văn bản gốc của Luật.",
    ),
    DeadlineRule(
        code="forward.reply",
        name_vi="Đơn đã chuyển: theo dõi trả lời của cơ quan có thẩm quyền",
        name_en="Forwarded letter: follow up the competent body's reply",
        legal_basis="Thông tư 05/2021/TT-TTCP (Thanh tra Chính phủ, 01/10/2021), Chương IV "
                    f"(quản lý, theo dõi, đôn đốc việc giải quyết đơn); {_TCD}",
        start_event="forwarded",
        days=30,
        unit="calendar",
        warn_before_days=5,
        status="U",
        note="Số ngày chờ trả lời trước khi đôn đốc do đơn vị đặt: văn bản nêu trên giao việc "
             "theo dõi, đôn đốc đơn đã chuyển nhưng chưa xác minh được con số cụ thể. Mỗi lần "
             "đôn đốc hoặc kiến nghị cấp trên, thời hạn tính lại từ ngày đó.",
    ),
    DeadlineRule(
        code="intake.log",
        name_vi="Phân loại, vào sổ đơn (quy định nội bộ)",
        name_en="Classify and log a letter (internal SLA)",
        legal_basis=UNIT_RULE,
        start_event="received",
        days=3,
        unit="working",
        warn_before_days=1,
        status="U",
        note="Thời hạn nội bộ do đơn vị đặt, ngắn hơn thời hạn luật định.",
    ),
    DeadlineRule(
        code="supervision.notice",
        name_vi="Gửi kế hoạch, quyết định giám sát cho đối tượng",
        name_en="Send the supervision plan and decision to the subject",
        legal_basis=f"{_CD}, Điều 16",
        start_event="supervision_start",
        days=15,
        unit="calendar",
        status="U",
        direction="before",
        note=f"Luật quy định quyền giám sát; số ngày (15) theo thực tiễn giám sát của {_MTTQ}, "
             f"chưa xác minh trong {_HD44}.",
    ),
    DeadlineRule(
        code="recommendation.reply",
        name_vi="Trả lời kiến nghị sau giám sát",
        name_en="Reply to a post-supervision recommendation",
        legal_basis=f"{_CD}, Điều 16",
        start_event="recommendation_sent",
        days=20,
        unit="calendar",
        status="U",
        note=f"Quá hạn thì kiến nghị lên cấp trên. Số ngày (20) theo thực tiễn giám sát của "
             f"{_MTTQ}, chưa xác minh trong văn bản của Tổng Liên đoàn.",
    ),
    DeadlineRule(
        code="supervision.draft_report",
        name_vi="Dự thảo báo cáo kết quả giám sát",
        name_en="Draft the supervision report",
        legal_basis=_HD44,
        start_event="fieldwork_end",
        days=7,
        unit="calendar",
        status="U",
        note="Số ngày (7) chưa xác minh trong văn bản của Tổng Liên đoàn.",
    ),
    DeadlineRule(
        code="critique.notice",
        name_vi="Nhận dự thảo để phản biện xã hội trước khi trình",
        name_en="Receive the draft for social critique before submission",
        legal_basis="Luật Mặt trận Tổ quốc Việt Nam 2015 (75/2015/QH13, Quốc hội, 09/6/2015); "
                    f"{_CD}, Điều 17",
        start_event="critique_submission",
        days=15,
        unit="calendar",
        status="V",
        direction="before",
        note="Cơ quan soạn thảo gửi dự thảo chậm nhất 15 ngày trước khi trình.",
    ),
    DeadlineRule(
        code="dialogue.periodic",
        name_vi="Đối thoại định kỳ tại nơi làm việc",
        name_en="Periodic workplace dialogue",
        legal_basis="Bộ luật Lao động 2019 (45/2019/QH14, Quốc hội, 20/11/2019), "
                    "Điều 63 khoản 2 điểm a",
        start_event="last_dialogue",
        days=365,
        unit="calendar",
        warn_before_days=30,
        status="V",
        note="Ít nhất 1 lần mỗi năm; mô hình hóa là 365 ngày kể từ lần đối thoại trước.",
    ),
    DeadlineRule(
        code="dialogue.agenda",
        name_vi="Gửi nội dung đối thoại trước ngày đối thoại",
        name_en="Send the dialogue's content before the dialogue",
        legal_basis="Nghị định 145/2020/NĐ-CP (Chính phủ, 14/12/2020), Điều 39",
        start_event="dialogue_day",
        days=5,
        unit="working",
        status="U",
        direction="before",
        note="Nội dung đối thoại gửi cho bên kia chậm nhất 05 ngày làm việc trước ngày đối thoại.",
    ),
    DeadlineRule(
        code="dialogue.publish",
        name_vi="Phổ biến nội dung chính của cuộc đối thoại cho người lao động",
        name_en="Make the dialogue's main content public to the workers",
        legal_basis="Nghị định 145/2020/NĐ-CP (Chính phủ, 14/12/2020), Điều 39",
        start_event="dialogue_held",
        days=3,
        unit="working",
        warn_before_days=1,
        status="U",
        note="Trong 03 ngày làm việc kể từ ngày kết thúc đối thoại.",
    ),
    DeadlineRule(
        code="democracy.conference",
        name_vi="Hội nghị người lao động hằng năm",
        name_en="Yearly workers' conference",
        legal_basis="Luật Thực hiện dân chủ ở cơ sở 2022 (10/2022/QH15, Quốc hội, 10/11/2022)",
        start_event="last_conference",
        days=365,
        unit="calendar",
        warn_before_days=30,
        status="U",
        note="Tổ chức định kỳ hằng năm; mô hình hóa là 365 ngày kể từ lần hội nghị trước.",
    ),
)

DEFAULT_RULES: dict[str, DeadlineRule] = {rule.code: rule for rule in RULES}


def rule_days(rule: DeadlineRule, complex_level: ComplexLevel = "normal",
              remote: bool = False) -> int:
    """The base duration for a case's complexity and area (extensions not included).

    "especially_complex" uses the complex figures; a missing modifier falls back to the
    longest figure that applies (complex+remote without its own figure: the longer of complex
    and remote).
    """
    if complex_level not in COMPLEX_LEVELS:
        raise ValueError(f"unknown complexity {complex_level!r}; expected one of {COMPLEX_LEVELS}")
    is_complex = complex_level != "normal"
    if is_complex and remote:
        if rule.complex_remote_days is not None:
            return rule.complex_remote_days
        return max(d for d in (rule.days, rule.complex_days, rule.remote_days) if d is not None)
    if is_complex:
        return rule.complex_days if rule.complex_days is not None else rule.days
    if remote:
        return rule.remote_days if rule.remote_days is not None else rule.days
    return rule.days


def allowed_extensions(rule: DeadlineRule, complex_level: ComplexLevel = "normal") -> int:
    """How many extensions a case may get: none when normal, one when complex, all when
    especially complex (Luật Tố cáo 2018 Điều 30), capped by the rule."""
    if complex_level not in COMPLEX_LEVELS:
        raise ValueError(f"unknown complexity {complex_level!r}; expected one of {COMPLEX_LEVELS}")
    wanted = {"normal": 0, "complex": 1, "especially_complex": rule.max_extensions}[complex_level]
    return min(wanted, rule.max_extensions)


def _no_notice(rule: DeadlineRule, field: str) -> bool:
    """A notice-ahead rule set to 0 days: no notice period (a demo, or a unit's own choice)."""
    return field == "days" and rule.direction == "before" and rule.days == 0


def validate_rule(rule: DeadlineRule) -> list[str]:
    """Problems that make a rule unusable or suspicious; an empty list means it is fine."""
    problems: list[str] = []
    if not _CODE_RE.match(rule.code or ""):
        problems.append(f"code {rule.code!r} is not dotted lower-case (e.g. 'complaint.accept')")
    for field in ("name_vi", "name_en", "legal_basis"):
        if not (getattr(rule, field) or "").strip():
            problems.append(f"{field} is empty")
    if rule.start_event not in START_EVENTS:
        problems.append(f"unknown start_event {rule.start_event!r}")
    if rule.unit not in UNITS:
        problems.append(f"unknown unit {rule.unit!r}; expected one of {UNITS}")
    if rule.direction not in DIRECTIONS:
        problems.append(f"unknown direction {rule.direction!r}; expected one of {DIRECTIONS}")
    if rule.status not in STATUSES:
        problems.append(f"unknown status {rule.status!r}; expected one of {STATUSES}")

    for field in ("days", "complex_days", "remote_days", "complex_remote_days"):
        value = getattr(rule, field)
        if value is None and field != "days":
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{field} must be a whole number of days")
        elif value < 0 or (value == 0 and not _no_notice(rule, field)):
            problems.append(f"{field} must be positive (got {value})")
    if problems:
        return problems

    for field in ("complex_days", "remote_days"):
        value = getattr(rule, field)
        if value is not None and value < rule.days:
            problems.append(f"{field} ({value}) is shorter than days ({rule.days})")
    if rule.complex_remote_days is not None:
        floor = max(d for d in (rule.days, rule.complex_days, rule.remote_days) if d is not None)
        if rule.complex_remote_days < floor:
            problems.append(
                f"complex_remote_days ({rule.complex_remote_days}) is shorter than {floor}"
            )

    if rule.max_extensions < 0:
        problems.append("max_extensions must not be negative")
    if rule.extension_days < 0:
        problems.append("extension_days must not be negative")
    if rule.max_extensions > 0 and rule.extension_days <= 0:
        problems.append("max_extensions is set but extension_days is not")
    if rule.extension_days > 0 and rule.max_extensions == 0:
        problems.append("extension_days is set but max_extensions is 0")
    if rule.direction == "before" and rule.max_extensions:
        problems.append("a notice-ahead ('before') rule cannot be extended")

    if rule.warn_before_days < 0:
        problems.append("warn_before_days must not be negative")
    elif rule.warn_before_days >= rule.days and not _no_notice(rule, "days"):
        problems.append(
            f"warn_before_days ({rule.warn_before_days}) must be shorter than days ({rule.days})"
        )
    return problems


def shown_basis(rule) -> str:
    """The legal basis a user is shown for `rule` (a DeadlineRule, or a deadline's stored copy
    of one): its citation once verified, else UNIT_RULE."""
    get = rule.get if isinstance(rule, dict) else lambda key, default=None: getattr(
        rule, key, default)
    return get("legal_basis") if get("status") == "V" else UNIT_RULE


def awaiting_basis(rules) -> list[DeadlineRule]:
    """The rules whose legal basis is not verified yet (shown as UNIT_RULE)."""
    return [rule for rule in rules if rule.status != "V"]
