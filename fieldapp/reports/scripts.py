"""Text in any script on a printed page: a font per script run, shaping, right-to-left order.

Three steps, each by a library that does it well:

- Font fallback (here): each run of Arabic-script, Gujarati, Gurmukhi or Chinese text gets the
  Noto font for it (``fonts``); spaces, digits, punctuation and combining marks stay in the run
  they are in, so "مرحبا، 12" is one run and shapes as one.
- Shaping: reportlab's own harfbuzz support (``shaping=1`` on the paragraph style, through
  uharfbuzz) joins Arabic letters, forms Indic conjuncts and lays each word's glyphs out in
  visual order.
- Word order: reportlab orders words right to left only through a ReportLab-only bidi module;
  so :class:`BidiParagraph` lets reportlab break lines in logical order and, at draw time, puts
  each line's words in visual order with python-bidi (the Unicode Bidirectional Algorithm).
  A paragraph whose first strong character is right-to-left is also set flush right.

Everything the paragraph shows is still escaped (``safe.escape_text``); the only markup added
is ``<font face=...>`` with our own font names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

from bidi import get_base_level, get_display
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.platypus import Paragraph

from fieldapp.reports import fonts

_ARABIC = ((0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDFF),
           (0xFE70, 0xFEFF))
_GUJARATI = ((0x0A80, 0x0AFF),)
_GURMUKHI = ((0x0A00, 0x0A7F),)
_CJK = ((0x2E80, 0x2FDF), (0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
        (0xF900, 0xFAFF), (0xFF00, 0xFFEF))
# (ranges, regular font, bold font); checked in this order.
_SCRIPTS = (
    (_ARABIC, fonts.ARABIC, fonts.ARABIC_BOLD),
    (_GUJARATI, fonts.GUJARATI, fonts.GUJARATI_BOLD),
    (_GURMUKHI, fonts.GURMUKHI, fonts.GURMUKHI_BOLD),
    (_CJK, fonts.CJK, fonts.CJK),
)
_FALLBACKS = (fonts.ARABIC, fonts.GUJARATI, fonts.GURMUKHI, fonts.CJK)
_COMPLEX = frozenset({fonts.ARABIC, fonts.ARABIC_BOLD, fonts.GUJARATI, fonts.GUJARATI_BOLD,
                      fonts.GURMUKHI, fonts.GURMUKHI_BOLD})


def _script_font(codepoint: int, bold: bool) -> str | None:
    for ranges, regular, heavy in _SCRIPTS:
        if any(first <= codepoint <= last for first, last in ranges):
            return heavy if bold else regular
    return None


def _sticks(ch: str) -> bool:
    """Spaces, digits, punctuation, symbols and marks stay in the run they follow."""
    return not unicodedata.category(ch).startswith("L")


def _char_runs(text: str, base_font: str) -> list[tuple[str | None, str]]:
    bold = base_font in fonts.BOLD_NAMES
    runs: list[tuple[str | None, str]] = []
    current: str | None = None
    chunk: list[str] = []
    for ch in text:
        codepoint = ord(ch)
        face = current
        if not (chunk and _sticks(ch) and fonts.covers(current or base_font, codepoint)):
            face = _script_font(codepoint, bold)
            if face is not None and not fonts.covers(fonts.script_font(face), codepoint) and (
                    fonts.covers(base_font, codepoint)):
                face = None  # a character the script's font lacks but the base font has
            if face is None and not fonts.covers(base_font, codepoint):
                # Another script (a symbol, Hindi...): any of our fonts that has the glyph.
                face = next((f for f in _FALLBACKS if fonts.covers(fonts.script_font(f),
                                                                   codepoint)), None)
            if face is not None:
                fonts.script_font(face)
        if face != current and chunk:
            runs.append((current, "".join(chunk)))
            chunk = []
        current = face
        chunk.append(ch)
    if chunk:
        runs.append((current, "".join(chunk)))
    return runs


_WORDS = re.compile(r"\S+")


def _faces(text: str, base_font: str) -> tuple[list[str | None], bool]:
    """The font of each character, and whether some word still mixes fonts.

    reportlab shapes a word (no space in it) with the font of its first character, even where
    its characters have other fonts, which draws wrong glyphs or fails ("(مرحبا)", "3بار",
    "BBCعربی"). So a word that mixes fonts is set in one font that has all its characters:
    the script's own font first, else DejaVu (which has Arabic letters, for example)."""
    faces: list[str | None] = [face for face, part in _char_runs(text, base_font) for _ in part]
    mixed = False
    for match in _WORDS.finditer(text):
        start, end = match.span()
        used = list(dict.fromkeys(faces[start:end]))
        if len(used) < 2:
            continue
        letters = {face: sum(1 for ch, f in zip(match.group(), faces[start:end], strict=True)
                             if f == face and not _sticks(ch)) for face in used}
        for face in sorted(used, key=lambda f: (f is None, -letters[f])):
            if all(fonts.covers(face or base_font, ord(ch)) for ch in match.group()):
                faces[start:end] = [face] * (end - start)
                break
        else:
            mixed = True
    return faces, mixed


