"""What a reader's software sees in every report: a title, a language and an outline (also when
password protected), police references that never break across lines, and chart labels that
never overlap one another, however many quarters and BCUs a chart holds."""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from fieldapp.reports import (
    CaseSummaryInput,
    KpiReportInput,
    render_case_summary,
    render_caseload,
    render_kpi_report,
)
from fieldapp.tracker.kpi import compute_kpis

from .builders import PRINTED_AT, make_case, make_caseload

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tracker"))
from tracker_helpers import make_row  # noqa: E402  (the tracker tests' row builder)

LONGEST_REF = "LC-20240309-0123456789-ABCDEFGHI"  # 32 characters, the longest allowed


def _busy_kpis():
    """Two financial years over the three BCUs: the outcome chart has 8 x 4 bars."""
    start = datetime(2022, 4, 3, 10, tzinfo=UTC)
    rows = []
    for i in range(700):
        police = start + timedelta(hours=25 * i)
        rows.append(make_row(bcu=("WEST", "EAST", "SOUTH")[i % 3], police_visit_at=police,
                             idva_visit_at=police + timedelta(hours=5 + i % 50),
                             outcome_code=("1", "16", "3", "14", "8")[i % 5]))
    return compute_kpis(rows)


@pytest.fixture(scope="module")
def busy_kpi_report() -> bytes:
    return render_kpi_report(KpiReportInput(kpis=_busy_kpis(), printed_by="Dr E. Valuator",
                                            printed_at=PRINTED_AT))


def _case_summary(password: str | None = None) -> bytes:
    inp = CaseSummaryInput(case=make_case(), printed_by="Sgt Ada Byrne", printed_at=PRINTED_AT)
    return render_case_summary(inp, encrypt=password)


def _outline(reader: PdfReader) -> list[tuple[str, int]]:
    return [(item.title, reader.get_destination_page_number(item)) for item in reader.outline]


@pytest.mark.parametrize("password", [None, "river lantern 42"])
def test_case_summary_has_title_language_and_outline(password: str | None) -> None:
    reader = PdfReader(io.BytesIO(_case_summary(password)))
    if password:
        assert reader.decrypt(password)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/PageMode"] == "/UseOutlines"  # the outline shows when the file opens
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == "Case summary · LC-20240309-01234"
    outline = _outline(reader)
    titles = [title for title, _ in outline]
    assert titles[:3] == ["24-hour target", "Visits", "Support offers and decisions"]
    assert "Victim's voice" in titles and titles[-1] == "Supervision"
    pages = [page for _, page in outline]
    assert pages == sorted(pages) and pages[-1] == len(reader.pages) - 1  # each where it is


def test_caseload_and_kpi_reports_have_outlines(busy_kpi_report: bytes) -> None:
    caseload = PdfReader(io.BytesIO(render_caseload(make_caseload(40))))
    assert caseload.trailer["/Root"]["/Lang"] == "en-GB"
    assert caseload.metadata.title == "West BCU caseload"
    assert [title for title, _ in _outline(caseload)] == ["By IDVA", "Cases (40)"]
    kpi = PdfReader(io.BytesIO(busy_kpi_report))
    assert kpi.metadata.title == "Performance measures"
    outline = dict(_outline(kpi))
    assert outline["Speed of the IDVA visit"] == 1 and outline["Definitions"] == len(kpi.pages) - 1
    assert "Positive police outcomes" in outline


def _lines(data: bytes) -> list[str]:
    return [line for page in pdfium.PdfDocument(data)
            for line in page.get_textpage().get_text_range().splitlines()]


def test_caseload_references_are_never_broken_across_lines() -> None:
    inp = make_caseload(30)
    refs = [f"LC-20240309-{i:05d}" for i in range(29)] + [LONGEST_REF]
    inp = inp.model_copy(update={"cases": [case.model_copy(update={"case_ref": ref})
                                           for case, ref in zip(inp.cases, refs, strict=True)]})
    lines = _lines(render_caseload(inp))
    broken = [ref for ref in refs if not any(ref in line for line in lines)]
    assert broken == []


def _words(page: pdfium.PdfPage) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Each word on the page and the box around its characters."""
    text = page.get_textpage()
    words: list[tuple[str, tuple[float, float, float, float]]] = []
    current, boxes = "", []
    for index in range(text.count_chars() + 1):
        char = text.get_text_range(index, 1) if index < text.count_chars() else " "
        if char.strip():
            current += char
            boxes.append(text.get_charbox(index))
            continue
        if current:
            words.append((current, (min(b[0] for b in boxes), min(b[1] for b in boxes),
                                    max(b[2] for b in boxes), max(b[3] for b in boxes))))
        current, boxes = "", []
    return words


def _overlaps(data: bytes) -> list[str]:
    found = []
    for number, page in enumerate(pdfium.PdfDocument(data), start=1):
        words = sorted(_words(page), key=lambda w: w[1][0])
        for i, (word, (_, bottom, right, top)) in enumerate(words):
            for other, (o_left, o_bottom, _, o_top) in words[i + 1:]:
                if o_left >= right - 0.5:
                    break
                if min(top, o_top) - max(bottom, o_bottom) > 0.5:
                    found.append(f"page {number}: {word!r} overlaps {other!r}")
    return found


def test_kpi_chart_labels_never_overlap(busy_kpi_report: bytes, sample_tracker: Path) -> None:
    assert _overlaps(busy_kpi_report) == []
    from fieldapp.tracker.reader import read_tracker
    from fieldapp.tracker.row import TrackerRow

    with read_tracker(sample_tracker) as reader:
        rows = [item for item in reader if isinstance(item, TrackerRow)]
    sample = render_kpi_report(KpiReportInput(kpis=compute_kpis(rows), printed_by="Dr E",
                                              printed_at=PRINTED_AT))
    assert _overlaps(sample) == []
