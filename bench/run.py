"""Benchmark runner for issue 11: serve giamsat under gunicorn beside two references, drive every
page with wrk on loopback, and print req/s and p50/p95/p99 with each figure's ratio to its
reference and the issue's target.

    python -m bench.run [--database-url URL] [--pages a,b] [--duration 10] [--nodes 2]
                        [--warmup 2] [--repeat 3]
    python -m bench.run --sqlite [--compare bench/results/<postgresql run>.json]

Each wrk measurement (a page or a reference) follows an unrecorded warm-up of --warmup seconds
on the same URLs, connections and cookie, then a drain: the figures are the steady state. One
request would warm one of gunicorn's 4 workers, and the other three would pay their first
request (templates and statements compiled, 0.3-0.8 s each) inside the measured window, in
p99; a cold worker's first request is a separate cost, which the app addresses at boot.

With --repeat N the references, every wrk page and the references again run N times, round
after round, so the shared machine's noise spreads over every page alike; each figure is the
median over the rounds (the references': over all their runs), the table shows each page's
req/s range, and the results JSON keeps every round. The export, transition and sweep run
once, after the rounds.

The dataset must hold `bench_ready` (written by bench.generate; bench/run.sh makes it when
missing). Results go to bench/results/<stamp>.json and .md; docs/benchmarks.md explains them.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import re
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_1m"
SQLITE_FILE = RESULTS / "bench-100k.sqlite3"
SQLITE_CASES = 100_000
#: Seconds of unrecorded wrk before each measurement (--warmup), so every worker is warm.
WARMUP_SECONDS = 2
#: gunicorn settings shared by the app and both references (no access log is its default).
GUNICORN = ["-w", "4", "-k", "sync", "--timeout", "30", "--log-level", "warning"]
#: The row of the deep page (keyset pagination must answer it as fast as page one).
DEEP_ROW = 250_000
EXPORT_ROWS = 100_000
TRANSITIONS = 200
#: What the runner reads from bench_ready (bench/generate.py writes it).
USERS = {"national": "login_national", "province": "login_province",
         "grassroots": "login_grassroots"}


# --- targets (issue 11, at 1M cases on PostgreSQL, 2 cores) ---------------------------------

@dataclass(frozen=True)
class Target:
    hello: float | None = None  #: minimum ratio to the hello-world's req/s
    raw: float | None = None  #: minimum ratio to the raw-SQL endpoint's req/s
    p95: float | None = None  #: maximum p95, ms
    p99: float | None = None  #: maximum p99, ms
    depth: float | None = None  #: at most this many times page one's p50, and its req/s / this

    def describe(self) -> str:
        parts = []
        if self.hello:
            parts.append(f"≥{self.hello:g}× hello")
        if self.raw:
            parts.append(f"≥{self.raw:g}× raw")
        if self.p95:
            parts.append(f"p95≤{self.p95:g}")
        if self.p99:
            parts.append(f"p99≤{self.p99:g}")
        if self.depth:
            parts.append(f"≤{self.depth:g}× page one")
        return ", ".join(parts)

    def misses(self, r: dict, page_one: dict | None) -> list[str]:
        out = []
        if self.hello and (r["x_hello"] or 0) < self.hello:
            out.append("hello ratio")
        if self.raw and (r["x_raw"] or 0) < self.raw:
            out.append("raw ratio")
        if self.p95 and r["p95_ms"] > self.p95:
            out.append("p95")
        if self.p99 and r["p99_ms"] > self.p99:
            out.append("p99")
        if self.depth and page_one and page_one.get("rps"):
            if r["rps"] * self.depth < page_one["rps"] or r["p50_ms"] > self.depth * max(
                    page_one["p50_ms"], 1.0):
                out.append("depth")
        return out


TARGETS = {
    "list": Target(hello=0.2, raw=0.5, p95=40),
    "list-deep": Target(hello=0.2, raw=0.5, p95=40, depth=1.5),
    "home": Target(p95=60),
    "detail": Target(hello=0.1, p99=100),
    "search-selective": Target(p95=50),
    "search-unselective": Target(p95=150),
    "report": Target(p95=300),
}
#: The measurements that are not wrk runs: (maximum, unit).
EXPORT_TTFB_MS = 1000
EXPORT_RSS_GROWTH_MB = 64  # "constant memory": 100k rows held in a list would take far more
TRANSITION_P95_MS = 60
SWEEP_SECONDS = 60
SQLITE_MAX_SLOWDOWN = 2.0


# --- pages ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    key: str
    name: str
    user: str  #: national | province | grassroots
    url: Callable[[dict], str]  #: built from the context (bench_ready plus what prepare() found)
    target: str
    marker: str  #: text the first response must hold (a login form or error page does not)
    connections: int = 16


def _q(path: str, **args) -> str:
    return f"{path}?{urlencode(args)}" if args else path


LIST_MARKER = 'name="sort"'


def pages(sorts: list[str]) -> list[Page]:
    """Every page of issue 11's targets, in the order they are measured."""
    out = [
        Page("list-national", "case list, national, page 1", "national",
             lambda c: "/cases/", "list", LIST_MARKER),
        Page("list-province", "case list, provincial, page 1", "province",
             lambda c: "/cases/", "list", LIST_MARKER),
        Page("list-grassroots", "case list, grassroots, page 1", "grassroots",
             lambda c: "/cases/", "list", LIST_MARKER),
        Page("list-family-state", "case list, family + state", "national",
             lambda c: _q("/cases/", family=c["filter_family"], state=c["filter_state"]),
             "list", LIST_MARKER),
    ]
    out += [Page(f"list-sort-{s}", f"case list, sort {s}", "national",
                 lambda c, s=s: _q("/cases/", sort=s), "list", LIST_MARKER)
            for s in sorts if s != "newest"]
    out += [
        Page("list-deep", f"case list, row {DEEP_ROW:,}", "national",
             lambda c: c["deep_url"], "list-deep", LIST_MARKER),
        Page("detail", "case detail, 30 events", "national",
             lambda c: f"/cases/{c['detail_case_id']}", "detail", 'data-testid="timeline"'),
        Page("letter", "unclassified letter (duplicates)", "national",
             lambda c: f"/cases/{c['duplicate_letter_id']}", "detail",
             'data-testid="letter-panel"'),
        Page("search-selective", "search, selective", "national",
             lambda c: _q("/cases/", q=c["search_selective"]), "search-selective", LIST_MARKER,
             connections=2),
        Page("search-unselective", "search, unselective", "national",
             lambda c: _q("/cases/", q=c["search_unselective"]), "search-unselective",
             LIST_MARKER, connections=2),
        Page("home-national", "home, national", "national", lambda c: "/", "home",
             'data-testid="summary-'),
        Page("home-province", "home, provincial", "province", lambda c: "/", "home",
             'data-testid="summary-'),
        Page("home-grassroots", "home, grassroots", "grassroots", lambda c: "/", "home",
             'data-testid="summary-'),
        Page("dashboard", "dashboard, national", "national", lambda c: "/reports/dashboard",
             "report", 'data-testid="downloads"'),
        Page("periodic", "periodic report (PDF), national", "national",
             lambda c: "/reports/periodic.pdf", "report", "%PDF"),
    ]
    return out


