"""Hostile input through every form and every query parameter (issue 10).

Each role logs in to a world with cases at every stage, walks the pages it can reach, fills
every text field of every form it finds with hostile values (PAYLOADS, rotated so that each
value reaches each kind of field), within the field's maxlength as a browser would, and once
beyond it (422 expected). Every payload is also logged in a letter and written into a
document draft. Then every page, PDF and export reached is opened again: no 500, nothing live
in the HTML, every PDF parses, every spreadsheet opens. A second test sends every payload in
every query parameter the GET routes read.
"""
from __future__ import annotations

import re
import shutil
from datetime import timedelta
from itertools import count

import pytest

from app.cases.models import Case
from app.cases.services import transition_case
from app.core.calendar import local_today
from app.critique import services as cs
from app.extensions import db as _db
from tests.documents.helpers import supervision_at
from tests.letters.conftest import classify, log_letter
from tests.security.payloads import (
    ACCEPTABLE,
    LONG_VALUE,
    PAYLOADS,
    check_output,
    forms_of,
    links_of,
)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils (pdftotext) is not installed")

TODAY = local_today()
SEEDS = ["/", "/cases/", "/letters/new", "/cases/new", "/recommendations/", "/critique/new",
         "/critique/requests", "/supervision/programme", "/admin/deadlines/",
         "/admin/deadlines/rules", "/admin/deadlines/calendar", "/documents/register",
         "/reports/dashboard", "/admin/users", "/admin/users/new", "/admin/units",
         "/admin/audit"]
#: Pages not walked: leaving, switching language, files that are no output of ours.
SKIP = re.compile(r"^/(logout|language/|static/|login)|/attachments/|/files/")
DOWNLOAD = re.compile(r"\.(pdf|xlsx|csv)(\?|$)")
#: Fields that take a date, a year or a number: a valid value keeps the rest of the form savable.
DATE_NAME = re.compile(r"(_on|_day|^day|deadline|date|^from$|^to$|due_by)$")
MAX_PAGES = 150
LATE = re.compile(r"/actions/|/(approve|issue|remove|delete|reset|lift|duplicate|remind)$|"
                  r"/from-signal/")
#: Pages of one shape (/cases/N) walked at most: each shows the same forms.
PER_SHAPE = 12


def _date_value(kind: str) -> str:
    return TODAY.isoformat() if kind == "date" else TODAY.strftime("%d/%m/%Y")


@pytest.fixture
def rich(db, world):
    """Cases at every stage a form applies to, in unit A, and a critique under consultation."""
    u, o = world.users, world.orgs
    cases = {state: supervision_at(world, state)
             for state in ("plan_drafted", "delegation_formed", "fieldwork", "concluded",
                           "following_up", "dialogue")}
    received = log_letter(u["intake"], o["a"], title="Đơn phản ánh nợ lương")
    accepted = log_letter(u["intake"], o["a"], title="Đơn khiếu nại kỷ luật")
    classify(accepted, u["handler"], kind="complaint")
    transition_case(accepted, "accept", u["approver"], comment="Thụ lý")
    critique = cs.register_draft(
        u["handler"], o["a"], title="Dự thảo Nghị định tiền lương", drafting_body="Bộ Nội vụ",
        kind="decree", received_on=TODAY - timedelta(days=10),
        submission_on=TODAY + timedelta(days=30),
        articles=cs.split_articles("Điều 1. Phạm vi\nNội dung.\nĐiều 2. Đối tượng\nNội dung."))
    critique_case = _db.session.get(Case, critique.case_id)
    transition_case(critique_case, "open_consultation", u["handler"], comment="Lấy ý kiến")
    cs.send_consultation(critique_case, u["handler"], deadline=TODAY + timedelta(days=10),
                         org_ids=[o["a_zone"].id, o["a_grass"].id], experts=[],
                         message="Đề nghị góp ý")
    _db.session.commit()
    return {**cases, "received": received, "accepted": accepted, "critique": critique_case}


