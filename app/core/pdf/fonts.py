"""IBM Plex Serif registration for ReportLab.

Nghị định 30/2020 names Times New Roman; it is not redistributable, so the app
embeds IBM Plex Serif (OFL, full Vietnamese coverage) shipped by the
``fontpkg-ibm-plex-serif`` package. ReportLab's bundled fonts have no
Vietnamese glyphs.

``register_fonts()`` is idempotent and thread-safe. It registers the four faces
and a font family, so ``<b>``/``<i>`` in Paragraph markup select the real bold
and italic faces instead of synthesising them.
"""

from __future__ import annotations

import threading
from importlib.resources import as_file, files

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "IBMPlexSerif"
REGULAR = "IBMPlexSerif"
BOLD = "IBMPlexSerif-Bold"
ITALIC = "IBMPlexSerif-Italic"
BOLD_ITALIC = "IBMPlexSerif-BoldItalic"

_FILES = {
    REGULAR: "IBMPlexSerif-Regular.ttf",
    BOLD: "IBMPlexSerif-Bold.ttf",
    ITALIC: "IBMPlexSerif-Italic.ttf",
    BOLD_ITALIC: "IBMPlexSerif-BoldItalic.ttf",
}

_lock = threading.Lock()
_registered = False


def _load(font_name: str, file_name: str) -> TTFont:
    resource = files("fontpkg_ibm_plex_serif").joinpath("files", file_name)
    # TTFont reads the whole file at construction, so a temporary path
    # (when the package is zipped) is fine.
    with as_file(resource) as path:
        return TTFont(font_name, str(path))


def register_fonts() -> str:
    """Register the IBM Plex Serif faces once; return the family name."""
    global _registered
    if _registered:
        return FAMILY
    with _lock:
        if _registered:
            return FAMILY
        registered = set(pdfmetrics.getRegisteredFontNames())
        for font_name, file_name in _FILES.items():
            if font_name not in registered:
                pdfmetrics.registerFont(_load(font_name, file_name))
        pdfmetrics.registerFontFamily(
            FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        # registerFontFamily lower-cases the family; map the exact spelling too.
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD_ITALIC)
        _registered = True
    return FAMILY


__all__ = ["BOLD", "BOLD_ITALIC", "FAMILY", "ITALIC", "REGULAR", "register_fonts"]
