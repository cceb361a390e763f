"""Generate a realistic national giamsat dataset fast, for the benchmark (issue 11).

    python -m bench.generate --database-url postgresql://postgres@127.0.0.1:5432/bench_1m \\
        [--cases 1000000] [--units 20000] [--seed 1] [--reset]

The schema comes from the app's migrations; the rows are streamed (never held in lists) into
PostgreSQL with COPY, one connection per table, foreign-key triggers off for the load
(session_replication_role = replica) and the secondary indexes dropped during the load and
rebuilt after it; into SQLite with executemany in one transaction. Everything derived is
computed with the app's own code: case codes, `search_text` (app.core.text.fold, joined from
pre-folded parts and checked against the app's own join on the first cases), `subject_key`
(likewise, checked against app.cases.models.subject_key_of), the units' `search_text`
(app.orgs.models.search_text_of), the audit hash
chain (app.cases.audit; a fast path with the same canonical JSON, checked against
`audit.event_hash` on the first events and a sample after), deadlines (the app's rule table and
working-day calendar), sealed identities (app.identity.services' Fernet and sender digest under
the configured IDENTITY_KEY, TestConfig's key when none is set) and the password hash
(User.set_password, computed once). After the load the statistics snapshots are refreshed
once (app.reports.stats.refresh_snapshots, as the background job would), and VACUUM (ANALYZE)
runs, as autovacuum would have on a database in service.

The table `bench_ready(key, value)` is written last; the runner (bench/run.py) reads:
login_national, login_province, login_grassroots, password, detail_case_id,
duplicate_letter_id, national_org_id, province_org_id, grassroots_org_id, search_selective,
search_unselective, filter_family, filter_state, cases, units, seed, seconds, generated_at and
count_<table> for every table loaded.
"""
from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench import names as N

BENCH_PASSWORD = "bench-password-1"
BENCH_LOGINS = ("bench_national", "bench_province", "bench_grassroots")
#: The unselective search phrase (matches thousands of cases word by word).
SEARCH_UNSELECTIVE = "nguyen van hung"
#: One subject in this many is a person with the common name (about 1%; with the random draws
#: about 2.4% of persons, as "nguyen van hung" matches 2.7% of a national dataset).
COMMON_EVERY = 97
#: Cases with a 30-event timeline and every panel filled, for the detail page benchmark.
DETAIL_CASES = 1000
DAY = timedelta(days=1)

#: Columns written per table, in COPY order (checked against the models at start).
COLUMNS = {
    "organisation": ("id", "name", "short_name", "place_name", "level", "parent_id", "path",
                     "dissolved_on", "merged_into_id", "created_at", "search_text"),
    "org_parent_link": ("id", "child_id", "parent_id", "valid_from", "valid_to"),
    "user_account": ("id", "username", "full_name", "email", "password_hash", "locale",
                     "active", "session_token", "totp_secret", "totp_last_step", "created_at"),
    "role_assignment": ("id", "user_id", "org_id", "role"),
    "case_file": ("id", "code", "family", "kind", "channel", "intake_form", "state", "title",
                  "summary", "subject_kind", "subject_name", "subject_category",
                  "subject_position", "subject_unit", "subject_party_committee",
                  "is_anonymous", "org_id", "parent_id", "assignee_id", "created_by_id",
                  "received_on", "due_on", "due_rule", "created_at", "updated_at", "closed_at",
                  "search_text", "subject_key", "version", "org_path"),
    "case_event": ("id", "case_id", "actor_id", "created_at", "action", "from_state",
                   "to_state", "comment", "data", "seq", "prev_hash", "hash"),
    "case_audit_head": ("case_id", "seq", "hash"),
    "case_handler": ("case_id", "user_id", "added_by_id", "added_at"),
    "case_deadline": ("id", "case_id", "source_code", "rule_code", "rule", "start_on", "days",
                      "complexity", "remote", "due_on", "warn_on", "status", "extensions",
                      "pauses", "explanation", "started_by", "ended_on", "ended_by",
                      "warned_at", "expired_notified_at", "created_at", "updated_at"),
    "letter_details": ("case_id", "received_by_id", "signer_count", "is_valid",
                       "invalid_reason", "names_violator", "has_evidence", "within_competence",
                       "competent_body", "complexity", "remote_area", "complaint_round",
                       "duplicate_of_id", "forwarded_on"),
    "sealed_identity": ("id", "case_id", "ciphertext", "sender_digest", "created_by_id",
                        "created_at"),
    "identity_seal": ("case_id", "reason", "sealed_by_id", "sealed_at", "lifted_by_id",
                      "lifted_at", "lift_reason"),
    "recommendation_reply": ("id", "case_id", "received_on", "text", "recorded_by_id",
                             "created_at"),
    "case_document": ("id", "case_id", "org_id", "template", "type_code", "register",
                      "to_subject", "summary", "content", "number", "year", "issued_on",
                      "issued_at", "issued_by_id", "pdf", "sha256", "page_count",
                      "approved_by_id", "approved_at", "created_by_id", "created_at",
                      "updated_at", "pdf_sealed"),
    "document_counter": ("org_id", "year", "register", "last_number"),
    "supervision_plan": ("id", "case_id", "purpose", "content", "form", "place", "starts_on",
                         "ends_on", "subject_preparation", "updated_by_id", "updated_at"),
    "delegation_member": ("id", "case_id", "user_id", "name", "position", "role"),
    "supervision_report": ("id", "case_id", "version", "findings", "recommendations",
                           "conclusion", "author_id", "created_at", "approved_by_id",
                           "approved_at"),
    "working_session": ("id", "case_id", "held_on", "place", "participants", "minutes",
                        "documents_received", "recorded_by_id", "created_at"),
    "dialogue_session": ("id", "case_id", "kind", "held_on", "union_side", "other_side",
                         "agenda", "agreed", "not_agreed", "recorded_by_id", "created_at"),
    "critique": ("id", "case_id", "drafting_body", "submission_on"),
}


# -- the command ------------------------------------------------------------------------------


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True,
                        help="postgresql://... or sqlite:////absolute/path.db")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reset", action="store_true",
                        help="drop and recreate the schema of a database that holds data")
    parser.add_argument("--quiet", action="store_true")
    return parser.parse_args(argv)


