"""A migration revision is frozen history: it imports nothing from the app.

A revision that imported `app.*` would run whatever the app's code is on the day an old database
is upgraded, not what it was when the revision was written; a later rename or change of
algorithm there would break the upgrade or silently write different data. A revision copies what
it needs instead, and a test here keeps each copy equal to the app's code as of today.
"""
from __future__ import annotations

import ast
import importlib.util
import json
import unicodedata
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
SEAL_REVISION = MIGRATIONS / "versions" / "f4e22a53a4dc_letters_identity_deadlines.py"


def _is_app(module: str | None) -> bool:
    return module is not None and (module == "app" or module.startswith("app."))


def app_imports(source: str, filename: str = "<source>") -> list[str]:
    """Every import of `app` or `app.*` in `source`, at any depth (functions, classes,
    conditionals), as "file:line: statement"; also importlib.import_module / __import__ of a
    literal "app..." name."""
    found = []
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if _is_app(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module] if node.level == 0 and _is_app(node.module) else []
        elif isinstance(node, ast.Call):
            func = node.func
            called = getattr(func, "attr", None) or getattr(func, "id", None)
            arg = node.args[0] if node.args else None
            names = [arg.value] if called in ("import_module", "__import__") and isinstance(
                arg, ast.Constant) and isinstance(arg.value, str) and _is_app(arg.value) else []
        else:
            continue
        if names:
            found.append(f"{filename}:{node.lineno}: {ast.get_source_segment(source, node)}")
    return sorted(found, key=lambda s: (s.split(":")[0], int(s.split(":")[1])))


def _migration_files() -> list[Path]:
    return sorted(MIGRATIONS.rglob("*.py"))


def test_every_migration_file_is_checked():
    files = {p.relative_to(MIGRATIONS).as_posix() for p in _migration_files()}
    assert "env.py" in files
    assert SEAL_REVISION.relative_to(MIGRATIONS).as_posix() in files
    assert len([f for f in files if f.startswith("versions/")]) >= 10


def test_no_migration_imports_the_app():
    found = []
    for path in _migration_files():
        found += app_imports(path.read_text(encoding="utf-8"),
                             str(path.relative_to(MIGRATIONS.parent)))
    assert not found, ("a migration imports the app (copy what it needs into the revision "
                       "instead):\n" + "\n".join(found))


@pytest.mark.parametrize("source, line", [
    ("import app\n", 1),
    ("import os, app.identity.services as s\n", 1),
    ("from app import create_app\n", 1),
    ("from app.identity.services import Reporter\n", 1),
    ("def f():\n    if True:\n        from app.core.text import fold\n", 3),
    ("class C:\n    def m(self):\n        import app.extensions\n", 3),
    ("import importlib\nimportlib.import_module('app.identity')\n", 2),
    ("x = __import__('app')\n", 1),
])
def test_the_check_sees_every_form_of_app_import(source, line):
    assert [s.split(":")[1] for s in app_imports(source, "rev.py")] == [str(line)]


@pytest.mark.parametrize("source", [
    "import application\n", "from apps import x\n", "from flask import current_app\n",
    "from .app import x\n", "import sqlalchemy as sa\nfrom alembic import op\n",
    "approved = 'app.identity'\n",
])
def test_the_check_leaves_other_imports_alone(source):
    assert app_imports(source) == []


# --- the frozen copy of revision f4e22a53a4dc answers as the app does today -----------------

