"""The README's scripts: the demo starts in seconds when nothing changed.

`scripts/_venv.sh` (sourced by demo.sh and test.sh) reinstalls only when what the install
depends on changed; `seed-demo --migrate` migrates and seeds in one process."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent

FAKE_PYTHON = """#!/usr/bin/env bash
# Stands in for the venv's python: records each pip call, answers the version probe.
if [ "$1" = "-m" ] && [ "$2" = "pip" ]; then echo "$*" >> "$(dirname "$0")/../pip-calls"; exit 0; fi
echo "3.11.fake"
"""


@pytest.fixture
def checkout(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "_venv.sh", tmp_path / "scripts" / "_venv.sh")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(FAKE_PYTHON)
    python.chmod(0o755)
    return tmp_path


def _source(checkout: Path, extras: str = "") -> list[str]:
    subprocess.run(["bash", "-c", f'source scripts/_venv.sh "{extras}"'], cwd=checkout,
                   check=True, capture_output=True, timeout=30)
    calls = checkout / ".venv" / "pip-calls"
    return calls.read_text().splitlines() if calls.exists() else []


def test_venv_installs_once_then_not_again_until_pyproject_changes(checkout):
    first = _source(checkout)
    assert any("install --quiet -e ." in call for call in first)

    assert _source(checkout) == first, "nothing changed: no pip call"

    with_tests = _source(checkout, "[test]")
    assert with_tests[-1].endswith('-e .[test]'), "other extras are installed once"
    assert _source(checkout, "[test]") == with_tests

    (checkout / "pyproject.toml").write_text((checkout / "pyproject.toml").read_text()
                                             + "\n# a new dependency\n")
    assert len(_source(checkout)) > len(with_tests), "a changed pyproject reinstalls"


def test_seed_demo_migrates_and_seeds_in_one_command(tmp_path):
    """What scripts/demo.sh runs on a machine with no database yet."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {"DATABASE_URL": url, "FLASK_APP": "wsgi", "PATH": "/usr/bin:/bin",
           "HOME": str(tmp_path)}
    flask = str(ROOT / ".venv" / "bin" / "flask")
    if not Path(flask).exists():
        flask = shutil.which("flask") or pytest.skip("flask command not found")
    done = subprocess.run([flask, "seed-demo", "--migrate", "--cases", "20"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Demo data loaded" in done.stdout
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        users = conn.scalar(sa.text("SELECT count(*) FROM user_account"))
        version = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
    engine.dispose()
    assert users >= 10 and version
    again = subprocess.run([flask, "seed-demo", "--migrate"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and "already present" in again.stdout
