#!/usr/bin/env bash
# Install giamsat into .venv, create the SQLite database through the migrations, load the demo
# data and serve the app. Usage: bash scripts/demo.sh   (PORT=5000 HOST=127.0.0.1 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
export FLASK_APP=wsgi
.venv/bin/flask db upgrade
.venv/bin/flask seed-demo
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
echo
echo "giamsat is running at http://${HOST}:${PORT}/  (Ctrl+C to stop)"
exec .venv/bin/flask run --host "$HOST" --port "$PORT"
