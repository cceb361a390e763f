#!/usr/bin/env bash
# Install giamsat with its test tools into .venv and run the whole test suite.
# Every database test runs on SQLite, and on PostgreSQL when one answers at TEST_DATABASE_URL
# (default postgresql://postgres@127.0.0.1:5432/test); with CI set, PostgreSQL is required.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
