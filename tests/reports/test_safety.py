"""Hostile text prints literally, nothing is fetched, and reportlab stays locked down (T27)."""

from __future__ import annotations

import pytest
from reportlab import rl_config
from reportlab.platypus import Paragraph

from fieldapp.reports import CaseSummaryInput, render_case_summary, theme
from fieldapp.reports.layout import PageSetup, build_pdf
from fieldapp.reports.safe import clean_text, escape_text, one_line, safe_para

from .builders import (
    HOSTILE_AMP,
    HOSTILE_FONT,
    HOSTILE_IMG,
    PRINTED_AT,
    RTL_ARABIC,
    RTL_HEBREW,
    assert_chrome,
    pages_text,
    shows,
)

LITERALS = (HOSTILE_IMG, HOSTILE_AMP, HOSTILE_FONT, RTL_ARABIC, RTL_HEBREW, "Zoë Łucja Σοφία Жанна")


def test_hostile_name_and_words_print_literally(hostile_case, no_network) -> None:
    data = render_case_summary(CaseSummaryInput(
        case=hostile_case, printed_by=f"Sgt {HOSTILE_FONT} Byrne", printed_at=PRINTED_AT,
        include_voice=True, voice_reason=f"because {HOSTILE_AMP}"))
    pages = pages_text(data)
    assert_chrome(pages)
    text = "\n".join(pages)
    for literal in LITERALS:
        assert shows(text, literal), literal
    assert shows(text, "He said")  # the voice entry
    assert shows(text, f"because {HOSTILE_AMP}")
    assert shows(text, f"Printed by Sgt {HOSTILE_FONT} Byrne")


@pytest.mark.parametrize("text", [
    "x\x00y\x07z", "\ud800 lone surrogate", "tab\there", "中文 名前", "\u202eevil override",
    "<para>", "</para>", "&amp;", "<b>unclosed", "<a href='javascript:x'>", "]]>", "&#0;",
    "x" * 5000,
])
def test_odd_text_never_crashes(text: str, no_network) -> None:
    setup = PageSetup(title=text, printed_by=text, printed_at=PRINTED_AT)
    data = build_pdf([safe_para(text, theme.BODY_STYLE)], setup)
    assert_chrome(pages_text(data))


def test_escape_rules() -> None:
    assert escape_text('<a> & "b" \'c\'\nd') == "&lt;a&gt; &amp; &quot;b&quot; &#39;c&#39;<br/>d"
    assert clean_text("a\r\nb\rc\x00") == "a\nb\nc"
    assert one_line("a\nb   c", 120) == "a b c"
    assert one_line("x" * 200, 10) == "x" * 9 + "…"


def test_reportlab_fetching_is_off(no_network) -> None:
    # Imported fieldapp.reports above: both lists are empty, so no host or scheme is trusted.
    assert rl_config.trustedHosts == []
    assert rl_config.trustedSchemes == []
    # Second wall: even raw markup that bypassed safe_para fails without touching the network.
    with pytest.raises(OSError, match="Cannot open resource"):
        Paragraph('<img src="http://127.0.0.1:9/x" width="10" height="10"/>', theme.BODY_STYLE)
