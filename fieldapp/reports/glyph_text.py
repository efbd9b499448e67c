"""Copyable text for shaped scripts: each conjunct or ligature glyph maps back to its letters.

reportlab gives a shaped glyph that no character maps to (a Gujarati or Gurmukhi conjunct, a
subjoined letter) a private-use code, and its ToUnicode table maps that code to itself, so
copying "નમસ્તે" out of the PDF, searching it or reading it aloud gives "નમ\\ue000તે". This
font class shapes each run once more with harfbuzz (the same engine and features reportlab
uses), remembers which characters each such glyph stands for (its harfbuzz cluster), and
writes those characters into the ToUnicode table when the font is embedded. Joined Arabic
forms (which reportlab maps to the presentation-form characters) map to the plain letters.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import uharfbuzz
from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, makeToUnicodeCMap

_FEATURES = {"kern": True, "liga": True, "dlig": True}  # reportlab's shapeFragWord defaults
_PRIVATE = range(0xE000, 0xF900)
_PRESENTATION = frozenset([*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)])


class ClusterTextFont(TTFont):
    """A TrueType font whose ToUnicode table spells out shaped glyphs' characters."""

    def __init__(self, name: str, filename: str, **kw: Any) -> None:
        super().__init__(name, filename, **kw)
        self.glyph_text: dict[int, str] = {}

    def remember(self, text: str) -> None:
        """Shape ``text`` and record the characters behind every glyph no character maps to."""
        if not text.strip():
            return
        buffer = uharfbuzz.Buffer()
        buffer.cluster_level = uharfbuzz.BufferClusterLevel.MONOTONE_CHARACTERS
        buffer.add_str(text)
        buffer.guess_segment_properties()
        uharfbuzz.shape(self.hbFont(10), buffer, _FEATURES)
        infos, positions = buffer.glyph_infos, buffer.glyph_positions
        clusters = sorted({info.cluster for info in infos})
        ends = dict(zip(clusters, [*clusters[1:], len(text)], strict=True))
        glyphs: dict[int, list[tuple[int, int]]] = {}
        for info, position in zip(infos, positions, strict=True):
            glyphs.setdefault(info.cluster, []).append((info.codepoint, position.x_advance))
        for cluster, members in glyphs.items():
            self._spell(members, text[cluster:ends[cluster]])

    def _natural(self, gid: int) -> str | None:
        codes = [code for code in self.face.glyphToChar.get(gid, ()) if code not in _PRIVATE]
        return chr(codes[0]) if codes else None

    def _spell(self, members: list[tuple[int, int]], chars: str) -> None:
        """Give a cluster's characters to one of its glyphs: the one that advances the pen (a
        ligature, not the mark drawn over it); if that glyph is a character of its own, the
        rest go to the first glyph that is not. Its other glyphs copy as nothing."""
        carrier = next((gid for gid, advance in members if advance > 0), members[0][0])
        own = self._natural(carrier)
        rest = [gid for gid, _ in members if gid != carrier and self._natural(gid) is None]
        if own is None:
            self.glyph_text.setdefault(carrier, chars)
        elif rest:
            self.glyph_text.setdefault(rest.pop(0), chars.replace(own, "", 1))
        for gid in rest:
            if gid != carrier:
                self.glyph_text.setdefault(gid, "")

    def addObjects(self, doc: Any) -> None:  # noqa: N802 - reportlab's name
        state = self.state.get(doc)
        subsets = [list(subset) for subset in state.subsets] if state is not None else []
        super().addObjects(doc)
        for n, subset in enumerate(subsets):
            if not any(code in _PRIVATE or code in _PRESENTATION for code in subset):
                continue
            base = (b"".join((SUBSETN(n), b"+", self.face.name, self.face.subfontNameX))
                    .decode("pdfdoc"))
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is not None:
                stream.content = self._cmap(base, subset)

    def _cmap(self, base: str, subset: list[int]) -> str:
        entries = []
        for index, code in enumerate(subset):
            text = chr(code)
            if code in _PRIVATE:
                text = self.glyph_text.get(self.face.charToGlyph.get(code, -1), text)
            elif code in _PRESENTATION:  # a joined Arabic form: copy the letter itself
                text = unicodedata.normalize("NFKC", text) or text
            if text:  # no entry: a glyph whose characters another glyph of its cluster carries
                entries.append(f"<{index:02X}> <{text.encode('utf-16-be').hex().upper()}>")
        plain = makeToUnicodeCMap(base, subset).split("\n")
        start = next(i for i, line in enumerate(plain) if line.endswith("beginbfchar"))
        end = plain.index("endbfchar")
        plain[start] = f"{len(entries)} beginbfchar"
        return "\n".join(plain[:start + 1] + entries + plain[end:])

