"""Make resources/fonts/NotoSansCJKsc-Subset.ttf, the Chinese report font (run by hand, rarely).

Why a made file: reportlab embeds TrueType (glyf) fonts only, and the Noto CJK fonts ship as
CFF in a 20 MB collection of five regions. This takes the Simplified Chinese face of Noto Sans
CJK (Debian package fonts-noto-cjk, SIL Open Font License 1.1, no reserved font name), keeps
the characters of GB 2312 (every simplified character in everyday use) and of Big5 level 1 (the
5,401 common traditional characters, for Hong Kong and Taiwan writers), CJK punctuation,
kana and full-width forms, and converts the outlines to TrueType quadratics. reportlab then
embeds only the glyphs a report uses.

    python -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools
    /tmp/ft/bin/python installer/make_cjk_font.py NotoSansCJK-Regular.ttc resources/fonts/

Needs fontTools at build time only; the app never imports it.
"""

from __future__ import annotations

import sys
from pathlib import Path

SC_FACE = 2  # JP, KR, SC, TC, HK, then the Mono faces
OUT_NAME = "NotoSansCJKsc-Subset.ttf"
RANGES = (
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana and katakana
    (0xFF00, 0xFFEF),  # half- and full-width forms
    (0x2018, 0x201F), (0x2026, 0x2026), (0x00B7, 0x00B7),
)


def characters() -> set[int]:
    chars: set[int] = set()
    for codepoint in range(0x2E80, 0xA000):
        ch = chr(codepoint)
        for codec in ("gb2312", "big5"):
            try:
                encoded = ch.encode(codec)
            except UnicodeEncodeError:
                continue
            if codec == "big5" and len(encoded) == 2 and not 0xA440 <= int.from_bytes(encoded) <= 0xC67E:
                continue  # Big5 level 2 (rare characters) left out: size
            chars.add(codepoint)
    for first, last in RANGES:
        chars.update(range(first, last + 1))
    return chars


def to_truetype(font: object) -> None:
    """Replace the CFF table by glyf/loca (quadratic curves), as fontTools' otf2ttf does."""
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()  # type: ignore[attr-defined]
    glyphs = font.getGlyphSet()  # type: ignore[attr-defined]
    outlines = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        outlines[name] = pen.glyph()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = outlines
    font["glyf"] = glyf  # type: ignore[index]
    font["loca"] = newTable("loca")  # type: ignore[index]
    del font["CFF "]  # type: ignore[attr-defined]
    if "VORG" in font:  # type: ignore[operator]
        del font["VORG"]  # type: ignore[attr-defined]
    maxp = font["maxp"]  # type: ignore[index]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                 "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    font["head"].indexToLocFormat = 0  # type: ignore[index]
    font["head"].glyphDataFormat = 0  # type: ignore[index]
    font["post"].formatType = 2.0  # type: ignore[index]
    font["post"].extraNames = []  # type: ignore[index]
    font["post"].mapping = {}  # type: ignore[index]
    font.sfntVersion = "\x00\x01\x00\x00"  # type: ignore[attr-defined]


def main(collection: str, out_dir: str) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = TTCollection(collection).fonts[SC_FACE]
    options = subset.Options()
    options.layout_features = ["ccmp", "kern", "halt", "palt"]  # no locl: other regions' forms
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=characters())
    subsetter.subset(font)
    to_truetype(font)
    target = Path(out_dir) / OUT_NAME
    font.save(target)
    sys.stdout.write(f"{target}: {target.stat().st_size:,} bytes, {len(font.getGlyphOrder()):,} glyphs\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