#: Measurements after the wrk pages; the last two write to the database.
EXTRA = ("export", "transition", "sweep")


def selected(key: str, wanted: list[str] | None) -> bool:
    """--pages takes keys or their prefixes: `list` picks every list page."""
    return not wanted or any(key == w or key.startswith(w + "-") for w in wanted)


# --- database URLs --------------------------------------------------------------------------

def app_url(url: str, application_name: str | None = None) -> str:
    """The SQLAlchemy URL (psycopg 3 driver), tagged so the runner can see its queries."""
    if url.startswith("postgres"):
        url = re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql+psycopg://", url)
        if application_name:
            url += ("&" if "?" in url else "?") + f"application_name={application_name}"
    return url


def driver_url(url: str) -> str:
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", url)


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def read_ready(url: str) -> dict[str, str] | None:
    """bench_ready as a dict, or None when the dataset is not there (yet)."""
    try:
        if is_sqlite(url):
            import sqlite3

            path = urlsplit(url).path[1:]
            if not path or not Path(path).exists():
                return None
            with contextlib.closing(sqlite3.connect(path)) as conn:
                rows = conn.execute("SELECT key, value FROM bench_ready").fetchall()
        else:
            import psycopg

            with psycopg.connect(driver_url(url)) as conn:
                rows = conn.execute("SELECT key, value FROM bench_ready").fetchall()
    except Exception:  # no database or no table: not generated
        return None
    return {k: str(v) for k, v in rows}


# --- what only the app knows: its SQL, its page token, its cases ----------------------------

def prepare(url: str, ready: dict, wanted: list[str] | None) -> dict:
    """Ask the app itself (create_app, same DATABASE_URL) for the list's real SQL, the deep page's
    URL, the export's filter and the cases a transition can run on."""
    os.environ["DATABASE_URL"] = app_url(url)
    import sqlalchemy as sa
    from flask_login import FlaskLoginClient

    from app import create_app
    from app.auth.models import User
    from app.cases import queries
    from app.cases.models import Case
    from app.extensions import db

    app = create_app()
    app.test_client_class = FlaskLoginClient
    context: dict = dict(ready)
    if app.config["SQLALCHEMY_DATABASE_URI"] != os.environ["DATABASE_URL"]:
        raise SystemExit("config was imported before DATABASE_URL was set.")
    with app.app_context():
        users = {role: db.session.scalar(sa.select(User).where(
            User.username == ready[name])) for role, name in USERS.items()}
        national = users["national"]
        context["sorts"] = list(queries.SORTS)
        context["raw_sql"], context["raw_params"] = _list_sql(app, national, url)
        if selected("list-deep", wanted):
            context["deep_url"], context["deep_kind"] = _deep_url(app, national)
        if selected("export", wanted):
            context["export_args"], context["export_rows"] = _export_filter()
        if selected("transition", wanted):
            context["transition"] = _transition_cases(users)
        context["cases"] = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    return context