def font_runs(text: str, base_font: str) -> list[tuple[str | None, str]]:
    """``text`` cut into runs, each with the fallback font it needs (None: the base font);
    a word is in one font wherever one font has all its characters."""
    faces, _ = _faces(text, base_font)
    return _group(text, faces)


def _group(text: str, faces: Sequence[str | None]) -> list[tuple[str | None, str]]:
    runs: list[tuple[str | None, str]] = []
    for ch, face in zip(text, faces, strict=True):
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


# Naskh's and Noto's Indic letters are small for their point size beside DejaVu's Latin: a
# little larger they read at the same weight (and still fit the line's leading).
_SCALE = {fonts.ARABIC: 1.1, fonts.ARABIC_BOLD: 1.1, fonts.GUJARATI: 1.05,
          fonts.GUJARATI_BOLD: 1.05, fonts.GURMUKHI: 1.05, fonts.GURMUKHI_BOLD: 1.05}


def _size(face: str, style: ParagraphStyle) -> str:
    scale = _SCALE.get(face)
    return f' size="{style.fontSize * scale:.2f}"' if scale else ""


def is_rtl(ch: str) -> bool:
    return unicodedata.bidirectional(ch) in ("R", "AL")


def markup(escape: Any, text: str, style: ParagraphStyle) -> tuple[str, ParagraphStyle, bool]:
    """Paragraph markup for ``text`` (each run escaped with ``escape``), the style to set it in
    (shaping on where a run needs it; flush right when the text starts right-to-left) and
    whether its lines need right-to-left word order."""
    if text.isascii():
        return escape(text), style, False
    faces, mixed = _faces(text, style.fontName)
    runs = _group(text, faces)
    for face, part in runs:
        if face in _COMPLEX:
            pdfmetrics.getFont(face).remember(part)  # copyable text for its conjuncts
    parts = [escape(part) if face is None else
             f'<font face="{face}"{_size(face, style)}>{escape(part)}</font>'
             for face, part in runs]
    rtl = any(is_rtl(ch) for ch in text)
    # A word no one font can set stays unshaped rather than drawn with another font's glyphs.
    shaping = not mixed and (rtl or any(face in _COMPLEX for face, _ in runs))
    right = rtl and get_base_level(text) == 1 and style.alignment == TA_LEFT
    if shaping or right:
        style = _variant(style, right, shaping)
    return "".join(parts), style, rtl


_variants: dict[tuple[str, bool, bool], ParagraphStyle] = {}


def _variant(style: ParagraphStyle, right: bool, shaping: bool) -> ParagraphStyle:
    key = (style.name, right, shaping)
    variant = _variants.get(key)
    if variant is None:
        name = f"{style.name}{'-shaped' if shaping else ''}{'-rtl' if right else ''}"
        variant = ParagraphStyle(name, parent=style, shaping=int(shaping),
                                 alignment=TA_RIGHT if right else style.alignment)
        _variants[key] = variant
    return variant


# ---- right-to-left word order -----------------------------------------------------------------

def _alphabet(*ranges: tuple[int, int], bidi_class: tuple[str, ...]) -> str:
    chars = (chr(c) for first, last in ranges for c in range(first, last + 1))
    return "".join(ch for ch in chars
                   if unicodedata.bidirectional(ch) in bidi_class and not unicodedata.mirrored(ch))


@lru_cache(maxsize=1)
def _stand_ins() -> dict[str, str]:
    """Per bidi class, distinct characters of that class and no other property that matters:
    each word of a line is replaced by one of them, so python-bidi orders whole words."""
    return {
        "L": _alphabet((0x4E00, 0x4FFF), bidi_class=("L",)),
        "R": _alphabet((0x1E800, 0x1E8C4), bidi_class=("R",)),
        "AL": _alphabet((0xFB50, 0xFDFF), bidi_class=("AL",)),
        "EN": _alphabet((0x0030, 0x0039), (0x2070, 0x2079), (0x2080, 0x2089), (0xFF10, 0xFF19),
                        (0x1D7CE, 0x1D7FF), bidi_class=("EN",)),
        "AN": _alphabet((0x0660, 0x0669), (0x06F0, 0x06F9), bidi_class=("AN", "EN")),
        "ON": _alphabet((0x2500, 0x257F), bidi_class=("ON",)),
    }