class Walker:
    """Walks the pages a user reaches, posting hostile values into every form it finds."""

    def __init__(self, browser):
        self.browser = browser
        self.seen: set[str] = set()
        self.downloads: set[str] = set()
        self.pages: list[str] = []
        #: One rotation of the payloads per kind of field, so that each value reaches each kind.
        self.turns = {"input": count(), "textarea": count()}
        #: payload index -> field kinds ("input", "textarea") it was typed into whole
        self.reached: dict[int, set[str]] = {}
        #: The longest value a field of each kind takes (None: no limit).
        self.room: dict[str, int | None] = {"input": 0, "textarea": 0}
        self.posted = 0
        self.statuses: dict[int, int] = {}
        self.queue: list[str] = []
        self.shapes: dict[str, int] = {}
        #: Forms that move a case on or remove something: posted once the walk is over.
        self.late: list[tuple] = []

    def get(self, url):
        response = self.browser.get(url)
        assert response.status_code < 500, (url, response.status_code)
        return response

    def walk(self, seeds):
        queue = self.queue
        queue.extend(seeds)
        while queue and len(self.pages) < MAX_PAGES:
            url = queue.pop(0)
            path = url.split("?")[0]
            if path in self.seen or SKIP.search(path):
                continue
            if DOWNLOAD.search(url):
                self.downloads.add(url)
                continue
            self.seen.add(path)
            shape = re.sub(r"\d+", "N", path)
            self.shapes[shape] = self.shapes.get(shape, 0) + 1
            if self.shapes[shape] > PER_SHAPE:
                continue
            response = self.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            self.pages.append(url)
            html = check_output(response)
            for form in forms_of(html):
                action = form["action"] or path
                if form["method"] != "post" or SKIP.search(action):
                    continue
                if LATE.search(action):
                    self.late.append((action, form, url))
                else:
                    self.attack(action, form, url)
            for link in links_of(html):
                if DOWNLOAD.search(link):
                    self.downloads.add(link)
                elif link.split("?")[0] not in self.seen:
                    queue.append(link)

    def finish(self):
        """Post the forms that change a stage, then walk what they lead to."""
        late, self.late = self.late, []
        for action, form, page in late:
            self.attack(action, form, page)
        self.walk([])

    def fill(self, form, over_limit: bool = False) -> dict:
        data: dict = {}
        for field in form["fields"]:
            name, kind = field["name"], field["kind"]
            if kind in ("file", "submit", "reset", "image"):
                continue
            if kind == "button":
                data.setdefault(name, field["value"])
            elif kind in ("checkbox", "radio"):
                if field["checked"]:
                    data.setdefault(name, field["value"] or "y")
            elif kind == "select":
                options = [v for v in field["options"] if v]
                value = field["value"] if field["value"] else (options[0] if options else "")
                data[name] = value
            elif kind == "hidden":
                data[name] = field["value"]
            elif kind in ("date", "day") or DATE_NAME.search(name):
                data[name] = field["value"] or _date_value(kind)
            elif kind == "number" or name in ("year", "signer_count", "number", "days",
                                              "position", "limit_days"):
                data[name] = field["value"] or "1"
            else:
                kind = "textarea" if kind == "textarea" else "input"
                i = next(self.turns[kind]) % len(PAYLOADS)
                limit = field["maxlength"]
                if self.room[kind] is not None:
                    self.room[kind] = None if limit is None else max(self.room[kind], limit)
                if over_limit:
                    data[name] = LONG_VALUE
                elif limit and len(PAYLOADS[i]) > limit:
                    data[name] = PAYLOADS[i][:limit]  # as a browser cuts it: not reached whole
                else:
                    data[name] = PAYLOADS[i]
                    self.reached.setdefault(i, set()).add(kind)
        return data

    def attack(self, action, form, page):
        limited = any(f["maxlength"] and f["maxlength"] < len(LONG_VALUE)
                      for f in form["fields"] if f["kind"] in ("text", "textarea"))
        for _round in range(2):
            self._post(action, self.fill(form), page)
        if limited:
            response = self._post(action, self.fill(form, over_limit=True), page)
            # 303: refused and sent back to the page it was typed on (post/redirect/get);
            # a form that saved answers 302.
            assert response.status_code in (303, 400, 403, 404, 409, 422), (
                action, "beyond maxlength", response.status_code)

    def _post(self, action, data, page):
        self.get(page)  # a fresh CSRF token, as a browser would have
        multipart = any(isinstance(v, tuple) for v in data.values())
        response = self.browser.post(action, data, **(
            {"content_type": "multipart/form-data"} if multipart else {}))
        self.posted += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        assert response.status_code in ACCEPTABLE, (action, response.status_code,
                                                    response.get_data(as_text=True)[:300])
        if response.status_code == 302:  # what was just created (a draft, a record) is walked
            self.queue.append(response.headers["Location"].split("#")[0])
        return response


def _every_payload_in_a_letter(browser, world):
    """Every payload as a letter's title, content and subject, so that every output that
    lists letters (pages, registers, exports, statistics) shows each of them."""
    org = world.orgs["a"].id
    for p in PAYLOADS:
        browser.get("/letters/new")
        response = browser.post("/letters/new", {
            "org_id": org, "received_on": TODAY.strftime("%d/%m/%Y"), "intake_form": "writing",
            "channel": "report", "title": p[:300] or "x", "summary": p, "is_anonymous": "y",
            "subject_kind": "organisation", "subject_name": p[:255]})
        assert response.status_code in (302, 422), response.status_code