def _list_sql(app, user, url: str) -> tuple[str, list]:
    """The statement that fetches page one's rows when the list is asked for, as sent."""
    import sqlalchemy as sa

    from app.extensions import db

    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        with app.test_client(user=user) as client:
            status = client.get("/cases/").status_code
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    if status != 200:
        raise SystemExit(f"The national user's case list answers {status}.")
    rows = [(s, p) for s, p in seen if "case_file" in s and re.search(r"\bLIMIT\b", s, re.I)
            and not re.search(r"^\s*SELECT\s+count\(", s, re.I)]
    if not rows:
        raise SystemExit("Could not find the list's page-one statement.")
    statement, params = rows[0]
    if is_sqlite(url):
        return statement, list(params or [])
    import psycopg

    with psycopg.connect(driver_url(url)) as conn:
        return psycopg.ClientCursor(conn).mogrify(statement, params), []


def _deep_url(app, user) -> tuple[str, str]:
    """The list URL that starts at row DEEP_ROW: a keyset token built by the app's own token
    function from that row, or OFFSET paging while the app has none."""
    import sqlalchemy as sa

    from app.cases import queries
    from app.extensions import db

    stmt = queries.filtered_cases(user, queries.CaseFilter())
    rows = db.session.scalars(stmt.offset(DEEP_ROW - 1).limit(1)).all()
    total = None
    if not rows:  # a small dataset: the deepest row it has
        total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
        rows = db.session.scalars(stmt.offset(max(total - 1, 0)).limit(1)).all()
    token_of = getattr(queries, "page_token", None)
    param = getattr(queries, "PAGE_TOKEN_ARG", "after")
    if token_of is not None and rows:
        with app.test_request_context():
            return _q("/cases/", **{param: token_of("newest", rows[0])}), "keyset"
    depth = DEEP_ROW if total is None else max(total, 1)
    return _q("/cases/", page=max(depth // 25, 1)), "offset"


def _export_filter() -> tuple[dict, int]:
    """The list filter (a unit's subtree, a family, a channel or a family and state) whose row
    count is nearest EXPORT_ROWS: a few GROUP BYs, the subtrees summed along the unit paths."""
    import sqlalchemy as sa

    from app.cases.models import Case
    from app.extensions import db
    from app.orgs.models import Organisation

    def counts(*columns):
        return db.session.execute(sa.select(*columns, sa.func.count()).group_by(*columns)).all()

    paths = dict(db.session.execute(sa.select(Organisation.id, Organisation.path)).all())
    by_path = {path: org_id for org_id, path in paths.items()}
    subtrees: dict[str, int] = {}
    for org_id, n in counts(Case.org_id):
        parts = paths[org_id].strip("/").split("/")
        for i in range(1, len(parts) + 1):
            prefix = "/" + "/".join(parts[:i]) + "/"
            subtrees[prefix] = subtrees.get(prefix, 0) + n
    candidates = [({"org": by_path[p]}, n) for p, n in subtrees.items() if p in by_path]
    candidates += [({"family": f}, n) for f, n in counts(Case.family)]
    candidates += [({"channel": c}, n) for c, n in counts(Case.channel) if c]
    candidates += [({"family": f, "state": st}, n) for f, st, n in counts(Case.family,
                                                                         Case.state)]
    return min(candidates, key=lambda c: abs(c[1] - EXPORT_ROWS))


#: Guard-free, comment-free transitions, tried in this order.
TRANSITION_PREFERENCES = (("letter", "start_verification"), ("supervision", "issue_conclusion"),
                          ("dialogue", "send_agenda"), ("letter", "close"),
                          ("recommendation", "close"), ("dialogue", "close"))


def _transition_cases(users: dict) -> dict | None:
    """TRANSITIONS cases one bench user may move with a simple transition, with their versions."""
    import sqlalchemy as sa

    from app.auth import permissions
    from app.cases.models import Case
    from app.extensions import db
    from workflows.registry import WORKFLOWS

    for family, trigger in TRANSITION_PREFERENCES:
        action = WORKFLOWS[family].action(trigger)
        if action.guards or action.comment_required or getattr(action, "requires", None):
            continue
        for role, user in users.items():
            stmt = (sa.select(Case).where(
                permissions.scope_condition(user, Case.org_id), Case.family == family,
                Case.state.in_(action.sources)).order_by(Case.id).limit(TRANSITIONS * 2))
            cases = [c for c in db.session.scalars(stmt)
                     if permissions.can_fire(user, c, action)][:TRANSITIONS]
            if len(cases) == TRANSITIONS:
                return {"user": role, "trigger": trigger, "family": family,
                        "cases": [(c.id, c.version) for c in cases]}
    return None


# --- servers --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One gunicorn (4 sync workers) on a loopback port; stop() ends its whole process group."""

    def __init__(self, name: str, target: str, env: dict, log: Path, health: str = "/healthz"):
        self.name, self.port, self.health = name, free_port(), health
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *GUNICORN, "-b", f"127.0.0.1:{self.port}",
             "--chdir", str(ROOT), target],
            env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} did not start (see {self.log.name}).")
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.base + self.health, timeout=5).ok:
                    return
            time.sleep(0.2)
        raise SystemExit(f"{self.name} did not answer within {timeout:.0f} s.")

    def workers(self) -> list[int]:
        pid = self.proc.pid
        with contextlib.suppress(OSError):
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return []

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.log.close()

    def drain(self, limit: float = 120) -> None:
        """Wait until every worker is free again: requests wrk abandoned at the end of a run
        still hold workers (up to the 30 s timeout) and would slow the next page down."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            times = []

            def probe():
                start = time.monotonic()
                with contextlib.suppress(requests.RequestException):
                    requests.get(self.base + self.health, timeout=limit)
                times.append(time.monotonic() - start)

            probes = [threading.Thread(target=probe) for _ in range(4)]
            for t in probes:
                t.start()
            for t in probes:
                t.join()
            if max(times) < 0.5:
                return


def pg_idle(url: str, limit: float = 120) -> None:
    """Wait until no query of the benchmark's servers still runs (a worker killed by its timeout
    leaves its query running on the server)."""
    if is_sqlite(url):
        return
    import psycopg

    deadline = time.monotonic() + limit
    with psycopg.connect(driver_url(url), autocommit=True) as conn:
        while time.monotonic() < deadline:
            busy = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND application_name LIKE 'bench-%%'").fetchone()[0]
            if not busy:
                return
            time.sleep(0.5)


# --- logging in -----------------------------------------------------------------------------

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def csrf_token(html: str) -> str:
    tag = CSRF.search(html)
    value = re.search(r'value="([^"]+)"', tag.group(0)) if tag else None
    if value is None:
        raise SystemExit("No CSRF token on the page.")
    return value.group(1)


def login(base: str, username: str, password: str) -> requests.Session:
    """A session logged in through the login form (GET for the token, POST the form). When the
    login fails the session stays anonymous, and that user's pages fail in the table."""
    session = requests.Session()
    form = session.get(base + "/login", timeout=30)
    answer = session.post(base + "/login", allow_redirects=False, timeout=60, data={
        "csrf_token": csrf_token(form.text), "username": username, "password": password})
    where = answer.headers.get("Location", "")
    if answer.status_code != 302 or "/login" in where:
        print(f"  logging in {username} failed (HTTP {answer.status_code} {where})", flush=True)
        session.cookies.clear()
    return session


