"""Common document template: page chrome, title block, tables and ruled writing space.

Every page carries OFFICIAL-SENSITIVE at the top and the bottom (DESIGN.md, Markings), who
printed it and when (Europe/London), and "Page X of Y". The total page count is only known at
the end, so the canvas keeps each finished page and draws the chrome when the document is
saved (the usual two-pass "numbered canvas" recipe, done in one build).

PDFs are built in memory (no temp files); an optional password encrypts the finished document
with AES-256 before it is returned (``encryption``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from fieldapp.domain import clock
from fieldapp.reports import theme
from fieldapp.reports.encryption import check_password, encrypt_pdf
from fieldapp.reports.fonts import BODY, BOLD
from fieldapp.reports.safe import escape_text, one_line, safe_para

MARKING = "OFFICIAL-SENSITIVE"
SERVICE = "Operation Provide · Lancashire"
MARGIN_X = 18 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_PADDING = 6  # reportlab's default Frame padding, each side
NOT_RECORDED = "Not recorded"

Cell = str | int | float | Flowable | None


@dataclass(frozen=True)
class PageSetup:
    """What the chrome of every page needs; ``encrypt`` is the reader's password, if any."""

    title: str
    printed_by: str
    printed_at: datetime
    landscape: bool = False
    encrypt: str | None = None


def london_stamp(value: datetime) -> str:
    """'27 Nov 2025, 15:44 GMT': Europe/London wall time, zone named so BST is unambiguous."""
    local = clock.to_london(value)
    return f"{local:%d %b %Y, %H:%M} {local.tzname()}"


def london_date_time(value: datetime | None) -> str:
    return NOT_RECORDED if value is None else london_stamp(value)


_CHROME = ParagraphStyle("fa-chrome", fontName=BODY, fontSize=7.5, leading=9,
                         textColor=theme.MUTED)
_CHROME_RIGHT = ParagraphStyle("fa-chrome-right", parent=_CHROME, alignment=TA_RIGHT)


def _chrome_text(canv: Canvas, text: str, left: float, right: float, baseline: float, *,
                 right_aligned: bool = False) -> None:
    """One line of page chrome. A name or reference in another script goes through a Paragraph
    (fallback fonts, shaping, right-to-left order), which the canvas's drawString cannot do."""
    if text.isascii():
        if right_aligned:
            canv.drawRightString(right, baseline, text)
        else:
            canv.drawString(left, baseline, text)
        return
    para = safe_para(text, _CHROME_RIGHT if right_aligned else _CHROME)
    _, height = para.wrap(right - left, 30)
    para.drawOn(canv, left, baseline - height + _CHROME.fontSize)


def _draw_chrome(canv: Canvas, setup: PageSetup, page: int, total: int) -> None:
    width, height = canv._pagesize
    left, right = MARGIN_X + FRAME_PADDING, width - MARGIN_X - FRAME_PADDING
    canv.saveState()
    canv.setFillColor(theme.SLATE)
    canv.setFont(BOLD, 9)
    canv.drawCentredString(width / 2, height - 10 * mm, MARKING)
    canv.setFont(BODY, 7.5)
    canv.setFillColor(theme.MUTED)
    canv.drawString(left, height - 15.5 * mm, SERVICE)
    _chrome_text(canv, one_line(setup.title, 80), width / 2, right, height - 15.5 * mm,
                 right_aligned=True)
    canv.setStrokeColor(theme.RULE)
    canv.setLineWidth(0.5)
    canv.line(left, height - 17.5 * mm, right, height - 17.5 * mm)
    canv.line(left, 16 * mm, right, 16 * mm)
    printed = f"Printed by {one_line(setup.printed_by, 60)} on {london_stamp(setup.printed_at)}"
    _chrome_text(canv, printed, left, right - 30 * mm, 12 * mm)
    canv.drawRightString(right, 12 * mm, f"Page {page} of {total}")
    canv.setFillColor(theme.SLATE)
    canv.setFont(BOLD, 9)
    canv.drawCentredString(width / 2, 6.5 * mm, MARKING)
    canv.restoreState()


class _TextObject(PDFTextObject):
    """reportlab 5.1 reads the last operator before a baseline shift without checking there is
    one, so shaped text whose first glyph sits above or below the line (a vocalised Arabic word
    drawn first on its line) raised IndexError. The shift itself is written as reportlab would."""

    def setRise(self, rise: float) -> None:  # noqa: N802 - reportlab's name
        if not self._code:
            self._rise = rise
            self._y -= rise
            self._code.append(f"{fp_str(rise)} Ts")
            return
        super().setRise(rise)


