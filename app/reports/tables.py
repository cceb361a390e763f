"""The statistics as titled tables in either language: what the dashboard shows and what the
PDF and XLSX reports print, row for row, so the three cannot disagree."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from app.reports.stats import DECISIONS, Stats
from workflows.base import Label
from workflows.registry import WORKFLOWS
from workflows.vocab import CHANNELS, FAMILIES, LETTER_KINDS

L = Label

#: Below this, a count in a publishable report is shown as "<5" (see `publishable`).
SMALL_COUNT = 5
#: A cell hidden only so that a small one cannot be worked out from the total.
COMPLEMENT = "x"


@dataclass
class Row:
    key: str
    label: str
    values: list
    #: 0 a total line, 1 a line under it.
    level: int = 0
    #: Lines of one group add up to a total: masking one small cell masks a second one too.
    group: str | None = None


@dataclass
class Section:
    key: str
    title: str
    header: list[str]
    rows: list[Row] = field(default_factory=list)

    def value(self, row_key: str, column: int = 0):
        return next(r.values[column] for r in self.rows if r.key == row_key)


FAMILY_COLUMNS = (
    ("carried", L("Kỳ trước chuyển sang", "Carried over")),
    ("received", L("Tiếp nhận trong kỳ", "Received in the period")),
    ("total", L("Tổng số", "Total")),
    ("closed", L("Đã kết thúc", "Closed")),
    ("open", L("Đang xử lý", "Open")),
    ("on_time", L("Trong hạn", "On time")),
    ("overdue", L("Quá hạn", "Overdue")),
)

RECOMMENDATION_LINES = (
    ("issued", 0, L("Kiến nghị đã gửi trong kỳ", "Recommendations sent in the period")),
    ("answered", 1, L("Đã được trả lời", "Answered")),
    ("implemented", 1, L("Đã thực hiện", "Implemented")),
    ("not_implemented", 1, L("Không thực hiện", "Not implemented")),
    ("awaiting", 1, L("Đang chờ trả lời, thực hiện", "Still awaited")),
    ("overdue", 1, L("Trong đó: quá hạn trả lời", "Of which overdue")),
)

DECISION_LABELS = {
    "accept": L("Thụ lý giải quyết", "Accepted for handling"),
    "guide": L("Hướng dẫn người gửi", "Sender guided"),
    "forward": L("Chuyển đơn đến cơ quan có thẩm quyền", "Forwarded to the competent body"),
    "file_away": L("Lưu đơn", "Filed away"),
    "none": L("Chưa xử lý", "Not yet decided"),
}

#: Biểu 01/XLD: (key, level, group, label); group lines add up to the line above them.
LETTER_LINES = (
    ("total", 0, None, L("Tổng số đơn phải xử lý", "Letters to handle")),
    ("carried", 1, "origin", L("Kỳ trước chuyển sang", "Carried over")),
    ("received", 1, "origin", L("Tiếp nhận trong kỳ", "Received in the period")),
    (None, 0, None, L("Phân loại theo nội dung", "By kind")),
    *((f"kind.{k}", 1, "kind", lbl) for k, lbl in LETTER_KINDS.items()),
    ("kind.unknown", 1, "kind", L("Chưa phân loại", "Not classified")),
    (None, 0, None, L("Điều kiện xử lý", "Validity")),
    ("valid", 1, "valid", L("Đủ điều kiện xử lý", "Valid for processing")),
    ("invalid", 1, "valid", L("Không đủ điều kiện xử lý", "Not valid")),
    ("unclassified", 1, "valid", L("Chưa phân loại", "Not classified")),
    (None, 0, None, L("Thẩm quyền giải quyết", "Competence")),
    ("competent", 1, "competence", L("Thuộc thẩm quyền", "Within competence")),
    ("not_competent", 1, "competence", L("Không thuộc thẩm quyền", "Outside competence")),
    ("competence_unknown", 1, "competence", L("Chưa xác định", "Not determined")),
    (None, 0, None, L("Kết quả xử lý đơn", "Handling decision")),
    *((f"decision.{k}", 1, "decision", DECISION_LABELS[k]) for k in (*DECISIONS, "none")),
    (None, 0, None, L("Theo dõi đơn đã chuyển", "Follow-up of forwarded letters")),
    ("forward.answered", 1, None,
     L("Cơ quan nhận đơn đã trả lời", "Answered by the receiving body")),
    ("forward.awaiting", 1, None, L("Đang chờ trả lời", "Awaiting the reply")),
    ("forward.overdue", 1, None, L("Trong đó: quá hạn trả lời", "Of which overdue")),
    (None, 0, None, L("Kết quả giải quyết", "Outcome")),
    ("resolved", 1, None, L("Đã có kết quả giải quyết", "Resolved")),
    ("withdrawn", 1, None, L("Rút đơn", "Withdrawn")),
    ("open", 1, None, L("Đang giải quyết, chưa có kết quả", "Still open")),
    (None, 0, None, L("Ghi chú", "Notes")),
    ("anonymous", 1, None, L("Đơn nặc danh", "Anonymous letters")),
    ("several_signers", 1, None, L("Đơn có nhiều người đứng tên", "Letters signed by several people")),
)

#: Workplace dialogue and grassroots democracy (app.workplace.stats): (key, level, group,
#: label); "regulations.share" is worked out from the two lines above it.
WORKPLACE_LINES = (
    ("held", 0, None, L("Số cuộc đối thoại tại nơi làm việc đã tổ chức trong kỳ",
                        "Workplace dialogues held in the period")),
    ("held.periodic", 1, "dialogue_kind", L("Đối thoại định kỳ", "Periodic dialogues")),
    ("held.on_request", 1, "dialogue_kind",
     L("Đối thoại theo yêu cầu", "Dialogues on request")),
    ("held.on_event", 1, "dialogue_kind",
     L("Đối thoại khi có vụ việc", "Dialogues on an event")),
    (None, 0, None, L("Nội dung đã thống nhất được theo dõi trong kỳ",
                      "Agreed items followed up in the period")),
    ("items.done", 1, None, L("Đã thực hiện", "Done")),
    ("items.not_done", 1, None, L("Không thực hiện", "Not done")),
    ("employers", 0, None, L("Doanh nghiệp, cơ quan, đơn vị thuộc phạm vi theo dõi (cuối kỳ)",
                             "Employers covered (end of the period)")),
    ("dialogue.overdue", 1, None, L("Quá hạn đối thoại định kỳ", "Periodic dialogue overdue")),
    ("dialogue.due", 1, None, L("Sắp đến hạn đối thoại định kỳ", "Periodic dialogue due soon")),
    ("conferences", 0, None, L("Hội nghị người lao động đã tổ chức trong kỳ",
                               "Workers' conferences held in the period")),
    ("regulations.required", 0, None, L("Đơn vị phải ban hành quy chế dân chủ ở cơ sở",
                                        "Employers required to issue democracy regulations")),
    ("regulations.issued", 1, None, L("Đã ban hành quy chế", "Regulations issued")),
    ("regulations.share", 1, None, L("Tỷ lệ đã ban hành quy chế", "Share with regulations")),
)

TITLES = {
    "families": L("Vụ việc theo loại", "Cases by family"),
    "channels": L("Vụ việc tiếp nhận theo kênh", "Cases received by channel"),
    "states": L("Tình trạng vụ việc cuối kỳ", "State of the cases at the end of the period"),
    "recommendations": L("Kiến nghị sau giám sát", "Recommendations after supervision"),
    "letters": L("Tiếp nhận, xử lý đơn thư (theo Biểu 01/XLD)",
                 "Letters received and handled (after form 01/XLD)"),
    "months": L("Diễn biến theo tháng", "Trend by month"),
    "workplace": L("Đối thoại và dân chủ ở cơ sở", "Workplace dialogue and democracy"),
}

_FAMILY = L("Loại vụ việc", "Family")
_TOTAL = L("Tổng cộng", "Total")
_COUNT = L("Số lượng", "Count")


def sections(stats: Stats, locale: str = "vi") -> list[Section]:
    """The report's tables in `locale` ("vi" for the formal report)."""
    t = lambda label: label.get(locale)
    out = []

    fam = Section("families", t(TITLES["families"]), [t(_FAMILY)] + [t(c) for _, c in FAMILY_COLUMNS])
    totals = stats.totals
    for key, label in FAMILIES.items():
        counts = stats.families.get(key, {})
        fam.rows.append(Row(key, t(label), [counts.get(c, 0) for c, _ in FAMILY_COLUMNS], 1, "family"))
    fam.rows.append(Row("total", t(_TOTAL), [totals.get(c, 0) for c, _ in FAMILY_COLUMNS]))
    out.append(fam)

    ch = Section("channels", t(TITLES["channels"]), [t(L("Kênh tiếp nhận", "Channel")), t(_COUNT)])
    for key, label in CHANNELS.items():
        ch.rows.append(Row(key, t(label), [stats.channels.get(key, 0)], 1, "channel"))
    ch.rows.append(Row("total", t(_TOTAL), [sum(stats.channels.values())]))
    out.append(ch)

    st = Section("states", t(TITLES["states"]),
                 [t(_FAMILY), t(L("Trạng thái", "State")), t(_COUNT)])
    for family, wf in WORKFLOWS.items():
        for state in wf.states:
            n = stats.states.get((family, state.name), 0)
            if n:
                st.rows.append(Row(f"{family}.{state.name}", t(FAMILIES[family]),
                                   [t(state.label), n], 1, family))
    out.append(st)

    rec = Section("recommendations", t(TITLES["recommendations"]),
                  [t(L("Chỉ tiêu", "Item")), t(_COUNT)])
    for key, level, label in RECOMMENDATION_LINES:
        rec.rows.append(Row(key, t(label), [stats.recommendations.get(key, 0)], level))
    out.append(rec)

    let = Section("letters", t(TITLES["letters"]), [t(L("Chỉ tiêu", "Item")), t(L("Số đơn", "Letters"))])
    for key, level, group, label in LETTER_LINES:
        if key == "kind.unknown" and not stats.letters.get(key):
            continue
        let.rows.append(Row(key or "", t(label), [stats.letters.get(key, 0)] if key else [""],
                            level, group))
    out.append(let)

    mon = Section("months", t(TITLES["months"]), [t(L("Tháng", "Month")),
                  t(L("Tiếp nhận", "Received")), t(L("Kết thúc", "Closed"))])
    for month, received, closed in stats.months:
        mon.rows.append(Row(f"{month:%Y-%m}", f"{month:%m/%Y}", [received, closed], 1, "month"))
    out.append(mon)

    if stats.workplace is not None:
        out.append(workplace_section(stats.workplace, locale))
    return out