def cookie_header(session: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


# --- measuring ------------------------------------------------------------------------------

def check(session: requests.Session | None, url: str, marker: str) -> str | None:
    """Why the page cannot be measured (redirect, error, wrong page), or None when it is fine:
    a login page served at 16 connections would otherwise look fast."""
    getter = session.get if session is not None else requests.get
    try:
        answer = getter(url, allow_redirects=False, timeout=120)
    except requests.RequestException as exc:
        return f"no answer ({type(exc).__name__})"
    if 300 <= answer.status_code < 400:
        return f"redirect to {urlsplit(answer.headers.get('Location', '')).path or '?'}"
    if answer.status_code != 200:
        return f"HTTP {answer.status_code}"
    if marker and marker.encode() not in answer.content:
        return "unexpected page"
    return None


def wrk(urls: list[str], cookie: str | None, connections: int, duration: int) -> dict:
    """Run wrk (one process per URL, at once) and sum their figures; latencies are the worst."""
    procs = []
    for url in urls:
        argv = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "35s",
                "-s", str(BENCH / "report.lua")]
        if cookie:
            argv += ["-H", f"Cookie: {cookie}"]
        procs.append(subprocess.Popen(argv + [url], stdout=subprocess.PIPE, text=True))
    figures = []
    for proc in procs:
        out, _ = proc.communicate(timeout=duration + 90)
        line = next((ln for ln in out.splitlines() if ln.startswith("BENCH_JSON ")), None)
        if line is None:
            raise SystemExit(f"wrk printed no figures:\n{out}")
        figures.append(json.loads(line[len("BENCH_JSON "):]))
    total = {k: sum(f[k] for f in figures) for k in ("requests", "rps", "non2xx",
                                                      "socket_errors", "timeouts")}
    total.update({k: max(f[k] for f in figures) for k in ("p50_ms", "p95_ms", "p99_ms",
                                                          "max_ms")})
    return total


def warm_up(servers: list[Server], urls: list[str], cookie: str | None, connections: int,
            seconds: int, url: str) -> None:
    """wrk for `seconds` exactly as the measurement will run, figures thrown away, then a drain:
    check() warms one worker, and the other three would compile their templates and statements
    (0.3-0.8 s each) inside the measured window."""
    if seconds <= 0:
        return
    wrk(urls, cookie, connections, seconds)
    for server in servers:
        server.drain()
    pg_idle(url)


def measure_reference(server: Server, path: str, duration: int, warmup: int,
                      url: str) -> dict:
    problem = check(None, server.base + path, "")
    if problem:
        raise SystemExit(f"{server.name} reference: {problem}")
    warm_up([server], [server.base + path], None, 16, warmup, url)
    result = wrk([server.base + path], None, 16, duration)
    server.drain()
    return result


