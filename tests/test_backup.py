"""`flask backup` / `flask restore`: every row and every file comes back, across SQLite and
PostgreSQL; a tampered archive, a wrong identity key or a non-empty database are refused."""
from __future__ import annotations

import hashlib
import json
import logging.config
import re
import zipfile
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

import app.backup as backup_module
from config import TestConfig

pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

PNG = b"\x89PNG\r\n\x1a\n" + "thư tay của người tố cáo".encode() * 40
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
NAME = "Nguyễn Thị Tố Giác"


@pytest.fixture
def fresh(new_database, monkeypatch):
    """make(backend, key=None): an app on a brand-new database migrated to the head."""
    import flask_migrate

    from app import create_app
    from app.extensions import db

    # migrations/env.py would reconfigure (and disable) the test process's loggers.
    monkeypatch.setattr(logging.config, "fileConfig", lambda *a, **k: None)
    apps = []

    def make(backend: str, key: str | None = None):
        url = new_database(backend)

        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = url
            IDENTITY_KEY = key or TestConfig.IDENTITY_KEY

        app = create_app(Config)
        with app.app_context():
            flask_migrate.upgrade()
            db.session.remove()
        apps.append(app)
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _rich_world(app) -> dict:
    """Letters with sealed identities and scans, issued documents, supervision with
    attachments and recommendations (linked cases), deadlines; returns what to look for."""
    from app.core.uploads import Upload
    from app.extensions import db
    from app.identity import services as identity
    from app.supervision import services as sv
    from tests.documents.helpers import TODAY, issued, supervision_at
    from tests.factories import advance, build_world, make_case

    with app.app_context():
        world = build_world()
        letter = make_case(
            world.users["intake"], world.orgs["a"], family="letter", kind="denunciation",
            title="Tố cáo chủ tịch công đoàn cơ sở", summary="Lập danh sách khống để chi sai.",
            reporter=identity.Reporter(name=NAME, address="Tổ 5, phường Kỳ Trinh",
                                       contact="0912 345 678"),
            reporter_files=[Upload("thư-tay.png", PNG)])
        make_case(world.users["intake"], world.orgs["a"], family="letter", kind="complaint",
                  reporter_name="Trần Văn Bình", reporter_contact="0987 000 111")
        fieldwork = supervision_at(world, "fieldwork")
        sv.record_working_session(
            fieldwork, world.users["delegate"], held_on=TODAY, place="Phòng họp số 2",
            participants="Đoàn giám sát", minutes="Biên bản làm việc",
            documents_received="Bảng lương", files=[Upload("biên-bản.pdf", PDF)])
        doc = issued(world, supervision_at(world, "delegation_formed"), "sv_decision")
        parent = supervision_at(world, "following_up")
        advance(make_case(world.users["b_handler"], world.orgs["b"]), [world.users["b_handler"]],
                ["classify"])
        db.session.commit()
        assert parent.children, "the world has linked (child) cases"
        facts = {"letter": letter.id, "doc": doc.id}
        db.session.remove()
        return facts


