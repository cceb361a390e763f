# Sourced by demo.sh and test.sh: make .venv (Python 3.11 when present) and install giamsat
# into it with the extras in $1 (e.g. "[test]"). Skipped when nothing the install depends on
# changed since the last one (pyproject.toml, the extras, the Python): the code itself is
# installed in editable mode, so a change of code needs no reinstall.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
_stamp_file=".venv/.giamsat-installed${1:-}"
_stamp="$(cat pyproject.toml; .venv/bin/python -c 'import sys; print(sys.version)')"
_stamp="$(printf '%s' "$_stamp" | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$_stamp_file" 2>/dev/null)" != "$_stamp" ]; then
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -e ".${1:-}"
  printf '%s\n' "$_stamp" > "$_stamp_file"
fi
unset _stamp _stamp_file
