"""`flask backup PATH` / `flask restore PATH`: the whole database in a dialect-independent archive.

Everything the application keeps lives in the database — cases, timelines, attachments, the
frozen PDFs of issued documents, the sealed identity store — so one archive holds it all. The
archive is a zip:

- `tables/<table>.jsonl`: one JSON object per row, in primary-key order; binary columns in
  base64, dates and times in ISO 8601 (aware times in UTC), JSON columns as JSON. A SQLite backup
  restores into PostgreSQL and back.
- `manifest.json`: format, Alembic revision, creation time, per table its row count and the
  SHA-256 of its member, and the fingerprints of the IDENTITY_KEY the sealed rows need.
- `manifest.sig`: HMAC-SHA256 of the manifest under a key derived from IDENTITY_KEY, so that a
  member edited *and* re-hashed in the manifest is still refused by a server holding the key.
- `identity.key`: only with `--with-keys`; otherwise the key must be kept apart (it is the one
  secret that makes the sealed identities readable, and should not travel with them).

Restore wants an empty database at the archive's revision (`flask db upgrade` first), checks
every member's hash before writing anything, refuses when this server's IDENTITY_KEY is not the
one the sealed rows were encrypted with (unless told to go ahead), inserts in foreign-key order
(self-references — a unit's parent, a case's linked case — are filled in once the table is
loaded), moves PostgreSQL's sequences past the restored ids, and verifies the audit chain.
Tables are streamed both ways; memory stays flat however large the database.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import os
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import click
import sqlalchemy as sa
from alembic.migration import MigrationContext
from sqlalchemy.orm import Session

from app.cases.audit import Report, utc, verify
from app.cases.cli import echo_report
from app.extensions import db
from app.identity.services import identity_keys

FORMAT = "giamsat-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
KEY_MEMBER = "identity.key"
#: Rows per INSERT batch, and the most bytes of encoded rows held before one is sent.
BATCH_ROWS = 1000
BATCH_BYTES = 32 * 1024 * 1024
#: Tables whose rows carry files are fetched a few rows at a time.
BINARY_FETCH = 20


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message tells the operator why."""


@dataclass
class RestoreResult:
    manifest: dict
    rows: int = 0
    warnings: list[str] = field(default_factory=list)
    audit: Report | None = None


# -- keys ------------------------------------------------------------------------------------

def key_fingerprint(key: str) -> str:
    """A short, one-way name for a key: tells two keys apart without revealing either."""
    return hashlib.sha256(f"giamsat-identity-key:{key}".encode()).hexdigest()[:16]


def _signing_key(key: str) -> bytes:
    return hmac.new(key.encode(), b"giamsat-backup-manifest", hashlib.sha256).digest()


def _sign(manifest_bytes: bytes, key: str) -> str:
    return hmac.new(_signing_key(key), manifest_bytes, hashlib.sha256).hexdigest()


# -- values ----------------------------------------------------------------------------------

def _codec(column: sa.Column):
    """(encode, decode) between a column's Python value and its JSON form."""
    kind = column.type
    if isinstance(kind, sa.LargeBinary):
        return (lambda v: base64.b64encode(bytes(v)).decode("ascii"), base64.b64decode)
    if isinstance(kind, sa.DateTime):
        if kind.timezone:  # SQLite hands back naive UTC: always write UTC with its offset
            return (lambda v: utc(v).isoformat(), datetime.fromisoformat)
        return (lambda v: v.isoformat(), datetime.fromisoformat)
    if isinstance(kind, sa.Date):
        return (lambda v: v.isoformat(), date.fromisoformat)
    return (None, None)


def _codecs(table: sa.Table, index: int):
    chosen = {c.name: _codec(c)[index] for c in table.columns}
    return {name: convert for name, convert in chosen.items() if convert}


def _has_binary(table: sa.Table) -> bool:
    return any(isinstance(c.type, sa.LargeBinary) for c in table.columns)


def _revision(conn) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def _member(table: sa.Table) -> str:
    return f"tables/{table.name}.jsonl"


# -- backup ----------------------------------------------------------------------------------

