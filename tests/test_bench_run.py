"""The benchmark runner end to end on a tiny dataset: real gunicorn servers, real wrk, the table.

Skipped where wrk or gunicorn is missing, except in CI (.ci/run installs wrk, the bench extra
gunicorn)."""
import json
import os
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from config import TestConfig

ROOT = Path(__file__).resolve().parent.parent
MISSING = [name for name, found in (("wrk", shutil.which("wrk")),
                                    ("gunicorn", find_spec("gunicorn"))) if not found]
pytestmark = pytest.mark.skipif(bool(MISSING) and not os.environ.get("CI"),
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


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_runner_prints_the_table_and_fails_a_page_that_redirects_to_login(
        backend, new_database, tmp_path):
    url = new_database(backend)
    env = {**os.environ, "DATABASE_URL": url, "IDENTITY_KEY": TestConfig.IDENTITY_KEY,
           "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", MAKE_DATASET], cwd=ROOT, env=env, check=True,
                   timeout=120)
    out = tmp_path / "results.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench.run", "--database-url", url, "--duration", "1",
         "--pages", "list-national,home-grassroots", "--read-only", "--output", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
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
