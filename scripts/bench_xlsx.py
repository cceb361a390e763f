"""Benchmark the streamed XLSX and CSV exports of the case list (app.reports.exports).

    .venv/bin/python scripts/bench_xlsx.py [--rows 100000] [--url sqlite:///...]

Seeds `--rows` cases (default 100,000) into a temporary SQLite database (or the empty database
at --url), then exports the first 10k, 50k and all rows exactly as /reports/cases.xlsx does
(filtered_cases -> server-side cursor -> openpyxl write-only) and prints, for each, the time,
the file size, the process's max RSS so far, and the peak Python memory of the export measured
in a second run under tracemalloc (which slows it down several times, hence two runs); then the
same for the CSV as /reports/cases.csv streams it, with the time until its first row is out.
Memory must stay flat: the target is a peak at 100k rows no more than 1.5 x the peak at 10k
rows, for each format.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa

from config import TestConfig

FLAT_FACTOR = 1.5
BATCH = 10_000


def seed(db, rows: int):
    """A province, a grassroots unit below it, one handler, and `rows` cases (Core inserts)."""
    from app.auth.services import create_user
    from app.cases.models import Case
    from app.orgs.services import create_org
    from workflows import vocab
    from workflows.registry import WORKFLOWS

    tld = create_org("Tổng Liên đoàn Lao động Việt Nam", "TLĐ", "Hà Nội", 1)
    province = create_org("Liên đoàn Lao động tỉnh Hà Tĩnh", "LĐLĐ", "Hà Tĩnh", 2, tld)
    grass = create_org("Công đoàn cơ sở Công ty Thép Vũng Áng", "CĐCS", "Kỳ Anh", 4, province)
    user = create_user("bench", "Người đo hiệu năng", "password123",
                       [(vocab.HANDLER, province)])
    db.session.commit()
    families = list(WORKFLOWS)
    now = datetime.now(UTC)
    start = date(2021, 1, 1)
    for first in range(0, rows, BATCH):
        batch = []
        for i in range(first, min(first + BATCH, rows)):
            family = families[i % len(families)]
            received = start + timedelta(days=i % 1800)
            title = f"Vụ việc số {i}: người lao động phản ánh việc chậm đóng bảo hiểm xã hội"
            batch.append({
                "code": f"BM-{received.year}-{i:07d}", "family": family,
                "kind": None, "channel": "report", "intake_form": "writing",
                "state": WORKFLOWS[family].initial, "title": title,
                "summary": "Nội dung tóm tắt " * 5, "subject_kind": "organisation",
                "subject_name": "Công ty TNHH May Việt Hàn", "subject_category": None,
                "subject_position": "", "subject_unit": "", "subject_party_committee": "",
                "is_anonymous": False, "org_id": (grass if i % 2 else province).id,
                "received_on": received, "due_on": received + timedelta(days=30),
                "search_text": title.lower(), "version": 1, "created_at": now, "updated_at": now,
            })
        db.session.execute(sa.insert(Case), batch)
        db.session.commit()
    return user


def export(user, rows: int, trace: bool) -> tuple[float, int, int]:
    """(seconds, bytes, peak traced bytes or 0) of one export of the first `rows` cases."""
    from app.cases.queries import CaseFilter, filtered_cases
    from app.reports.exports import case_list_columns, case_list_rows, write_xlsx

    stmt = filtered_cases(user, CaseFilter(sort="oldest")).limit(rows)
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    out = write_xlsx([("Vụ việc", [], case_list_columns(), case_list_rows(stmt))])
    size = out.seek(0, os.SEEK_END)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    out.close()
    return elapsed, size, peak


def export_csv(user, rows: int, trace: bool) -> tuple[float, float, int, int]:
    """(seconds to the first row, seconds, bytes, peak traced bytes or 0) of one CSV export."""
    from app.cases.queries import CaseFilter, filtered_cases
    from app.reports.exports import case_list_columns, case_list_rows, csv_stream

    stmt = filtered_cases(user, CaseFilter(sort="oldest")).limit(rows)
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    first, size = 0.0, 0
    for i, chunk in enumerate(csv_stream(case_list_columns(), case_list_rows(stmt))):
        size += len(chunk.encode("utf-8"))
        if i == 2:  # byte-order mark, header, first row
            first = time.perf_counter() - t0
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] if trace else 0
    tracemalloc.stop()
    return first, elapsed, size, peak


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--url", help="an empty database to use instead of a temporary SQLite file")
    args = ap.parse_args()

    from app import create_app
    from app.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = args.url or f"sqlite:///{tmp}/bench.db"

        app = create_app(Config)
        with app.test_request_context():
            db.create_all()
            t0 = time.perf_counter()
            user = seed(db, args.rows)
            print(f"seeded {args.rows:,} cases in {time.perf_counter() - t0:.1f} s "
                  f"({db.engine.dialect.name})")
            peaks = {}
            for n in sorted({min(10_000, args.rows), min(50_000, args.rows), args.rows}):
                elapsed, size, _ = export(user, n, trace=False)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                _, _, peaks[n] = export(user, n, trace=True)
                print(f"xlsx {n:>7,} rows: {elapsed:6.2f} s, {size / 2**20:5.1f} MiB file, "
                      f"peak traced memory {peaks[n] / 2**20:5.1f} MiB (a second run under "
                      f"tracemalloc), max RSS so far {rss:.0f} MiB")
            csv_peaks = {}
            for n in sorted(peaks):
                first, elapsed, size, _ = export_csv(user, n, trace=False)
                rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                _, _, _, csv_peaks[n] = export_csv(user, n, trace=True)
                print(f"csv  {n:>7,} rows: first row after {first * 1000:5.0f} ms, "
                      f"{elapsed:6.2f} s, {size / 2**20:5.1f} MiB, peak traced memory "
                      f"{csv_peaks[n] / 2**20:5.1f} MiB, max RSS so far {rss:.0f} MiB")
            if args.url:
                db.session.remove()  # the exports' transaction would hold off the DROPs
                db.drop_all()
    flat = True
    for fmt, found in (("xlsx", peaks), ("csv", csv_peaks)):
        small, large = found[min(found)], found[max(found)]
        flat = flat and large <= FLAT_FACTOR * small
        print(f"{fmt} memory {'flat' if large <= FLAT_FACTOR * small else 'NOT flat'}: peak at "
              f"{max(found):,} rows is {large / small:.2f} x the peak at {min(found):,} "
              f"(target <= {FLAT_FACTOR})")
    return 0 if flat else 1


if __name__ == "__main__":
    sys.exit(main())