def _every_payload_in_a_draft(browser, case):
    """All payloads in one draft: its summary and Nơi nhận lines, body lines and a table."""
    browser.get(f"/cases/{case.id}")
    response = browser.post(f"/documents/case/{case.id}/new", {"template": "sv_plan"})
    assert response.status_code == 302
    url = response.headers["Location"]
    lines = [" ".join(p.split()) or "x" for p in PAYLOADS]
    table = ["| Số | Nội dung | Ghi chú |"] + [f"| {i} | {line} | {line[:50]} |"
                                                for i, line in enumerate(lines)]
    response = browser.post(url, {
        "summary": "Kế hoạch <b>giám sát</b> \x00 ' OR 1=1 --", "addressees": "\n".join(lines[:5]),
        "bases": "\n".join(lines[5:12]), "body": "\n".join(lines + table),
        "recipients": "\n".join(lines[:8]), "filing": "VT, <i>UBKT", "authority":
        "TM. BAN THƯỜNG VỤ", "capacity": "", "signer_title": "CHỦ TỊCH <script>"})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    check_output(browser.get(url + ".pdf"))


ROLES = ["intake", "handler", "delegate", "approver", "admin", "grass_handler"]


@pytest.mark.parametrize("username", ROLES)
def test_hostile_values_in_every_form_leave_every_output_rendering(browser, db, world, rich,
                                                                  username):
    browser.login(username)
    if username == "intake":
        _every_payload_in_a_letter(browser, world)
    if username == "handler":
        _every_payload_in_a_draft(browser, rich["plan_drafted"])
    walker = Walker(browser)
    seeds = SEEDS + [f"/cases/{c.id}" for c in rich.values()]
    walker.walk(seeds)
    walker.finish()
    assert walker.posted, "no form was found"
    # Everything reached, once more, now that it holds the hostile values.
    year = TODAY.year
    outputs = set(walker.pages) | walker.downloads | {
        f"/reports/registers/letters.pdf?year={year}",
        f"/reports/registers/letters.xlsx?year={year}",
        f"/reports/registers/recommendations.pdf?year={year}",
        f"/reports/periodic.pdf?year={year}", f"/reports/periodic.xlsx?year={year}",
        "/reports/cases.csv", "/reports/cases.xlsx", "/documents/register.pdf",
        "/cases/?q=%3Cscript%3E", "/cases/?per_page=100"}
    for url in sorted(outputs):
        response = browser.get(url)
        assert response.status_code in (200, 302, 403, 404, 409), (url, response.status_code)
        if response.status_code == 200:
            check_output(response)
    if username == "handler":
        # Each payload was typed whole into each kind of field that can hold it.
        missed = [(i, kind) for i, p in enumerate(PAYLOADS) for kind, room in walker.room.items()
                  if (room is None or len(p) <= room) and kind not in walker.reached.get(i, ())]
        assert not missed, missed
        assert 0 not in walker.room.values(), walker.room  # fields of both kinds were found


#: Every GET route that reads the query string, with the parameters it reads
#: (`grep -rn "request.args" app`, app.cases.views.filter_from_args, stats.parse_period).
CASE_FILTERS = ["family", "channel", "state", "org", "q", "overdue", "open", "due_by", "sort",
                "per_page", "page"]
PERIOD = ["org", "from", "to", "year", "period"]
QUERY_ROUTES = {
    "/cases/": CASE_FILTERS,
    "/recommendations/": ["state", "overdue", "q", "page"],
    "/reports/dashboard": PERIOD,
    "/documents/register": ["org", "year", "register"],
    "/supervision/programme": ["year"],
    "/admin/deadlines/calendar": ["year"],
    "/admin/users": ["q", "org", "after"],
    "/admin/users/new": ["unit"],
    "/admin/units": ["q"],
    "/admin/audit": ["after"],
    "/cases/new": ["family"],
    "/login": ["next"],
}
#: Downloads read the same parameters through the same code as the pages above: each payload
#: goes into all of their parameters at once.
QUERY_DOWNLOADS = {
    "/reports/cases.csv": CASE_FILTERS, "/reports/cases.xlsx": CASE_FILTERS,
    "/reports/periodic.pdf": [*PERIOD, "public"], "/reports/periodic.xlsx": PERIOD,
    "/reports/registers/letters.pdf": PERIOD, "/reports/registers/recommendations.xlsx": PERIOD,
    "/documents/register.pdf": ["org", "year", "register"],
}


@pytest.mark.parametrize("route", sorted(QUERY_ROUTES) + sorted(QUERY_DOWNLOADS))
def test_hostile_values_in_every_query_parameter(browser, db, world, route):
    log_letter(world.users["intake"], world.orgs["a"], title="Đơn phản ánh nợ lương")
    db.session.commit()
    browser.login("admin")
    if route in QUERY_ROUTES:
        queries = [{name: p} for name in QUERY_ROUTES[route] for p in PAYLOADS]
    else:
        queries = [dict.fromkeys(QUERY_DOWNLOADS[route], p) for p in PAYLOADS]
    for query in queries:
        response = browser.get(route, query_string=query)
        assert response.status_code in ACCEPTABLE, (route, query, response.status_code)
        if response.status_code == 200:
            check_output(response)
        elif response.status_code == 302:
            location = response.headers["Location"]
            assert location.startswith("/") and not location.startswith(("//", "/\\")), location
