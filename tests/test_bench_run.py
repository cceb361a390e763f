"""The benchmark runner end to end on a tiny dataset: real gunicorn servers, real wrk, the table;
and the rounds' medians, the verdict and the table from given figures.

The end-to-end runs are skipped where wrk or gunicorn is missing, except in CI (.ci/run installs
wrk, the bench extra gunicorn)."""
import json
import os
import shutil
import statistics
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config import TestConfig

ROOT = Path(__file__).resolve().parent.parent
MISSING = [name for name, found in (("wrk", shutil.which("wrk")),
                                    ("gunicorn", find_spec("gunicorn"))) if not found]
needs_tools = pytest.mark.skipif(bool(MISSING) and not os.environ.get("CI"),
                                reason=f"needs {', '.join(MISSING)}")

#: Builds the dataset in its own process: the demo tree and 30 cases, the three bench users (the
#: grassroots one deactivated, so its login fails) and bench_ready.
MAKE_DATASET = """
import sqlalchemy as sa
from app import create_app
from app.auth.services import create_user
from app.demo import seed
from app.extensions import db
from app.cases.models import Case
from app.auth.models import User

app = create_app()
with app.app_context():
    db.create_all()
    seed(case_count=30)
    db.session.flush()
    def org_of(username):
        return db.session.scalar(sa.select(User).where(User.username == username)).roles[0].org

    for name, demo_user in (("bench_national", "tld"), ("bench_province", "canbo"),
                            ("bench_grassroots", "cdcs.thep")):
        create_user(name, name, "bench-password-1", [("handler", org_of(demo_user))])
    db.session.flush()
    db.session.scalar(sa.select(User).where(User.username == "bench_grassroots")).active = False
    detail = db.session.scalar(sa.select(Case.id).order_by(Case.id))
    db.session.execute(sa.text(
        "CREATE TABLE bench_ready (key VARCHAR(40) PRIMARY KEY, value TEXT)"))
    for key, value in {"login_national": "bench_national", "login_province": "bench_province",
                       "login_grassroots": "bench_grassroots",
                       "password": "bench-password-1", "detail_case_id": detail}.items():
        db.session.execute(sa.text("INSERT INTO bench_ready VALUES (:k, :v)"),
                           {"k": key, "v": str(value)})
    db.session.commit()
"""