def measure_page(page: Page, context: dict, apps: list[Server], sessions: dict,
                 duration: int, url: str, warmup: int) -> dict:
    path = page.url(context)
    row = {"key": page.key, "name": page.name, "path": path, "user": page.user,
           "connections": page.connections, "target": page.target, "failure": None}
    problem = check(sessions[page.user], apps[0].base + path, page.marker)
    if problem:
        row["failure"] = problem
        return row
    urls, cookie = [a.base + path for a in apps], cookie_header(sessions[page.user])
    warm_up(apps, urls, cookie, page.connections, warmup, url)
    figures = wrk(urls, cookie, page.connections, duration)
    row.update(figures)
    if figures["requests"] == 0:
        row["failure"] = f"no answer within {duration} s"
    elif figures["non2xx"] or figures["socket_errors"]:
        row["failure"] = (f"{figures['non2xx']} non-2xx, {figures['socket_errors']} "
                          f"socket errors")
    for app in apps:
        app.drain()
    pg_idle(url)
    return row


def rss_kb(pid: int, field_name: str = "VmRSS") -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    return 0


def cpu_ticks(pid: int) -> int:
    with contextlib.suppress(OSError, IndexError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    return 0


def measure_export(app: Server, session: requests.Session, context: dict) -> dict:
    """Stream the CSV export to nowhere: time to first byte, total time, rows, and the serving
    worker's RSS before and at its peak (sampled from /proc while the body streams)."""
    path = _q("/reports/cases.csv", **context["export_args"])
    workers = app.workers()
    before = {pid: (rss_kb(pid), cpu_ticks(pid)) for pid in workers}
    peak = dict.fromkeys(workers, 0)
    streaming = threading.Event()
    streaming.set()

    def sample():
        while streaming.is_set():
            for pid in workers:
                peak[pid] = max(peak[pid], rss_kb(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    start = time.monotonic()
    ttfb, size, lines, status, kind = None, 0, 0, None, ""
    try:
        with session.get(app.base + path, stream=True, timeout=600,
                         allow_redirects=False) as answer:
            status = answer.status_code
            kind = answer.headers.get("Content-Type", "")
            for chunk in answer.iter_content(65536):
                if ttfb is None:
                    ttfb = time.monotonic() - start
                size += len(chunk)
                lines += chunk.count(b"\n")
    finally:
        total = time.monotonic() - start
        streaming.clear()
        sampler.join()
    server = max(workers, key=lambda pid: cpu_ticks(pid) - before[pid][1], default=None)
    result = {"path": path, "status": status, "content_type": kind,
              "expected_rows": context["export_rows"], "rows": max(lines - 1, 0),
              "bytes": size, "seconds": round(total, 3),
              "ttfb_ms": round(ttfb * 1000, 1) if ttfb is not None else None}
    if server is not None:
        result.update(rss_before_mb=round(before[server][0] / 1024, 1),
                      rss_peak_mb=round(peak[server] / 1024, 1),
                      rss_growth_mb=round((peak[server] - before[server][0]) / 1024, 1))
    return result


def measure_transitions(app: Server, sessions: dict, context: dict) -> dict:
    """POST one simple transition on each prepared case, one after the other, timed."""
    plan = context.get("transition")
    if not plan:
        return {"failure": "no bench user has enough cases for a simple transition"}
    session = sessions[plan["user"]]
    first = plan["cases"][0][0]
    token = csrf_token(session.get(f"{app.base}/cases/{first}", timeout=60).text)
    times, failed = [], 0
    for case_id, version in plan["cases"]:
        start = time.monotonic()
        answer = session.post(f"{app.base}/cases/{case_id}/actions/{plan['trigger']}",
                              data={"csrf_token": token, "version": version, "comment": ""},
                              allow_redirects=False, timeout=60)
        times.append((time.monotonic() - start) * 1000)
        failed += not (answer.status_code == 302
                       and "/login" not in answer.headers.get("Location", ""))
    return {"trigger": f"{plan['family']}.{plan['trigger']}", "count": len(times),
            "failed": failed, "p50_ms": round(percentile(times, 50), 1),
            "p95_ms": round(percentile(times, 95), 1)}


def measure_sweep(url: str) -> dict:
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "deadlines", "sweep"],
                          cwd=ROOT, env={**os.environ, "DATABASE_URL": app_url(url)},
                          capture_output=True, text=True, timeout=3600)
    seconds = time.monotonic() - start
    return {"seconds": round(seconds, 1), "exit": done.returncode,
            "output": (done.stdout + done.stderr).strip()[-300:]}


#: What wrk() reports of one run (bench/report.lua): counts, then the figures the targets judge.
WRK_COUNTS = ("requests", "non2xx", "socket_errors", "timeouts")
JUDGED = ("rps", "p50_ms", "p95_ms", "p99_ms")
WRK_FIGURES = (*WRK_COUNTS, *JUDGED, "max_ms")


def aggregate(rounds: list[dict]) -> dict:
    """One page's row from its rounds (measure_page's rows, in order): req/s, p50, p95 and p99
    are each the median over the rounds (one slow round moves a median, unlike a mean, by one
    rank only), rps_min and rps_max their spread, the counts summed, max_ms the worst, and
    `rounds` every round's own figures. A page that failed in any round fails with the first
    such round's failure and figures, as a single run would have shown them."""
    row = {k: v for k, v in rounds[0].items() if k not in WRK_FIGURES}
    row["rounds"] = [{k: r[k] for k in ("failure", *WRK_FIGURES) if k in r} for r in rounds]
    failed = next((i for i, r in enumerate(rounds) if r["failure"]), None)
    if failed is not None:
        bad = rounds[failed]
        row.update({k: bad[k] for k in WRK_FIGURES if k in bad})
        row["failure"] = (bad["failure"] if len(rounds) == 1
                          else f"round {failed + 1}: {bad['failure']}")
        return row
    row.update({k: statistics.median(r[k] for r in rounds) for k in JUDGED})
    row.update({k: sum(r[k] for r in rounds) for k in WRK_COUNTS})
    row["max_ms"] = max(r["max_ms"] for r in rounds)
    row["rps_min"] = min(r["rps"] for r in rounds)
    row["rps_max"] = max(r["rps"] for r in rounds)
    return row


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]  # nearest rank