def sqlalchemy_url(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def make_app(url: str):
    """The app on `url`, with the identity key of the environment or of the test config."""
    from app import create_app
    from config import Config, TestConfig

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = sqlalchemy_url(url)
        IDENTITY_KEY = os.environ.get("IDENTITY_KEY") or TestConfig.IDENTITY_KEY
        DB_STATEMENT_TIMEOUT_MS = 0

    return create_app(BenchConfig)


class RefusedError(RuntimeError):
    pass


def prepare_schema(db, reset: bool) -> None:
    """Refuse a database that holds data (unless `reset`), then run the migrations."""
    from flask_migrate import upgrade

    engine = db.engine
    inspector = sa.inspect(engine)
    tables = set(inspector.get_table_names())
    holds = False
    with engine.connect() as conn:
        for name in ("case_file", "organisation", "user_account"):
            if name in tables and conn.scalar(sa.text(f"SELECT count(*) FROM {name}")):
                holds = True
    if holds or "bench_ready" in tables:
        if not reset:
            raise RefusedError(
                f"{engine.url.render_as_string()} already holds data (cases, units or users). "
                "Give --reset to drop and recreate its schema, or choose an empty database.")
    if reset and tables:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE"))
                conn.execute(sa.text("CREATE SCHEMA public"))
        else:
            with engine.begin() as conn:
                # Virtual tables (FTS5) first: they drop their own shadow tables.
                rows = conn.exec_driver_sql(
                    "SELECT name, sql LIKE 'CREATE VIRTUAL%' FROM sqlite_master "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all()
                for name, virtual in sorted(rows, key=lambda r: not r[1]):
                    conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{name}"')
        engine.dispose()
    upgrade()


def check_columns(metadata) -> None:
    """Every column written exists, and no NOT NULL column without a server default is left
    out (a column added by a later migration must be filled here or given a default)."""
    problems = []
    for table, columns in COLUMNS.items():
        model = metadata.tables[table]
        for name in columns:
            if name not in model.c:
                problems.append(f"{table}.{name} does not exist")
        for column in model.c:
            if column.name in columns or column.nullable or column.server_default is not None:
                continue
            if column.primary_key and column.autoincrement is True:
                continue
            problems.append(f"{table}.{column.name} is NOT NULL and not generated")
    if problems:
        raise RuntimeError("bench.generate is out of date with the models: " + "; ".join(problems))


# -- sinks: where rows go ---------------------------------------------------------------------


class PgSink:
    """One COPY per table, each on its own connection, all committed at the end."""

    def __init__(self, conninfo: str, metadata):
        import psycopg
        import psycopg.copy

        self.psycopg = psycopg
        self.conninfo = conninfo
        self.open: dict[str, tuple] = {}
        self.counts: Counter = Counter()
        self.json_cols = {t: [i for i, c in enumerate(cols)
                              if isinstance(metadata.tables[t].c[c].type, sa.JSON)]
                          for t, cols in COLUMNS.items()}
        self.dropped: list[tuple[str, str]] = []

    def connect(self, **kw):
        return self.psycopg.connect(self.conninfo, **kw)

    def drop_indexes(self) -> None:
        """Secondary indexes (not backing a constraint) are rebuilt after the load: faster."""
        with self.connect(autocommit=True) as conn:
            rows = conn.execute("""
                SELECT ci.relname, pg_get_indexdef(i.indexrelid)
                FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid
                JOIN pg_class ct ON ct.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = ct.relnamespace
                WHERE n.nspname = 'public' AND ct.relname = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            """, (list(COLUMNS),)).fetchall()
            for name, definition in rows:
                conn.execute(f'DROP INDEX "{name}"')
                self.dropped.append((name, definition))

    def _start(self, table: str):
        conn = self.connect()
        conn.execute("SET session_replication_role = replica")
        conn.execute("SET synchronous_commit = off")
        cursor = conn.cursor()
        cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
        # A writer thread sends the data while the generator builds the next rows.
        ctx = cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN',
                          writer=self.psycopg.copy.QueuedLibpqWriter(cursor))
        copy = ctx.__enter__()
        entry = (conn, ctx, copy, self.json_cols[table])
        self.open[table] = entry
        return entry

    def add(self, table: str, row: tuple) -> None:
        entry = self.open.get(table) or self._start(table)
        if entry[3]:
            row = list(row)
            for i in entry[3]:
                if row[i] is not None and not isinstance(row[i], str):
                    row[i] = json.dumps(row[i], ensure_ascii=False)
        entry[2].write_row(row)
        self.counts[table] += 1

    def finish(self, log) -> None:
        for table, (conn, ctx, _copy, _j) in self.open.items():
            ctx.__exit__(None, None, None)
        for table, (conn, *_rest) in self.open.items():
            conn.commit()
            conn.close()
        self.open.clear()
        log(f"rows loaded; rebuilding {len(self.dropped)} indexes")
        with self.connect(autocommit=True) as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            for name, definition in self.dropped:
                started = time.monotonic()
                conn.execute(definition)
                log(f"  {name} ({time.monotonic() - started:.1f} s)")
            # Serial ids continue after the loaded rows.
            for table, columns in COLUMNS.items():
                if columns[0] != "id":
                    continue
                seq = conn.execute("SELECT pg_get_serial_sequence(%s, 'id')",
                                   (table,)).fetchone()[0]
                if seq:
                    conn.execute(f'SELECT setval(%s, COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)',
                                 (seq,))
            # VACUUM as well: rows loaded by COPY leave the visibility map unset, so every
            # index-only scan would read the heap (the home page's deadline counts took 168 ms
            # instead of 2.5 ms at 10^6 cases), unlike a database autovacuum has visited.
            log("VACUUM (ANALYZE)")
            conn.execute("VACUUM (ANALYZE)")

    def abort(self) -> None:
        for conn, *_rest in self.open.values():
            try:
                conn.close()
            except Exception:  # noqa: BLE001 (closing after a failure)
                pass

    def write_ready(self, values: dict) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute("CREATE TABLE bench_ready (key text PRIMARY KEY, value text)")
            with conn.cursor().copy("COPY bench_ready (key, value) FROM STDIN") as copy:
                for key, value in values.items():
                    copy.write_row((key, str(value)))


class SqliteSink:
    """executemany on the driver's connection in one transaction, a batch per table; values
    are stored as SQLAlchemy stores them (DateTime as "YYYY-MM-DD HH:MM:SS.ffffff" UTC, Date
    ISO, JSON as text), so the app reads back exactly what was hashed."""

    BATCH = 5000

    def __init__(self, engine, metadata):
        self.raw = engine.raw_connection()
        self.cursor = self.raw.cursor()
        self.cursor.execute("PRAGMA foreign_keys=OFF")
        self.cursor.execute("PRAGMA synchronous=OFF")
        self.buffers: dict[str, list] = {}
        self.counts: Counter = Counter()
        self.sql = {t: 'INSERT INTO "{}" ({}) VALUES ({})'.format(
            t, ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols)))
            for t, cols in COLUMNS.items()}
        self.convert = {}
        for table, cols in COLUMNS.items():
            steps = []
            for i, name in enumerate(cols):
                kind = metadata.tables[table].c[name].type
                if isinstance(kind, sa.JSON):
                    steps.append((i, _json_text))
                elif isinstance(kind, sa.DateTime):
                    steps.append((i, _sqlite_datetime))
                elif isinstance(kind, sa.Date):
                    steps.append((i, date.isoformat))
            self.convert[table] = steps
        self.dropped: list[tuple[str, str]] = []

    def drop_indexes(self) -> None:
        """Secondary indexes and triggers (the FTS5 search table's) are recreated after the
        load, and external-content FTS5 tables rebuilt in one pass: faster than row by row."""
        rows = self.cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND sql IS NOT NULL AND tbl_name IN ({})".format(", ".join("?" * len(COLUMNS))),
            list(COLUMNS)).fetchall()
        for kind, name, sql in rows:
            self.cursor.execute(f'DROP {kind.upper()} "{name}"')
            self.dropped.append((name, sql))
        self.raw.commit()

    def add(self, table: str, row: tuple) -> None:
        row = list(row)
        for i, convert in self.convert[table]:
            if row[i] is not None:
                row[i] = convert(row[i])
        buf = self.buffers.setdefault(table, [])
        buf.append(row)
        self.counts[table] += 1
        if len(buf) >= self.BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        buf = self.buffers.get(table)
        if buf:
            self.cursor.executemany(self.sql[table], buf)
            buf.clear()

    def finish(self, log) -> None:
        for table in list(self.buffers):
            self._flush(table)
        self.raw.commit()
        log(f"rows loaded; recreating {len(self.dropped)} indexes and triggers")
        for name, sql in self.dropped:
            self.cursor.execute(sql)
        fts = self.cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE "
            "'CREATE VIRTUAL TABLE%fts5%content=%'").fetchall()
        for (name,) in fts:
            started = time.monotonic()
            self.cursor.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')
            log(f"  {name} rebuilt ({time.monotonic() - started:.1f} s)")
        self.raw.commit()
        log("ANALYZE")
        self.cursor.execute("ANALYZE")
        self.raw.commit()

    def abort(self) -> None:
        self.raw.rollback()
        self.raw.close()

    def write_ready(self, values: dict) -> None:
        self.cursor.execute("CREATE TABLE bench_ready (key TEXT PRIMARY KEY, value TEXT)")
        self.cursor.executemany("INSERT INTO bench_ready (key, value) VALUES (?, ?)",
                                [(k, str(v)) for k, v in values.items()])
        self.raw.commit()
        self.raw.close()


