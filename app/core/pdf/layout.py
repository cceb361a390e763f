"""Pure PDF builder for formal Vietnamese administrative documents.

Layout follows Nghị định 30/2020/NĐ-CP (Phụ lục I) as applied by the trade
union (QĐ 933/QĐ-TLĐ, 2024): A4 portrait, margins 20/20/30/15 mm, a two-column
header (issuing body | Quốc hiệu - Tiêu ngữ), number and date line, type name
and trích yếu, italic căn cứ lines, a justified body with a first-line indent,
the signature block and "Nơi nhận". Page numbers are centred in the top margin
from page 2 onwards.

Everything here takes plain data and returns bytes: no Flask, no database.
The output is deterministic (ReportLab ``invariant`` mode) so an issued
document can be stored together with its SHA-256.

Public API::

    Signature, Heading, Para, Table, Document
    FRAME_WIDTH (the text width, for flowables such as charts in the body)
    format_number(number, type_code, unit_short) -> str
    format_date_line(place, d) -> str
    build_pdf(doc) -> bytes
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
)
from reportlab.platypus.flowables import Flowable, HRFlowable
from reportlab.platypus.tables import LongTable as _RLLongTable
from reportlab.platypus.tables import Table as _RLTable
from reportlab.platypus.tables import TableStyle

from . import fonts

# --------------------------------------------------------------------------
# Page geometry (NĐ 30/2020: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm)
# --------------------------------------------------------------------------
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm
FRAME_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 165 mm
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM

# Header / signature columns. IBM Plex Serif is wider than Times New Roman:
# "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in bold 12 pt needs 88.1 mm.
RIGHT_COL = 89 * mm
LEFT_COL = FRAME_WIDTH - RIGHT_COL

BODY_SIZE = 13.0
BODY_LEADING = 17.0
FIRST_LINE_INDENT = 10 * mm
SIGNATURE_SPACE = 24 * mm
PAGE_NUMBER_SIZE = 13.0

#: Type abbreviations and type names (NĐ 30/2020 Phụ lục III; QĐ 933/QĐ-TLĐ): the one
#: table to correct. A công văn has no type and no abbreviation.
DOCUMENT_TYPES: dict[str, str] = {
    "QĐ": "Quyết định",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "BB": "Biên bản",
    "KL": "Kết luận",
    "TTr": "Tờ trình",
    "HD": "Hướng dẫn",
    "GM": "Giấy mời",
    "PC": "Phiếu chuyển",
    "CTr": "Chương trình",
}
TYPE_CODES = tuple(DOCUMENT_TYPES)
AUTHORITY_PREFIXES = ("TM.", "KT.", "Q.", "TL.", "TUQ.")

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"
DRAFT_MARK = "DỰ THẢO"

_BLANK = "\u00a0" * 6  # blank for an unissued number / day / month
_NBSP = "\u00a0"


# --------------------------------------------------------------------------
# Data model
# --------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class Signature:
    """Signature block (ô 7a/7b/7c).

    ``authority`` carries the prefix and the body: "TM. BAN THƯỜNG VỤ",
    "KT. CHỦ TỊCH", "Q. CHỦ TỊCH", "TL. CHỦ TỊCH", "TUQ. CHỦ TỊCH".
    ``capacity`` is an optional second authority line, e.g. authority
    "TM. BAN THƯỜNG VỤ", capacity "KT. CHỦ TỊCH", signer_title "PHÓ CHỦ TỊCH".
    """

    authority: str = ""
    capacity: str = ""
    signer_title: str
    signer_name: str


@dataclass(frozen=True)
class Heading:
    """A bold heading such as "I. MỤC ĐÍCH, YÊU CẦU" or "QUYẾT ĐỊNH:" (center=True)."""

    text: str
    center: bool = False


@dataclass(frozen=True)
class Para:
    """A justified body paragraph with a first-line indent.

    ``lead`` is rendered bold before the text ("Điều 1."). ``markup=True``
    passes ``text`` through as ReportLab paragraph markup (<b>, <i>, <u>);
    otherwise it is escaped as plain text.
    """

    text: str
    lead: str = ""
    markup: bool = False
    indent: bool = True


@dataclass(frozen=True)
class Table:
    """A grid table; the first ``header_rows`` rows are the header, repeated
    on every page the table spans.

    ``col_widths`` are relative weights (they are scaled to the text width);
    ``col_align`` is one of "left"/"center"/"right" per column.
    """

    rows: Sequence[Sequence[object]]
    header_rows: int = 1
    col_widths: Sequence[float] | None = None
    col_align: Sequence[str] | None = None
    font_size: float = 12.0


#: A body block: text (str, Para, Heading), a Table, or any ReportLab Flowable (a chart
#: Drawing, an image, ...) which is placed as it is; it should fit ``FRAME_WIDTH``.
Block = str | Heading | Para | Table | Flowable


@dataclass(kw_only=True)
class Document:
    """A formal document. ``type_code`` None (with ``type_name`` None) is a công văn.

    ``recipients`` are the Nơi nhận entries; ``filing`` (e.g. "VT, UBKT") adds
    the final "- Lưu: VT, UBKT." line. ``addressees`` renders a "Kính gửi:"
    block (công văn, tờ trình, báo cáo to a superior). ``enacting_authority``
    is the centred bold line of a quyết định ("BAN THƯỜNG VỤ LIÊN ĐOÀN LAO ĐỘNG
    TỈNH ...") printed before the căn cứ. A draft shows "DỰ THẢO" as a
    watermark and leaves the number, day and month blank. ``numbered=False``
    (a register book, a printed list) has no "Số:" line; ``signature`` None
    leaves out the signature block. ``body`` takes text blocks, Tables and
    ReportLab Flowables (a chart Drawing), the latter placed unchanged.
    ``cosigners`` are the signatures of minutes (biên bản): both sides and the
    secretary, two to a row, printed after the body (and after ``signature``).
    """

    superior_body: str
    issuing_unit: str
    number: int | None
    year: int
    type_code: str | None
    unit_short: str
    place: str
    date: date | None
    type_name: str | None
    summary: str
    signature: Signature | None
    bases: list[str] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    filing: str = ""
    addressees: list[str] = field(default_factory=list)
    enacting_authority: str = ""
    draft: bool = False
    numbered: bool = True
    cosigners: list[Signature] = field(default_factory=list)


# --------------------------------------------------------------------------
# Number and date lines
# --------------------------------------------------------------------------
def _nfc(text: object) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


def format_number(number: int | None, type_code: str | None, unit_short: str) -> str:
    """"Số: 05/QĐ-LĐLĐ"; numbers below 10 take a leading zero; a công văn
    (type_code None) has no type: "Số: 212/LĐLĐ". ``number`` None gives the
    blank form of an unissued draft: "Số:      /QĐ-LĐLĐ"."""
    unit_short = _nfc(unit_short).strip()
    if not unit_short:
        raise ValueError("unit_short is required")
    symbol = f"{_nfc(type_code).strip()}-{unit_short}" if type_code else unit_short
    if number is None:
        return f"Số:{' ' * 6}/{symbol}"
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        raise ValueError(f"document number must be a positive integer, got {number!r}")
    return f"Số: {number:02d}/{symbol}"


def _month_text(month: int) -> str:
    return f"{month:02d}" if month <= 2 else str(month)


def format_date_line(place: str, d: date) -> str:
    """"Hà Tĩnh, ngày 05 tháng 01 năm 2026": days below 10 and months 1-2 take
    a leading zero, other months do not ("ngày 15 tháng 3 năm 2026")."""
    return f"{_nfc(place).strip()}, ngày {d.day:02d} tháng {_month_text(d.month)} năm {d.year}"


def _draft_date_line(place: str, year: int) -> str:
    return f"{_nfc(place).strip()}, ngày {_BLANK} tháng {_BLANK} năm {year}"


# --------------------------------------------------------------------------
# Styles and small helpers
# --------------------------------------------------------------------------
_STYLES: dict[str, ParagraphStyle] = {}


def _styles() -> dict[str, ParagraphStyle]:
    if _STYLES:
        return _STYLES
    fonts.register_fonts()
    R, B, I, BI = fonts.REGULAR, fonts.BOLD, fonts.ITALIC, fonts.BOLD_ITALIC

    def st(name, font, size, leading=None, align=TA_LEFT, **kw):
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading if leading is not None else round(size * 1.22, 2),
            alignment=align,
            splitLongWords=1,
            **kw,
        )

    s = {
        "number": st("number", R, 13, align=TA_CENTER),
        "vv": st("vv", R, 12, leading=14.5, align=TA_CENTER, spaceBefore=6),
        "type_name": st("type_name", B, 14, leading=17, align=TA_CENTER, spaceBefore=20),
        "summary": st("summary", B, 14, leading=17, align=TA_CENTER),
        "authority_line": st("authority_line", B, 14, leading=17, align=TA_CENTER,
                             spaceBefore=12, spaceAfter=6),
        "kinh_gui": st("kinh_gui", R, 14, leading=17, align=TA_LEFT),
        "basis": st("basis", I, BODY_SIZE, leading=BODY_LEADING, align=TA_JUSTIFY,
                    firstLineIndent=FIRST_LINE_INDENT, spaceAfter=3),
        "body": st("body", R, BODY_SIZE, leading=BODY_LEADING, align=TA_JUSTIFY,
                   firstLineIndent=FIRST_LINE_INDENT, spaceAfter=6),
        "body_noindent": st("body_noindent", R, BODY_SIZE, leading=BODY_LEADING,
                            align=TA_JUSTIFY, spaceAfter=6),
        "heading": st("heading", B, BODY_SIZE, leading=BODY_LEADING, align=TA_JUSTIFY,
                      firstLineIndent=FIRST_LINE_INDENT, spaceBefore=6, spaceAfter=6,
                      keepWithNext=1),
        "heading_center": st("heading_center", B, BODY_SIZE, leading=BODY_LEADING,
                             align=TA_CENTER, spaceBefore=6, spaceAfter=6, keepWithNext=1),
        "sign": st("sign", B, 13, leading=16, align=TA_CENTER),
        "sign_name": st("sign_name", B, 13, leading=16, align=TA_CENTER),
        "noi_nhan": st("noi_nhan", BI, 12, leading=14, align=TA_LEFT),
        "noi_nhan_entry": st("noi_nhan_entry", R, 11, leading=13, align=TA_LEFT),
    }
    _STYLES.update(s)
    return _STYLES


def _text(text: object) -> str:
    """Plain text -> Paragraph markup: NFC, escaped, newlines kept."""
    return escape(_nfc(text)).replace("\n", "<br/>")


def _keep_spaces(text: str) -> str:
    """Paragraph collapses runs of spaces; keep the blanks of a draft number."""
    out, run = [], 0
    for ch in text:
        if ch == " ":
            run += 1
            continue
        if run:
            out.append(" " if run == 1 else _NBSP * run)
            run = 0
        out.append(ch)
    if run:
        out.append(_NBSP * run)
    return "".join(out)


def _fitted(text: str, font: str, preferred: float, width: float, floor: float,
            align=TA_CENTER, leading_factor: float = 1.2, **kw) -> Paragraph:
    """A paragraph at ``preferred`` size, shrunk in 0.5 pt steps (not below
    ``floor``) so that each explicit line fits ``width``; wraps beyond that."""
    lines = [ln for ln in text.split("\n") if ln] or [""]
    widest = max(stringWidth(ln, font, 1.0) for ln in lines) or 1.0
    size = preferred
    while size > floor and widest * size > width:
        size -= 0.5
    style = ParagraphStyle(
        f"fit-{font}-{size}", fontName=font, fontSize=size,
        leading=round(size * leading_factor, 2), alignment=align, **kw,
    )
    return Paragraph(_text(text), style)


def _balanced(text: str, font: str, size: float, width: float) -> str:
    """``text`` broken into the fewest lines that fit ``width``, of even length, so that a
    long unit name never leaves one word alone on its last line."""
    words = text.split()
    space = stringWidth(" ", font, size)
    total = stringWidth(" ".join(words), font, size)
    for count in range(max(1, int(total // width) + 1), len(words) + 1):
        target, lines, current = total / count, [], []
        for word in words:
            candidate = " ".join([*current, word])
            if current and (stringWidth(candidate, font, size) > width
                            or stringWidth(" ".join(current), font, size) + space / 2 >= target
                            and len(lines) < count - 1):
                lines.append(" ".join(current))
                current = [word]
            else:
                current.append(word)
        lines.append(" ".join(current))
        if len(lines) <= count and all(stringWidth(ln, font, size) <= width for ln in lines):
            return "\n".join(lines)
    return text


def _header_line(text: str, font: str, preferred: float, width: float,
                 floor: float) -> Paragraph:
    """A header line at ``preferred`` size, shrunk to fit; when even ``floor`` is too large,
    broken into even lines (`_balanced`) instead of wrapping a last word alone."""
    if text and stringWidth(text, font, floor) > width:
        text = _balanced(text, font, floor, width)
    return _fitted(text, font, preferred, width, floor)


def _rule_width(text: str, font: str, size: float, avail: float, factor: float) -> float:
    widest = max((stringWidth(ln, font, size) for ln in text.split("\n")), default=0.0)
    return max(20 * mm, min(widest, avail) * factor)


def _rule(width: float, space_before: float = 3, space_after: float = 2) -> HRFlowable:
    return HRFlowable(width=width, thickness=0.7, color=colors.black, hAlign="CENTER",
                      spaceBefore=space_before, spaceAfter=space_after, lineCap="butt")


def _with_end(entries: Sequence[str], last_end: str = ".") -> list[str]:
    """One item per line, each ending ";" and the last ``last_end``."""
    cleaned = [_nfc(e).strip().rstrip(";.,").rstrip() for e in entries]
    cleaned = [e for e in cleaned if e]
    return [e + (last_end if i == len(cleaned) - 1 else ";") for i, e in enumerate(cleaned)]


def _dash(entry: str) -> str:
    return entry if entry.startswith(("-", "–", "+")) else f"- {entry}"


# --------------------------------------------------------------------------
# Story parts
# --------------------------------------------------------------------------
_NO_PAD = [
    # Without an explicit FONTNAME a Table references (unembedded) Helvetica.
    ("FONTNAME", (0, 0), (-1, -1), fonts.REGULAR),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
]


def _header(doc: Document) -> _RLTable:
    s = _styles()
    R, B, I = fonts.REGULAR, fonts.BOLD, fonts.ITALIC
    gap = 2 * mm  # keep the two columns' text apart
    left_w, right_w = LEFT_COL - gap, RIGHT_COL

    left: list = []
    superior = _nfc(doc.superior_body).strip().upper()
    if superior:
        left.append(_header_line(superior, R, 12, left_w, 10.5))
    unit = _nfc(doc.issuing_unit).strip().upper()
    unit_para = _header_line(unit, B, 12, left_w, 10.5)
    left.append(unit_para)
    left.append(_rule(_rule_width(unit, B, unit_para.style.fontSize, left_w, 0.4),
                      space_before=5))

    right: list = [
        _fitted(QUOC_HIEU, B, 12, right_w, 10.5),
        _fitted(TIEU_NGU, B, 13, right_w, 11),
        _rule(stringWidth(TIEU_NGU, B, 13)),
    ]

    left2: list = []
    if doc.numbered:
        number_line = format_number(None if doc.draft else doc.number, doc.type_code,
                                    doc.unit_short)
        left2.append(Paragraph(_keep_spaces(_text(number_line)), s["number"]))
    if doc.type_code is None and not doc.type_name and _nfc(doc.summary).strip():
        left2.append(Paragraph(_text(_vv(doc.summary)), s["vv"]))

    if doc.draft or doc.date is None:
        date_line = _draft_date_line(doc.place, doc.year)
    else:
        date_line = format_date_line(doc.place, doc.date)
    right2 = [_fitted(date_line, I, 13, right_w, 11)]

    t = _RLTable([[left, right], [left2 or "", right2]], colWidths=[LEFT_COL, RIGHT_COL],
                 splitInRow=1)
    t.setStyle(TableStyle(_NO_PAD + [
        ("ALIGN", (0, 0), (-1, -1), "CENTER"),  # centres the rules too
        ("RIGHTPADDING", (0, 0), (0, -1), gap),
        ("BOTTOMPADDING", (0, 0), (-1, 0), 4),
    ]))
    t.hAlign = "LEFT"
    return t


def _vv(summary: str) -> str:
    text = _nfc(summary).strip()
    return text if text[:3].lower() == "v/v" else f"V/v {text}"


def _title_block(doc: Document) -> list:
    s = _styles()
    out: list = []
    if doc.type_name:
        out.append(Paragraph(_text(_nfc(doc.type_name).strip().upper()), s["type_name"]))
        summary = _nfc(doc.summary).strip()
        if summary:
            out.append(Paragraph(_text(summary), s["summary"]))
            out.append(_rule(_rule_width(summary, fonts.BOLD, 14, FRAME_WIDTH, 0.35),
                             space_before=3, space_after=6))
    else:
        out.append(Spacer(1, 14))
    if doc.addressees:
        out.extend(_kinh_gui(doc.addressees))
    if doc.enacting_authority:
        out.append(Paragraph(_text(_nfc(doc.enacting_authority).strip().upper()),
                             s["authority_line"]))
    if doc.bases:
        out.append(Spacer(1, 6))
        for line in _with_end(doc.bases, "."):
            out.append(Paragraph(_text(line), s["basis"]))
        out.append(Spacer(1, 3))
    return out


def _kinh_gui(addressees: Sequence[str]) -> list:
    s = _styles()
    entries = _with_end(addressees, ".")
    if not entries:
        return []
    label = "Kính gửi:"
    if len(entries) == 1:
        style = ParagraphStyle("kinh_gui_one", parent=s["kinh_gui"], alignment=TA_CENTER)
        p = Paragraph(_text(f"{label} {entries[0]}"), style)
        return [Spacer(1, 6), p, Spacer(1, 6)]
    label_w = stringWidth(label + " ", fonts.REGULAR, 14) + 2
    list_w = min(FRAME_WIDTH - label_w - 20 * mm,
                 max(stringWidth("- " + e, fonts.REGULAR, 14) for e in entries) + 4)
    rows = [[Paragraph(_text(label), s["kinh_gui"]),
             [Paragraph(_text(_dash(e)), s["kinh_gui"]) for e in entries]]]
    t = _RLTable(rows, colWidths=[label_w, list_w], splitInRow=1)
    t.setStyle(TableStyle(_NO_PAD))
    t.hAlign = "CENTER"
    return [Spacer(1, 6), t, Spacer(1, 6)]


def _paragraph(block: Para | str) -> Paragraph:
    s = _styles()
    if isinstance(block, str):
        return Paragraph(_text(block), s["body"])
    text = _nfc(block.text) if block.markup else _text(block.text)
    if block.lead:
        text = f"<b>{_text(block.lead)}</b> {text}"
    return Paragraph(text, s["body"] if block.indent else s["body_noindent"])


_ALIGN = {"left": TA_LEFT, "center": TA_CENTER, "centre": TA_CENTER, "right": TA_RIGHT}
_CELL_PAD = 3.0
#: A table wider than the page is set smaller, down to this size, and beyond that printed in
#: several parts, each repeating the first column (see `_column_groups`).
MIN_TABLE_SIZE = 8.0
#: A header taller than this is not repeated on every page (it could not fit beside a row).
MAX_REPEATED_HEADER = FRAME_HEIGHT / 4


def _wrap_plain(text: str, font: str, size: float, width: float) -> str:
    """Greedy word wrap of plain text to ``width``; returns lines joined by "\n"."""
    if "\n" not in text and stringWidth(text, font, size) <= width:
        return text
    space = stringWidth(" ", font, size)
    out: list[str] = []
    for para in text.split("\n"):
        line: list[str] = []
        line_w = 0.0
        for word in para.split():
            w = stringWidth(word, font, size)
            if w > width:  # a word longer than the column: break it by characters
                if line:
                    out.append(" ".join(line))
                    line, line_w = [], 0.0
                chunk = ""
                for ch in word:
                    if chunk and stringWidth(chunk + ch, font, size) > width:
                        out.append(chunk)
                        chunk = ""
                    chunk += ch
                line, line_w = [chunk], stringWidth(chunk, font, size)
                continue
            if line and line_w + space + w > width:
                out.append(" ".join(line))
                line, line_w = [word], w
            else:
                line_w = line_w + space + w if line else w
                line.append(word)
        out.append(" ".join(line))
    return "\n".join(out)


def _min_col_width(size: float) -> float:
    return 2 * _CELL_PAD + 1.5 * size


def _scaled_widths(weights: Sequence[float], total: float, size: float) -> list[float]:
    """Weights scaled to ``total`` points, none below `_min_col_width` (the others give way)."""
    least = _min_col_width(size)
    widths = [total * w / sum(weights) for w in weights]
    narrow = [w < least for w in widths]
    if any(narrow) and not all(narrow):
        rest = total - least * sum(narrow)
        wide = sum(w for w, n in zip(widths, narrow) if not n)
        widths = [least if n else w * rest / wide for w, n in zip(widths, narrow)]
    return widths


def _readable_width(size: float) -> float:
    """The narrowest column a table is printed with (about five characters)."""
    return 2 * _CELL_PAD + 3 * size


def _column_groups(ncols: int, size: float) -> list[list[int]]:
    """The columns of each printed part: all of them when they fit, else as many as fit at
    `_readable_width`, each part after the first repeating column 0."""
    per_part = int(FRAME_WIDTH // _readable_width(size))
    if ncols <= per_part:
        return [list(range(ncols))]
    groups = [list(range(per_part))]
    for first in range(per_part, ncols, per_part - 1):
        groups.append([0, *range(first, min(ncols, first + per_part - 1))])
    return groups


def _tables(block: Table) -> list[Flowable]:
    """The table as flowables: rows taller than a page continue on the next one, a table
    wider than the page is set smaller or printed in parts (see MIN_TABLE_SIZE)."""
    _styles()
    rows = [[_nfc(c) for c in r] for r in block.rows]
    if not rows:
        return []
    ncols = max(len(r) for r in rows)
    for r in rows:
        r.extend([""] * (ncols - len(r)))
    weights = list(block.col_widths or [1.0] * ncols)
    if len(weights) != ncols or any(w <= 0 for w in weights):
        raise ValueError("col_widths must give one positive weight per column")
    aligns = [_ALIGN.get((a or "left").lower(), TA_LEFT)
              for a in (block.col_align or ["left"] * ncols)]
    aligns.extend([TA_LEFT] * (ncols - len(aligns)))
    size = float(block.font_size)
    if FRAME_WIDTH / ncols < _readable_width(size):
        size = min(size, MIN_TABLE_SIZE)
    groups = _column_groups(ncols, size)
    return [_table_part([[r[j] for j in cols] for r in rows], [weights[j] for j in cols],
                        [aligns[j] for j in cols], size, block.header_rows,
                        continued=i > 0) for i, cols in enumerate(groups)]


def _table_part(rows: list[list[str]], weights: list[float], aligns: list[int], size: float,
                header_rows: int, continued: bool = False) -> Flowable:
    widths = _scaled_widths(weights, FRAME_WIDTH, size)
    nhead = max(0, min(header_rows, len(rows)))
    R, B = fonts.REGULAR, fonts.BOLD
    leading = round(size * 1.2, 2)
    # Plain strings wrapped here are far cheaper than Paragraphs, which ReportLab re-wraps on
    # every split of a long table; a string cell also splits across pages line by line.
    data = [[_wrap_plain(cell, B if i < nhead else R, size, widths[j] - 2 * _CELL_PAD)
             for j, cell in enumerate(row)] for i, row in enumerate(rows)]
    head_height = sum(leading * max(c.count("\n") + 1 for c in row) + 5
                      for row in data[:nhead])

    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("FONTNAME", (0, 0), (-1, -1), R),
        ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), leading),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), _CELL_PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for j, a in enumerate(aligns):
        name = {TA_CENTER: "CENTER", TA_RIGHT: "RIGHT"}.get(a, "LEFT")
        style.append(("ALIGN", (j, nhead), (j, -1), name))
    if nhead:
        style += [
            ("FONTNAME", (0, 0), (-1, nhead - 1), B),
            ("VALIGN", (0, 0), (-1, nhead - 1), "MIDDLE"),
            ("ALIGN", (0, 0), (-1, nhead - 1), "CENTER"),
        ]
    cls = _RLLongTable if len(data) > 60 else _RLTable
    t = cls(data, colWidths=widths, style=TableStyle(style), splitInRow=1,
            repeatRows=nhead if head_height <= MAX_REPEATED_HEADER else 0)
    t.hAlign = "LEFT"
    t.spaceBefore = 8 if continued else 4
    t.spaceAfter = 8
    return t


def _body(doc: Document) -> list:
    s = _styles()
    out: list = []
    for block in doc.body:
        if isinstance(block, (str, Para)):
            out.append(_paragraph(block))
        elif isinstance(block, Heading):
            out.append(Paragraph(_text(block.text),
                                 s["heading_center"] if block.center else s["heading"]))
        elif isinstance(block, Table):
            out.extend(_tables(block))
        elif isinstance(block, Flowable):
            out.append(block)
        else:
            raise TypeError(f"unsupported body block: {type(block).__name__}")
    return out


def _signature_block(doc: Document) -> _RLTable | None:
    s = _styles()
    sig = doc.signature
    right: list = []
    if sig is not None:
        for line in (sig.authority, sig.capacity, sig.signer_title):
            line = _nfc(line).strip().upper()
            if line:
                right.append(Paragraph(_text(line), s["sign"]))
        right.append(Spacer(1, SIGNATURE_SPACE))
        right.append(Paragraph(_text(_nfc(sig.signer_name).strip()), s["sign_name"]))

    left: list = []
    entries = list(doc.recipients)
    if doc.filing.strip():
        entries.append(f"Lưu: {_nfc(doc.filing).strip()}")
    entries = _with_end(entries, ".")
    if entries:
        left.append(Paragraph("Nơi nhận:", s["noi_nhan"]))
        left.extend(Paragraph(_text(_dash(e)), s["noi_nhan_entry"]) for e in entries)

    if not left and not right:
        return None
    t = _RLTable([[left or "", right or ""]], colWidths=[LEFT_COL, RIGHT_COL], splitInRow=1)
    t.setStyle(TableStyle(_NO_PAD + [("ALIGN", (1, 0), (1, 0), "CENTER")]))
    t.hAlign = "LEFT"
    return t


def _signature_cells(sig: Signature) -> tuple[list, list]:
    """The titles of one signer, and the space to sign over their name."""
    s = _styles()
    titles: list = [Paragraph(_text(line), s["sign"])
                    for line in (_nfc(x).strip().upper()
                                 for x in (sig.authority, sig.capacity, sig.signer_title))
                    if line]
    return titles, [Spacer(1, SIGNATURE_SPACE),
                    Paragraph(_text(_nfc(sig.signer_name).strip()), s["sign_name"])]


def _cosigners_block(doc: Document) -> _RLTable | None:
    """The signatures of minutes, two to a row (titles on one row, names level on the next);
    an odd last one centred under them."""
    if not doc.cosigners:
        return None
    cells = [_signature_cells(sig) for sig in doc.cosigners]
    rows: list = []
    style = list(_NO_PAD) + [("ALIGN", (0, 0), (-1, -1), "CENTER")]
    for i in range(0, len(cells), 2):
        pair = cells[i:i + 2]
        rows.append([titles for titles, _name in pair] + [""] * (2 - len(pair)))
        rows.append([name for _titles, name in pair] + [""] * (2 - len(pair)))
        style.append(("BOTTOMPADDING", (0, len(rows) - 1), (-1, len(rows) - 1), 12))
        if len(pair) == 1:
            style += [("SPAN", (0, len(rows) - 2), (1, len(rows) - 2)),
                      ("SPAN", (0, len(rows) - 1), (1, len(rows) - 1))]
    t = _RLTable(rows, colWidths=[FRAME_WIDTH / 2] * 2, splitInRow=1)
    t.setStyle(TableStyle(style))
    t.hAlign = "LEFT"
    return t


# --------------------------------------------------------------------------
# Page decoration
# --------------------------------------------------------------------------
def _page_decorator(draft: bool):
    def on_page(canv, doc_template):
        canv.saveState()
        if draft:
            canv.setFillColor(colors.Color(0.86, 0.86, 0.86))
            canv.setFont(fonts.BOLD, 96)
            canv.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canv.rotate(45)
            canv.drawCentredString(0, -32, DRAFT_MARK)
            canv.restoreState()
            canv.saveState()
            # A horizontal boxed label in the top margin too: searchable text
            # (pdftotext drops diagonal text) and visible on a photocopy.
            size = 12
            w = stringWidth(DRAFT_MARK, fonts.BOLD, size)
            x1 = PAGE_WIDTH - MARGIN_RIGHT
            y = PAGE_HEIGHT - MARGIN_TOP / 2 - size * 0.35
            canv.setFont(fonts.BOLD, size)
            canv.drawRightString(x1 - 4, y, DRAFT_MARK)
            canv.setLineWidth(0.8)
            canv.rect(x1 - w - 8, y - 4, w + 8, size + 5, stroke=1, fill=0)
        page = canv.getPageNumber()
        if page > 1:
            canv.setFillColor(colors.black)
            canv.setFont(fonts.REGULAR, PAGE_NUMBER_SIZE)
            y = PAGE_HEIGHT - MARGIN_TOP / 2 - PAGE_NUMBER_SIZE * 0.35
            canv.drawCentredString(MARGIN_LEFT + FRAME_WIDTH / 2, y, str(page))
        canv.restoreState()

    return on_page


# --------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------
def _validate(doc: Document) -> None:
    if doc.type_code is not None and doc.type_code not in TYPE_CODES:
        raise ValueError(f"unknown type_code {doc.type_code!r}; expected one of {TYPE_CODES} or None")
    if not doc.draft and doc.numbered:
        if doc.number is None:
            raise ValueError("an issued document needs a number (or draft=True)")
        if doc.date is None:
            raise ValueError("an issued document needs a date (or draft=True)")
    if not doc.draft and doc.date is not None and doc.date.year != doc.year:
        raise ValueError(f"date {doc.date.isoformat()} is not in the numbering year {doc.year}")
    for sig in [doc.signature, *doc.cosigners]:
        authority = _nfc(sig.authority if sig else "").strip()
        if authority and not authority.upper().startswith(AUTHORITY_PREFIXES):
            raise ValueError(f"signature authority must start with one of "
                             f"{AUTHORITY_PREFIXES}: {authority!r}")


def _metadata(doc: Document) -> dict[str, str]:
    summary = _nfc(doc.summary).strip()
    if doc.type_name:
        title = f"{_nfc(doc.type_name).strip().upper()} {summary}".strip()
    else:
        title = _vv(summary) if summary else "Công văn"
    number_line = format_number(None if doc.draft else doc.number, doc.type_code, doc.unit_short)
    ref = " ".join(number_line.split()) if doc.numbered else ""
    if doc.draft:
        ref = f"{ref} ({DRAFT_MARK})"
    elif doc.date is not None:
        ref = ", ".join(filter(None, (ref, format_date_line(doc.place, doc.date))))
    return {
        "title": title,
        "author": _nfc(doc.issuing_unit).strip(),
        "subject": ref,
        "creator": "giamsat",
    }


def build_story(doc: Document) -> list:
    """The flowables of ``doc`` (exposed for callers that compose documents)."""
    story: list = [_header(doc)]
    story += _title_block(doc)
    body = _body(doc)
    signatures = [block for block in (_signature_block(doc), _cosigners_block(doc))
                  if block is not None]
    if not signatures:
        return story + body
    closing: list = []
    for block in signatures:
        closing += [Spacer(1, 10), block]
    if body and isinstance(body[-1], Paragraph):
        # Never leave the signature alone on the last page.
        story += body[:-1]
        story.append(KeepTogether([body[-1], *closing]))
    else:
        story += body
        story += closing
    return story


def build_pdf(doc: Document) -> bytes:
    """Render ``doc`` to PDF bytes (A4, NĐ 30/2020 layout, deterministic)."""
    _validate(doc)
    _styles()
    meta = _metadata(doc)
    buf = io.BytesIO()
    template = BaseDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        invariant=1,
        lang="vi-VN",
        initialFontName=fonts.REGULAR,
        initialFontSize=BODY_SIZE,
        **meta,
    )
    frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT,
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[frame],
                                            onPage=_page_decorator(doc.draft))])
    template.build(build_story(doc))
    return buf.getvalue()


__all__ = [
    "AUTHORITY_PREFIXES",
    "DOCUMENT_TYPES",
    "FRAME_WIDTH",
    "TYPE_CODES",
    "Block",
    "Document",
    "Heading",
    "Para",
    "Signature",
    "Table",
    "build_pdf",
    "build_story",
    "format_date_line",
    "format_number",
]