# --- the table ------------------------------------------------------------------------------

def judge(rows: list[dict], refs: dict, compare: dict | None) -> None:
    """Ratios and the verdict of each row, in place."""
    hello = statistics.median(r["rps"] for r in refs["hello"])
    raw = statistics.median(r["rps"] for r in refs["raw"])
    by_key = {r["key"]: r for r in rows}
    for r in rows:
        if r["failure"]:
            r.update(x_hello=None, x_raw=None, ok=False)
            continue
        r["x_hello"], r["x_raw"] = r["rps"] / hello, r["rps"] / raw
        page_one = by_key.get("list-national") if r["target"] == "list-deep" else None
        misses = TARGETS[r["target"]].misses(r, page_one)
        if compare:
            theirs = compare.get(r["key"])
            r["x_postgresql"] = r["rps"] / theirs if theirs else None
            if r["x_postgresql"] is not None and r["x_postgresql"] < 1 / SQLITE_MAX_SLOWDOWN:
                misses.append("vs PostgreSQL")
        r["misses"], r["ok"] = misses, not misses


def _n(value, digits=1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _spread(low, high, digits) -> str:
    return "—" if low is None else f"{_n(low, digits)}–{_n(high, digits)}"


def table(result: dict) -> str:
    """The pages beside their references (each figure a median over the runs); with more than
    one round, a column of each page's lowest and highest req/s."""
    refs = result["references"]
    hello = statistics.median(r["rps"] for r in refs["hello"])
    raw = statistics.median(r["rps"] for r in refs["raw"])
    compare = result.get("compare")
    spread = result.get("repeat", 1) > 1
    head = ["page", "req/s"] + (["req/s min–max"] if spread else [])
    head += ["p50", "p95", "p99", "× hello-world", "× raw SQL"]
    head += ["× PostgreSQL"] if compare else []
    head += ["target", "ok?"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]

    def ref_line(name, runs):
        rps = statistics.median(r["rps"] for r in runs)
        each = " / ".join(_n(r["rps"], 0) for r in runs)
        cells = [f"*{name}* ({each})", _n(rps, 0)]
        if spread:
            cells.append(_spread(min(r["rps"] for r in runs), max(r["rps"] for r in runs), 0))
        cells += [*(_n(statistics.median(r[k] for r in runs)) for k in ("p50_ms", "p95_ms",
                                                                        "p99_ms")),
                  _n(rps / hello, 2), _n(rps / raw, 2)]
        return "| " + " | ".join(cells + [""] * (len(head) - len(cells))) + " |"

    lines.append(ref_line("hello-world", refs["hello"]))
    lines.append(ref_line("raw SQL, list page 1", refs["raw"]))
    for r in result["pages"]:
        cells = [f"{r['name']}" + (f" (c{r['connections']})" if r["connections"] != 16 else "")]
        if r["failure"] and not r.get("requests"):
            cells += ["—"] * (7 if spread else 6)
        else:
            cells.append(_n(r["rps"]))
            if spread:
                cells.append(_spread(r.get("rps_min"), r.get("rps_max"), 1))
            cells += [_n(r["p50_ms"]), _n(r["p95_ms"]), _n(r["p99_ms"]),
                      _n(r.get("x_hello"), 2), _n(r.get("x_raw"), 2)]
        if compare:
            cells.append(_n(r.get("x_postgresql"), 2))
        cells.append(TARGETS[r["target"]].describe())
        if r["failure"]:
            cells.append(f"**FAIL**: {r['failure']}")
        else:
            cells.append("yes" if r["ok"] else "**no** (" + ", ".join(r["misses"]) + ")")
        lines.append("| " + " | ".join(cells) + " |")
    other = other_table(result)
    return "\n".join(lines) + ("\n\n" + other if other else "") + "\n"


def other_table(result: dict) -> str:
    lines = []
    export = result.get("export")
    if export:
        ok = (export.get("status") == 200 and "csv" in export.get("content_type", "")
              and export.get("ttfb_ms") is not None
              and export["ttfb_ms"] <= EXPORT_TTFB_MS
              and export.get("rss_growth_mb", 0) <= EXPORT_RSS_GROWTH_MB)
        lines.append(
            f"| CSV export `{export['path']}`, {export['rows']:,} rows ({export['seconds']} s, "
            f"{export['bytes'] / 1e6:.1f} MB) | first byte {_n(export['ttfb_ms'], 0)} ms; worker "
            f"RSS {_n(export.get('rss_before_mb'))} → {_n(export.get('rss_peak_mb'))} MB | "
            f"first byte ≤ {EXPORT_TTFB_MS} ms, RSS growth ≤ {EXPORT_RSS_GROWTH_MB} MB | "
            + ("yes |" if ok else f"**no** (HTTP {export['status']}, {export['content_type']}) |"))
    trans = result.get("transition")
    if trans:
        if trans.get("failure"):
            lines.append(f"| transition | — | p95 ≤ {TRANSITION_P95_MS} ms | **FAIL**: "
                         f"{trans['failure']} |")
        else:
            ok = not trans["failed"] and trans["p95_ms"] <= TRANSITION_P95_MS
            lines.append(
                f"| transition {trans['trigger']}, {trans['count']} cases in a row | "
                f"p50 {trans['p50_ms']} ms, p95 {trans['p95_ms']} ms"
                f"{', %d failed' % trans['failed'] if trans['failed'] else ''} | "
                f"p95 ≤ {TRANSITION_P95_MS} ms | {'yes' if ok else '**no**'} |")
    sweep = result.get("sweep")
    if sweep:
        ok = sweep["exit"] == 0 and sweep["seconds"] <= SWEEP_SECONDS
        lines.append(f"| `flask deadlines sweep`, whole database | {sweep['seconds']} s"
                     f"{'' if sweep['exit'] == 0 else ' (exit %d)' % sweep['exit']} | "
                     f"≤ {SWEEP_SECONDS} s | {'yes' if ok else '**no**'} |")
    if not lines:
        return ""
    return "| measurement | figure | target | ok? |\n|---|---|---|---|\n" + "\n".join(lines)


# --- the run --------------------------------------------------------------------------------

def machine(url: str) -> dict:
    info = {"nproc": os.cpu_count(), "python": platform.python_version()}
    with contextlib.suppress(OSError):
        mem = Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1]
        info["memory_gb"] = round(int(mem) / 1024 / 1024, 1)
    with contextlib.suppress(OSError):
        model = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        info["cpu"] = model.group(1) if model else platform.machine()
    if is_sqlite(url):
        import sqlite3

        info["database"] = f"SQLite {sqlite3.sqlite_version}"
    else:
        import psycopg

        with psycopg.connect(driver_url(url)) as conn:
            info["database"] = conn.execute("SHOW server_version").fetchone()[0]
            info["database"] = "PostgreSQL " + info["database"].split()[0]
    return info


