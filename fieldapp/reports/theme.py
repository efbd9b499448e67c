"""Palette and paragraph styles shared by every report.

Why one place: supervisors and evaluators put these documents side by side, so headings, tables
and charts must look like one family. The palette is calm (navy, slate, one teal accent) and
prints legibly in black and white; nothing relies on colour alone to carry meaning.
"""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from fieldapp.reports.fonts import BODY, BOLD, COND, COND_BOLD, ITALIC, register_fonts

register_fonts()

NAVY = colors.HexColor("#1F3A5F")
SLATE = colors.HexColor("#2E3A46")
MUTED = colors.HexColor("#5F6B78")
RULE = colors.HexColor("#B9C3CF")
HAIRLINE = colors.HexColor("#DDE3EA")
HEADER_BG = colors.HexColor("#E3E9F1")
ZEBRA = colors.HexColor("#F5F7FA")
TOTAL_BG = colors.HexColor("#EDF1F6")
TEAL = colors.HexColor("#3F8F8B")
BAR = colors.HexColor("#2F5D8C")
AMBER = colors.HexColor("#B26B00")
AMBER_BG = colors.HexColor("#FFF4E0")
RED = colors.HexColor("#A63D32")
GREEN = colors.HexColor("#2E7D4F")
WHITE = colors.white

SERIES = (BAR, TEAL, colors.HexColor("#8C9BAD"), colors.HexColor("#C48A3A"))


def _style(name: str, **kw: object) -> ParagraphStyle:
    base: dict[str, object] = {
        "fontName": BODY, "fontSize": 9.5, "leading": 13.5, "textColor": SLATE,
        "shaping": 0, "splitLongWords": 1, "allowWidows": 0, "allowOrphans": 0,
    }
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


BODY_STYLE = _style("fa-body", spaceAfter=4)
SMALL = _style("fa-small", fontSize=8, leading=10.5, textColor=MUTED)
SMALL_ITALIC = _style("fa-small-italic", fontName=ITALIC, fontSize=8, leading=10.5, textColor=MUTED)
TITLE = _style("fa-title", fontName=BOLD, fontSize=20, leading=24, textColor=NAVY, spaceAfter=2)
SUBTITLE = _style("fa-subtitle", fontSize=10.5, leading=14, textColor=MUTED, spaceAfter=10)
H1 = _style("fa-h1", fontName=BOLD, fontSize=12.5, leading=16, textColor=NAVY, spaceBefore=14,
            spaceAfter=3, keepWithNext=1)
H2 = _style("fa-h2", fontName=BOLD, fontSize=10.5, leading=14, textColor=SLATE, spaceBefore=8,
            spaceAfter=3, keepWithNext=1)
CELL = _style("fa-cell", fontSize=8.5, leading=11)
CELL_BOLD = _style("fa-cell-bold", fontName=BOLD, fontSize=8.5, leading=11)
CELL_RIGHT = _style("fa-cell-right", fontSize=8.5, leading=11, alignment=TA_RIGHT)
CELL_RIGHT_BOLD = _style("fa-cell-right-bold", fontName=BOLD, fontSize=8.5, leading=11,
                         alignment=TA_RIGHT)
CELL_HEAD = _style("fa-cell-head", fontName=BOLD, fontSize=8, leading=10, textColor=NAVY)
CELL_HEAD_RIGHT = _style("fa-cell-head-right", fontName=BOLD, fontSize=8, leading=10,
                         textColor=NAVY, alignment=TA_RIGHT)
DENSE = _style("fa-dense", fontName=COND, fontSize=8, leading=10)
DENSE_BOLD = _style("fa-dense-bold", fontName=COND_BOLD, fontSize=8, leading=10)
DENSE_HEAD = _style("fa-dense-head", fontName=COND_BOLD, fontSize=7.5, leading=9.5, textColor=NAVY)
LABEL = _style("fa-label", fontName=BOLD, fontSize=8.5, leading=11, textColor=MUTED)
VALUE = _style("fa-value", fontSize=9.5, leading=12.5)
QUOTE = _style("fa-quote", fontSize=9.5, leading=13.5, textColor=SLATE)
FIGURE = _style("fa-figure", fontName=BOLD, fontSize=20, leading=23, textColor=NAVY,
                alignment=TA_LEFT)
FIGURE_NOTE = _style("fa-figure-note", fontSize=8, leading=10.5, textColor=MUTED)
CENTRED_SMALL = _style("fa-centred-small", fontSize=8, leading=10.5, textColor=MUTED,
                       alignment=TA_CENTER)
CALLOUT = _style("fa-callout", fontSize=9, leading=12.5, textColor=SLATE, backColor=AMBER_BG,
                 borderColor=AMBER, borderWidth=0.6, borderPadding=6, leftIndent=6,
                 rightIndent=6, spaceBefore=8,
                 spaceAfter=10)
