"""Text normalisation: NFC on input, and a diacritic-free fold for searching."""
import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def nfc(value):
    """Normalise a str to NFC and strip it; other values pass through unchanged."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def fold(value: str | None) -> str:
    """Lower-case, strip diacritics (đ included): "Nguyễn Văn Đức" -> "nguyen van duc"."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())
