"""Embedded report fonts.

Why not Helvetica: the 14 standard PDF fonts are not embedded and cover Latin-1 only, so a name
such as "Łucja", "Σοφία", "Жанна" or "מרים" would print as boxes or be dropped. DejaVu Sans is
libre, covers Latin (Polish included), Greek, Cyrillic and Hebrew, and reportlab embeds a subset
of each TrueType font it uses, so the PDF looks the same on every machine that opens it.

The scripts DejaVu lacks or draws poorly, which victims and officers in Lancashire write in,
have a Noto font each (SIL OFL, resources/fonts/LICENSE-Noto.txt): Arabic script for Arabic and
Urdu (Noto Naskh Arabic), Gujarati, Gurmukhi for Punjabi, and Chinese (a GB 2312 + Big5 level 1
subset of Noto Sans CJK SC, made by installer/make_cjk_font.py). ``scripts`` picks the font for
each run of text; these are registered on first use, so a report in English never loads them.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from fieldapp.reports.glyph_text import ClusterTextFont

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

# Fallback fonts per script: (regular, bold) names and their files. Chinese has no bold face
# (the subset would double in size); bold Chinese prints in the regular weight.
ARABIC, ARABIC_BOLD = "FieldArabic", "FieldArabic-Bold"
GUJARATI, GUJARATI_BOLD = "FieldGujarati", "FieldGujarati-Bold"
GURMUKHI, GURMUKHI_BOLD = "FieldGurmukhi", "FieldGurmukhi-Bold"
CJK = "FieldCJK"
_SCRIPT_FILES: dict[str, str] = {
    ARABIC: "NotoNaskhArabic-Regular.ttf",
    ARABIC_BOLD: "NotoNaskhArabic-Bold.ttf",
    GUJARATI: "NotoSansGujarati-Regular.ttf",
    GUJARATI_BOLD: "NotoSansGujarati-Bold.ttf",
    GURMUKHI: "NotoSansGurmukhi-Regular.ttf",
    GURMUKHI_BOLD: "NotoSansGurmukhi-Bold.ttf",
    CJK: "NotoSansCJKsc-Subset.ttf",
}
BOLD_NAMES = frozenset({BOLD, BOLD_ITALIC, COND_BOLD})

_lock = threading.Lock()
_registered = False
_script_registered: set[str] = set()


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
        for name, filename in _FILES.items():
            _register(name, filename)
        # <b> and <i> inside a Paragraph map through the family, so bold text stays embedded.
        pdfmetrics.registerFontFamily(
            BODY, normal=BODY, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
        )
        pdfmetrics.registerFontFamily(
            COND, normal=COND, bold=COND_BOLD, italic=COND, boldItalic=COND_BOLD
        )
        _registered = True


def _register(name: str, filename: str, kind: type[TTFont] = TTFont) -> None:
    path = fonts_dir() / filename
    if not path.is_file():
        raise FileNotFoundError(f"report font missing: resources/fonts/{filename}")
    pdfmetrics.registerFont(kind(name, str(path)))


def script_font(name: str) -> str:
    """Register the fallback font ``name`` if it is not yet (thread-safe) and return its name."""
    if name in _script_registered:
        return name
    with _lock:
        if name not in _script_registered:
            _register(name, _SCRIPT_FILES[name], ClusterTextFont)
            _script_registered.add(name)
    return name


def covers(font_name: str, codepoint: int) -> bool:
    """Whether the registered font ``font_name`` has a glyph for ``codepoint``."""
    return codepoint in pdfmetrics.getFont(font_name).face.charToGlyph
