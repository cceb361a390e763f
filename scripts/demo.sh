#!/usr/bin/env bash
# Install giamsat into .venv, create the SQLite database through the migrations, load the demo
# data and serve the app. Usage: bash scripts/demo.sh   (PORT=5000 HOST=127.0.0.1 by default)
set -euo pipefail
source "$(dirname "$0")/_venv.sh" ""
export FLASK_APP=wsgi
.venv/bin/flask seed-demo --migrate
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
echo
echo "giamsat is running at http://${HOST}:${PORT}/  (Ctrl+C to stop)"
echo "  public portal for members (no login): http://${HOST}:${PORT}/portal/"
echo "  API documentation:                    http://${HOST}:${PORT}/api/v1/docs"
exec .venv/bin/flask run --host "$HOST" --port "$PORT"