def _run_bench(url: str, out, env: dict, args: list[str], timeout: int):
    """The runner over MAKE_DATASET's small dataset at `url`, its list and grassroots home
    pages for 1 s each (and `args`), its JSON in `out`."""
    env = {**os.environ, "DATABASE_URL": url, "IDENTITY_KEY": TestConfig.IDENTITY_KEY,
           "PYTHONPATH": str(ROOT), **env}
    subprocess.run([sys.executable, "-c", MAKE_DATASET], cwd=ROOT, env=env, check=True,
                   timeout=120)
    return subprocess.run(
        [sys.executable, "-m", "bench.run", "--database-url", url, "--duration", "1", *args,
         "--pages", "list-national,home-grassroots", "--read-only", "--output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False)


@needs_tools
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_runner_prints_the_table_and_fails_a_page_that_redirects_to_login(
        backend, new_database, tmp_path):
    out = tmp_path / "results.json"
    run = _run_bench(new_database(backend), out, {}, [], timeout=180)
    # A failed page makes the run fail, and the grassroots user cannot log in.
    assert run.returncode == 1, run.stdout + run.stderr
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in run.stdout.splitlines() if line.startswith("| ")}
    listed = rows["case list, national, page 1"]
    assert float(listed[0].replace(",", "")) > 0  # req/s
    assert all(float(c.replace(",", "")) >= 0 for c in listed[1:6])  # p50..p99 and ratios
    hello = next(cells for name, cells in rows.items() if name.startswith("*hello-world*"))
    assert float(hello[0].replace(",", "")) > 0
    home = rows["home, grassroots"]
    assert home[0] == "—"
    assert home[-1] == "**FAIL**: redirect to /login"
    saved = json.loads(out.read_text())
    assert [p["key"] for p in saved["pages"]] == ["list-national", "home-grassroots"]
    assert len(saved["references"]["hello"]) == len(saved["references"]["raw"]) == 2
    assert saved["pages"][0]["requests"] > 0 and saved["pages"][0]["failure"] is None
    # One round by default: the table keeps its columns, the JSON the round's own figures.
    head = next(line for line in run.stdout.splitlines() if line.startswith("| page |"))
    assert [c.strip() for c in head.split("|")[1:-1]] == [
        "page", "req/s", "p50", "p95", "p99", "× hello-world", "× raw SQL", "target", "ok?"]
    assert saved["repeat"] == 1
    assert [r["rps"] for r in saved["pages"][0]["rounds"]] == [saved["pages"][0]["rps"]]


#: A wrk that writes its arguments (one JSON list a line) to $WRK_LOG and runs the real one.
LOGGING_WRK = """#!{python}
import json, os, sys
with open(os.environ["WRK_LOG"], "a") as log:
    log.write(json.dumps(sys.argv[1:]) + "\\n")
os.execv({wrk!r}, ["wrk", *sys.argv[1:]])
"""


@needs_tools
def test_rounds_warm_up_every_measurement_and_report_medians(new_database, tmp_path):
    url = new_database("sqlite")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "wrk").write_text(LOGGING_WRK.format(python=sys.executable,
                                                    wrk=shutil.which("wrk")))
    (bin_dir / "wrk").chmod(0o755)
    log = tmp_path / "wrk.log"
    out = tmp_path / "results.json"
    run = _run_bench(url, out, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                                "WRK_LOG": str(log)},
                     ["--warmup", "2", "--repeat", "2"], timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr

    # Each measurement (the 1 s run) follows a 2 s warm-up with the same URL, connections and
    # cookie; each round measures the references, the page, the references again.
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 2 * 2 * 5
    warm, measured = calls[0::2], calls[1::2]
    assert all("-d2s" in c for c in warm) and all("-d1s" in c for c in measured)
    assert [[a for a in c if a != "-d2s"] for c in warm] == [
        [a for a in c if a != "-d1s"] for c in measured]
    paths = [urlsplit(c[-1]).path for c in measured]
    assert paths == ["/", "/", "/cases/", "/", "/"] * 2
    assert [any(a.startswith("Cookie: ") for a in c) for c in measured] == [
        False, False, True, False, False] * 2
    assert [c[-1] for c in measured[:5]] == [c[-1] for c in measured[5:]]

    # The JSON keeps every round; the page's figures are the rounds' medians.
    saved = json.loads(out.read_text())
    assert saved["repeat"] == 2 and saved["warmup_s"] == 2
    assert len(saved["references"]["hello"]) == len(saved["references"]["raw"]) == 4
    listed, home = saved["pages"]
    rounds = listed["rounds"]
    assert len(rounds) == 2 and all(r["requests"] > 0 and r["failure"] is None for r in rounds)
    for figure in ("rps", "p50_ms", "p95_ms", "p99_ms"):
        assert listed[figure] == pytest.approx(statistics.median(r[figure] for r in rounds))
    assert (listed["rps_min"], listed["rps_max"]) == (min(r["rps"] for r in rounds),
                                                      max(r["rps"] for r in rounds))
    assert home["failure"] == "round 1: redirect to /login" and len(home["rounds"]) == 2

    # The table adds the spread of req/s over the rounds.
    lines = [line for line in run.stdout.splitlines() if line.startswith("| ")]
    head = [c.strip() for c in lines[0].split("|")[1:-1]]
    assert head[:3] == ["page", "req/s", "req/s min–max"] and len(head) == 10
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]]
            for line in lines[2:]}
    assert rows["case list, national, page 1"][1] == (
        f"{listed['rps_min']:,.1f}–{listed['rps_max']:,.1f}")
    assert rows["home, grassroots"][-1] == "**FAIL**: round 1: redirect to /login"


# --- the rounds' figures, without servers ---------------------------------------------------

