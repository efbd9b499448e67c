"""Embedded report fonts.

Why not Helvetica: the 14 standard PDF fonts are not embedded and cover Latin-1 only, so a name
such as "Łucja", "Σοφία", "Жанна" or "מרים" would print as boxes or be dropped. DejaVu Sans is
libre, covers Latin, Greek, Cyrillic, Hebrew and Arabic, and reportlab embeds a subset of each
TrueType font it uses, so the PDF looks the same on every machine that opens it.

Right-to-left text is printed as stored (logical order, no shaping): it is legible enough to
identify a person and it can never crash the report. CJK has no glyphs in DejaVu and prints as
empty boxes; it still does not crash.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

BODY = "FieldSans"
BOLD = "FieldSans-Bold"
ITALIC = "FieldSans-Oblique"
BOLD_ITALIC = "FieldSans-BoldOblique"
COND = "FieldSansCond"
COND_BOLD = "FieldSansCond-Bold"

_FILES: dict[str, str] = {
    BODY: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
    COND: "DejaVuSansCondensed.ttf",
    COND_BOLD: "DejaVuSansCondensed-Bold.ttf",
}

_lock = threading.Lock()
_registered = False


def resources_dir() -> Path:
    """The repository's ``resources/`` folder, wherever the code runs from.

    In a source checkout or an editable install it sits beside the ``fieldapp`` package
    (``fieldapp/reports/fonts.py`` -> parents[2]). A PyInstaller build unpacks data files under
    ``sys._MEIPASS``; the installer spec copies ``resources/`` there under the same name.
    """
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidate = Path(frozen) / "resources"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parents[2] / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def register_fonts() -> None:
    """Register the report fonts once per process (thread-safe, idempotent).

    Raises FileNotFoundError naming the missing file, so a broken install fails loudly at the
    first report instead of silently printing in a font that drops characters.
    """
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        folder = fonts_dir()
        for name, filename in _FILES.items():
            path = folder / filename
            if not path.is_file():
                raise FileNotFoundError(f"report font missing: resources/fonts/{filename}")
            pdfmetrics.registerFont(TTFont(name, str(path)))
        # <b> and <i> inside a Paragraph map through the family, so bold text stays embedded.
        pdfmetrics.registerFontFamily(
            BODY, normal=BODY, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(
            COND, normal=COND, bold=COND_BOLD, italic=COND, boldItalic=COND_BOLD
        )
        _registered = True
