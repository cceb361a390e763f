"""The import contracts of pyproject.toml hold, and each kind of breach fails them (run on a copy
of the tree with one import added)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _copy(tmp_path: Path) -> Path:
    tree = tmp_path / "tree"
    ignore = shutil.ignore_patterns("__pycache__", "translations", "static")
    for name in ("app", "workflows"):
        shutil.copytree(ROOT / name, tree / name, ignore=ignore)
    (tree / "tests").mkdir()
    (tree / "tests" / "__init__.py").write_text("")
    shutil.copy(ROOT / "tests" / "import_contracts.py", tree / "tests")
    shutil.copy(ROOT / "pyproject.toml", tree)
    return tree


def _lint(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT), "--no-cache"], cwd=tree, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    return _copy(tmp_path_factory.mktemp("layering"))


def test_the_tree_keeps_every_contract(tree):
    result = _lint(tree)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "kept, 0 broken" in result.stdout


@pytest.mark.parametrize("module, line, contract", [
    ("workflows/base.py", "from app.cases import models", "workflows/ is pure data"),
    ("app/core/text.py", "from app.cases import queries", "The base"),
    ("app/cases/queries.py", "from app.letters import services", "The kernel"),
    ("app/reports/stats.py", "from app.letters.models import LetterDetails",
     "A feature uses another"),
    ("app/letters/forms.py", "from app.core.text import _strip", "A feature uses another"),
    ("app/orgs/models.py",
     "def _late():\n    from app.auth import models  # noqa\n", "No two packages"),
])
def test_a_breach_breaks_its_contract(tmp_path, module, line, contract):
    tree = _copy(tmp_path)
    path = tree / module
    path.write_text(path.read_text() + "\n" + line + "\n")
    result = _lint(tree)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout[-3000:]
