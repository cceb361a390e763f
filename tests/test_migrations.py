"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

An operator deploys with `flask --app wsgi db upgrade` on an empty database; if the migration head
drifted from the models, inserts would fail in production while every other test (which uses
`create_all`) stays green.
"""
from __future__ import annotations

import logging.config
import os
import re
import subprocess
import sys
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app import ROOT, create_app
from app.extensions import db
from config import TestConfig

MIGRATIONS = ROOT / "migrations"

#: migrations/env.py (Flask-Migrate's template) still calls the deprecated db.get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


def _script() -> ScriptDirectory:
    cfg = AlembicConfig(str(MIGRATIONS / "alembic.ini"))
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


HEAD = _script().get_current_head()


@pytest.fixture(autouse=True)
def _keep_logging(monkeypatch):
    """env.py calls logging.config.fileConfig, which would disable every logger created so far
    (the app's, werkzeug's) for the rest of the test session; keep it out of the test process."""
    monkeypatch.setattr(logging.config, "fileConfig", lambda *args, **kwargs: None)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, new_database):
    """The URL of a brand-new, empty database."""
    return new_database(request.param)


@pytest.fixture
def mig_app(empty_url):
    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = empty_url

    app = create_app(Config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _is_search_table(name: str) -> bool:
    """SQLite's FTS5 search table and its shadow tables, made by DDL (app.cases.models)."""
    return name == "case_search" or name.startswith("case_search_")


def _include(obj, name, type_, reflected, compare_to) -> bool:
    """As migrations/env.py: no FTS5 tables, no index declared for another database."""
    if type_ == "table" and reflected and _is_search_table(name):
        return False
    ddl_if = getattr(obj, "_ddl_if", None)
    return not (type_ == "index" and ddl_if is not None and ddl_if.dialect is not None
                and ddl_if.dialect != db.engine.dialect.name)


def _tables() -> set[str]:
    with db.engine.connect() as conn:
        return {t for t in sa.inspect(conn).get_table_names() if not _is_search_table(t)}


def _revision() -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _schema_diff() -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                     "include_object": _include})
        return compare_metadata(ctx, db.metadata)


def _describe(difference) -> str:
    if isinstance(difference, list):  # column modifications come as a list of tuples
        return "; ".join(_describe(d) for d in difference)
    op, *args = difference
    return f"{op} " + " ".join(getattr(a, "name", None) or repr(a)[:80] for a in args)


def _literals(sql: str) -> set[str]:
    return set(re.findall(r"'([^']*)'", sql))


def _check_constraints() -> tuple[dict, dict]:
    """{(table, constraint name): allowed literals} as the models declare them and as migrated."""
    dialect = db.engine.dialect
    declared = {}
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.CheckConstraint):
                sql = str(constraint.sqltext.compile(dialect=dialect,
                                                     compile_kwargs={"literal_binds": True}))
                declared[(table.name, constraint.name)] = _literals(sql)
    migrated = {}
    with db.engine.connect() as conn:
        inspector = sa.inspect(conn)
        existing = set(inspector.get_table_names())
        for table in db.metadata.sorted_tables:
            if table.name not in existing:
                continue
            for constraint in inspector.get_check_constraints(table.name):
                migrated[(table.name, constraint["name"])] = _literals(constraint["sqltext"])
    return declared, migrated


def test_there_is_exactly_one_head_and_one_base():
    script = _script()
    assert len(script.get_heads()) == 1, f"several migration heads: {script.get_heads()}"
    assert len(script.get_bases()) == 1, f"several migration bases: {script.get_bases()}"
    # The history is one line from the head down to the base.
    chain = list(script.walk_revisions("base", "heads"))
    assert len(chain) == len(list(script.walk_revisions()))
    assert all(not rev.is_merge_point and not rev.is_branch_point for rev in chain)


def test_upgrade_on_an_empty_database_creates_every_table(mig_app):
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _tables() == set(db.metadata.tables) | {"alembic_version"}
    assert _revision() == HEAD


def test_migration_head_equals_the_models(mig_app):
    flask_migrate.upgrade()
    diff = _schema_diff()
    assert diff == [], "the migrations and the models disagree; run `flask db migrate`:\n" + \
        "\n".join(_describe(d) for d in diff)


def test_migrated_check_constraints_allow_the_same_values_as_the_models(mig_app):
    """compare_metadata ignores CHECK constraints; a new state or role without a migration would
    make every insert of it fail in production."""
    flask_migrate.upgrade()
    declared, migrated = _check_constraints()
    assert declared, "the models declare CHECK constraints"
    assert migrated == declared