def backup(engine: sa.Engine, metadata: sa.MetaData, path: str | os.PathLike, *,
           keys: list[str], with_keys: bool = False) -> dict:
    """Write the archive at `path` (created 0600, written to a temporary name then moved)."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} exists already; choose a new file name.")
    partial = path.with_name(path.name + ".partial")
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "created_at": datetime.now(UTC).isoformat(), "source_dialect": engine.dialect.name,
        "tables": {},
        "identity": {"fingerprints": [key_fingerprint(k) for k in keys],
                     "key_included": with_keys},
    }
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as zf:
            with _snapshot(engine) as conn:
                manifest["alembic_revision"] = _revision(conn)
                for table in metadata.sorted_tables:
                    manifest["tables"][table.name] = _dump_table(conn, table, zf)
            sealed = manifest["tables"].get("sealed_identity", {}).get("rows", 0) + \
                manifest["tables"].get("sealed_file", {}).get("rows", 0)
            manifest["identity"]["sealed_rows"] = sealed
            if with_keys:
                data = ",".join(keys).encode()
                zf.writestr(KEY_MEMBER, data)
                manifest["identity"]["key_sha256"] = hashlib.sha256(data).hexdigest()
            body = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
            zf.writestr(MANIFEST, body)
            if keys:
                zf.writestr(SIGNATURE, _sign(body, keys[0]))
        partial.rename(path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


class _snapshot:
    """One consistent read of every table: REPEATABLE READ on PostgreSQL, one read
    transaction on SQLite."""

    def __init__(self, engine):
        self.engine = engine

    def __enter__(self):
        if self.engine.dialect.name == "postgresql":
            self.conn = self.engine.connect().execution_options(
                isolation_level="REPEATABLE READ")
            self.conn.begin()
        else:
            self.conn = self.engine.connect()
            self.conn.exec_driver_sql("BEGIN")
        return self.conn

    def __exit__(self, *exc):
        self.conn.rollback()
        self.conn.close()


def _dump_table(conn, table: sa.Table, zf: zipfile.ZipFile) -> dict:
    encoders = _codecs(table, 0)
    digest, rows = hashlib.sha256(), 0
    stmt = sa.select(table).order_by(*table.primary_key.columns).execution_options(
        yield_per=BINARY_FETCH if _has_binary(table) else BATCH_ROWS)
    with zf.open(_member(table), "w", force_zip64=True) as out:
        for row in conn.execute(stmt):
            record = {}
            for name, value in row._mapping.items():
                encode = encoders.get(name)
                record[name] = encode(value) if encode and value is not None else value
            line = (json.dumps(record, ensure_ascii=False, separators=(",", ":"))
                    + "\n").encode()
            digest.update(line)
            out.write(line)
            rows += 1
    return {"rows": rows, "sha256": digest.hexdigest()}


# -- restore ---------------------------------------------------------------------------------

def read_manifest(zf: zipfile.ZipFile) -> tuple[dict, bytes]:
    try:
        body = zf.read(MANIFEST)
        manifest = json.loads(body)
    except (KeyError, ValueError) as exc:
        raise BackupError(f"Not a giamsat backup: no readable {MANIFEST}.") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Not a giamsat backup: {MANIFEST} names format "
                          f"{manifest.get('format')!r}.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Backup format version {manifest.get('format_version')} is not "
                          f"supported by this version of giamsat (it reads {FORMAT_VERSION}).")
    return manifest, body


def _lines(zf: zipfile.ZipFile, name: str):
    with zf.open(name) as raw:
        yield from io.BufferedReader(raw, 1024 * 1024)


def check_archive(zf: zipfile.ZipFile, manifest: dict, body: bytes,
                  metadata: sa.MetaData, keys: list[str], *,
                  allow_unsigned: bool = False) -> list[str]:
    """Refuse a damaged or altered archive before anything is written; warnings otherwise.

    The manifest must carry a signature that this server's key verifies: without one, member
    hashes prove nothing (whoever edits a member can rewrite its hash). Only an operator who
    knowingly restores under another key (`allow_unsigned`) goes on with a warning."""
    warnings = []
    expected = {t.name for t in metadata.sorted_tables}
    listed = set(manifest.get("tables", {}))
    if listed != expected:
        missing, extra = sorted(expected - listed), sorted(listed - expected)
        raise BackupError(f"The archive's tables do not match this schema (missing: {missing}, "
                          f"unknown: {extra}).")
    allowed = {MANIFEST, SIGNATURE, KEY_MEMBER} | {f"tables/{n}.jsonl" for n in listed}
    names = set(zf.namelist())
    if names - allowed:
        raise BackupError(f"The archive holds unexpected members: {sorted(names - allowed)}.")
    fingerprints = manifest.get("identity", {}).get("fingerprints", [])
    signer = next((k for k in keys if fingerprints and key_fingerprint(k) == fingerprints[0]),
                  None)
    if signer and SIGNATURE not in names:
        raise BackupError("The archive's manifest has no signature although this server holds "
                          "the backup's key: it was altered (refusing to restore).")
    if signer:
        signature = zf.read(SIGNATURE).decode("ascii", "replace").strip()
        if not hmac.compare_digest(signature, _sign(body, signer)):
            raise BackupError("The archive's manifest was altered: its signature does not "
                              "match (refusing to restore).")
    elif allow_unsigned:
        warnings.append("The manifest's signature could not be checked (this server does not "
                        "hold the key the backup was signed with); member hashes were checked.")
    else:
        raise BackupError("The manifest's signature cannot be checked: this server does not "
                          "hold the key the backup was signed with (refusing to restore; "
                          "--allow-key-mismatch restores anyway).")
    for name, info in manifest["tables"].items():
        member = f"tables/{name}.jsonl"
        if member not in names:
            raise BackupError(f"The archive is incomplete: {member} is missing.")
        digest, rows = hashlib.sha256(), 0
        for line in _lines(zf, member):
            digest.update(line)
            rows += 1
        if digest.hexdigest() != info.get("sha256") or rows != info.get("rows"):
            raise BackupError(f"The archive was altered or damaged: {member} does not match the "
                              "SHA-256 and row count in the manifest (refusing to restore).")
    identity = manifest.get("identity", {})
    if identity.get("key_included") and (
            KEY_MEMBER not in names
            or hashlib.sha256(zf.read(KEY_MEMBER)).hexdigest() != identity.get("key_sha256")):
        raise BackupError(f"The archive was altered or damaged: {KEY_MEMBER} does not match "
                              "the manifest.")
    return warnings


def check_keys(manifest: dict, keys: list[str], *, allow_mismatch: bool) -> list[str]:
    """The sealed rows decrypt only under the key they were written with: say so loudly."""
    identity = manifest.get("identity", {})
    wanted = identity.get("fingerprints", [])
    if not identity.get("sealed_rows") or not wanted:
        return []
    held = {key_fingerprint(k) for k in keys}
    if wanted[0] in held:
        older = [fp for fp in wanted[1:] if fp not in held]
        if not older:
            return []
        return [(f"This server lacks older key(s) {', '.join(older)} listed in the backup: "
                 "rows not yet re-encrypted under the newest key will not decrypt.")]
    where = (f"the archive holds it in {KEY_MEMBER} (unzip -p ARCHIVE {KEY_MEMBER})"
             if identity.get("key_included") else
             "it is not in the archive: take it from where the key was kept")
    message = (f"The backup's {identity['sealed_rows']} sealed identity row(s) were encrypted "
               f"under the IDENTITY_KEY with fingerprint {wanted[0]}; this server's key has "
               f"fingerprint {', '.join(sorted(held)) or '(none)'}. Set IDENTITY_KEY to the "
               f"backup's key — {where} — and run restore again.")
    if not allow_mismatch:
        raise BackupError(message + " (--allow-key-mismatch restores anyway: sealed "
                          "identities would then not decrypt.)")
    return ["KEY MISMATCH: " + message]


def _require_empty(conn, metadata: sa.MetaData, manifest: dict) -> None:
    revision = _revision(conn)
    if revision != manifest.get("alembic_revision"):
        raise BackupError(f"The database is at migration {revision or '(none)'}, the backup at "
                          f"{manifest.get('alembic_revision')}: restore into a database created "
                          "by `flask --app wsgi db upgrade` at the backup's revision.")
    existing = set(sa.inspect(conn).get_table_names())
    for table in metadata.sorted_tables:
        if table.name not in existing:
            raise BackupError(f"Table {table.name} does not exist: run `flask --app wsgi db "
                              "upgrade` first.")
        if conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first():
            raise BackupError(f"The database is not empty (table {table.name} has rows): "
                              "restore only into a new, empty database.")


def _load_table(conn, zf: zipfile.ZipFile, table: sa.Table) -> int:
    decoders = _codecs(table, 1)
    pk = [c.name for c in table.primary_key.columns]
    self_refs = sorted({fk.parent.name for fk in table.foreign_keys if fk.column.table is table})
    #: An UPDATE would stamp these (updated_at): the fix-up writes back the archived values.
    stamped = [c.name for c in table.columns if c.onupdate is not None] if self_refs else []
    later, batch, size, rows = [], [], 0, 0
    insert = table.insert()
    for line in _lines(zf, _member(table)):
        record = json.loads(line)
        for name, decode in decoders.items():
            if record.get(name) is not None:
                record[name] = decode(record[name])
        links = {name: record[name] for name in self_refs if record.get(name) is not None}
        if links:  # the row it points to may come later
            later.append({**{f"b_{k}": record[k] for k in pk}, **links,
                          **{f"s_{k}": record[k] for k in stamped}})
            record.update(dict.fromkeys(links))
        batch.append(record)
        size += len(line)
        rows += 1
        if len(batch) >= BATCH_ROWS or size >= BATCH_BYTES:
            conn.execute(insert, batch)
            batch, size = [], 0
    if batch:
        conn.execute(insert, batch)
    for name in self_refs:
        values = [v for v in later if name in v]
        where = sa.and_(*(table.c[k] == sa.bindparam(f"b_{k}") for k in pk))
        for start in range(0, len(values), BATCH_ROWS):
            chunk = [{**{f"b_{k}": v[f"b_{k}"] for k in pk}, name: v[name],
                      **{f"s_{k}": v[f"s_{k}"] for k in stamped}}
                     for v in values[start:start + BATCH_ROWS]]
            conn.execute(table.update().where(where).values(
                {name: sa.bindparam(name), **{k: sa.bindparam(f"s_{k}") for k in stamped}}),
                chunk)
    return rows


def _reset_sequences(conn, metadata: sa.MetaData) -> None:
    """PostgreSQL hands out ids from sequences that restoring explicit ids did not move."""
    if conn.dialect.name != "postgresql":
        return
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                               {"t": table.name, "c": column.name})
        if sequence:
            largest = sa.select(sa.func.max(column)).scalar_subquery()
            conn.execute(sa.select(sa.func.setval(
                sequence, sa.func.coalesce(largest, 0) + 1, sa.false())))


def restore(engine: sa.Engine, metadata: sa.MetaData, path: str | os.PathLike, *,
            keys: list[str], allow_key_mismatch: bool = False) -> RestoreResult:
    """Load the archive into an empty database at the same revision, in one transaction."""
    try:
        zf = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile) as exc:
        raise BackupError(f"Cannot read {path}: {exc}") from exc
    with zf:
        manifest, body = read_manifest(zf)
        result = RestoreResult(manifest)
        # The key first: its refusal says which key is missing and where it is kept.
        result.warnings += check_keys(manifest, keys, allow_mismatch=allow_key_mismatch)
        try:
            result.warnings += check_archive(zf, manifest, body, metadata, keys,
                                             allow_unsigned=allow_key_mismatch)
        except zipfile.BadZipFile as exc:
            raise BackupError(f"The archive is damaged: {exc}") from exc
        with engine.begin() as conn:
            _require_empty(conn, metadata, manifest)
            for table in metadata.sorted_tables:
                result.rows += _load_table(conn, zf, table)
            _reset_sequences(conn, metadata)
            with Session(bind=conn) as session:
                result.audit = verify(session)
    return result


# -- commands --------------------------------------------------------------------------------

@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--with-keys", is_flag=True,
              help="Also write IDENTITY_KEY into the archive (anyone holding the file can then "
                   "read every sealed identity).")
def backup_cmd(path: str, with_keys: bool) -> None:
    """Write the whole database (files and sealed identities included) to a zip archive."""
    keys = identity_keys()
    db.session.remove()
    try:
        manifest = backup(db.engine, db.metadata, path, keys=keys, with_keys=with_keys)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    total = sum(t["rows"] for t in manifest["tables"].values())
    click.echo(f"Backed up {total} rows of {len(manifest['tables'])} tables at revision "
               f"{manifest['alembic_revision']} to {path}.")
    fingerprint = manifest["identity"]["fingerprints"][0] if keys else "(none)"
    if with_keys:
        click.secho("WARNING: this archive contains IDENTITY_KEY. Anyone who gets the file can "
                    "read every sealed reporter identity (denouncers included). Keep it "
                    "encrypted and offline, never beside ordinary backups.", fg="red", bold=True,
                    err=True)
    else:
        click.echo(f"IDENTITY_KEY is NOT in the archive (fingerprint {fingerprint}). Keep the key "
                   "apart from the archive (a sealed envelope, a password manager): without it "
                   "the sealed identities in this backup cannot be read.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--allow-key-mismatch", is_flag=True,
              help="Restore even though IDENTITY_KEY is not the backup's key (sealed "
                   "identities will not decrypt).")
def restore_cmd(path: str, allow_key_mismatch: bool) -> None:
    """Load an archive into an empty database created by `flask db upgrade`."""
    db.session.remove()
    try:
        result = restore(db.engine, db.metadata, path, keys=identity_keys(),
                         allow_key_mismatch=allow_key_mismatch)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    for warning in result.warnings:
        click.secho(f"WARNING: {warning}", fg="yellow", err=True)
    click.echo(f"Restored {result.rows} rows of {len(result.manifest['tables'])} tables "
               f"(backup of {result.manifest['created_at']}).")
    echo_report(result.audit)


def register(app) -> None:
    app.cli.add_command(backup_cmd)
    app.cli.add_command(restore_cmd)
