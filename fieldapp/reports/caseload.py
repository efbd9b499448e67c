"""Team caseload for a supervision session: per-IDVA counts, then every case on one line.

Landscape A4, because the case table has eight columns that must stay readable; the header row
repeats on every page so page 7 of a 300-case list still says what each column is. Rows whose
24-hour clock is overdue or due soon get a soft background, and their clock text says so in
words as well. The detail rows carry a pseudonym, never a victim's name.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Table, TableStyle

from fieldapp.domain import clock
from fieldapp.domain.enums import ClockState, RiskGrade
from fieldapp.reports import theme
from fieldapp.reports.labels import label
from fieldapp.reports.layout import (
    PageSetup,
    build_pdf,
    data_table,
    frame_width,
    gap,
    london_stamp,
    section,
    title_block,
)
from fieldapp.reports.safe import safe_para

Count = Annotated[int, Field(ge=0)]
_ATTENTION = (ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.MISSED)


class CaseloadRow(BaseModel):
    """One IDVA's counts."""

    model_config = ConfigDict(frozen=True)

    idva: str
    open_cases: Count
    overdue_24h: Count
    high_risk: Count
    marac_pending: Count
    actions_due: Count


class CaseloadCase(BaseModel):
    """One case line; ``clock_text`` is what the board shows, e.g. 'overdue by 3 h 05 m'."""

    model_config = ConfigDict(frozen=True)

    case_ref: str
    pseudonym: str
    idva: str
    police_visit_at: datetime
    clock_text: str
    clock_state: ClockState | None = None
    risk_level: RiskGrade | str | None = None
    marac_status: str = ""
    next_action: str = ""


class CaseloadInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    rows: list[CaseloadRow]
    printed_by: Annotated[str, Field(min_length=1, max_length=120)]
    printed_at: datetime
    title: str = "Team caseload"
    filters: str = ""
    cases: list[CaseloadCase] = Field(default_factory=list)


_COUNT_FIELDS = ("open_cases", "overdue_24h", "high_risk", "marac_pending", "actions_due")
_COUNT_LABELS = ("Open cases", "24-hour overdue", "High risk", "MARAC pending", "Actions due")


def _totals(rows: Sequence[CaseloadRow]) -> list[int]:
    return [sum(getattr(r, f) for r in rows) for f in _COUNT_FIELDS]


def _figures(totals: list[int], width: float) -> Table:
    """The five totals as large figures: the first thing a supervisor looks for."""
    cells = [[safe_para(f"{value:,}", theme.FIGURE) for value in totals],
             [safe_para(text, theme.FIGURE_NOTE) for text in _COUNT_LABELS]]
    table = Table(cells, colWidths=[width / 5] * 5, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), theme.BODY_STYLE.fontName, 9),
        ("LINEABOVE", (0, 0), (-1, 0), 2, theme.NAVY),
        ("BACKGROUND", (0, 0), (-1, -1), theme.ZEBRA),
        ("LEFTPADDING", (0, 0), (-1, -1), 8),
        ("TOPPADDING", (0, 0), (-1, 0), 8),
        ("BOTTOMPADDING", (0, -1), (-1, -1), 8),
        ("LINEAFTER", (0, 0), (-2, -1), 0.5, theme.WHITE),
    ]))
    return table


def _by_idva(rows: Sequence[CaseloadRow], width: float) -> list[Flowable]:
    out: list[Flowable] = [section("By IDVA")]
    if not rows:
        return [*out, safe_para("No open cases for these filters.", theme.BODY_STYLE)]
    ordered = sorted(rows, key=lambda r: r.idva.casefold())
    body = [[r.idva, *(getattr(r, f) for f in _COUNT_FIELDS)] for r in ordered]
    first = width * 0.3
    widths = [first] + [(width - first) / 5] * 5
    return [*out, data_table(["IDVA", *_COUNT_LABELS], body, widths,
                             totals=["Total", *_totals(rows)], numeric=range(1, 6))]


def _short_time(value: datetime) -> str:
    return f"{clock.to_london(value):%d %b %Y %H:%M}"


_REF_STYLE = ParagraphStyle("fa-dense-ref", parent=theme.DENSE, splitLongWords=0)
_CELL_PADDING = 8  # data_table's left + right padding
_REF_MAX_SHARE = 0.3


def _fit_column(widths: list[float], refs: Sequence[str], width: float) -> ParagraphStyle:
    """Widen the reference column (first) to its longest reference, taking the room from the
    last (free text) column, so a reference is never broken across lines: a supervisor reads
    it out or types it into the app. Only a reference longer than 30% of the page may break."""
    need = max((stringWidth(ref, theme.DENSE.fontName, theme.DENSE.fontSize) for ref in refs),
               default=0.0) + _CELL_PADDING + 1
    if need > _REF_MAX_SHARE * width:
        return theme.DENSE
    extra = max(0.0, need - widths[0])
    widths[0] += extra
    widths[-1] -= extra
    return _REF_STYLE


def _cases(cases: Sequence[CaseloadCase], width: float) -> list[Flowable]:
    out: list[Flowable] = [section(f"Cases ({len(cases):,})")]
    if not cases:
        return [*out, safe_para("No case lines were included.", theme.BODY_STYLE)]
    header = ["Case ref", "Pseudonym", "IDVA", "Police visit", "24-hour clock", "Risk",
              "MARAC", "Next action"]
    widths = [s * width for s in (0.11, 0.10, 0.10, 0.12, 0.13, 0.07, 0.11, 0.26)]
    ref_style = _fit_column(widths, [c.case_ref for c in cases], width)
    body = [[safe_para(c.case_ref, ref_style), c.pseudonym, c.idva,
             _short_time(c.police_visit_at), c.clock_text,
             label(c.risk_level) if c.risk_level else "", c.marac_status, c.next_action]
            for c in cases]
    flags = [i for i, c in enumerate(cases) if c.clock_state in _ATTENTION]
    table = data_table(header, body, widths, dense=True, flag_rows=flags)
    note_text = "Times are UK local time."
    if flags:
        note_text += " Shaded rows: the 24-hour visit is overdue, due within 4 hours, or missed."
    note = safe_para(note_text, theme.SMALL)
    return [*out, note, gap(1.5), table]


def render_caseload(inp: CaseloadInput, *, encrypt: str | None = None) -> bytes:
    """The caseload PDF; ``encrypt`` is a password the reader will need to open it."""
    setup = PageSetup(title=inp.title, printed_by=inp.printed_by, printed_at=inp.printed_at,
                      landscape=True, encrypt=encrypt)
    width = frame_width(setup)
    subtitle = f"As at {london_stamp(inp.printed_at)}"
    if inp.filters:
        subtitle += f" · {inp.filters}"
    story: list[Flowable] = [
        *title_block(inp.title, subtitle),
        _figures(_totals(inp.rows), width),
        *_by_idva(inp.rows, width),
        gap(2),
        *_cases(inp.cases, width),
    ]
    return build_pdf(story, setup)

