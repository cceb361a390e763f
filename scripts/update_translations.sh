#!/usr/bin/env bash
# Re-extract the UI strings and merge them into the catalogues; then list what is left to
# translate in Vietnamese (the default UI language).
#
#   scripts/update_translations.sh
#
# Then fill every listed msgid in app/translations/vi/LC_MESSAGES/messages.po and run
# `pytest tests/test_i18n.py`. The .pot template is written to a temporary file and removed:
# it is generated, not committed. The .mo files are compiled when the app starts
# (app/core/i18n.py). Exits 1 while a Vietnamese entry is still empty or fuzzy.
#
# Keep KEYWORDS and IGNORE_DIRS in step with tests/test_i18n.py. IGNORE_DIRS must be given:
# pybabel's default also skips directories starting with "_", e.g. templates/_macros.
set -euo pipefail

cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-}"
if [[ -z "$PYBABEL" ]]; then
    if [[ -x .venv/bin/pybabel ]]; then PYBABEL=.venv/bin/pybabel; else PYBABEL=pybabel; fi
fi
PYTHON="$(dirname "$(command -v "$PYBABEL")")/python"
[[ -x "$PYTHON" ]] || PYTHON=python3

DIR=app/translations
LANGS=(vi en)
KEYWORDS=(-k _l -k lazy_gettext -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2)
IGNORE_DIRS=".* __pycache__ node_modules"

POT="$(mktemp "${TMPDIR:-/tmp}/giamsat-messages.XXXXXX")"
trap 'rm -f "$POT"' EXIT

"$PYBABEL" extract -F babel.cfg "${KEYWORDS[@]}" --ignore-dirs "$IGNORE_DIRS" \
    --no-wrap --sort-by-file --project giamsat --version 0.1.0 -o "$POT" .

for lang in "${LANGS[@]}"; do
    if [[ -f "$DIR/$lang/LC_MESSAGES/messages.po" ]]; then
        "$PYBABEL" update -i "$POT" -d "$DIR" -l "$lang" --no-fuzzy-matching \
            --ignore-obsolete --no-wrap
    else
        "$PYBABEL" init -i "$POT" -d "$DIR" -l "$lang" --no-wrap
    fi
done

"$PYTHON" - "$DIR/vi/LC_MESSAGES/messages.po" <<'PY'
import sys

from babel.messages.pofile import read_po

path = sys.argv[1]
with open(path, "rb") as fh:
    catalogue = read_po(fh, locale="vi")
todo = []
for message in catalogue:
    if not message.id:
        continue
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if message.fuzzy or not all(strings):
        where = ", ".join(f"{f}:{n}" for f, n in message.locations)
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        todo.append(f"  {msgid!r}{' (fuzzy)' if message.fuzzy else ''}  [{where}]")
if todo:
    print(f"\n{len(todo)} untranslated entr{'y' if len(todo) == 1 else 'ies'} in {path}:")
    print("\n".join(todo))
    sys.exit(1)
print(f"\n{path}: every entry is translated.")
PY
