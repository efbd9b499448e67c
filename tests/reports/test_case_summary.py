"""Case summary: content, what must never print, and the victim's words only on request."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from pydantic import ValidationError

from fieldapp.reports import CaseSummaryInput, render_case_summary

from .builders import (
    PRINTED_AT,
    SAFE_NUMBER,
    SAFE_TIMES,
    VOICE_WORDS,
    assert_chrome,
    flat,
    font_names,
    make_case,
    pages_text,
    shows,
)


def _render(case, **kw) -> tuple[bytes, str]:
    data = render_case_summary(CaseSummaryInput(
        case=case, printed_by="Sgt Ada Byrne", printed_at=PRINTED_AT, **kw))
    pages = pages_text(data)
    assert_chrome(pages)
    return data, "\n".join(pages)


def test_summary_shows_the_case(case) -> None:
    _, text = _render(case)
    for expected in ("LC-20240309-01234", "Kestrel-42", "Jane Example", "22.5 hours",
                     "Met: IDVA visit within 24 hours", "Support for prosecution", "Declined",
                     "Fear of reprisal", "Housing", "Not ready", "15 of 24", "High",
                     "MARAC criteria are met but no referral", "16: Evidential difficulties",
                     "Supervision", "Discussion notes", "Action agreed", "Signature",
                     "Printed by Sgt Ada Byrne on 12 Mar 2024, 09:30 GMT"):
        assert shows(text, expected), expected


def test_victim_name_only_in_the_header(case) -> None:
    _, text = _render(case, include_voice=True, voice_reason="MARAC preparation")
    assert flat(text).count(flat("Jane Example")) == 1


def test_voice_is_left_out_by_default(case) -> None:
    _, text = _render(case)
    assert not shows(text, "feel safe at home")
    assert shows(text, "own words are not included")


def test_voice_printed_on_request_with_the_reason(case) -> None:
    _, text = _render(case, include_voice=True, voice_reason="MARAC preparation, case 7")
    assert shows(text, VOICE_WORDS)
    assert shows(text, "at the request of Sgt Ada Byrne. Reason: MARAC preparation, case 7")


def test_voice_needs_a_reason(case) -> None:
    with pytest.raises(ValidationError):
        CaseSummaryInput(case=case, printed_by="x", printed_at=PRINTED_AT, include_voice=True)


@pytest.mark.parametrize("include_voice", [False, True])
def test_safe_contact_never_printed(case, include_voice: bool) -> None:
    data, text = _render(case, include_voice=include_voice, voice_reason="review")
    for secret in (SAFE_NUMBER, SAFE_TIMES, "third party", "VIA_THIRD_PARTY", "voicemail"):
        assert not shows(text.lower(), secret.lower()), secret
    assert SAFE_NUMBER.encode() not in data  # not even in an unextracted corner
    assert flat(SAFE_NUMBER) not in flat(text)  # the visit note carries it: notes never print


def test_missed_and_overdue_are_called_out() -> None:
    _, missed = _render(make_case(idva_after=timedelta(hours=30, minutes=15)))
    assert shows(missed, "Missed: IDVA visit 6 h 15 m after the 24-hour mark")
    assert shows(missed, "24 hours to 1 week")
    _, overdue = _render(make_case(idva_after=None))
    assert shows(overdue, "Overdue: no IDVA visit yet")
    assert shows(overdue, "No visits recorded")


def test_long_voice_entry_flows_over_pages() -> None:
    words = ("She described the evening in detail. " * 540)[:20_000]
    _, text = _render(make_case(words=words), include_voice=True, voice_reason="court")
    assert text.count("OFFICIAL-SENSITIVE") >= 6  # three pages or more, all marked


def test_fonts_are_embedded(case) -> None:
    data, _ = _render(case, include_voice=True, voice_reason="review")
    names = font_names(data)
    assert not any(n.startswith("NOT-EMBEDDED") for n in names), names
    assert not any("Helvetica" in n for n in names), names


def test_corrections_are_marked(case) -> None:
    original = case.voice[0]
    correction = original.model_copy(update={
        "entry_id": uuid4(), "words": "Correction: she wants him arrested after all.",
        "corrects": original.entry_id, "recorded_at": original.recorded_at + timedelta(hours=2)})
    corrected = case.model_copy(update={"voice": [correction, original]})
    _, text = _render(corrected, include_voice=True, voice_reason="review")
    assert shows(text, "superseded by a later correction")
    assert shows(text, "corrects the entry of 10 Mar 2024, 18:45 GMT")
    assert text.index("feel safe") < text.index("Correction: she wants")  # in recorded order