def share_text(issued: int, required: int) -> str:
    """A share as the report prints it: "75%", "—" when nothing is required."""
    return f"{round(100 * issued / required)}%" if required else "—"


def workplace_section(counts: dict, locale: str = "vi") -> Section:
    """The workplace dialogue and democracy lines (app.workplace.stats counts)."""
    t = lambda label: label.get(locale)
    section = Section("workplace", t(TITLES["workplace"]), [t(L("Chỉ tiêu", "Item")), t(_COUNT)])
    for key, level, group, label in WORKPLACE_LINES:
        if key is None:
            values = [""]
        elif key == "regulations.share":
            values = [share_text(counts.get("regulations.issued", 0),
                                 counts.get("regulations.required", 0))]
        else:
            values = [int(counts.get(key, 0))]
        section.rows.append(Row(key or "", t(label), values, level, group))
    return section


def blocks(section: Section) -> list[tuple[Row, list[Row]]]:
    """The section's lines as blocks for a card: each total line (level 0) with the lines under
    it."""
    out: list[tuple[Row, list[Row]]] = []
    for row in section.rows:
        if row.level == 0 or not out:
            out.append((row, []))
        else:
            out[-1][1].append(row)
    return out


def publishable(tables: list[Section], k: int = SMALL_COUNT) -> list[Section]:
    """The tables fit for publication: no count from 1 to k-1 is shown, so no small group of
    people (a lone denouncer in a small unit) can be singled out.

    Primary masking writes such a count as "<k". Where that leaves a single masked cell among
    lines that add up to a published total, the smallest other non-zero cell of the group is
    masked too (written COMPLEMENT), so the hidden figure cannot be recovered by subtraction.
    Zeros stay visible.
    """
    hidden = f"<{k}"
    out = []
    for section in tables:
        rows = [replace(r, values=list(r.values)) for r in section.rows]
        for r in rows:
            r.values = [hidden if isinstance(v, int) and 0 < v < k else v for v in r.values]
        groups: dict[str, list[Row]] = {}
        for r in rows:
            if r.group:
                groups.setdefault(r.group, []).append(r)
        for members in groups.values():
            width = max(len(r.values) for r in members)
            for col in range(width):
                cells = [r for r in members if col < len(r.values)]
                if sum(r.values[col] == hidden for r in cells) != 1:
                    continue
                shown = [r for r in cells if isinstance(r.values[col], int) and r.values[col] > 0]
                if shown:
                    min(shown, key=lambda r: r.values[col]).values[col] = COMPLEMENT
        out.append(replace(section, rows=rows))
    return out