def test_downgrade_to_base_then_upgrade_again(mig_app):
    flask_migrate.upgrade()
    flask_migrate.downgrade(revision="base")
    assert _tables() <= {"alembic_version"}, "downgrade left tables behind"
    assert _revision() is None

    flask_migrate.upgrade()
    assert _revision() == HEAD
    assert _schema_diff() == []

    # The re-created schema is usable by the application.
    from app.auth.services import authenticate, create_user
    from app.orgs.services import create_org

    org = create_org("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1)
    create_user("quantri", "Đặng Thị Lan", "mat-khau-dai-2026", [("admin", org)])
    db.session.commit()
    assert authenticate("quantri", "mat-khau-dai-2026") is not None


def test_flask_db_upgrade_command(empty_url):
    """The operator's command, exactly as documented, on an empty database."""
    env = {**os.environ, "DATABASE_URL": empty_url}
    env.pop("GIAMSAT_ENV", None)
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run([str(flask), "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    engine = sa.create_engine(empty_url)
    try:
        with engine.connect() as conn:
            assert MigrationContext.configure(conn).get_current_revision() == HEAD
            assert {t for t in sa.inspect(conn).get_table_names()
                    if not _is_search_table(t)} == \
                set(db.metadata.tables) | {"alembic_version"}
    finally:
        engine.dispose()


def test_reporters_kept_in_clear_by_the_first_schema_are_sealed_by_the_upgrade(mig_app):
    """A database from before the identity store keeps no reporter in clear after upgrading."""
    from app.cases.models import Case
    from app.identity import services as identity

    flask_migrate.upgrade(revision="d58f853bdf58")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisation (id, name, short_name, place_name, level, path, "
            "created_at) VALUES (1, 'Liên đoàn Lao động tỉnh Hà Tĩnh', 'LĐLĐ', 'Hà Tĩnh', 2, "
            "'/1/', '2026-01-01 00:00:00')"))
        for case_id, anonymous, name in ((1, False, "Nguyễn Thị Tố Giác"), (2, True, "")):
            conn.execute(sa.text(
                "INSERT INTO case_file (id, code, family, kind, channel, intake_form, state, "
                "title, summary, subject_kind, subject_name, subject_position, subject_unit, "
                "subject_party_committee, is_anonymous, reporter_name, reporter_contact, "
                "org_id, received_on, created_at, updated_at, search_text, version) VALUES "
                "(:id, :code, 'letter', 'denunciation', 'report', 'writing', 'received', "
                "'Tố cáo', '', 'person', '', '', '', '', :anon, :name, :contact, 1, "
                "'2026-11-02', '2026-11-02 05:00:00', '2026-11-02 05:00:00', '', 1)"),
                {"id": case_id, "code": f"DT-2026-00000{case_id}", "anon": anonymous,
                 "name": name, "contact": "0912 345 678" if name else ""})
    flask_migrate.upgrade()
    assert "reporter_name" not in {c["name"] for c in sa.inspect(db.engine).get_columns(
        "case_file")}
    rows = db.session.execute(sa.text("SELECT case_id, ciphertext FROM sealed_identity")).all()
    assert [r.case_id for r in rows] == [1]
    assert "Tố Giác".encode() not in bytes(rows[0].ciphertext)
    case = db.session.get(Case, 1)
    assert identity.is_sealed(case)
    stored = identity._decrypt(bytes(rows[0].ciphertext)).decode()
    assert "Nguyễn Thị Tố Giác" in stored and "0912 345 678" in stored


def test_a_letter_once_classified_as_a_denunciation_stays_sealed_after_the_upgrade(mig_app):
    """Before identity_seal, reclassifying a denunciation lifted its seal: the upgrade seals
    every letter whose timeline shows it was a denunciation, and re-folds sender digests."""
    import json

    from app.cases.models import Case
    from app.identity import services as identity

    flask_migrate.upgrade(revision="f4e22a53a4dc")
    name_with_tricks = "Nguyễn\u200b Thị\u202e Hoa"
    payload = json.dumps({"name": name_with_tricks, "address": "", "contact": "",
                          "representative": "", "signers": []}).encode()
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisation (id, name, short_name, place_name, level, path, "
            "created_at) VALUES (1, 'Liên đoàn Lao động tỉnh Hà Tĩnh', 'LĐLĐ', 'Hà Tĩnh', 2, "
            "'/1/', '2026-01-01 00:00:00')"))
        for case_id, kind in ((1, "complaint"), (2, "complaint"), (3, "denunciation")):
            conn.execute(sa.text(
                "INSERT INTO case_file (id, code, family, kind, channel, intake_form, state, "
                "title, summary, subject_kind, subject_name, subject_position, subject_unit, "
                "subject_party_committee, is_anonymous, org_id, received_on, created_at, "
                "updated_at, search_text, version) VALUES (:id, :code, 'letter', :kind, "
                "'report', 'writing', 'classified', 'Đơn', '', 'person', '', '', '', '', "
                ":no, 1, '2026-11-02', '2026-11-02 05:00:00', '2026-11-02 05:00:00', '', 1)"),
                {"id": case_id, "code": f"DT-2026-00000{case_id}", "kind": kind, "no": False})
            conn.execute(sa.text(
                "INSERT INTO sealed_identity (case_id, ciphertext, sender_digest, created_at) "
                "VALUES (:id, :token, 'old', '2026-11-02 05:00:00')"),
                {"id": case_id, "token": identity._encrypt(payload)})
        # Case 1 was a denunciation, then reclassified; case 2 was always a complaint.
        for case_id, action, kind in ((1, "classify", "denunciation"),
                                      (1, "letter_reclassified", "complaint"),
                                      (2, "classify", "complaint")):
            conn.execute(sa.text(
                "INSERT INTO case_event (case_id, action, comment, data, created_at) VALUES "
                "(:id, :action, '', :data, '2026-11-03 05:00:00')"),
                {"id": case_id, "action": action, "data": json.dumps({"kind": kind})})
    flask_migrate.upgrade()
    sealed = {r.case_id: r.reason for r in db.session.execute(
        sa.text("SELECT case_id, reason FROM identity_seal"))}
    assert sealed == {1: "denunciation", 3: "denunciation"}
    assert identity.is_sealed(db.session.get(Case, 1))
    assert not identity.is_sealed(db.session.get(Case, 2))
    digests = set(db.session.scalars(sa.text("SELECT sender_digest FROM sealed_identity")))
    assert digests == {identity.sender_digest(identity.Reporter(name="nguyen thi hoa"))}


def test_the_subject_key_backfill_folds_as_the_app():
    """Revision b2c3d4e5f6a7 backfills case_file.subject_key with its own copy of the fold (a
    migration imports nothing from the app): the copy answers as app.core.text.fold."""
    import importlib.util
    import unicodedata

    from app.cases.models import subject_key_of
    from app.core.text import fold

    path = MIGRATIONS / "versions" / "b2c3d4e5f6a7_queue_detail_indexes.py"
    spec = importlib.util.spec_from_file_location("revision_b2c3d4e5f6a7", path)
    revision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(revision)
    samples = ["Công ty TNHH MTV Cơ khí Đông Phát", "ĐẶNG ĐỨC đạt", "", "  Nguyễn\tVăn\nHùng  ",
               unicodedata.normalize("NFD", "Trần Thị Ngọc Ánh"), "Ｎｇｕｙễｎ İstanbul ß",
               "e\u0301\u0323 a\u0306\u0300", "한국" * 100, "Trường THPT Lê Quý Đôn"]
    for sample in samples:
        assert revision.fold(sample) == fold(sample), sample
        assert revision.fold(sample)[:255] == subject_key_of(sample), sample


def test_units_from_before_the_search_column_are_found_without_accents(mig_app):
    """Revision b16d0f01dun1 backfills organisation.search_text from the names, label and short
    name the units had, so the search finds them by "ha tinh" right after the upgrade."""
    from app.orgs.models import Organisation, name_matches

    flask_migrate.upgrade(revision="b16c0ap170ce")
    with db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO organisation (id, name, short_name, label, place_name, level, path, "
            "created_at) VALUES (1, 'Liên đoàn Lao động tỉnh Hà Tĩnh', 'LĐLĐ', 'LĐLĐ Hà Tĩnh', "
            "'Hà Tĩnh', 2, '/1/', '2026-01-01 00:00:00'), (2, 'Công đoàn cơ sở Điện tử', "
            "'CĐCS', '', 'Kỳ Anh', 4, '/1/2/', '2026-01-01 00:00:00')"))
    flask_migrate.upgrade()
    texts = dict(db.session.execute(sa.text("SELECT id, search_text FROM organisation")).all())
    assert texts == {1: "lien doan lao dong tinh ha tinh ldld ha tinh ldld",
                     2: "cong doan co so dien tu cdcs"}
    assert db.session.scalars(sa.select(Organisation.id).where(name_matches("ĐIỆN TỬ"))).all() \
        == [2]


def test_the_state_and_unit_index_carries_the_family_on_postgresql(mig_app):
    """A province's queues check each case's family: the index holds it (INCLUDE), so they are
    read from the index alone; the downgrade gives the index back without it."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("INCLUDE is PostgreSQL's")

    def definition() -> str:
        db.session.rollback()
        return db.session.scalar(sa.text(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_case_file_state_path_due'"))

    flask_migrate.upgrade()
    assert definition().endswith("(state, org_path, due_on, id) INCLUDE (family)")
    flask_migrate.downgrade(revision="b16d0f01dun1")
    assert definition().endswith("(state, org_path, due_on, id)")
    flask_migrate.upgrade()
    assert "INCLUDE (family)" in definition()