def _canvas_class(setup: PageSetup) -> type[Canvas]:
    class NumberedCanvas(Canvas):
        """Holds finished pages until save, then stamps each with its chrome and the total."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []
            self._marks: list[tuple[str, float, float]] = []

        def bookmarkHorizontal(self, key: str, relativeX: float, relativeY: float,  # noqa: N802,N803
                               **kw: Any) -> None:
            # A page's PDF object exists only once it is really shown (in save), so the
            # bookmark's place is kept with the page and set then.
            left, top = self.absolutePosition(relativeX, relativeY)
            self._marks.append((key, left, top))

        def beginText(self, x: float = 0, y: float = 0,  # noqa: N802 - reportlab's name
                      direction: str | None = None) -> PDFTextObject:
            return _TextObject(self, x, y, direction=direction)

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._held.append(dict(self.__dict__))
            self._marks = []
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for state in self._held:
                self.__dict__.update(state)
                for key, left, top in state["_marks"]:
                    self.bookmarkHorizontalAbsolute(key, top, left=left)
                _draw_chrome(self, setup, self._pageNumber, total)
                super().showPage()
            super().save()

    return NumberedCanvas


def build_pdf(story: list[Flowable], setup: PageSetup) -> bytes:
    """Lay out ``story`` on A4 with the common chrome and return the PDF bytes."""
    check_password(setup.encrypt)  # before the layout work, not after it
    buffer = BytesIO()
    size = landscape(A4) if setup.landscape else A4
    doc = SimpleDocTemplate(
        buffer, pagesize=size, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        # Metadata stays generic: it is what file managers and search indexes show.
        title=one_line(setup.title, 80), author="fieldapp", subject=MARKING,
        creator="fieldapp (Operation Provide)", lang="en-GB", displayDocTitle=1,
        initialFontName=BODY, initialFontSize=9.5,
    )
    doc.build(story, canvasmaker=_canvas_class(setup))
    data = buffer.getvalue()
    return data if setup.encrypt is None else encrypt_pdf(data, setup.encrypt)


def frame_width(setup: PageSetup) -> float:
    """Usable width inside the frame: tables built to it line up with the paragraphs."""
    size = landscape(A4) if setup.landscape else A4
    return size[0] - 2 * MARGIN_X - 2 * FRAME_PADDING


class SectionHeading(Paragraph):
    """A heading with a thin rule under it, kept with what follows (one flowable, so the
    rule can never be stranded at the foot of a page). Each heading is also an entry in the
    document outline (bookmarks), which the viewer shows when the file opens."""

    def __init__(self, text: str, style: Any, *, outline: str) -> None:
        super().__init__(text, style)
        self.outline = outline

    def split(self, avail_width: float, avail_height: float) -> list[Any]:
        return []  # one line: it moves to the next page whole, and keeps its outline entry

    def draw(self) -> None:
        key = f"section-{id(self)}"
        self.canv.bookmarkHorizontal(key, 0, self.height + self.style.spaceBefore)
        self.canv.addOutlineEntry(self.outline, key, level=0)
        self.canv.showOutline()
        super().draw()
        self.canv.saveState()
        self.canv.setStrokeColor(theme.RULE)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, -2.5, self.width, -2.5)
        self.canv.restoreState()


def section(title: str) -> SectionHeading:
    return SectionHeading(escape_text(title), theme.H1, outline=one_line(title, 80))


def title_block(title: str, subtitle: str = "") -> list[Flowable]:
    out: list[Flowable] = [safe_para(title, theme.TITLE)]
    if subtitle:
        out.append(safe_para(subtitle, theme.SUBTITLE))
    return out


def cell(value: Cell, style: Any = theme.CELL) -> Flowable:
    """Any table value as a wrapped, escaped paragraph; numbers right-aligned."""
    if isinstance(value, Flowable):
        return value
    if value is None or value == "":
        return safe_para("—", style)
    if isinstance(value, bool):
        return safe_para("Yes" if value else "No", style)
    if isinstance(value, int | float):
        right = theme.CELL_RIGHT_BOLD if style in (theme.CELL_BOLD, theme.DENSE_BOLD) else (
            theme.CELL_RIGHT)
        return safe_para(f"{value:,}" if isinstance(value, int) else f"{value:,.1f}", right)
    return safe_para(value, style)


def kv_table(rows: Sequence[tuple[str, Cell]], width: float, *, pairs: int = 1,
             label_width: float = 38 * mm) -> Table:
    """Label/value rows, optionally ``pairs`` side by side; empty values read 'Not recorded'."""
    flat = [
        (safe_para(label, theme.LABEL),
         cell(NOT_RECORDED if value is None or value == "" else value, theme.VALUE))
        for label, value in rows
    ]
    lines: list[list[Flowable | str]] = []
    for start in range(0, len(flat), pairs):
        line: list[Flowable | str] = []
        for label, value in flat[start:start + pairs]:
            line.extend([label, value])
        line.extend([""] * (2 * pairs - len(line)))
        lines.append(line)
    value_width = width / pairs - label_width
    table = Table(lines, colWidths=[label_width, value_width] * pairs, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BODY, 9),  # blank padding cells too: never Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, theme.HAIRLINE),
    ]))
    return table


def data_table(header: Sequence[str], rows: Iterable[Sequence[Cell]], col_widths: Sequence[float],
               *, totals: Sequence[Cell] | None = None, dense: bool = False,
               numeric: Iterable[int] = (), flag_rows: Iterable[int] = ()) -> Table:
    """A zebra table whose header row repeats on every page it spans.

    ``flag_rows`` (0-based data rows) get a soft amber background; the cells themselves must
    also say why (never colour alone).
    """
    body_style = theme.DENSE if dense else theme.CELL
    bold_style = theme.DENSE_BOLD if dense else theme.CELL_BOLD
    head_style = theme.DENSE_HEAD if dense else theme.CELL_HEAD
    right_cols = set(numeric)
    head = [safe_para(h, theme.CELL_HEAD_RIGHT if i in right_cols else head_style)
            for i, h in enumerate(header)]
    body_right = theme.CELL_RIGHT
    bold_right = theme.CELL_RIGHT_BOLD

    def line(values: Sequence[Cell], normal: Any, right: Any) -> list[Flowable]:
        return [cell(v, right if i in right_cols and isinstance(v, str) else normal)
                for i, v in enumerate(values)]

    data: list[list[Flowable]] = [head]
    data.extend(line(row, body_style, body_right) for row in rows)
    n_body = len(data) - 1
    if totals is not None:
        data.append(line(totals, bold_style, bold_right))
    commands: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), BODY, 8.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), theme.HEADER_BG),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, theme.NAVY),
        ("TOPPADDING", (0, 0), (-1, -1), 3 if dense else 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3 if dense else 4),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    if n_body:
        commands += [
            ("ROWBACKGROUNDS", (0, 1), (-1, n_body), [theme.WHITE, theme.ZEBRA]),
            ("LINEBELOW", (0, 1), (-1, n_body), 0.25, theme.HAIRLINE),
        ]
    for row in flag_rows:
        commands.append(("BACKGROUND", (0, row + 1), (-1, row + 1), theme.AMBER_BG))
    if totals is not None:
        commands += [
            ("BACKGROUND", (0, -1), (-1, -1), theme.TOTAL_BG),
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, theme.NAVY),
        ]
    table = Table(data, colWidths=list(col_widths), repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


def quote_block(text: str, width: float) -> Table:
    """A person's words set apart by a teal rule; the row may split across pages, so even a
    20,000-character entry lays out instead of failing as 'too large on page'."""
    table = Table([[safe_para(text, theme.QUOTE)]], colWidths=[width], splitInRow=1,
                  hAlign="LEFT", spaceAfter=8)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), BODY, 9.5),
        ("LINEBEFORE", (0, 0), (0, -1), 2, theme.TEAL),
        ("BACKGROUND", (0, 0), (-1, -1), theme.ZEBRA),
        ("LEFTPADDING", (0, 0), (-1, -1), 9),
        ("RIGHTPADDING", (0, 0), (-1, -1), 9),
        ("TOPPADDING", (0, 0), (-1, -1), 6),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
    ]))
    return table


class RuledLines(Flowable):
    """Blank ruled lines to write on: supervision notes are still handwritten in the room."""

    def __init__(self, count: int, width: float, gap: float = 8 * mm) -> None:
        super().__init__()
        self.count, self.width, self.gap = count, width, gap
        self.height = count * gap

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        self.canv.saveState()
        self.canv.setStrokeColor(theme.RULE)
        self.canv.setLineWidth(0.5)
        for i in range(self.count):
            y = self.height - (i + 1) * self.gap + 1
            self.canv.line(0, y, self.width, y)
        self.canv.restoreState()


def writing_box(label: str, lines: int, width: float) -> KeepTogether:
    return KeepTogether([safe_para(label, theme.H2), RuledLines(lines, width)])


def gap(height_mm: float = 4) -> Spacer:
    return Spacer(1, height_mm * mm)
