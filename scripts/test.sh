#!/usr/bin/env bash
# Install giamsat with its test tools into .venv and run the whole test suite.
# Every database test runs on SQLite, and on PostgreSQL when one answers at TEST_DATABASE_URL
# (default postgresql://postgres@127.0.0.1:5432/test); with CI set, PostgreSQL is required.
set -euo pipefail
source "$(dirname "$0")/_venv.sh" "[test,bench]"
# axe-core for the browser tests' accessibility checks, from the npm registry (git-ignored).
if [ ! -f .cache/npm/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null 2>&1; then
  npm install --silent --no-save --no-package-lock --no-audit --no-fund \
      --prefix .cache/npm axe-core@4.14 || echo "axe-core could not be installed" >&2
fi
# Security lint first: medium and high findings fail (configured in pyproject.toml).
.venv/bin/bandit -c pyproject.toml -r app workflows config.py wsgi.py -ll -q
# The layering (docs/architecture.md; contracts in pyproject.toml): a breach fails the build.
.venv/bin/lint-imports --no-cache
# worksteal: a worker that runs out of tests takes queued ones from the other, so neither idles.
exec .venv/bin/python -m pytest -n "${PYTEST_WORKERS:-2}" --dist worksteal "$@"
