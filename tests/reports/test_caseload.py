"""Caseload: totals, and a 300-case table that paginates with its header on every page."""

from __future__ import annotations

import re

from fieldapp.reports import CaseloadCase, CaseloadInput, CaseloadRow, render_caseload

from .builders import (
    HOSTILE_AMP,
    HOSTILE_FONT,
    HOSTILE_IMG,
    PRINTED_AT,
    RTL_HEBREW,
    assert_chrome,
    flat,
    font_names,
    make_caseload,
    pages_text,
    shows,
)

HEADER = ("Case ref", "Pseudonym", "IDVA", "Police visit", "24-hour clock", "Risk", "MARAC",
          "Next action")


def test_300_cases_paginate_with_repeated_header() -> None:
    data = render_caseload(make_caseload(300))
    pages = pages_text(data)
    assert len(pages) >= 5
    assert_chrome(pages)
    for number, text in enumerate(pages[1:], start=2):
        for label in HEADER:
            assert label in text, f"page {number} lacks the column '{label}'"
    refs = re.findall(r"LC-2024\d{5}", "\n".join(pages))
    assert sorted(refs) == sorted(f"LC-2024{i:05d}" for i in range(300))  # none lost or doubled


def test_totals_row_and_figures() -> None:
    text = "\n".join(pages_text(render_caseload(make_caseload(3))))
    assert shows(text, "Total 310 10 90 20 35")
    assert shows(text, "West BCU caseload")
    assert shows(text, "BCU West · open cases · all IDVAs")


def test_empty_caseload_still_prints() -> None:
    inp = CaseloadInput(rows=[], printed_by="Sgt", printed_at=PRINTED_AT)
    pages = pages_text(render_caseload(inp))
    assert_chrome(pages)
    assert shows(pages[0], "No open cases for these filters")


def test_hostile_text_in_caseload(no_network) -> None:
    nasty = f"{HOSTILE_IMG} {HOSTILE_AMP} {HOSTILE_FONT} {RTL_HEBREW}"
    inp = CaseloadInput(
        rows=[CaseloadRow(idva=nasty, open_cases=1, overdue_24h=0, high_risk=0,
                          marac_pending=0, actions_due=0)],
        cases=[CaseloadCase(case_ref="LC-1", pseudonym=HOSTILE_FONT, idva=nasty,
                            police_visit_at=PRINTED_AT, clock_text="22 h left",
                            next_action=nasty)],
        printed_by=HOSTILE_AMP, printed_at=PRINTED_AT, title=f"Caseload {HOSTILE_AMP}",
        filters=HOSTILE_IMG)
    data = render_caseload(inp)
    text = "\n".join(pages_text(data))
    for literal in (HOSTILE_IMG, HOSTILE_AMP, HOSTILE_FONT, RTL_HEBREW):
        assert shows(text, literal), literal
    assert flat(text).count(flat(HOSTILE_IMG)) >= 4
    assert not any(n.startswith("NOT-EMBEDDED") for n in font_names(data))
