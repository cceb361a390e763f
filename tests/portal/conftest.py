"""Helpers of the portal tests: the proof of work solved in Python, a letter sent through the
portal's form like a browser does, and a follow-up login."""
from __future__ import annotations

import io
import re

from app.portal.abuse import solves

SENDER = {"name": "Nguyễn Thị Hoài Thu", "address": "Số 12 đường Trần Phú, Hà Tĩnh",
          "contact": "0912 345 678"}
TITLE = "Chủ tịch công đoàn cơ sở chi sai quỹ"
CONTENT = ("Chủ tịch công đoàn cơ sở Công ty Thép tự ý chi quỹ công đoàn để tổ chức du lịch cho "
           "ban chấp hành, không công khai chứng từ với đoàn viên.")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def solve(challenge: str, bits: int) -> str:
    counter = 0
    while not solves(challenge, str(counter), bits):
        counter += 1
    return str(counter)


def challenge_of(html: bytes) -> str:
    return re.search(rb'name="pow_challenge" type="hidden" value="([^"]+)"', html).group(1).decode()


def pdf(name: str = "bang-chung.pdf", data: bytes = PDF):
    return (io.BytesIO(data), name)


def send(browser, app, *, org=None, solve_work=True, files=(), **fields):
    """GET the form (of unit `org`), fill it and POST it; returns the POST's response."""
    page = browser.get(f"/portal/send?org={org.id}" if org is not None else "/portal/send")
    assert page.status_code == 200, page.data[:300]
    challenge = challenge_of(page.data)
    data = {"kind": "complaint", "title": TITLE, "content": CONTENT, "sender": "anonymous",
            "org_id": str(org.id) if org is not None else "", "province_id": "",
            "pow_challenge": challenge,
            "pow_counter": solve(challenge, app.config["PORTAL_POW_BITS"]) if solve_work else ""}
    data.update(fields)
    if files:
        data["files"] = list(files)
    return browser.post("/portal/send", data, content_type="multipart/form-data")


def receipt_of(browser) -> tuple[str, str]:
    """The code and secret shown on the receipt page (read once)."""
    page = browser.get("/portal/receipt")
    code = re.search(rb'data-testid="receipt-code">([^<]+)<', page.data).group(1).decode()
    secret = re.search(rb'data-testid="receipt-secret">([^<]+)<', page.data).group(1).decode()
    return code, secret


def follow(browser, code: str, secret: str):
    browser.get("/portal/follow")
    return browser.post("/portal/follow", {"code": code, "secret": secret})
