"""Register books (sổ) as PDF: the sổ đăng ký văn bản đi (NĐ 30/2020 Phụ lục IV) here, the
registers of app.reports through `register_book`. Pure builders."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.core.pdf.layout import Block, Document, Para, Table, build_pdf

COLUMNS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung",
           "Người ký", "Nơi nhận văn bản", "Hồ sơ"]
#: Column widths in points (they fill the 165 mm text width): the number, date and case code
#: fit on one line at 10 pt.
WIDTHS = [74, 64, 118, 62, 62, 88]


def register_book(header: dict, title: str, summary: str, printed_on: date, table: Table,
                  empty: str, lead: Sequence[Block] = ()) -> bytes:
    """A register book: `header` as app.documents.registry.org_header, the title and `summary`
    ("Năm 2026"), the `lead` blocks, then `table`, or `empty` after it when it has no data
    rows. A register is not a document of its own: no number, no signature and no draft mark;
    it is dated the day it is printed."""
    body: list = [*lead, table]
    if len(table.rows) <= table.header_rows:
        body.append(Para(empty, indent=False))
    return build_pdf(Document(
        **header, number=None, year=printed_on.year, type_code=None, date=printed_on,
        type_name=title, summary=summary, numbered=False, signature=None, body=body))


def register_pdf(header: dict, title: str, year: int, printed_on: date,
                 rows: Sequence[Sequence[str]]) -> bytes:
    """The sổ đăng ký văn bản đi of `year`: `rows` one per issued document."""
    table = Table([COLUMNS, *rows], col_widths=WIDTHS,
                  col_align=["left", "center", "left", "left", "left", "left"], font_size=10)
    return register_book(header, title, f"Năm {year}", printed_on, table,
                         "Chưa có văn bản nào được đăng ký.")
