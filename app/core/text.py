"""Text normalisation: C0 controls stripped and NFC on input, and a diacritic-free fold for
searching."""
import re
import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})
#: C0 control characters but TAB, LF and CR, and DEL: nothing a person types, and NUL is
#: refused by PostgreSQL, the others by XML (XLSX) and PDF text.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_controls(value):
    """Remove C0 control characters (TAB, LF and CR kept) and DEL from a str."""
    if isinstance(value, str):
        return _CONTROLS.sub("", value)
    return value


def nfc(value):
    """Normalise a str to NFC and strip it; other values pass through unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a stored text field, stripped and in NFC."""
    return [line.strip() for line in nfc(text or "").splitlines() if line.strip()]


def clean(value):
    """Text as typed into a form: control characters stripped, NFC, surrounding blanks removed."""
    return nfc(strip_controls(value))


def fold(value: str | None) -> str:
    """Lower-case, strip diacritics (đ included): "Nguyễn Văn Đức" -> "nguyen van duc"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def fold_name(value: str | None) -> str:
    """A name folded for matching people, whatever was typed to dodge the match.

    NFKC first (full-width "Ｎｇｕｙｅｎ" and compatibility forms become plain letters), then every
    format or control character goes (zero-width spaces and joiners, the BOM, soft hyphens, bidi
    embeddings, overrides and isolates, C0/C1 controls), then `fold`.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFKC", value)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc", "Co", "Cs"))
    return fold(text)
