"""The raw-SQL reference: one endpoint that runs the case list's page-one SQL, exactly as the app
sends it (captured by bench/run.py and passed in BENCH_RAW_SQL), with the bare driver (psycopg or
sqlite3), no ORM and no template, and answers the rows as JSON.

It sets the ceiling for the list pages: what the database alone costs per request."""
import json
import os
import sqlite3
from urllib.parse import urlsplit

from flask import Flask, Response

app = Flask(__name__)
DATABASE_URL = os.environ["DATABASE_URL"]
SQL = os.environ["BENCH_RAW_SQL"]
#: Parameters of SQL (SQLite only: PostgreSQL's statement comes with its values inlined).
PARAMS = json.loads(os.environ.get("BENCH_RAW_PARAMS") or "[]")
_connection = None


def _connect():
    if DATABASE_URL.startswith("sqlite"):
        path = urlsplit(DATABASE_URL).path[1:]  # sqlite:///relative or sqlite:////absolute
        return sqlite3.connect(path, check_same_thread=False)
    import psycopg

    url = DATABASE_URL.replace("postgresql+psycopg://", "postgresql://", 1)
    return psycopg.connect(url, autocommit=True)


@app.route("/")
def page_one():
    global _connection
    if _connection is None:  # one connection per worker, opened after the fork
        _connection = _connect()
    cursor = _connection.execute(SQL, PARAMS) if PARAMS else _connection.execute(SQL)
    names = [column[0] for column in cursor.description]
    rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    return Response(json.dumps(rows, default=str, ensure_ascii=False),
                    mimetype="application/json")


@app.route("/healthz")
def healthz():
    return "ok"
