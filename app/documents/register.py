"""The register book (sổ đăng ký văn bản đi, NĐ 30/2020 Phụ lục IV) as a PDF: a pure builder."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.documents.layout import Document, Para, Table, build_pdf

COLUMNS = ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung",
           "Người ký", "Nơi nhận văn bản", "Hồ sơ"]
#: Column widths in points (they fill the 165 mm text width): the number, date and case code
#: fit on one line at 10 pt.
WIDTHS = [74, 64, 118, 62, 62, 88]


def register_pdf(header: dict, title: str, year: int, printed_on: date,
                 rows: Sequence[Sequence[str]]) -> bytes:
    """`header` as app.documents.templates.org_header; `rows` one per issued document."""
    body: list = [Table([COLUMNS, *rows], col_widths=WIDTHS,
                        col_align=["left", "center", "left", "left", "left", "left"],
                        font_size=10)]
    if not rows:
        body.append(Para("Chưa có văn bản nào được đăng ký.", indent=False))
    return build_pdf(Document(
        **header, number=None, year=printed_on.year, type_code=None, date=printed_on,
        type_name=title, summary=f"Năm {year}", numbered=False, signature=None, body=body))