def _round(rps, p50, p95, p99, requests=100, failure=None):
    return {"key": "detail", "name": "case detail, 30 events", "path": "/cases/4",
            "user": "national", "connections": 16, "target": "detail", "failure": failure,
            "requests": requests, "rps": rps, "p50_ms": p50, "p95_ms": p95, "p99_ms": p99,
            "max_ms": p99 + 10, "non2xx": 0, "socket_errors": 0, "timeouts": 0}


def test_aggregate_takes_each_figures_median_over_the_rounds():
    from bench.run import aggregate

    # The second round ran while the machine was busy: the means would be 90 req/s and
    # p99 436.7 ms; the medians leave that round out.
    rounds = [_round(100.0, 50.0, 80.0, 200.0), _round(60.0, 90.0, 400.0, 900.0, requests=60),
              _round(110.0, 45.0, 85.0, 210.0)]
    row = aggregate(rounds)
    assert (row["rps"], row["p50_ms"], row["p95_ms"], row["p99_ms"]) == (100.0, 50.0, 85.0,
                                                                         210.0)
    assert (row["rps_min"], row["rps_max"]) == (60.0, 110.0)
    assert row["requests"] == 260 and row["max_ms"] == 910.0
    assert row["failure"] is None and row["key"] == "detail" and row["connections"] == 16
    assert [r["rps"] for r in row["rounds"]] == [100.0, 60.0, 110.0]
    assert row["rounds"][1] == {k: v for k, v in rounds[1].items() if k not in (
        "key", "name", "path", "user", "connections", "target")}


def test_aggregate_fails_a_page_that_failed_in_any_round():
    from bench.run import aggregate

    bad = {**_round(20.0, 300.0, 900.0, 1500.0), "non2xx": 3,
           "failure": "3 non-2xx, 0 socket errors"}
    row = aggregate([_round(100.0, 50.0, 80.0, 200.0), bad, _round(110.0, 45.0, 85.0, 210.0)])
    assert row["failure"] == "round 2: 3 non-2xx, 0 socket errors"
    assert (row["rps"], row["p99_ms"], row["non2xx"]) == (20.0, 1500.0, 3)
    assert len(row["rounds"]) == 3
    # One round: the failure as a single run has always shown it.
    assert aggregate([bad])["failure"] == "3 non-2xx, 0 socket errors"


def test_the_verdict_and_the_table_read_the_medians():
    from bench.run import aggregate, judge, table

    # Hello-world's median is 1,000 req/s (its mean 1,725): the detail page's 100 req/s meets
    # "≥ 0.1× hello" by the median and would miss it by the mean.
    refs = {"hello": [{"rps": r, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0}
                      for r in (1000.0, 4000.0, 900.0, 1000.0)],
            "raw": [{"rps": r, "p50_ms": 5.0, "p95_ms": 6.0, "p99_ms": 7.0}
                    for r in (400.0, 500.0, 450.0, 300.0)]}
    rounds = [_round(100.0, 50.0, 80.0, 90.0), _round(60.0, 90.0, 400.0, 900.0),
              _round(110.0, 45.0, 85.0, 95.0)]
    pages = [aggregate(rounds)]
    judge(pages, refs, None)
    assert pages[0]["x_hello"] == pytest.approx(0.1) and pages[0]["ok"], pages[0]
    assert pages[0]["x_raw"] == pytest.approx(100 / 425)

    def cells(text, name):
        line = next(ln for ln in text.splitlines() if ln.startswith(f"| {name}"))
        return [c.strip() for c in line.split("|")[1:-1]]

    text = table({"references": refs, "pages": pages, "repeat": 3})
    assert cells(text, "page")[:3] == ["page", "req/s", "req/s min–max"]
    assert cells(text, "case detail")[1:4] == ["100.0", "60.0–110.0", "50.0"]
    assert cells(text, "*hello-world*")[1:3] == ["1,000", "900–4,000"]
    assert cells(text, "case detail")[-1] == "yes"
    one = [aggregate(rounds[:1])]
    judge(one, refs, None)
    single = table({"references": refs, "pages": one})
    assert cells(single, "page") == ["page", "req/s", "p50", "p95", "p99", "× hello-world",
                                     "× raw SQL", "target", "ok?"]
    assert cells(single, "case detail")[1:3] == ["100.0", "50.0"]