def _word_class(word: str) -> str:
    numeric = None
    for ch in word:
        if 0xE000 <= ord(ch) <= 0xF8FF:  # a shaped glyph with no character of its own
            continue
        kind = unicodedata.bidirectional(ch)
        if kind in ("L", "R", "AL"):
            return kind
        if kind in ("EN", "AN") and numeric is None:
            numeric = kind
    return numeric or "ON"


def visual_order(words: Sequence[str], *, rtl_base: bool) -> list[int]:
    """The indices of ``words`` (one line, logical order) in the order they are drawn, left to
    right, by the Unicode Bidirectional Algorithm (python-bidi)."""
    stand_ins = _stand_ins()
    line: list[str] = []
    for i, word in enumerate(words):
        alphabet = stand_ins[_word_class(word)]
        if i >= len(alphabet):  # an absurdly long line: leave it in logical order
            return list(range(len(words)))
        line.append(alphabet[i])
    position = {ch: i for i, ch in enumerate(line)}
    shown = get_display(" ".join(line), base_dir="R" if rtl_base else "L")
    order = [position[ch] for ch in shown if ch in position]
    return order if sorted(order) == list(range(len(words))) else list(range(len(words)))


_PIECES = re.compile(r" +|[^ ]+")


def _tokens(frags: Sequence[Any]) -> Iterator[tuple[Any, Any, bool]]:
    """(frag, piece of its text, is spaces) in logical order; a shaped piece keeps its glyph
    positions (reportlab's ShapedStr slices them with the text)."""
    for frag in frags:
        text = frag.text
        for match in _PIECES.finditer(str(text)):
            yield frag, text[match.start():match.end()], match.group().startswith(" ")


def _visual_line(frags: Sequence[Any], rtl_base: bool) -> list[Any]:
    """A line's frags re-cut at word boundaries and put in visual order; the spaces between
    words stay where they were, so the line keeps its width."""
    lead: list[tuple[Any, Any]] = []
    words: list[list[tuple[Any, Any]]] = []
    gaps: list[list[tuple[Any, Any]]] = []  # gaps[i]: the spaces after words[i]
    after_space = True
    for frag, piece, space in _tokens(frags):
        if space:
            (gaps[-1] if words else lead).append((frag, piece))
        elif words and not after_space:
            words[-1].append((frag, piece))  # the same word, continued in another font
        else:
            words.append([(frag, piece)])
            gaps.append([])
        after_space = space
    order = visual_order(["".join(str(p) for _, p in w) for w in words], rtl_base=rtl_base)
    pieces = list(lead)
    for n, index in enumerate(order):
        pieces.extend(words[index])
        pieces.extend(gaps[n])
    return [frag.clone(text=piece) for frag, piece in pieces]


class BidiParagraph(Paragraph):
    """A Paragraph whose lines are drawn with their words in right-to-left order where the text
    says so. Lines are broken (and split across pages) in logical order as usual; the visual
    order is made only while drawing, so a split paragraph is never reordered twice."""

    def __init__(self, text: str | None, style: ParagraphStyle, *, rtl_base: bool = False,
                 **kw: Any) -> None:
        super().__init__(text, style, **kw)
        self._rtl_base = rtl_base

    def split(self, availWidth: float, availHeight: float) -> list[Any]:  # noqa: N803
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, BidiParagraph):
                part._rtl_base = self._rtl_base
        return parts

    def drawPara(self, debug: int = 0) -> None:  # noqa: N802 - reportlab's name
        logical = self.blPara
        if getattr(logical, "kind", 0) != 1:
            super().drawPara(debug)
            return
        visual = logical.clone()
        visual.lines = []
        for line in logical.lines:
            copy = line.clone() if hasattr(line, "clone") else line
            copy.words = _visual_line(line.words, self._rtl_base)
            visual.lines.append(copy)
        self.blPara = visual
        try:
            super().drawPara(debug)
        finally:
            self.blPara = logical


def paragraph(escape: Any, text: str, style: ParagraphStyle) -> Paragraph:
    """The Paragraph for ``text``: fallback fonts, shaping and right-to-left order as needed."""
    body, style, rtl = markup(escape, text, style)
    if not rtl:
        return Paragraph(body, style)
    return BidiParagraph(body, style, rtl_base=get_base_level(text) == 1)
