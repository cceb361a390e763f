"""Hostile inputs for tests/security/test_hostile_input.py, and the checks of what comes out:
HTML with nothing live, PDFs that parse, spreadsheets that open."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import unicodedata
from html.parser import HTMLParser

from openpyxl import load_workbook

LONG_VALUE = ("Người lao động phản ánh việc nợ lương, nợ bảo hiểm xã hội. " * 400)[:20000]
LONG_WORD = "Ư" * 2500 + "x" * 2500

#: At least 30 values that have broken, or could break, a page, a PDF, an export or a query.
PAYLOADS: list[str] = [
    "<script>alert(1)</script>",
    '" onmouseover=x "',
    "'><img src=x onerror=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "javascript:alert(3)",
    "<svg onload=alert(4)>",
    "<b>đậm</b> <i>nghiêng chưa đóng",
    "<font size=80>TO</font>",
    "<para>đoạn</para>",
    "&amp; &lt; &#x41; &nbsp; & ; &",
    '<img src="/etc/passwd"/>',
    "<br/><br></br><super>2</super><strike>x</strike>",
    "' OR 1=1 --",
    "%",
    "_",
    "\\",
    "'; DROP TABLE cases; --",
    "a\x00b",
    "\x01\x02\x07\x08\x0b\x0c\x1b\x1f\x7f điều khiển",
    "tab\tline\nfeed\r\ncr",
    "\u202eđảo chiều\u202c \u2066isolate\u2069",
    "zero\u200bwidth\ufeffbom\u200d",
    unicodedata.normalize("NFD", "Nguyễn Thị Hường, Đắk Lắk, Thừa Thiên Huế"),
    LONG_VALUE,
    LONG_WORD,
    "{{7*7}} {% raw %} ${7*7} #{7*7}",
    "😀👩‍👩‍👧 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠀀",
    "X\r\nSet-Cookie: injected=1\r\nLocation: https://evil.example",
    "=HYPERLINK(\"https://evil.example\",\"bấm\")",
    "+1+2", "-1", "@SUM(A1)",
    "| cột | giả | bảng |",
    "# Tiêu đề giả\n## Mục giả\nĐiều 99. Giả",
    "Ｆｕｌｌ－ｗｉｄｔｈ ＡＢＣ",
    "   ",
    "\ufffe\uffff",
    "0", "-0", "99999999999999999999", "²⁰²⁶", "NaN",
    "../../../etc/passwd",
    "/\t/evil.example",
]

#: Statuses a hostile submission may get: done, refused with a message, not found / not allowed.
ACCEPTABLE = {200, 302, 303, 400, 403, 404, 409, 413, 422}


# --- forms -----------------------------------------------------------------------------------
class FormParser(HTMLParser):
    """The <form>s of a page: action, method and fields (name, kind, value, maxlength)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: dict | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                          "enctype": a.get("enctype", ""), "fields": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name"):
            # A day input (app.core.forms.DayField) is a text input the date picker marks.
            kind = "day" if "data-datepicker" in a else a.get("type", "text").lower()
            fields.append({"name": a["name"], "kind": kind,
                           "value": a.get("value", ""), "checked": "checked" in a,
                           "maxlength": int(a["maxlength"]) if a.get("maxlength") else None})
        elif tag == "button" and a.get("name") and a.get("type", "submit") == "submit":
            fields.append({"name": a["name"], "kind": "button", "value": a.get("value", ""),
                           "maxlength": None})
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"name": a["name"], "kind": "textarea", "value": "",
                              "maxlength": int(a["maxlength"]) if a.get("maxlength") else None}
            fields.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "kind": "select", "options": [],
                            "value": None, "maxlength": None, "multiple": "multiple" in a}
            fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["value"] = a.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None


def forms_of(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


# --- what comes out --------------------------------------------------------------------------
class LiveMarkup(HTMLParser):
    """Anything in a page that a hostile value could have made live."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and not (a.get("src") or "").startswith("/"):
            self.found.append(f"<script {a}>")
        if tag in ("iframe", "object", "embed", "font", "para", "super", "strike"):  # never ours
            self.found.append(f"<{tag}>")
        if tag == "img" and not (a.get("src") or "").startswith(("/", "data:")):
            self.found.append(f"<img {a}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip(
                    ).lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")


def live_markup(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    return parser.found


LINK = re.compile(r'(?:href|action)="(/[^"#]*)"')


def links_of(html: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in LINK.findall(html)]


def check_output(response) -> str:
    """The text of a download or page, after checking that it renders; '' for a redirect."""
    kind = response.mimetype
    data = response.data
    if kind == "application/pdf":
        out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=False)
        assert out.returncode == 0 and data.startswith(b"%PDF"), out.stderr[:300]
        assert out.stdout.strip(), "an empty PDF"
        return out.stdout.decode()
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(data), read_only=True)
        return "\n".join(str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                         for c in row if c is not None)
    if kind == "text/csv":
        return "\n".join(",".join(r) for r in csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    text = response.get_data(as_text=True)
    if kind == "text/html":
        found = live_markup(text)
        assert not found, found[:5]
    return text
