#!/usr/bin/env bash
# The benchmark of issue 11 in one command (docs/benchmarks.md explains the table):
#   bash bench/run.sh [--database-url URL] [--cases N] [--pages a,b,...] [--duration 10]
#                     [--nodes 2] [--sqlite [--compare bench/results/<run>.json]] [--read-only]
# Installs wrk when missing and giamsat with its bench extra into .venv, generates the dataset
# (bench.generate) when the database has no bench_ready, then runs python -m bench.run.
# Default database: postgresql://postgres@127.0.0.1:5432/bench_1m (BENCH_DATABASE_URL).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq || true
  apt-get install -y -qq wrk
fi
source scripts/_venv.sh "[bench]"
exec .venv/bin/python -m bench.run "$@"