def ensure_dataset(url: str, cases: int) -> dict:
    """bench_ready of the database, after generating the dataset when it has none."""
    ready = read_ready(url)
    if ready is None:
        print(f"No bench_ready in {url}: generating {cases:,} cases (bench.generate) …",
              flush=True)
        subprocess.run([sys.executable, "-m", "bench.generate", "--database-url", url,
                        "--cases", str(cases)], cwd=ROOT, check=True)
        ready = read_ready(url)
        if ready is None:
            raise SystemExit("bench.generate wrote no bench_ready.")
    return ready


def run(args) -> dict:
    url = args.database_url
    ready = ensure_dataset(url, args.cases or (SQLITE_CASES if is_sqlite(url) else 1_000_000))
    wanted = [p.strip() for p in args.pages.split(",")] if args.pages else None
    print(f"Preparing (the app's list SQL, deep page, export unit) on {url} …", flush=True)
    context = prepare(url, ready, wanted)
    page_list = [p for p in pages(context["sorts"]) if selected(p.key, wanted)]
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    log = RESULTS / f"{stamp}-servers.log"
    result = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "command": "python -m bench.run " + shlex.join(sys.argv[1:]),
              "database": re.sub(r"//[^@/]*@", "//", url), "cases": context["cases"],
              "duration_s": args.duration, "warmup_s": args.warmup, "repeat": args.repeat,
              "nodes": args.nodes, "machine": machine(url),
              "deep_page": context.get("deep_kind"),
              "references": {"hello": [], "raw": []}, "pages": []}
    compare = None
    if args.compare:
        theirs = json.loads(Path(args.compare).read_text())
        compare = {r["key"]: r.get("rps") for r in theirs["pages"] if not r.get("failure")}
        result["compare"] = args.compare
    with contextlib.ExitStack() as stack:
        def start(name, target, env):
            server = Server(name, target, env, log)
            stack.callback(server.stop)
            return server

        # The export is measured as the direct stream: above EXPORT_INLINE_MAX_ROWS the app
        # offers a background job instead, whose worker writes the same rows.
        app_env = {"DATABASE_URL": app_url(url, "bench-app"), "EXPORT_INLINE_MAX_ROWS":
                   os.environ.get("EXPORT_INLINE_MAX_ROWS", "10000000"),
                   # as in production: no worker compiles a template during a request
                   "COMPILE_TEMPLATES_ON_START": "1"}
        apps = [start(f"app{i + 1}", "wsgi:app", app_env) for i in range(args.nodes)]
        hello = start("hello", "bench.hello_app:app", {})
        raw = start("raw", "bench.reference_app:app", {
            "DATABASE_URL": app_url(url, "bench-raw"), "BENCH_RAW_SQL": context["raw_sql"],
            "BENCH_RAW_PARAMS": json.dumps(context["raw_params"])})
        hello.health = "/"
        for server in [*apps, hello, raw]:
            server.wait_ready()
        sessions = {role: login(apps[0].base, ready[name], ready["password"])
                    for role, name in USERS.items()}

        def references():
            print("  references …", flush=True)
            for name, server in (("hello", hello), ("raw", raw)):
                result["references"][name].append(
                    measure_reference(server, "/", args.duration, args.warmup, url))

        # Round after round, each whole, so a noisy minute of the shared machine lands on one
        # round of every page rather than on every round of a few pages.
        rounds: dict[str, list[dict]] = {page.key: [] for page in page_list}
        for n in range(args.repeat):
            if args.repeat > 1:
                print(f"round {n + 1} of {args.repeat}", flush=True)
            references()
            for page in page_list:
                print(f"  {page.key} …", flush=True)
                rounds[page.key].append(measure_page(page, context, apps, sessions,
                                                     args.duration, url, args.warmup))
            references()
        result["pages"] = [aggregate(rounds[page.key]) for page in page_list]
        if selected("export", wanted):
            print("  export …", flush=True)
            result["export"] = measure_export(apps[0], sessions["national"], context)
        if not args.read_only:
            if selected("transition", wanted):
                print("  transition …", flush=True)
                result["transition"] = measure_transitions(apps[0], sessions, context)
            if selected("sweep", wanted):
                print("  deadlines sweep …", flush=True)
                result["sweep"] = measure_sweep(url)
    judge(result["pages"], result["references"], compare)
    result["table"] = table(result)
    out = Path(args.output) if args.output else RESULTS / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    out.with_suffix(".md").write_text(header(result) + "\n" + result["table"])
    print()
    print(header(result))
    print(result["table"])
    print(f"Results: {out}")
    return result