def _load_revision(path: Path):
    spec = importlib.util.spec_from_file_location(f"revision_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


NAMES = ["Nguyễn Thị Tố Giác", "nguyen thi to giac", "Nguyễn\u200b Thị\u202e Hoa",
         "ĐẶNG ĐỨC đạt", "Ｎｇｕｙｅｎ Văn　A", unicodedata.normalize("NFD", "Trần Thị Ngọc Ánh"),
         "  Lê\tVăn\nHùng\u00ad ", "\ufeff\u2066Phạm\u2069 Quý\x07", "İstanbul ß", "", "   ",
         "\u200b", "Ng\ue000uyễn \U000f0001Văn", "Lê\ud800 Thị", "한국" * 50]


@pytest.fixture
def key_app():
    """An app (no database) whose IDENTITY_KEY is changed by each test."""
    from app import create_app
    from config import TestConfig

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"

    app = create_app(Config)
    with app.app_context():
        yield app


@pytest.mark.parametrize("keys", [
    "PPOrA1eG9Ye2A0KpIisiKb2E5JNXSa5RJgI4BipiCHM=",
    # a rotation under way: encrypt and digest with the first key
    " Xg3Kq1Yd0yq5m2c6VwqkzJk0b9bqkq3tH3ZrY6m0o3w= , PPOrA1eG9Ye2A0KpIisiKb2E5JNXSa5RJgI4BipiCHM=",
    "PPOrA1eG9Ye2A0KpIisiKb2E5JNXSa5RJgI4BipiCHM=,",  # a stray comma: no empty key
])
def test_the_seal_revision_encrypts_and_digests_as_the_app(key_app, keys):
    """Revision f4e22a53a4dc seals reporters with its own copy of app.identity.services
    (Reporter, _encrypt, sender_digest and the name folding): same digest, and a ciphertext the
    app decrypts, for the same input under the same IDENTITY_KEY."""
    from app.core.text import fold_name
    from app.identity import services as identity

    key_app.config["IDENTITY_KEY"] = keys
    revision = _load_revision(SEAL_REVISION)
    assert revision._identity_keys() == identity.identity_keys()
    assert revision._digest_key() == identity._digest_key()
    for name in NAMES:
        for kwargs in ({"name": name, "contact": "0912 345 678"}, {"representative": name},
                       {"signers": (name, "Bùi Văn B")}, {"signers": (name,)}):
            ours, theirs = revision._Reporter(**kwargs), identity.Reporter(**kwargs)
            assert ours.display_name == theirs.display_name, kwargs
            assert revision._sender_digest(ours) == identity.sender_digest(theirs), kwargs
        assert revision._fold_name(name) == fold_name(name), name
        payload = json.dumps({"name": name, "contact": "0912"}).encode()
        token = revision._encrypt(payload)
        assert identity._decrypt(token) == payload
        assert Fernet(identity.identity_keys()[0]).decrypt(token) == payload  # the newest key
        assert payload not in token
    # One sender however the name was typed.
    assert revision._sender_digest(revision._Reporter(name="Nguyễn Văn A")) == \
        identity.sender_digest(identity.Reporter(name="nguyen van a"))


@pytest.mark.parametrize("keys", ["", "not-a-fernet-key"])
def test_the_seal_revision_refuses_a_bad_key_as_the_app(key_app, keys):
    """No or an invalid IDENTITY_KEY: both refuse to encrypt (never store a reporter in clear)."""
    from app.identity import services as identity

    key_app.config["IDENTITY_KEY"] = keys
    revision = _load_revision(SEAL_REVISION)
    with pytest.raises(identity.IdentityKeyError):
        identity._encrypt(b"x")
    with pytest.raises(RuntimeError, match="IDENTITY_KEY is not a valid Fernet key"):
        revision._encrypt(b"x")


# --- the frozen copy of revision b16d0f01dun1 folds the units' names as the app does today ---

def test_the_unit_search_revision_folds_as_the_app():
    """Revision b16d0f01dun1 backfills organisation.search_text with its own copy of the fold
    and of app.orgs.models.search_text_of: same text for the same names."""
    from app.core.text import fold
    from app.orgs.models import search_text_of

    revision = _load_revision(MIGRATIONS / "versions" / "b16d0f01dun1_unit_search_text.py")
    for name in NAMES + ["Liên đoàn Lao động tỉnh Hà Tĩnh", "e\u0301\u0323 a\u0306\u0300"]:
        assert revision.fold(name) == fold(name), name
        for label, short_name in (("", "LĐLĐ"), ("LĐLĐ Hà Tĩnh", "LĐLĐ"), (None, ""),
                                  (name, name)):
            assert revision.search_text_of(name, label, short_name) == \
                search_text_of(name, label, short_name), (name, label, short_name)
