"""The periodic report (báo cáo định kỳ) and the registers as PDF (Nghị định 30/2020 layout of
app.core.pdf.layout) and XLSX. Pure builders: they take figures and rows and return bytes or
a file; nothing here writes to the database."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import date

from app.core.dates import format_day, format_dmy
from app.core.pdf import fonts
from app.core.pdf.layout import (
    FRAME_WIDTH,
    Document,
    Heading,
    Para,
    Signature,
    Table,
    build_pdf,
)
from app.core.pdf.register import register_book
from app.documents.services import governing_body, org_header
from app.reports import charts
from app.reports.exports import write_xlsx
from app.reports.stats import Stats, to_json
from app.reports.tables import SMALL_COUNT, Section

REPORT_TITLE = ("Kết quả công tác giám sát, phản biện xã hội và tiếp nhận, xử lý đơn thư "
                "{period}")
PUBLIC_NOTE = ("Bản công bố: số liệu từ 1 đến {k_1} được ghi “<{k}”, và số liệu có thể dùng để "
               "suy ra chúng được ghi “x”, để không thể nhận biết người gửi đơn, người tố cáo.")
NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII")


def _scope_line(stats: Stats) -> str:
    return (f"Đơn vị: {stats.org.name} và các công đoàn cấp dưới. "
            f"Kỳ báo cáo: {stats.period.label_vi} "
            f"(từ ngày {format_day(stats.period.start)} đến ngày {format_day(stats.period.end)}).")


def trend_chart(stats: Stats, received: str, closed: str, title: str) -> charts.Chart:
    return charts.line_chart(
        title, [f"{m:%m/%Y}" for m, _, _ in stats.months],
        [(received, [r for _, r, _ in stats.months]), (closed, [c for _, _, c in stats.months])])


def _table(section: Section) -> Table:
    rows = [section.header]
    for r in section.rows:
        label = ("    " if r.level else "") + r.label
        rows.append([label, *(str(v) for v in r.values)])
    n = len(section.header)
    return Table(rows, col_widths=[4] + [1.3] * (n - 1) if n > 3 else [5] + [2] * (n - 1),
                 col_align=["left"] + ["right"] * (n - 1) if section.key != "states"
                 else ["left", "left", "right"], font_size=10 if n > 3 else 11)


def _report(org, summary: str, body: list, year: int) -> Document:
    """A draft (unnumbered: the documents register numbers what is issued) báo cáo of `org`,
    addressed to its superior when it has one."""
    return Document(
        **org_header(org), number=None, year=year, type_code="BC", date=None,
        type_name="Báo cáo", summary=summary,
        signature=Signature(authority=f"TM. {governing_body(org).upper()}",
                            signer_title="CHỦ TỊCH", signer_name=""),
        body=body, recipients=["Như trên", "Thường trực (để b/c)"], filing="VT", draft=True,
        addressees=[org.parent.name] if org.parent else [],
    )


#: Periodic reports already drawn in this process, by the digest of everything they are drawn
#: from. Drawing the national report costs ~30 ms of CPU while its figures change only when the
#: statistics job refreshes them (a past period never): the same figures, unit and options give
#: the report drawn before, and anything else a new one.
_DRAWN: OrderedDict[str, bytes] = OrderedDict()
_DRAWN_MAX = 32
_DRAWN_LOCK = threading.Lock()


def _inputs_digest(stats: Stats, tables: list[Section], public: bool) -> str:
    """A digest of every value periodic_pdf reads: the figures, the period, the unit's header
    and addressee, the tables (labels, values, masking) and whether it is the public copy."""
    org = stats.org
    drawn_from = (to_json(stats), stats.period, org_header(org), org.parent.name if org.parent
                  else None, tables, public)
    return hashlib.sha256(repr(drawn_from).encode()).hexdigest()


def periodic_pdf(stats: Stats, tables: list[Section], public: bool = False) -> bytes:
    """Báo cáo định kỳ: one numbered part per table, the monthly trend drawn as a chart; drawn
    once per process for the same inputs (see _DRAWN)."""
    key = _inputs_digest(stats, tables, public)
    with _DRAWN_LOCK:
        if key in _DRAWN:
            _DRAWN.move_to_end(key)
            return _DRAWN[key]
    pdf = _draw_periodic_pdf(stats, tables, public)
    with _DRAWN_LOCK:
        _DRAWN[key] = pdf
        while len(_DRAWN) > _DRAWN_MAX:
            _DRAWN.popitem(last=False)
    return pdf


def _draw_periodic_pdf(stats: Stats, tables: list[Section], public: bool) -> bytes:
    return build_pdf(periodic_document(stats, tables, public))


def periodic_document(stats: Stats, tables: list[Section], public: bool = False) -> Document:
    """The báo cáo định kỳ as a draft document (no number, no date): drawn as it is for a
    download, numbered and dated when the unit issues it (app.reports.documents)."""
    fonts.register_fonts()
    body: list = [Para(_scope_line(stats))]
    if public:
        body.append(Para(PUBLIC_NOTE.format(k=SMALL_COUNT, k_1=SMALL_COUNT - 1)))
    for numeral, section in zip(NUMERALS, tables):
        body.append(Heading(f"{numeral}. {section.title.upper()}"))
        if section.key == "months":
            chart = trend_chart(stats, "Tiếp nhận", "Kết thúc", "Diễn biến theo tháng")
            body.append(charts.to_drawing(chart, fonts.REGULAR, FRAME_WIDTH))
        body.append(_table(section) if section.rows else Para("Không có số liệu."))
    body.append(Para("Số liệu được tổng hợp tự động từ hệ thống theo dõi vụ việc; danh tính "
                     "người gửi đơn, người tố cáo không được đưa vào thống kê."))
    return _report(stats.org, REPORT_TITLE.format(period=stats.period.label_vi), body,
                   stats.period.end.year)


def periodic_xlsx(stats: Stats, tables: list[Section]):
    heading = [[f"BÁO CÁO {REPORT_TITLE.format(period=stats.period.label_vi).upper()}"],
               [_scope_line(stats)], []]
    return write_xlsx(
        (section.title, heading + [[section.title]], section.header,
         ([r.label, *r.values] for r in section.rows))
        for section in tables)


def register_pdf(org, title: str, period_label: str, header: list[str], rows,
                 widths: list[float], printed_on: date) -> bytes:
    """A register (sổ theo dõi) printed as a register book (no number, no signature, no draft
    mark, dated `printed_on`): one long table, its header repeated on every page."""
    data = [header] + [[format_dmy(v) if isinstance(v, date) else
                        ("" if v is None else str(v)) for v in row] for row in rows]
    return register_book(
        org_header(org), title, period_label, printed_on,
        Table(data, col_widths=widths, font_size=8), "Không có vụ việc trong kỳ.",
        lead=[Para(f"Đơn vị: {org.name} và các công đoàn cấp dưới. Kỳ: {period_label}.")])


def register_xlsx(org, title: str, period_label: str, header: list[str], rows):
    preamble = [[f"{title.upper()} - {period_label}"],
                [f"Đơn vị: {org.name} và các công đoàn cấp dưới"], []]
    return write_xlsx([(title, preamble, header, rows)])
