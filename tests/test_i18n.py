"""The Vietnamese catalogue covers every UI string, keeps its placeholders and compiles.

No database and no app: the strings are extracted in-process with Babel, under the same
mapping as babel.cfg. When a test fails after you add or change a string, run
scripts/update_translations.sh and translate what it lists in
app/translations/vi/LC_MESSAGES/messages.po.
"""
from __future__ import annotations

import fnmatch
import os
import re
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "app" / "translations"
VI_PO = TRANSLATIONS / "vi" / "LC_MESSAGES" / "messages.po"
EN_PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"

#: Keep in step with KEYWORDS in scripts/update_translations.sh.
EXTRA_KEYWORDS = {
    "_l": None,
    "lazy_gettext": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
}
#: Keep in step with IGNORE_DIRS in scripts/update_translations.sh. Babel's own default would
#: also skip every directory starting with "_" (templates/_macros).
IGNORE_DIRS = (".*", "__pycache__", "node_modules")

#: A printf-style conversion: %(name)s, %(n)d, %s, %% ... (what `msgid % values` consumes).
CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>.)?",
                        re.DOTALL)
VALID_TYPES = set("diouxXeEfFgGcrsa%")


def _directory_filter(path: str) -> bool:
    name = os.path.basename(path)
    return not any(fnmatch.fnmatch(name, pattern) for pattern in IGNORE_DIRS)


def _text(value) -> str:
    return value[0] if isinstance(value, tuple) else value


def _forms(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def _conversions(text: str) -> tuple[set[str], list[str]]:
    """The named placeholders (as written, e.g. "%(n)d") and any malformed % sequence."""
    named, bad = set(), []
    for match in CONVERSION.finditer(text):
        kind = match.group("type")
        if kind not in VALID_TYPES:
            bad.append(match.group(0))
        elif kind != "%":
            named.add(match.group(0) if match.group("name") is not None else "%" + kind)
    return named, bad


@pytest.fixture(scope="module")
def extracted() -> dict[object, list[str]]:
    """msgid (singular), or (context, msgid) for a string marked with a context (pgettext),
    -> ["file:line", ...] for every string marked in the source tree."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, filename="babel.cfg")
    keywords = {**DEFAULT_KEYWORDS, **EXTRA_KEYWORDS}
    found: dict[str, list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords,
        directory_filter=_directory_filter,
    ):
        msgid = _text(message)
        if msgid:
            key = (context, msgid) if context else msgid
            found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def _load(path: Path, locale: str):
    assert path.is_file(), f"{path.relative_to(ROOT)} is missing; run scripts/update_translations.sh"
    with path.open("rb") as fh:
        return read_po(fh, locale=locale, abort_invalid=True)


@pytest.fixture(scope="module")
def vi_catalogue():
    return _load(VI_PO, "vi")


def _report(title: str, lines: list[str]) -> str:
    return f"{title} ({len(lines)}) in {VI_PO.relative_to(ROOT)}:\n" + "\n".join(
        f"  {line}" for line in lines
    ) + "\nRun scripts/update_translations.sh, then translate the entries listed."


def test_extraction_finds_the_ui_strings(extracted):
    """Guards the extraction itself: templates, Python and templates/_macros are all scanned."""
    files = {where.split(":")[0] for places in extracted.values() for where in places}
    assert any(f.startswith("templates/_macros/") for f in files), sorted(files)
    assert any(f.startswith("templates/") for f in files), sorted(files)
    assert any(f.startswith("app/") and f.endswith(".py") for f in files), sorted(files)
    assert "Please log in to continue." in extracted  # lazy_gettext at module level


def test_every_extracted_msgid_has_a_vietnamese_translation(extracted, vi_catalogue):
    problems = []
    for key, places in sorted(extracted.items(), key=lambda item: item[1][0]):
        context, msgid = key if isinstance(key, tuple) else (None, key)
        message = vi_catalogue.get(msgid, context=context)
        where = ", ".join(places)
        if message is None:
            problems.append(f"{msgid!r} — not in the catalogue  [{where}]")
        elif message.fuzzy:
            problems.append(f"{msgid!r} — fuzzy  [{where}]")
        elif not all(s.strip() for s in _forms(message.string)):
            problems.append(f"{msgid!r} — empty msgstr  [{where}]")
    assert not problems, _report("Untranslated Vietnamese entries", problems)


def test_no_fuzzy_entries(vi_catalogue):
    assert not vi_catalogue.fuzzy, "the vi catalogue header is marked fuzzy"
    fuzzy = [repr(_text(m.id)) for m in vi_catalogue if m.id and m.fuzzy]
    assert not fuzzy, _report("Fuzzy entries", fuzzy)


def test_vietnamese_plural_forms(vi_catalogue):
    assert vi_catalogue.num_plurals == 1
    wrong = [repr(_text(m.id)) for m in vi_catalogue
             if m.id and m.pluralizable and len(_forms(m.string)) != 1]
    assert not wrong, _report("Plural entries without exactly one form", wrong)


def test_placeholders_are_kept(vi_catalogue):
    problems = []
    for message in vi_catalogue:
        if not message.id:
            continue
        expected, bad = set(), []
        for msgid in _forms(message.id):
            names, malformed = _conversions(msgid)
            expected |= names
            bad += malformed
        for form in _forms(message.string):
            if not form:
                continue
            got, malformed = _conversions(form)
            if got != expected or malformed:
                detail = f"expected {sorted(expected)}, got {sorted(got)}"
                if malformed:
                    detail += f", malformed {malformed}"
                problems.append(f"{_text(message.id)!r} → {form!r}: {detail}")
    assert not problems, _report("Placeholder mismatches", problems)


def test_vi_catalogue_compiles(vi_catalogue):
    errors = [f"{_text(m.id)!r}: {'; '.join(map(str, errs))}" for m, errs in vi_catalogue.check()]
    assert not errors, _report("Catalogue check errors", errors)
    buffer = BytesIO()
    write_mo(buffer, vi_catalogue)
    assert buffer.tell() > 0
    buffer.seek(0)
    compiled = read_mo(buffer)
    translated = sum(1 for m in vi_catalogue if m.id and m.string and not m.fuzzy)
    assert sum(1 for m in compiled if m.id) == translated


def test_english_is_a_known_locale():
    catalogue = _load(EN_PO, "en")
    assert str(catalogue.locale) == "en"
    buffer = BytesIO()
    write_mo(buffer, catalogue)
    assert buffer.tell() > 0


@pytest.mark.parametrize("lang, done, left", [
    ("vi", "Đã thực hiện: &lt;b&gt;x&lt;/b&gt;.", "Còn 3 ngày"),
    ("en", "Done: &lt;b&gt;x&lt;/b&gt;.", "3 days left"),
])
def test_templates_translate_per_render_and_escape_the_variables(app, lang, done, left):
    """`_()` and `ngettext()` in templates come bound to the request's catalogue once per
    render (app.core.i18n.template_gettext): they translate, pick the plural, and escape what
    they are given, as Jinja's own newstyle gettext does."""
    from flask import render_template_string, session

    with app.test_request_context("/"):
        session["lang"] = lang
        html = render_template_string(
            "{{ _('Done: %(action)s.', action=value) }}|{{ ngettext('%(num)d day left', "
            "'%(num)d days left', 3) }}|{{ _('100%% sure') }}", value="<b>x</b>")
    assert html == f"{done}|{left}|100% sure"