def _json_text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _sqlite_datetime(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.isoformat(" ", "microseconds")[:26]


# -- text -------------------------------------------------------------------------------------


class Text:
    """The app's fold, word by word from a cache: fold() only lower-cases, strips marks
    within a word and joins words with one space, so the join of folded words is the fold
    of the text (checked on the first cases). The vocabulary is small, the cache bounded."""

    def __init__(self, fold):
        self.fold = fold
        self.cache: dict[str, str] = {}

    def word(self, word: str) -> str:
        folded = self.cache.get(word)
        if folded is None:
            folded = self.cache[word] = self.fold(word)
        return folded

    def f(self, text: str) -> str:
        return " ".join(map(self.word, text.split()))


def weighted(pairs):
    values = [v for v, _ in pairs]
    cum, total = [], 0.0
    for _, w in pairs:
        total += w
        cum.append(total)
    return values, cum, total


def pick(rng, table):
    values, cum, total = table
    return values[bisect.bisect_right(cum, rng.random() * total)]


# -- the generator ----------------------------------------------------------------------------


class Generator:
    def __init__(self, app, sink, *, cases: int, units: int, seed: int, log):
        from app.auth.models import User
        from app.cases import audit
        from app.cases.models import SUBJECT_KEY_LENGTH, subject_key_of
        from app.core.calendar import local_today
        from app.core.deadline_rules import rule_days
        from app.core.text import fold
        from app.deadlines import services as deadlines
        from app.documents.services import get_template
        from app.identity import services as identity
        from app.orgs.models import search_text_of
        from workflows.registry import WORKFLOWS
        from workflows.vocab import FAMILY_PREFIX

        self.app, self.sink, self.log = app, sink, log
        self.n_cases, self.n_units = cases, units
        self.rng = random.Random(seed)
        self.today = local_today()
        self.now = datetime.now(UTC)
        self.audit = audit
        self.text = Text(fold)
        self.fold = fold
        self.org_search_text = search_text_of
        self.key_length, self.subject_key_of = SUBJECT_KEY_LENGTH, subject_key_of
        self.workflows = WORKFLOWS
        self.prefix = FAMILY_PREFIX
        self.deadlines = deadlines
        self.rule_days = rule_days
        self.rules = deadlines.rule_table()
        self.calendar = deadlines.work_calendar()
        self.get_template = get_template
        self.fernet = identity._fernet()
        self.identity = identity
        user = User()
        user.set_password(BENCH_PASSWORD)
        self.password_hash = user.password_hash
        self.ids: Counter = Counter()
        self.paths = {family: _simple_paths(wf) for family, wf in WORKFLOWS.items()}
        self.due_cache: dict = {}
        self.day_cache: dict = {}
        self.rule_json: dict = {}
        self.counter: Counter = Counter()  # document register numbers
        self.state_counts: Counter = Counter()
        self.org_case_counts: Counter = Counter()
        self.last_letter: dict[int, tuple[int, str]] = {}
        self.detail_case_id = None
        self.duplicate_letter_id = None
        self.checked_hashes = 0
        self.checked_texts = 0
        #: Subjects drawn so far: every COMMON_EVERY-th is the common name, so that even a
        #: small dataset holds the unselective search's matches whatever the random draws.
        self.subjects_drawn = 0
        self._json = json.JSONEncoder(ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")).encode
        self._enc_cache: dict = {}

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def add(self, table: str, *row) -> None:
        self.sink.add(table, row)

    # -- organisation tree --------------------------------------------------------------------

    def build_orgs(self) -> None:
        rng, units = self.rng, max(self.n_units, 8)
        n2 = min(83, max(2, units // 240))
        n_prov = max(1, round(n2 * len(N.PROVINCES) / 83))
        n_prov = min(n_prov, len(N.PROVINCES))
        n_sec = min(len(N.SECTORS), n2 - n_prov)
        n3 = min(700, max(3, units // 28))
        n4 = units - 1 - n_prov - n_sec - n3
        created = datetime(2015, 1, 1, tzinfo=UTC)
        self.orgs = {}  # id -> (level, parent_id, path, short_name, place)

        def org(name, short, place, level, parent):
            oid = self.next_id("organisation")
            path = (self.orgs[parent][2] if parent else "/") + f"{oid}/"
            self.orgs[oid] = (level, parent, path, short, place, name)
            self.add("organisation", oid, name, short, place, level, parent, path, None, None,
                     created, self.org_search_text(name, "", short))
            if parent:
                self.add("org_parent_link", self.next_id("org_parent_link"), oid, parent,
                         date(2015, 1, 1), None)
            return oid

        self.root = org("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1, None)
        provinces = [org(f"Liên đoàn Lao động {'thành phố' if p.startswith(('Hà Nội', 'Hải Phòng', 'Đà Nẵng', 'Cần Thơ')) else 'tỉnh'} {p}",
                         "LĐLĐ", p, 2, self.root) for p in N.PROVINCES[:n_prov]]
        sectors = [org(f"Công đoàn {s} Việt Nam", "CĐN", "Hà Nội", 2, self.root)
                   for s in N.SECTORS[:n_sec]]
        level3 = []
        for i in range(n3):
            if sectors and i % 10 == 9:
                parent = sectors[(i // 10) % len(sectors)]
                brand = N.BRANDS[i % len(N.BRANDS)]
                name = f"Công đoàn Tổng công ty {brand}"
                short, place = "CĐTCT", "Hà Nội"
            else:
                parent = provinces[i % len(provinces)]
                place = self.orgs[parent][4]
                kind = i // len(provinces) % 12
                if kind == 10:
                    name, short = f"Công đoàn các Khu công nghiệp {place}", "CĐKCN"
                elif kind == 11:
                    name, short = f"Công đoàn Viên chức {place}", "CĐVC"
                else:
                    district = N.DISTRICTS[(i * 7 + kind) % len(N.DISTRICTS)]
                    name, short = f"Liên đoàn Lao động huyện {district}", "LĐLĐ"
            level3.append(org(name, short, place, 3, parent))
        grassroots = []
        for i in range(max(0, n4)):
            parent = level3[min(len(level3) - 1, int(len(level3) * rng.random() ** 1.5))]
            place = self.orgs[parent][4]
            r = rng.random()
            if r < 0.7:
                name = (f"Công đoàn cơ sở {rng.choice(N.COMPANY_FORMS)} "
                        f"{rng.choice(N.INDUSTRIES)} {rng.choice(N.BRANDS)}")
            elif r < 0.88:
                name = (f"Công đoàn cơ sở {rng.choice(N.SCHOOL_KINDS)} "
                        f"{rng.choice(N.DISTRICTS)}")
            else:
                name = f"Công đoàn cơ sở Bệnh viện Đa khoa {rng.choice(N.DISTRICTS)}"
            grassroots.append(org(name, "CĐCS", place, 4, parent))
        self.provinces, self.sectors, self.level3, self.grassroots = (
            provinces, sectors, level3, grassroots)

        # Where cases are logged: a few big units, a long tail of small ones.
        weights = [(self.root, 0.004)]
        level2 = provinces + sectors
        for share, group, s in ((0.22, level2, 0.7), (0.23, level3, 0.5),
                                (0.546, grassroots, 0.8)):
            if not group:
                continue
            raw = [1 / (r + 1) ** s for r in range(len(group))]
            total = sum(raw)
            weights += [(oid, share * w / total) for oid, w in zip(group, raw)]
        self.org_table = weighted(weights)
        self.org_weight = dict(weights)
        total = self.org_table[2]
        expected = {oid: w / total * self.n_cases for oid, w in weights}
        self.province = provinces[0]
        target = 300
        self.grassroots_bench = min(grassroots or level3,
                                    key=lambda o: abs(expected.get(o, 0) - target))

    # -- users --------------------------------------------------------------------------------

    def person(self, female: bool | None = None) -> str:
        rng = self.rng
        if female is None:
            female = rng.random() < 0.45
        surname = pick(rng, self.surnames)
        if female:
            return f"{surname} {pick(rng, self.mid_f)} {pick(rng, self.given_f)}"
        return f"{surname} {pick(rng, self.mid_m)} {pick(rng, self.given_m)}"

    def build_users(self) -> None:
        from app.auth.models import new_session_token
        from workflows.vocab import ADMIN, APPROVER, AUDITOR, DELEGATE, HANDLER, INTAKE

        self.surnames = weighted(N.SURNAMES)
        self.mid_m, self.mid_f = weighted(N.MIDDLE_MALE), weighted(N.MIDDLE_FEMALE)
        self.given_m, self.given_f = weighted(N.GIVEN_MALE), weighted(N.GIVEN_FEMALE)
        other_hash = self.password_hash
        created = datetime(2015, 1, 1, tzinfo=UTC)
        self.user_names: dict[int, str] = {}

        def user(username, roles, org, full_name=None):
            uid = self.next_id("user_account")
            full_name = full_name or self.person()
            self.user_names[uid] = full_name
            self.add("user_account", uid, username, full_name, f"{username}@congdoan.vn",
                     other_hash, "vi", True, new_session_token(), None, None, created)
            for role in roles:
                self.add("role_assignment", self.next_id("role_assignment"), uid, org, role)
            return uid

        staff: dict[int, dict] = {}

        def full_staff(oid, tag):
            return {
                INTAKE: user(f"tn.{tag}", [INTAKE], oid),
                HANDLER: user(f"cb.{tag}", [HANDLER], oid),
                DELEGATE: user(f"gs.{tag}", [DELEGATE], oid),
                APPROVER: user(f"ld.{tag}", [APPROVER], oid),
            }

        staff[self.root] = full_staff(self.root, "tld")
        user("quantri.bench", [ADMIN], self.root)
        user("kiemtoan.bench", [AUDITOR], self.root)
        for oid in self.provinces + self.sectors:
            staff[oid] = full_staff(oid, f"u{oid}")
        for oid in self.level3:
            a = user(f"cb.u{oid}", [INTAKE, HANDLER], oid)
            b = user(f"ld.u{oid}", [APPROVER, DELEGATE], oid)
            staff[oid] = {INTAKE: a, HANDLER: a, APPROVER: b, DELEGATE: b}
        with_users = max(5, self.n_units * 1500 // 20000)
        by_weight = sorted(self.grassroots, key=lambda o: -self.org_weight[o])[:with_users]
        for oid in by_weight:
            a = user(f"cdcs.u{oid}", [INTAKE, HANDLER], oid)
            parent = staff[self.orgs[oid][1]]
            staff[oid] = {INTAKE: a, HANDLER: a, APPROVER: parent[APPROVER],
                          DELEGATE: parent[DELEGATE]}
        self.bench_users = {
            "bench_national": user("bench_national", [APPROVER, HANDLER], self.root,
                                   "Nguyễn Quốc Trung"),
            "bench_province": user("bench_province", [APPROVER, HANDLER], self.province,
                                   "Trần Thị Minh Thư"),
            "bench_grassroots": user("bench_grassroots", [HANDLER, INTAKE],
                                     self.grassroots_bench, "Lê Văn Thành"),
        }
        g = self.grassroots_bench
        parent = staff.get(self.orgs[g][1]) or staff[self.root]
        b = self.bench_users["bench_grassroots"]
        staff[g] = {INTAKE: b, HANDLER: b, APPROVER: parent[APPROVER],
                    DELEGATE: parent[DELEGATE]}
        # Units without officers of their own are served by the nearest unit above.
        self.staff = {}
        for oid, (level, parent_id, *_r) in sorted(self.orgs.items()):
            self.staff[oid] = staff.get(oid) or self.staff[parent_id]
        self.staff_org = {}
        for oid in self.orgs:
            self.staff_org[oid] = oid if oid in staff else self.staff_org_of(oid, staff)
        self.roles = (INTAKE, HANDLER, APPROVER, DELEGATE)

    def staff_org_of(self, oid, staff):
        while oid not in staff:
            oid = self.orgs[oid][1]
        return oid

    # -- deadlines ----------------------------------------------------------------------------

    def rule_code(self, code, family, kind):
        if code is None:
            return None
        table = self.deadlines.LETTER_RULES.get(code)
        if table is None:
            return code if code in self.rules else None
        return table.get((kind, 1)) or table.get(kind) or table[None]

    def due(self, rule_code, start_on, complexity, remote):
        key = (rule_code, start_on, complexity, remote)
        hit = self.due_cache.get(key)
        if hit is None:
            rule = self.rules[rule_code]
            base = self.rule_days(rule, complexity, remote)
            result = self.calendar.compute_due(start_on, base, rule.unit, [])
            unit = "ngày làm việc" if rule.unit == "working" else "ngày theo lịch"
            lines = [f"{rule.name_vi}: {base} {unit} ({rule.legal_basis})"]
            if base != rule.days:
                lines.append(f"Mức độ {self.deadlines.COMPLEXITY_VI[complexity]}"
                             + ("; vùng sâu, vùng xa, đi lại khó khăn" if remote else "")
                             + f": {base} ngày thay cho {rule.days} ngày")
            lines += result.explanation
            rule_dict = self.rule_json.get(rule_code)
            if rule_dict is None:
                rule_dict = self.rule_json[rule_code] = asdict(rule)
            hit = self.due_cache[key] = (base, result.due,
                                         result.due - timedelta(days=rule.warn_before_days),
                                         lines, rule_dict, json.dumps(rule_dict, ensure_ascii=False),
                                         json.dumps(lines, ensure_ascii=False))
        return hit

    # -- text of a case -----------------------------------------------------------------------

    def company(self) -> str:
        rng = self.rng
        return f"{rng.choice(N.COMPANY_FORMS)} {rng.choice(N.INDUSTRIES)} {rng.choice(N.BRANDS)}"

    def subject(self):
        """(kind, name, category, position, unit, party committee)."""
        rng = self.rng
        unit = self.company()
        self.subjects_drawn += 1
        if self.subjects_drawn % COMMON_EVERY == 1:
            category, position, committee = rng.choice(N.POSITIONS)
            return "person", N.COMMON_NAME, category, position, unit, committee
        if rng.random() < 0.4:
            name = N.COMMON_NAME if rng.random() < 0.03 else self.person()
            category, position, committee = rng.choice(N.POSITIONS)
            return "person", name, category, position, unit, committee
        return "organisation", unit, None, "", unit, ""

    def summary(self) -> str:
        rng = self.rng
        text = (f"{rng.choice(N.SUMMARY_OPENINGS)} {rng.choice(N.SUMMARY_DETAILS)} "
                f"từ tháng {rng.randint(1, 12)} năm {rng.randint(2016, 2026)}, "
                f"{rng.choice(N.SUMMARY_CLOSINGS)}")
        if rng.random() < 0.00035:
            text = f"{text} Có dấu hiệu {N.RARE_PHRASE}."
        return text

    def search_text(self, code, title, summary, subject_name, subject_unit, subject_position):
        parts = [p for p in (title, summary, subject_name, subject_unit, subject_position) if p]
        # The code is unique per case: folded apart, so the word cache stays small.
        folded = " ".join([code.lower().replace("đ", "d"), *map(self.text.f, parts)])
        parts.insert(0, code)
        if self.checked_texts < 2000:  # the join of folded parts is the app's own fold
            self.checked_texts += 1
            assert folded == self.fold(" ".join(parts)), parts
        return folded

    def subject_key(self, subject_name):
        key = self.text.f(subject_name)[:self.key_length]
        if self.checked_texts < 2000:  # checked with search_text, on the same first cases
            assert key == self.subject_key_of(subject_name), subject_name
        return key

    # -- events and the hash chain ------------------------------------------------------------

    def _enc(self, value):
        hit = self._enc_cache.get(value)
        if hit is None:
            hit = self._enc_cache[value] = self._json(value)
        return hit

    def chain_hash(self, case_id, seq, actor_id, stamp, action, from_state, to_state, comment,
                   data_json, prev):
        """audit.event_hash with the canonical JSON assembled from cached pieces."""
        body = (f'{{"action":{self._enc(action)},'
                f'"actor_id":{"null" if actor_id is None else actor_id},'
                f'"case_id":{case_id},"comment":{self._enc(comment)},'
                f'"created_at":"{stamp}","data":{data_json},'
                f'"from_state":{self._enc(from_state)},"prev_hash":"{prev}","seq":{seq},'
                f'"to_state":{self._enc(to_state)}}}')
        return hashlib.sha256(f"{self.audit.VERSION}:{body}".encode()).hexdigest()

    def emit_events(self, case_id, events) -> None:
        """events: (moment, action, from, to, actor, comment, data), in order."""
        prev, seq = self.audit.GENESIS, 0
        for moment, action, from_state, to_state, actor_id, comment, data in events:
            seq += 1
            stamp = moment.isoformat(timespec="microseconds")[:26] + "Z"
            data_json = self._json(data)
            digest = self.chain_hash(case_id, seq, actor_id, stamp, action, from_state,
                                     to_state, comment, data_json, prev)
            if self.checked_hashes < 3000 or self.rng.random() < 0.001:
                self.checked_hashes += 1
                assert digest == self.audit.event_hash(
                    case_id=case_id, seq=seq, actor_id=actor_id, created_at=moment,
                    action=action, from_state=from_state, to_state=to_state, comment=comment,
                    data=data, prev_hash=prev), (case_id, seq, action)
            self.add("case_event", self.next_id("case_event"), case_id, actor_id, moment,
                     action, from_state, to_state, comment, data_json, seq, prev, digest)
            prev = digest
        self.add("case_audit_head", case_id, seq, prev)

    # -- one case -----------------------------------------------------------------------------

    def plan_path(self, family, age, *, forced=None):
        """(states path of triggers) for a case `age` days old: old ones mostly closed."""
        rng = self.rng
        if forced is not None:
            return forced
        p_open = 0.92 if age < 30 else 0.6 if age < 180 else 0.25 if age < 365 else 0.03
        paths = self.paths[family]
        if rng.random() < p_open:
            choices = paths["open"]
        else:
            choices = paths["closed"] if rng.random() < 0.85 else paths["other_terminal"]
        return rng.choice(choices)

    def days_for(self, received, n, gaps_min=None):
        """Days of n transitions after `received`, none after today."""
        rng = self.rng
        span = (self.today - received).days
        gaps = [rng.randint(1, 15) for _ in range(n)]
        if gaps_min:
            for i, g in gaps_min.items():
                if i < n:
                    gaps[i] = max(gaps[i], g)
        total = sum(gaps)
        if total > span:
            gaps = [g * span // total for g in gaps] if total else gaps
        days, day = [], received
        for g in gaps:
            day = day + timedelta(days=g)
            days.append(day)
        return days

    def moment(self, day, i):
        base = self.day_cache.get(day)
        if base is None:
            base = self.day_cache[day] = datetime(day.year, day.month, day.day, 1, 0,
                                                  tzinfo=UTC)
        return base + timedelta(minutes=7 * i, microseconds=int(self.rng.random() * 6e7))

    def generate(self) -> None:
        from workflows.vocab import (
            CRITIQUE,
            CRITIQUE_KINDS,
            DIALOGUE,
            DIALOGUE_KINDS,
            LETTER,
            SUPERVISION,
            SUPERVISION_KINDS,
        )

        rng = self.rng
        roots = weighted([(SUPERVISION, 150), (LETTER, 350), (DIALOGUE, 60), (CRITIQUE, 40)])
        self.kinds = {SUPERVISION: weighted([("regular", 60), ("thematic", 30), ("ethics", 10)]),
                      LETTER: weighted([("complaint", 35), ("denunciation", 15),
                                        ("petition", 25), ("feedback", 25)]),
                      DIALOGUE: weighted([(k, 1) for k in DIALOGUE_KINDS]),
                      CRITIQUE: weighted([(k, 1) for k in CRITIQUE_KINDS])}
        assert set(self.kinds[SUPERVISION][0]) <= set(SUPERVISION_KINDS)
        n_dup = max(2, self.n_cases * 3 // 10000)
        p_dup = n_dup / max(1, self.n_cases * 0.35 * 0.05)  # of recent letters
        sup_step = max(1, int(self.n_cases * 0.15 / DETAIL_CASES))
        n_detail = max(1, min(DETAIL_CASES, self.n_cases // 1000))
        made_detail = made_dup = sup_seen = 0
        started = time.monotonic()
        next_report = 100_000
        while self.ids["case_file"] < self.n_cases:
            left = self.n_cases - self.ids["case_file"]
            family = pick(rng, roots)
            org = pick(rng, self.org_table)
            age = int(3650 * rng.random() ** 1.6)
            if family == SUPERVISION:
                sup_seen += 1
                detail = made_detail < n_detail and (sup_seen % sup_step == 0 or
                                                     sup_seen == 1) and left >= 8
                if detail:
                    made_detail += 1
                self.supervision(org, age, left, detail=detail)
            elif family == LETTER:
                if made_dup < n_dup and age < 60 and left >= 2 and (
                        made_dup == 0 or rng.random() < p_dup):
                    made_dup += 1
                    self.duplicate_pair(org)
                else:
                    self.letter(org, age)
            else:
                self.simple(family, org, age)
            if self.ids["case_file"] >= next_report:
                next_report += 100_000
                self.log(f"  {self.ids['case_file']:,} cases, {self.ids['case_event']:,} events "
                         f"({time.monotonic() - started:.0f} s)")

    # The case row and what every case has.
    def emit_case(self, *, case_id, family, kind, channel, intake_form, title, summary,
                  subject, org, parent_id, received, events, deadlines_rows, anonymous=False,
                  handler_ids=()):
        from workflows.registry import get_workflow

        wf = get_workflow(family)
        state = next(ev[3] for ev in reversed(events) if ev[3] is not None)
        code = f"{self.prefix[family]}-{received.year}-{case_id:06d}"
        s_kind, s_name, s_cat, s_pos, s_unit, s_committee = subject
        staff = self.staff[org]
        intake, handler = staff[self.roles[0]], staff[self.roles[1]]
        terminal = wf.state(state).is_terminal
        running = [d for d in deadlines_rows if d[11] == "running"]
        due_on = running[-1][9] if running else None
        due_rule = running[-1][3] if running else None
        first, last = events[0][0], events[-1][0]
        assignee = handler if (not terminal or self.rng.random() < 0.8) else None
        self.add("case_file", case_id, code, family, kind, channel, intake_form, state, title,
                 summary, s_kind, s_name, s_cat, s_pos, s_unit, s_committee, anonymous, org,
                 parent_id, assignee, intake, received, due_on, due_rule, first, last,
                 last if terminal else None,
                 self.search_text(code, title, summary, s_name, s_unit, s_pos),
                 self.subject_key(s_name), len(events), self.orgs[org][2])
        self.emit_events(case_id, events)
        if self.staff_org[org] == org:
            self.add("case_handler", case_id, intake, None, first)
        for uid in dict.fromkeys(handler_ids):
            if uid != intake or self.staff_org[org] != org:
                self.add("case_handler", case_id, uid, staff[self.roles[2]], last)
        for row in deadlines_rows:
            self.add("case_deadline", *row[:22])
        self.state_counts[(family, state)] += 1
        self.org_case_counts[org] += 1
        return code

    def walk(self, case_id, family, kind, org, received, triggers, *, channel, extra=None,
             letter=None, open_data=None, gaps_min=None, days=None):
        """Events and deadlines of a case following `triggers` from its opening.

        `extra`: {index of trigger: [(action, data, comment, role)]} written before it."""
        from workflows.registry import get_workflow

        rng, wf = self.rng, get_workflow(family)
        staff = self.staff[org]
        intake, handler, approver, delegate = (staff[r] for r in self.roles)
        days = days or self.days_for(received, len(triggers), gaps_min)
        events, deadlines_rows = [], []
        open_dl: list = []
        complexity, remote = (letter or {}).get("complexity", "normal"), \
            (letter or {}).get("remote_area", False)
        current_kind = None if family == "letter" else kind

        def start(code, day, trigger):
            rule_code = self.rule_code(code, family, current_kind)
            if rule_code is None:
                return {}
            finish(day, trigger)
            base, due_on, warn_on, lines, rule, rule_text, lines_text = self.due(
                rule_code, day, complexity, remote)
            row = [self.next_id("case_deadline"), case_id, code, rule_code, rule_text, day, base,
                   complexity, remote, due_on, warn_on, "running", "[]", "[]", lines_text,
                   trigger, None, None, None, None, None, None, rule, lines]
            open_dl.append(row)
            deadlines_rows.append(row)
            return {"due_on": due_on.isoformat(), "rule": rule_code,
                    "legal_basis": rule["legal_basis"], "explanation": list(lines)}

        def finish(day, trigger):
            for row in open_dl:
                row[11] = "stopped" if trigger in self.deadlines.NOT_MET_BY else "met"
                row[16], row[17] = day, trigger
            open_dl.clear()

        i = 0
        data = {"org": self.orgs[org][3], "channel": channel}
        data.update(open_data or {})
        data.update(start(self.deadlines.OPENING_RULE.get(family), received, "open"))
        events.append((self.moment(received, i), "open", None, wf.initial, intake, "", data))
        state = wf.initial
        for n, trigger in enumerate(triggers):
            day = days[n]
            for action, edata, comment, role in (extra or {}).get(n, ()):
                i += 1
                actor = staff[role] if isinstance(role, str) else role
                events.append((self.moment(day, i), action, None, None, actor, comment, edata))
            action = wf.action(trigger)
            role = next((r for r in (self.roles[1], self.roles[0], self.roles[2], self.roles[3])
                         if r in action.roles), self.roles[1])
            actor = staff[role]
            comment = rng.choice(N.COMMENTS) if action.comment_required or \
                rng.random() < 0.2 else ""
            edata = {}
            if family == "letter" and trigger == "classify":
                current_kind = kind
                edata = {"kind": kind, "valid": letter["is_valid"],
                         "within_competence": letter["within_competence"],
                         "complexity": complexity, "remote_area": remote}
            elif family == "letter" and trigger == "forward":
                edata = {"competent_body": letter["competent_body"]}
            elif family == "letter" and trigger == "merge_duplicate":
                edata = {"duplicate_of": letter["duplicate_of_code"]}
            elif trigger == "approve_conclusion":
                edata = {"report_version": 1}
            elif trigger == "issue_conclusion":
                edata = {"recommendations": (letter or {}).get("rec_codes", [])}
            elif trigger == "close" and family == "supervision" and kind == "ethics":
                edata = {"result_sent_to": (letter or {}).get("committee", ""),
                         "propose_discipline": False}
            if action.stops_deadline:
                finish(day, trigger)
            elif action.starts_deadline:
                edata.update(start(action.starts_deadline, day, trigger))
            i += 1
            events.append((self.moment(day, i), trigger, state, action.dest, actor, comment,
                           edata))
            state = action.dest
            if family == "letter" and trigger == "classify" and kind == "denunciation" \
                    and not letter["anonymous"]:
                i += 1
                events.append((self.moment(day, i), "identity_sealed", None, None, actor, "",
                               {"reason": "denunciation"}))
                letter["sealed"] = (actor, events[-1][0])
        for action, edata, comment, role in (extra or {}).get(len(triggers), ()):
            i += 1
            day = days[-1] if days else received
            events.append((self.moment(day, i), action, None, None, staff[role] if isinstance(
                role, str) else role, comment, edata))
        # Warnings and expiries a daily sweep already wrote; the last two days are its backlog.
        if not get_workflow(family).state(state).is_terminal:
            for row in open_dl:
                warn_on, due_on = row[10], row[9]
                last_day = events[-1][0].date()
                if warn_on < self.today - DAY and warn_on <= due_on:
                    i += 1
                    at = self.moment(max(warn_on, last_day), i)
                    events.append((at, "deadline_warning", None, None, None, "", {
                        "due_on": due_on.isoformat(), "rule": row[3],
                        "legal_basis": row[22]["legal_basis"], "explanation": list(row[23]),
                        "days_left": max(0, (due_on - max(warn_on, last_day)).days)}))
                    row[18] = at
                if due_on < self.today - DAY:
                    i += 1
                    at = self.moment(max(due_on + DAY, events[-1][0].date()), i)
                    events.append((at, "deadline_expired", None, None, None, "", {
                        "due_on": due_on.isoformat(), "rule": row[3],
                        "legal_basis": row[22]["legal_basis"], "explanation": list(row[23])}))
                    row[19] = at
                    row[18] = row[18] or at
        for row in deadlines_rows:
            row[20] = datetime(row[5].year, row[5].month, row[5].day, 2, tzinfo=UTC)
            row[21] = row[20] if row[16] is None else datetime(
                row[16].year, row[16].month, row[16].day, 2, tzinfo=UTC)
        return events, deadlines_rows, days

    def simple(self, family, org, age, *, triggers=None):
        rng = self.rng
        case_id = self.next_id("case_file")
        received = self.today - timedelta(days=age)
        kind = pick(rng, self.kinds[family])
        triggers = triggers or self.plan_path(family, age)
        subject = self.subject()
        channel = rng.choice(("observation", "report", "dialogue", "democracy"))
        days = self.days_for(received, len(triggers))
        extra = {}
        staff = self.staff[org]
        if family == "dialogue" and "hold" in triggers:
            n = triggers.index("hold")
            held = days[n]
            extra[n] = [("dialogue_recorded", {"held_on": held.isoformat(), "kind": kind}, "",
                         self.roles[1])]
            self.add("dialogue_session", self.next_id("dialogue_session"), case_id, kind, held,
                     "Nguyễn Văn An\nTrần Thị Bình\nLê Văn Cường",
                     "Phạm Văn Dũng\nHoàng Thị Yến\nVũ Văn Giang",
                     "Tiền lương, thưởng; điều kiện làm việc",
                     "Tăng lương tối thiểu 6% từ 01/01 năm sau", "Phụ cấp độc hại",
                     staff[self.roles[1]], self.moment(held, 0))
        if family == "critique":
            title = rng.choice(N.CRITIQUE_TITLES)
            self.add("critique", self.next_id("critique"), case_id, rng.choice(N.DRAFTING_BODIES),
                     received + timedelta(days=45))
        else:
            title = f"{rng.choice(N.DIALOGUE_TITLES)} {subject[4]}"
        events, dls, _ = self.walk(case_id, family, kind, org, received, triggers,
                                   channel=channel, extra=extra, days=days)
        self.emit_case(case_id=case_id, family=family, kind=kind, channel=channel,
                       intake_form=rng.choice(("documents", "writing", "in_person")),
                       title=title, summary=self.summary(), subject=subject, org=org,
                       parent_id=None, received=received, events=events, deadlines_rows=dls)

    # -- letters ------------------------------------------------------------------------------

    def letter(self, org, age, *, triggers=None, kind=None, subject=None, title=None,
               summary=None, sender=None, received=None, copy_of=None):
        rng = self.rng
        received = received or self.today - timedelta(days=age)
        age = (self.today - received).days
        case_id = self.next_id("case_file")
        kind = kind or pick(rng, self.kinds["letter"])
        triggers = list(triggers if triggers is not None else self.plan_path("letter", age))
        if "merge_duplicate" in triggers and org not in self.last_letter:
            triggers = ["classify", "guide", "close"][:len(triggers)]
        anonymous = sender is None and rng.random() < 0.1
        subject = subject or self.subject()
        issue = rng.choice(N.LETTER_ISSUES)
        if title is None:
            word = N.LETTER_WORDS[kind]
            if subject[0] == "person" and rng.random() < 0.6:
                title = f"{word} {subject[1]}, {subject[3]}, về việc {issue}"
            else:
                title = f"{word} về việc {issue} tại {subject[4]}"
        summary = summary or self.summary()
        valid = "file_away" not in triggers or rng.random() < 0.3
        forward = "forward" in triggers
        letter = {
            "complexity": rng.choices(("normal", "complex", "especially_complex"),
                                      (80, 15, 5))[0],
            "remote_area": rng.random() < 0.05, "is_valid": valid,
            "within_competence": not forward,
            "competent_body": "Sở Nội vụ tỉnh" if forward else "",
            "anonymous": anonymous,
        }
        if "merge_duplicate" in triggers:
            dup_id, dup_code = self.last_letter[org]
            letter["duplicate_of_code"] = dup_code
        else:
            dup_id = None
        events, dls, days = self.walk(case_id, "letter", kind, org, received, triggers,
                                      channel=rng.choice(("report", "complaint", "democracy")),
                                      letter=letter)
        classified = "classify" in triggers
        staff = self.staff[org]
        code = self.emit_case(
            case_id=case_id, family="letter", kind=kind if classified else None,
            channel=events[0][6]["channel"],
            intake_form=rng.choice(("writing", "in_person", "online", "hotline", "forwarded")),
            title=title, summary=summary, subject=subject, org=org, parent_id=None,
            received=received, events=events, deadlines_rows=dls, anonymous=anonymous)
        forwarded_on = days[triggers.index("forward")] if forward else None
        self.add("letter_details", case_id, staff[self.roles[0]],
                 1 if rng.random() < 0.95 else rng.randint(2, 40),
                 valid if classified else None,
                 "" if valid or not classified else "Đơn không đủ điều kiện xử lý.",
                 anonymous and valid, anonymous and valid,
                 (not forward) if classified else None, letter["competent_body"],
                 letter["complexity"], letter["remote_area"], 1, dup_id, forwarded_on)
        if not anonymous:
            from app.identity.services import Reporter

            name = sender or self.person()
            while name == subject[1]:
                name = self.person()
            reporter = Reporter(name=name, address=f"Xã {rng.choice(N.DISTRICTS)}",
                                contact=f"09{rng.randint(10_000_000, 99_999_999)}")
            payload = json.dumps(asdict(reporter), ensure_ascii=False).encode()
            self.add("sealed_identity", self.next_id("sealed_identity"), case_id,
                     self.fernet.encrypt(payload), self.identity.sender_digest(reporter),
                     staff[self.roles[0]], events[0][0])
            if "sealed" in letter:
                actor, at = letter["sealed"]
                self.add("identity_seal", case_id, "denunciation", actor, at, None, None, "")
            elif rng.random() < 0.05:
                self.add("identity_seal", case_id, "requested", staff[self.roles[0]],
                         events[0][0], None, None, "")
        if "merge_duplicate" not in triggers:
            self.last_letter[org] = (case_id, code)
        return case_id, subject, title, summary

    def duplicate_pair(self, org):
        """An earlier letter being handled and a later copy, unclassified, from the same
        sender about the same person: the copy's page offers the first as a duplicate."""
        rng = self.rng
        first_day = self.today - timedelta(days=rng.randint(20, 60))
        sender = self.person()
        kind = rng.choice(("complaint", "denunciation"))
        first_id, subject, title, summary = self.letter(
            org, 0, triggers=["classify", "accept", "start_verification"], kind=kind,
            received=first_day, sender=sender)
        copy_id, *_ = self.letter(
            org, 0, triggers=[], kind=kind, subject=subject, title=title,
            summary=summary.replace("đề nghị", "kính đề nghị", 1),
            sender=sender, received=self.today - timedelta(days=rng.randint(1, 15)))
        if self.duplicate_letter_id is None:
            self.duplicate_letter_id = copy_id

    # -- supervision and its recommendations --------------------------------------------------

    def supervision(self, org, age, left, *, detail=False):
        from workflows.vocab import APPROVER, DELEGATE, HANDLER

        rng = self.rng
        case_id = self.next_id("case_file")
        kind = pick(rng, self.kinds["supervision"])
        if detail:
            age = rng.randint(120, 700)
            triggers = ["classify", "start_dialogue", "draft_plan", "return_plan", "draft_plan",
                        "approve_plan", "form_delegation", "notify_subject", "start_fieldwork",
                        "submit_report", "return_report", "submit_report",
                        "approve_conclusion", "issue_conclusion"]
        else:
            triggers = list(self.plan_path("supervision", age))
        received = self.today - timedelta(days=age)
        subject = self.subject()
        topic = rng.choice(N.SUPERVISION_TOPICS)
        title = f"Giám sát việc {topic} tại {subject[4]}"
        staff = self.staff[org]
        handler, approver, delegate = staff[HANDLER], staff[APPROVER], staff[DELEGATE]
        gaps = {}
        if "start_fieldwork" in triggers:
            gaps[triggers.index("start_fieldwork")] = 16
        days = self.days_for(received, len(triggers), gaps)
        n_recs = 0
        if "issue_conclusion" in triggers:
            n_recs = min(rng.randint(2, 5) if not detail else 5, max(0, left - 1))
        recs = []
        issue_day = days[triggers.index("issue_conclusion")] if n_recs else None
        closing = bool(triggers) and triggers[-1] == "close"
        rec_texts = rng.sample(N.RECOMMENDATION_TEXTS, n_recs) if n_recs else []
        for text in rec_texts:
            rid = case_id + 1 + len(recs)
            age_r = (self.today - issue_day).days
            if closing:
                rpath = rng.choice((["record_implemented", "close"],
                                    ["remind", "record_implemented", "close"],
                                    ["record_not_implemented", "close"]))
            else:
                rpath = list(self.plan_path("recommendation", age_r))
            recs.append((rid, text, rpath, f"{self.prefix['recommendation']}-{issue_day.year}-{rid:06d}"))
        # The parent closes after its last recommendation.
        rec_days = {r[0]: self.days_for(issue_day, len(r[2])) for r in recs}
        if closing and recs:
            last = max((d[-1] for d in rec_days.values() if d), default=issue_day)
            days[-1] = min(self.today, max(days[-1], last + DAY))
        extra = {}
        docs = []

        def before(trigger, *items, nth=0):
            positions = [k for k, t in enumerate(triggers) if t == trigger]
            if len(positions) > nth:
                extra.setdefault(positions[nth], []).extend(items)
                return positions[nth]
            return None

        plan_at = before("draft_plan", ("plan_saved", None, "", HANDLER))
        if plan_at is not None:
            starts = days[plan_at] + timedelta(days=20)
            extra[plan_at][-1] = ("plan_saved", {"starts_on": starts.isoformat(),
                                                 "ends_on": (starts + 5 * DAY).isoformat()},
                                  "", HANDLER)
            self.add("supervision_plan", self.next_id("supervision_plan"), case_id,
                     "Đánh giá việc thực hiện chế độ, chính sách đối với người lao động",
                     f"Việc {topic}", "Làm việc trực tiếp, nghiên cứu hồ sơ",
                     "Trụ sở đơn vị được giám sát", starts, starts + 5 * DAY,
                     "Báo cáo bằng văn bản theo đề cương gửi kèm", handler,
                     self.moment(days[plan_at], 0))
            if detail:
                before("draft_plan", ("plan_saved", extra[plan_at][-1][1], "", HANDLER), nth=1)
        deleg_at = before("form_delegation", ("delegation_named", None, "", HANDLER))
        if deleg_at is not None:
            members = [(delegate, self.user_names[delegate], "Phó Chủ tịch", "leader")]
            if handler != delegate:
                members.append((handler, self.user_names[handler], "Trưởng ban Chính sách",
                                "member"))
            members.append((None, "Đỗ Thị Thu", "Chuyên viên", "secretary"))
            for uid, name, position, role in members:
                self.add("delegation_member", self.next_id("delegation_member"), case_id, uid,
                         name, position, role)
            extra[deleg_at][-1] = ("delegation_named", {
                "members": [f"{m[1]} ({m[3]})" for m in members]}, "", HANDLER)
            docs.append(("sv_decision", deleg_at))
        if "notify_subject" in triggers:
            docs.append(("sv_notice", triggers.index("notify_subject")))
        report_at = before("submit_report", ("report_saved", {"version": 1, "recommendations": n_recs},
                                             "", DELEGATE))
        if detail:
            before("submit_report", ("report_saved", {"version": 1, "recommendations": n_recs},
                                     "", DELEGATE), nth=1)
            fw = triggers.index("start_fieldwork")
            d_at = triggers.index("start_dialogue") + 1
            held = days[d_at - 1]
            extra.setdefault(d_at, []).append(
                ("dialogue_recorded", {"held_on": held.isoformat(), "kind": "periodic"}, "",
                 HANDLER))
            self.add("dialogue_session", self.next_id("dialogue_session"), case_id, "periodic",
                     held, "Nguyễn Văn An\nTrần Thị Bình", "Phạm Văn Dũng\nHoàng Thị Yến",
                     "Tiền lương, thưởng; điều kiện làm việc", "Khắc phục trong 30 ngày", "",
                     handler, self.moment(held, 0))
            for k in range(3):
                held = days[fw] + timedelta(days=k + 1)
                ws = self.next_id("working_session")
                self.add("working_session", ws, case_id, held, "Trụ sở đơn vị được giám sát",
                         "Đoàn giám sát; đại diện đơn vị", f"Biên bản làm việc buổi {k + 1}",
                         "Bảng lương, danh sách đóng bảo hiểm xã hội", delegate,
                         self.moment(held, 0))
                extra.setdefault(fw + 1, []).append(
                    ("working_session", {"held_on": held.isoformat(), "attachments": []}, "",
                     delegate))
            extra.setdefault(0, []).extend([
                ("handler_added", {"user": self.user_names[uid]}, "", approver)
                for uid in (delegate, handler)])
        if report_at is not None:
            approved = "approve_conclusion" in triggers
            approved_day = days[triggers.index("approve_conclusion")] if approved else None
            self.add("supervision_report", self.next_id("supervision_report"), case_id, 1,
                     [{"item": "Trích nộp bảo hiểm xã hội",
                       "strengths": "Đóng đủ cho 92% người lao động",
                       "shortcomings": "Chậm đóng 3 tháng cho một số người",
                       "causes": "Khó khăn dòng tiền"}],
                     [{"addressee": subject[4], "superior": "Sở Nội vụ tỉnh", "text": r[1]}
                      for r in recs],
                     "Đơn vị cơ bản chấp hành pháp luật lao động; cần khắc phục các tồn tại.",
                     delegate, self.moment(days[report_at], 0),
                     approver if approved else None,
                     self.moment(approved_day, 0) if approved else None)
        if n_recs:
            docs += [("sv_report", triggers.index("issue_conclusion")),
                     ("recommendation", triggers.index("issue_conclusion"))]
        doc_events = []
        for template, at in docs:
            doc_id, label = self.document(case_id, org, template, days[at], handler, approver,
                                          title)
            if detail:
                doc_events.append((at + 1, ("document_issued", {
                    "document_id": doc_id, "number": label, "template": template,
                    "sha256": hashlib.sha256(f"bench:{doc_id}".encode()).hexdigest(),
                    "signed_by": approver}, f"{label} {title}"[:200], approver)))
        for at, item in doc_events:
            extra.setdefault(at, []).append(item)
        meta = {"rec_codes": [r[3] for r in recs], "committee": subject[5]}
        events, dls, _ = self.walk(case_id, "supervision", kind, org, received, triggers,
                                   channel=rng.choice(("observation", "report", "media",
                                                       "democracy", "delegation")),
                                   extra=extra, letter=meta, days=days)
        self.emit_case(case_id=case_id, family="supervision", kind=kind,
                       channel=events[0][6]["channel"], intake_form="documents", title=title,
                       summary=self.summary(), subject=subject, org=org, parent_id=None,
                       received=received, events=events, deadlines_rows=dls,
                       handler_ids=(delegate, handler) if detail else ())
        if detail and self.detail_case_id is None and len(events) >= 30:
            self.detail_case_id = case_id
        for rid, text, rpath, _code in recs:
            self.recommendation(rid, case_id, org, issue_day, text, rpath, subject,
                                events[0][6]["channel"], rec_days[rid])

    def recommendation(self, case_id, parent_id, org, received, text, triggers, subject,
                       channel, days):
        assert self.next_id("case_file") == case_id
        rng = self.rng
        staff = self.staff[org]
        extra = {}
        reply_at = next((k for k, t in enumerate(triggers)
                         if t in ("record_implemented", "record_not_implemented")), None)
        if reply_at is not None:
            rid = self.next_id("recommendation_reply")
            reply = "Đơn vị đã khắc phục, gửi kèm chứng từ." if \
                triggers[reply_at] == "record_implemented" else "Đơn vị chưa thực hiện được."
            day = days[reply_at]
            extra[reply_at] = [("reply", {"reply_id": rid, "received_on": day.isoformat(),
                                          "attachments": []}, reply, self.roles[1])]
            self.add("recommendation_reply", rid, case_id, day, reply, staff[self.roles[1]],
                     self.moment(day, 0))
        events, dls, _ = self.walk(case_id, "recommendation", None, org, received, triggers,
                                   channel=channel, extra=extra, days=days)
        self.emit_case(case_id=case_id, family="recommendation", kind=None, channel=channel,
                       intake_form="documents", title=text, summary=text,
                       subject=("organisation", subject[4], None, "", "Sở Nội vụ tỉnh", ""),
                       org=org, parent_id=parent_id, received=received, events=events,
                       deadlines_rows=dls)

    def document(self, case_id, org, template, day, author, approver, title):
        tpl = self.get_template(template)
        doc_id = self.next_id("case_document")
        key = (org, day.year, tpl.register)
        self.counter[key] += 1
        number = self.counter[key]
        short = self.orgs[org][3]
        label = f"{number:02d}/{tpl.type_code}-{short}" if tpl.type_code else f"{number:02d}/{short}"
        at = self.moment(day, 0)
        content = {"type_name": tpl.title.vi if tpl.type_code else "",
                   "enacting_authority": f"BAN THƯỜNG VỤ {short}", "addressees": [],
                   "bases": [], "body": f"{tpl.title.vi} {title}", "recipients": ["Như trên",
                                                                                   "Lưu VT"],
                   "filing": "Lưu: VT",
                   "signature": {"authority": "TM. BAN THƯỜNG VỤ", "capacity": "CHỦ TỊCH",
                                 "signer_title": "Chủ tịch",
                                 "signer_name": self.user_names[approver]}}
        self.add("case_document", doc_id, case_id, org, template, tpl.type_code, tpl.register,
                 tpl.to_subject, f"{tpl.title.vi}: {title}"[:500], content, number, day.year,
                 day, at, approver, None,
                 hashlib.sha256(f"bench:{doc_id}".encode()).hexdigest(), 1, approver, at,
                 author, at, at, False)
        return doc_id, label

    # -- the run ------------------------------------------------------------------------------

    def finish_counters(self) -> None:
        for (org, year, register), last in self.counter.items():
            self.add("document_counter", org, year, register, last)


def _simple_paths(wf, limit: int = 12) -> dict[str, list[list[str]]]:
    """Every cycle-free trigger path from the initial state, by kind of end state."""
    out = {"open": [], "closed": [], "other_terminal": []}

    def walk(state, path, seen):
        s = wf.state(state)
        if s.is_terminal:
            out["closed" if state == "closed" else "other_terminal"].append(path)
            return
        if state != wf.initial or path:
            out["open"].append(path)
        if len(path) >= limit:
            return
        for action in wf.actions:
            if state in action.sources and action.dest not in seen:
                walk(action.dest, path + [action.trigger], seen | {action.dest})

    out["open"].append([])
    walk(wf.initial, [], {wf.initial})
    out["open"] = [p for i, p in enumerate(out["open"]) if p or i == 0]
    # Recent open cases in their first states are the most common.
    out["open"] += [p for p in out["open"] if len(p) <= 2] * 2
    out["other_terminal"] = out["other_terminal"] or out["closed"]
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    say = (lambda *a: None) if args.quiet else (lambda msg: print(msg, flush=True))
    started = time.monotonic()
    app = make_app(args.database_url)
    from app.extensions import db

    with app.app_context():
        try:
            prepare_schema(db, args.reset)
        except RefusedError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        check_columns(db.metadata)
        url = sa.make_url(sqlalchemy_url(args.database_url))
        if url.get_backend_name() == "postgresql":
            conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
            sink = PgSink(conninfo, db.metadata)
        else:
            sink = SqliteSink(db.engine, db.metadata)
        say(f"schema ready ({time.monotonic() - started:.1f} s); generating "
            f"{args.cases:,} cases over {args.units:,} units")
        gen = Generator(app, sink, cases=args.cases, units=args.units, seed=args.seed, log=say)
        db.session.remove()
        sink.drop_indexes()
        try:
            gen.build_orgs()
            gen.build_users()
            gen.generate()
            gen.finish_counters()
        except BaseException:
            sink.abort()
            raise
        say(f"generated in {time.monotonic() - started:.0f} s")
        sink.finish(say)
        refresh_statistics(db, say)
        ready = readiness(gen, sink, args, time.monotonic() - started)
        sink.write_ready(ready)
    width = max(len(k) for k in ready)
    for key, value in ready.items():
        say(f"{key:<{width}}  {value}")
    return 0


def refresh_statistics(db, say) -> None:
    """The dashboard's snapshots, as the background job would have left them."""
    from app.reports.stats import refresh_snapshots

    started = time.monotonic()
    counts = refresh_snapshots()
    db.session.commit()
    db.session.remove()
    say(f"statistics snapshots: {counts['snapshots']} of {counts['periods']} period(s) "
        f"({time.monotonic() - started:.0f} s)")


def readiness(gen, sink, args, seconds) -> dict:
    open_pairs = [(n, pair) for pair, n in gen.state_counts.items()
                  if pair[0] == "letter" and pair[1] not in ("closed", "merged", "withdrawn")]
    family, state = max(open_pairs)[1] if open_pairs else ("letter", "received")
    values = {
        "login_national": "bench_national",
        "login_province": "bench_province",
        "login_grassroots": "bench_grassroots",
        "password": BENCH_PASSWORD,
        "detail_case_id": gen.detail_case_id or "",
        "duplicate_letter_id": gen.duplicate_letter_id or "",
        "national_org_id": gen.root,
        "province_org_id": gen.province,
        "grassroots_org_id": gen.grassroots_bench,
        "grassroots_cases": gen.org_case_counts[gen.grassroots_bench],
        "search_selective": gen.fold(N.RARE_PHRASE),
        "search_unselective": SEARCH_UNSELECTIVE,
        "filter_family": family,
        "filter_state": state,
        "cases": gen.ids["case_file"],
        "units": gen.ids["organisation"],
        "seed": args.seed,
        "seconds": f"{seconds:.0f}",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    for table in COLUMNS:
        values[f"count_{table}"] = sink.counts[table]
    return values


if __name__ == "__main__":
    sys.exit(main())
