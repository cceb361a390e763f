"""The editable text of a document body and its layout blocks, both ways.

One paragraph per line; blank lines are ignored. A line starting with "# " is a centred bold
heading ("# QUYẾT ĐỊNH:"), "## " a bold heading ("## I. MỤC ĐÍCH, YÊU CẦU"); consecutive
lines starting with "|" form a table whose first row is the header; "Điều 1. ..." is printed
with "Điều 1." in bold. Pure functions: no Flask, no database.
"""
from __future__ import annotations

import re
import unicodedata

from reportlab.pdfbase.pdfmetrics import stringWidth

from app.core.pdf import fonts
from app.core.pdf.layout import Block, Heading, Para, Table

_ARTICLE = re.compile(r"^(Điều \d+[a-z]?\.)\s+(.*)$")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _weights(rows: list[list[str]], size: float = 12.0) -> list[float]:
    """Column widths (points, used as weights) from the widest cell of each column: the
    header set in bold, never narrower than the header's longest word, at most 200 pt."""
    fonts.register_fonts()
    widths = []
    for j in range(len(rows[0])):
        head = rows[0][j]
        word = max((stringWidth(w, fonts.BOLD, size) for w in head.split()), default=0.0)
        cells = [stringWidth(head, fonts.BOLD, size)]
        cells += [stringWidth(r[j], fonts.REGULAR, size) for r in rows[1:]]
        widths.append(min(200.0, max(word, *cells)) + 8)
    return widths


def text_to_blocks(text: str) -> list[Block]:
    text = unicodedata.normalize("NFC", text or "")
    blocks: list[Block] = []
    table: list[list[str]] = []

    def end_table():
        if table:
            ncols = max(len(r) for r in table)
            rows = [r + [""] * (ncols - len(r)) for r in table]
            align = ["center" if all(r[0].isdigit() for r in rows[1:]) and j == 0 else "left"
                     for j in range(ncols)]
            blocks.append(Table(rows, col_widths=_weights(rows), col_align=align))
            table.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            table.append(_cells(line))
            continue
        end_table()
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(Heading(line[3:].strip()))
        elif line.startswith("# "):
            blocks.append(Heading(line[2:].strip(), center=True))
        elif match := _ARTICLE.match(line):
            blocks.append(Para(match.group(2), lead=match.group(1)))
        else:
            blocks.append(Para(line))
    end_table()
    return blocks


def blocks_to_text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, str):
            lines.append(block)
        elif isinstance(block, Heading):
            lines.append(("# " if block.center else "## ") + block.text)
        elif isinstance(block, Para):
            lines.append(f"{block.lead} {block.text}" if block.lead else block.text)
        elif isinstance(block, Table):
            lines.extend("| " + " | ".join(str(c) for c in row) + " |" for row in block.rows)
    return "\n".join(lines)