def _normal(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _dump(app) -> dict:
    from app.extensions import db

    with app.app_context():
        out = {}
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                rows = conn.execute(sa.select(table).order_by(*table.primary_key.columns))
                out[table.name] = [{k: _normal(v) for k, v in r._mapping.items()} for r in rows]
        return out


def _digest(output: str) -> str:
    return re.search(r"Digest of all chain heads: ([0-9a-f]{64})", output).group(1)


def _cli(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


@pytest.mark.parametrize("source,target", [
    ("sqlite", "sqlite"), ("sqlite", "postgresql"), ("postgresql", "sqlite"),
    ("postgresql", "postgresql"),
])
def test_round_trip_keeps_every_row_and_file(fresh, tmp_path, source, target):
    src = fresh(source)
    facts = _rich_world(src)
    archive = tmp_path / "giamsat.zip"
    digest = _digest(_cli(src, "audit", "verify").output)
    result = _cli(src, "backup", str(archive))
    assert result.exit_code == 0, result.output
    assert "IDENTITY_KEY is NOT in the archive" in result.output

    # The manifest's hashes and row counts are those of the members.
    with zipfile.ZipFile(archive) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert "identity.key" not in zf.namelist()
        for name, info in manifest["tables"].items():
            data = zf.read(f"tables/{name}.jsonl")
            assert hashlib.sha256(data).hexdigest() == info["sha256"]
            assert data.count(b"\n") == info["rows"]
    before = _dump(src)
    assert {n: len(r) for n, r in before.items()} == {
        n: i["rows"] for n, i in manifest["tables"].items()}
    for table in ("sealed_identity", "sealed_file", "attachment", "case_document",
                  "case_deadline", "case_event", "case_audit_head"):
        assert before[table], f"the world has {table} rows"

    dst = fresh(target)
    result = _cli(dst, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "Audit trail intact" in result.output
    # The digest an operator wrote down before the backup is the one the restore prints.
    assert _digest(result.output) == digest
    after = _dump(dst)
    for name in before:
        assert after[name] == before[name], f"table {name} differs after restore"

    # Files come back byte for byte; the sealed identity decrypts; the audit chain holds.
    from app.cases.models import Attachment, Case
    from app.documents.models import CaseDocument
    from app.extensions import db
    from app.identity import services as identity

    with dst.app_context():
        files = {a.filename: a.data for a in db.session.scalars(sa.select(Attachment))}
        assert files["biên-bản.pdf"] == PDF
        doc = db.session.get(CaseDocument, facts["doc"])
        assert doc.pdf.startswith(b"%PDF")
        assert hashlib.sha256(doc.pdf).hexdigest() == doc.sha256
        reporter = identity._reporter(identity._decrypt(bytes(db.session.scalar(sa.text(
            "SELECT ciphertext FROM sealed_identity WHERE case_id = :id"),
            {"id": facts["letter"]}))))
        assert reporter.name == NAME
        assert _cli(dst, "audit", "verify").exit_code == 0
        # New rows get fresh ids after the restored ones (PostgreSQL sequences were moved).
        from tests.factories import make_case

        user = db.session.scalar(sa.text("SELECT id FROM user_account WHERE username='intake'"))
        from app.auth.models import User

        case = make_case(db.session.get(User, user), db.session.get(Case, facts["letter"]).org)
        db.session.commit()
        assert case.id > max(r["id"] for r in before["case_file"])


def _tamper(archive, out, member, change, *, fix_manifest=False):
    """Change one member; with `fix_manifest`, also put its new hash in the manifest."""
    with zipfile.ZipFile(archive) as zin, zipfile.ZipFile(out, "w") as zout:
        body = zin.read("manifest.json")
        manifest = json.loads(body)
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == member:
                changed = change(data)
                assert changed != data, "the tampering changed the member"
                data = changed
                if fix_manifest:
                    name = member.removeprefix("tables/").removesuffix(".jsonl")
                    manifest["tables"][name]["sha256"] = hashlib.sha256(data).hexdigest()
                    body = json.dumps(manifest).encode()
            if item.filename != "manifest.json":
                zout.writestr(item, data)
        zout.writestr("manifest.json", body)


def _empty(app, table="case_file") -> bool:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.text(f"SELECT COUNT(*) FROM {table}")) == 0


@pytest.mark.parametrize("fix_manifest", [False, True], ids=["member", "member-and-manifest"])
def test_a_tampered_archive_is_refused(fresh, tmp_path, fix_manifest):
    src = fresh("sqlite")
    _rich_world(src)
    archive, forged = tmp_path / "a.zip", tmp_path / "forged.zip"
    assert _cli(src, "backup", str(archive)).exit_code == 0
    _tamper(archive, forged, "tables/case_event.jsonl",
            lambda data: data.replace("Ghi chú kiểm thử".encode(), "Ghi chú đã sửa".encode(), 1),
            fix_manifest=fix_manifest)
    dst = fresh("sqlite")
    result = _cli(dst, "restore", str(forged))
    assert result.exit_code != 0
    assert "altered" in result.output
    assert ("case_event" in result.output) != fix_manifest  # the member, or the signature
    assert _empty(dst)


@pytest.mark.parametrize("unknown_key", [False, True], ids=["signature-removed", "other-key"])
def test_a_rehashed_member_without_a_verifiable_signature_is_refused(fresh, tmp_path,
                                                                      unknown_key):
    """Editing a member, rewriting its hash and dropping manifest.sig must not pass; nor may
    a manifest signed under a key this server does not hold, unless the operator says so."""
    src = fresh("sqlite")
    _rich_world(src)
    archive, forged, unsigned = tmp_path / "a.zip", tmp_path / "f.zip", tmp_path / "u.zip"
    assert _cli(src, "backup", str(archive)).exit_code == 0
    _tamper(archive, forged, "tables/case_event.jsonl",
            lambda data: data.replace("Ghi chú kiểm thử".encode(), "Ghi chú đã sửa".encode(), 1),
            fix_manifest=True)
    with zipfile.ZipFile(forged) as zin, zipfile.ZipFile(unsigned, "w") as zout:
        for item in zin.infolist():
            if item.filename != "manifest.sig":
                zout.writestr(item, zin.read(item.filename))
    dst = fresh("sqlite", key=Fernet.generate_key().decode()) if unknown_key else fresh("sqlite")
    result = _cli(dst, "restore", str(unsigned))
    assert result.exit_code != 0
    if not unknown_key:
        assert "no signature" in result.output and "refusing" in result.output
    else:  # refused for the key, and only the operator's explicit override goes on, warned
        assert "fingerprint" in result.output and "--allow-key-mismatch" in result.output
        assert _empty(dst)
        # Forced through, the edit is still caught by the audit chain verified after loading.
        result = _cli(dst, "restore", "--allow-key-mismatch", str(unsigned))
        assert "signature could not be checked" in result.output
        assert result.exit_code != 0 and "the event was edited" in result.output
        return
    assert _empty(dst)


def test_a_different_identity_key_is_refused_unless_forced(fresh, tmp_path):
    src = fresh("sqlite")
    _rich_world(src)
    archive = tmp_path / "a.zip"
    assert _cli(src, "backup", str(archive)).exit_code == 0
    other_key = Fernet.generate_key().decode()
    dst = fresh("sqlite", key=other_key)
    result = _cli(dst, "restore", str(archive))
    assert result.exit_code != 0
    assert "fingerprint" in result.output and "Set IDENTITY_KEY" in result.output
    assert _empty(dst)
    result = _cli(dst, "restore", "--allow-key-mismatch", str(archive))
    assert result.exit_code == 0, result.output
    assert "KEY MISMATCH" in result.output
    assert not _empty(dst)


def test_with_keys_puts_the_key_in_the_archive_with_a_warning(fresh, tmp_path):
    src = fresh("sqlite")
    _rich_world(src)
    archive = tmp_path / "a.zip"
    result = _cli(src, "backup", "--with-keys", str(archive))
    assert result.exit_code == 0
    assert "WARNING: this archive contains IDENTITY_KEY" in result.output
    with zipfile.ZipFile(archive) as zf:
        assert zf.read("identity.key").decode() == TestConfig.IDENTITY_KEY
    assert archive.stat().st_mode & 0o077 == 0, "the archive is readable by its owner only"
    # A server with another key is told the key is in the archive.
    dst = fresh("sqlite", key=Fernet.generate_key().decode())
    result = _cli(dst, "restore", str(archive))
    assert result.exit_code != 0
    assert "unzip -p" in result.output


def test_restore_wants_an_empty_database(fresh, tmp_path):
    src = fresh("sqlite")
    _rich_world(src)
    archive = tmp_path / "a.zip"
    assert _cli(src, "backup", str(archive)).exit_code == 0
    result = _cli(src, "restore", str(archive))
    assert result.exit_code != 0
    assert "not empty" in result.output
    # An existing archive is never overwritten.
    result = _cli(src, "backup", str(archive))
    assert result.exit_code != 0 and "exists already" in result.output


def test_restore_refuses_what_is_not_a_backup(fresh, tmp_path):
    dst = fresh("sqlite")
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip at all")
    result = _cli(dst, "restore", str(junk))
    assert result.exit_code != 0 and "Cannot read" in result.output
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("manifest.json", json.dumps({"format": "something-else"}))
    result = _cli(dst, "restore", str(tmp_path / "other.zip"))
    assert result.exit_code != 0 and "Not a giamsat backup" in result.output


def test_an_old_revision_is_refused(fresh, tmp_path):
    src = fresh("sqlite")
    archive = tmp_path / "a.zip"
    assert _cli(src, "backup", str(archive)).exit_code == 0
    forged = tmp_path / "old.zip"
    with zipfile.ZipFile(archive) as zin, zipfile.ZipFile(forged, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["alembic_revision"] = "d58f853bdf58"
                data = json.dumps(manifest).encode()
            if item.filename == "manifest.sig":  # signed as that older server would have
                data = backup_module._sign(json.dumps(manifest).encode(),
                                           TestConfig.IDENTITY_KEY).encode()
            zout.writestr(item, data)
    dst = fresh("sqlite")
    result = _cli(dst, "restore", str(forged))
    assert result.exit_code != 0
    assert "db upgrade" in result.output