def header(result: dict) -> str:
    m = result["machine"]
    warmup = f" after {result['warmup_s']} s of warm-up" if result.get("warmup_s") else ""
    rounds = f", median of {result['repeat']} rounds" if result.get("repeat", 1) > 1 else ""
    return (f"Run of {result['date']} on {m['nproc']} cores, {m.get('memory_gb', '?')} GB "
            f"({m.get('cpu', '?')}), {m['database']}, {result['cases']:,} cases, "
            f"{result['nodes']} app node(s), wrk {result['duration_s']} s per page"
            f"{warmup}{rounds}"
            f"{', deep page by ' + result['deep_page'] if result.get('deep_page') else ''}.\n"
            f"Command: `{result['command']}`\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split(
        "\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL",
                                                                 DEFAULT_URL))
    parser.add_argument("--cases", type=int, help="cases to generate when the database has "
                        f"no bench_ready (default 1,000,000; {SQLITE_CASES:,} with --sqlite)")
    parser.add_argument("--pages", help="comma-separated page keys or prefixes "
                        "(list, detail, search, home, dashboard, periodic, export, transition, "
                        "sweep, ...); default: all")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--warmup", type=int, default=WARMUP_SECONDS, metavar="SECONDS",
                        help="seconds of unrecorded wrk before each measurement, so every "
                        f"worker is warm (default {WARMUP_SECONDS}; 0: none)")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="rounds of the references and every wrk page; each figure is the "
                        "median over the rounds (default 1; 3 for a verdict)")
    parser.add_argument("--nodes", type=int, default=1, choices=(1, 2),
                        help="app gunicorn instances, driven at once")
    parser.add_argument("--sqlite", action="store_true",
                        help=f"measure a SQLite database of {SQLITE_CASES:,} cases instead")
    parser.add_argument("--compare", help="results JSON of a PostgreSQL run (with --sqlite)")
    parser.add_argument("--read-only", action="store_true",
                        help="skip the transition and the sweep (they write)")
    parser.add_argument("--output", help="results JSON path (default bench/results/<stamp>)")
    parser.add_argument("--list-pages", action="store_true", help="print the page keys and exit")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat takes 1 or more, --warmup 0 or more")
    if args.list_pages:
        from app.cases.queries import SORTS

        for page in pages(list(SORTS)):
            print(f"{page.key:22} {page.name}")
        for key in EXTRA:
            print(key)
        return 0
    if args.sqlite and args.database_url == parser.get_default("database_url"):
        args.database_url = f"sqlite:///{SQLITE_FILE}"
    if is_sqlite(args.database_url):  # the servers run elsewhere: a relative path would move
        path = Path(urlsplit(args.database_url).path[1:]).resolve()
        args.database_url = f"sqlite:///{path}"
        path.parent.mkdir(parents=True, exist_ok=True)
    elif args.sqlite:
        parser.error("--sqlite takes a sqlite:/// --database-url or none")
    # config reads the environment when first imported (here, or by prepare()).
    os.environ["DATABASE_URL"] = app_url(args.database_url)
    # bench.generate seals identities under IDENTITY_KEY, TestConfig's when none is set: the
    # servers, the sweep and prepare() must read them with the same key.
    if not os.environ.get("IDENTITY_KEY"):
        from config import TestConfig

        os.environ["IDENTITY_KEY"] = TestConfig.IDENTITY_KEY
    # Ctrl+C and a plain kill both unwind through the ExitStack that stops the servers.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = run(args)
    return 0 if all(r.get("ok") for r in result["pages"]) else 1


if __name__ == "__main__":
    sys.exit(main())
