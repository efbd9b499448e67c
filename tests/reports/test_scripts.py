"""A case summary with the victim's words in Urdu, Arabic, Polish, Gujarati, Punjabi and Chinese:
the text reads back exactly (pdfium, pypdf), every character is drawn in a font that has it (no
.notdef box), Arabic letters are drawn joined and its words run right to left, flush right."""

from __future__ import annotations

import ctypes
import io
import re
import unicodedata
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from fieldapp.domain.records import VoiceEntryOut
from fieldapp.reports import CaseSummaryInput, render_case_summary

from .builders import POLICE_AT, PRINTED_AT, flat, make_case, squash

PHRASES = {
    "Urdu": "میں گھر پر محفوظ رہنا چاہتی ہوں",
    "Arabic": "أريد أن أشعر بالأمان في بيتي",
    "Polish": "Chcę czuć się bezpiecznie w domu, żeby dzieci spały spokojnie",
    "Gujarati": "નમસ્તે, મને ઘરમાં સલામત રહેવું છે",
    "Punjabi": "ਮੈਨੂੰ ਡਰ ਲੱਗਦਾ ਹੈ, ਪ੍ਰਾਰਥਨਾ ਕਰੋ",
    "Chinese": "我想在家里感到安全。他昨天来了三次。",
}
PRINTED_BY = "Sgt Łucja Wiśniewska"
VICTIM = "Aisha Khan عائشہ خان"


def _summary() -> bytes:
    base = make_case(victim_name=VICTIM)
    voice = [VoiceEntryOut(entry_id=uuid4(), case_id=base.case_id, words=words, verbatim=True,
                           goals=[], consent_to_share=None, consent_scope=[], corrects=None,
                           recorded_at=POLICE_AT + timedelta(hours=23, minutes=n),
                           recorded_by="IDVA07")
             for n, words in enumerate(PHRASES.values())]
    case = base.model_copy(update={"voice": voice})
    return render_case_summary(CaseSummaryInput(
        case=case, printed_by=PRINTED_BY, printed_at=PRINTED_AT, include_voice=True,
        voice_reason="MARAC meeting: the victim's own words in their own language"))


@pytest.fixture(scope="module")
def summary() -> bytes:
    return _summary()


def _chars(page: pdfium.PdfPage) -> list[tuple[str, str, tuple[float, float, float, float]]]:
    """Every character pdfium reads off the page: (character, font name, box)."""
    text = page.get_textpage()
    out = []
    buffer = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    for index in range(text.count_chars()):
        char = text.get_text_range(index, 1)
        length = pdfium_c.FPDFText_GetFontInfo(text.raw, index, buffer, 256, ctypes.byref(flags))
        font = buffer.value.decode("utf-8", "replace") if length else ""
        out.append((char, font.split("+", 1)[-1], text.get_charbox(index)))
    return out


def _pdfium_pages(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [unicodedata.normalize("NFC", page.get_textpage().get_text_range()) for page in document]


def test_every_script_reads_back_exactly(summary: bytes) -> None:
    pages = "\n".join(_pdfium_pages(summary))
    for language, words in PHRASES.items():
        assert words in pages, f"{language} words not read back: {words}"
    # A right-to-left name inside a left-to-right line: pdfium reads that run in drawn order.
    assert "Aisha Khan خان عائشہ" in pages
    # pypdf (ToUnicode only, no bidi; it may put a space before a mark drawn with an offset)
    # reads the left-to-right scripts' letters exactly too.
    plain = unicodedata.normalize("NFKC", "\n".join(
        page.extract_text() for page in PdfReader(io.BytesIO(summary)).pages))
    for language in ("Polish", "Gujarati", "Punjabi", "Chinese"):
        assert flat(PHRASES[language]) in flat(plain), language
    for language in ("Urdu", "Arabic"):  # letters, not presentation forms; word order aside
        for word in PHRASES[language].split():
            assert word in squash(plain), (language, word)
    assert f"Printed by {PRINTED_BY}" in pages  # the page chrome too


def test_a_right_to_left_name_in_a_latin_line_reads_right_to_left(summary: bytes) -> None:
    chars = _chars(pdfium.PdfDocument(summary)[0])
    first, last = _locate(chars, "عائشہ"), _locate(chars, "خان")
    latin = _locate(chars, "Aisha Khan")
    assert min(box[0] for box in first) > max(box[2] for box in last)  # first name on the right
    assert min(box[0] for box in last) > max(box[2] for box in latin)  # after the Latin words


def test_no_character_is_drawn_in_a_font_without_it(summary: bytes) -> None:
    faces = {}
    for name in pdfmetrics.getRegisteredFontNames():
        font = pdfmetrics.getFont(name)
        if hasattr(font, "face"):
            name = font.face.name  # bytes for a TTF face; str for fonts others registered
            faces[name.decode() if isinstance(name, bytes) else name] = font.face
    used: set[str] = set()
    for page in pdfium.PdfDocument(summary):
        for char, font, _ in _chars(page):
            if not char.strip() or not font:
                continue
            assert font in faces, f"{char!r} drawn in a font not shipped: {font}"
            used.add(font)
            for code in unicodedata.normalize("NFC", char):
                assert ord(code) in faces[font].charToGlyph, (
                    f"{char!r} (U+{ord(code):04X}) drawn in {font}, which has no glyph for it")
    assert {"NotoNaskhArabic-Regular", "NotoSansGujarati-Regular", "NotoSansGurmukhi-Regular",
            "NotoSansCJKsc-Regular"} <= used, used


def _locate(chars: list[tuple[str, str, tuple[float, float, float, float]]], word: str
            ) -> list[tuple[float, float, float, float]]:
    text = unicodedata.normalize("NFC", "".join(c for c, _, _ in chars))
    at = text.find(word)
    assert at >= 0, word
    return [box for _, _, box in chars[at:at + len(word)]]


@pytest.mark.parametrize("language", ["Arabic", "Urdu"])
def test_right_to_left_words_run_right_to_left_flush_right(summary: bytes, language: str) -> None:
    document = pdfium.PdfDocument(summary)
    page = next(p for p in document if PHRASES[language] in
                unicodedata.normalize("NFC", p.get_textpage().get_text_range()))
    chars = _chars(page)
    words = PHRASES[language].split()
    boxes = [_locate(chars, word) for word in words]
    for first, second, a, b in zip(words, words[1:], boxes, boxes[1:], strict=False):
        assert min(box[0] for box in a) > max(box[2] for box in b), (
            f"{first} should be right of {second}")
    # The line starts at the right margin, as the victim's words would be written.
    width = page.get_width()
    assert max(box[2] for box in boxes[0]) > width * 0.8
    assert min(box[0] for box in boxes[-1]) > width * 0.4


def _to_unicode(font: dict) -> dict[int, str]:
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    block = cmap.split("beginbfchar", 1)[1].split("endbfchar", 1)[0]
    return {int(code, 16): bytes.fromhex(text).decode("utf-16-be")
            for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block)}


def test_arabic_letters_are_drawn_in_their_joined_forms(summary: bytes) -> None:
    """Without shaping each letter is drawn in its isolated form, whose width the font gives
    for the plain letter; joined (initial, medial, final) forms have widths of their own."""
    arabic = pdfmetrics.getFont("FieldArabic").face
    joined = 0
    for page in PdfReader(io.BytesIO(summary)).pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if "NotoNaskhArabic-Regular" not in str(font["/BaseFont"]):
                continue
            widths, first = font["/Widths"], int(font["/FirstChar"])
            for code, text in _to_unicode(font).items():
                if len(text) == 1 and "ARABIC LETTER" in unicodedata.name(text, ""):
                    isolated = arabic.getCharWidth(ord(text))
                    joined += abs(float(widths[code - first]) - isolated) > 1
    assert joined >= 8, f"only {joined} joined letter forms drawn"


def test_the_rendered_page_shows_ink_where_each_script_is(summary: bytes, tmp_path: Path) -> None:
    document = pdfium.PdfDocument(summary)
    scale = 2.0
    for page_no, page in enumerate(document):
        text = unicodedata.normalize("NFC", page.get_textpage().get_text_range())
        present = [lang for lang, words in PHRASES.items() if words in text]
        if not present:
            continue
        image = page.render(scale=scale).to_pil().convert("L")
        image.save(tmp_path / f"page-{page_no + 1}.png")
        chars = _chars(page)
        for language in present:
            for left, bottom, right, top in _locate(chars, PHRASES[language].split()[0]):
                box = (int(left * scale), int((page.get_height() - top) * scale),
                       int(right * scale) + 1, int((page.get_height() - bottom) * scale) + 1)
                darkest = image.crop(box).getextrema()[0]
                assert darkest < 128, f"no ink for {language} at {box} on page {page_no + 1}"


def test_word_order_follows_the_bidirectional_algorithm() -> None:
    from fieldapp.reports.scripts import visual_order

    assert visual_order(["He", "said", "مرحبا", "بالعالم", "twice"], rtl_base=False) == [
        0, 1, 3, 2, 4]
    assert visual_order(["مرحبا", "بالعالم"], rtl_base=True) == [1, 0]
    # A number and a Latin word inside a right-to-left sentence keep their own place.
    assert visual_order(["وہ", "3", "بار", "BBC", "آیا"], rtl_base=True) == [4, 3, 2, 1, 0]
    assert visual_order(["only", "latin"], rtl_base=False) == [0, 1]


def test_each_script_run_gets_its_font_and_neutrals_stay_in_their_run() -> None:
    from fieldapp.reports import fonts
    from fieldapp.reports.scripts import font_runs

    runs = font_runs("Zoë مرحبا، 12 નમસ્તે ਸਤਿ 中文。", fonts.BODY)
    assert runs == [(None, "Zoë "), (fonts.ARABIC, "مرحبا، 12 "), (fonts.GUJARATI, "નમસ્તે "),
                    (fonts.GURMUKHI, "ਸਤਿ "), (fonts.CJK, "中文。")]
    assert font_runs("Łucja", fonts.BOLD) == [(None, "Łucja")]
    assert font_runs("عائشہ", fonts.BOLD) == [(fonts.ARABIC_BOLD, "عائشہ")]


VOCALISED = ("بِسْمِ اللَّهِ الرَّحْمَٰنِ الرَّحِيمِ", "مُحَمَّدٌ رَسُولُ اللَّهِ", "שָׁלוֹם עֲלֵיכֶם")


@pytest.mark.parametrize("words", VOCALISED)
def test_vocalised_right_to_left_words_print(words: str) -> None:
    """Marks above and below the line drawn first on a line once crashed reportlab's shaped
    text (an unguarded baseline shift); they print, and their letters read back."""
    case = make_case(words=words)
    data = render_case_summary(CaseSummaryInput(case=case, printed_by="Sgt Byrne",
                                                printed_at=PRINTED_AT, include_voice=True,
                                                voice_reason="review"))
    # pypdf reads the ToUnicode table in drawing order: Arabic ligatures spell their letters in
    # reading order, Hebrew (one glyph per letter) comes out reversed.
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    read = _letters(unicodedata.normalize("NFKC", text))
    for word in words.split():
        assert _letters(word) in read or _letters(word)[::-1] in read, word


def _letters(text: str) -> str:
    return "".join(ch for ch in text if unicodedata.category(ch).startswith("L"))


_SCRIPTS_ALPHABET = st.characters(
    codec="utf-8", categories=("L", "M", "N", "P", "S", "Zs"),
    include_characters="\n",
) | st.sampled_from(list("مُحَمَّدٌ رَسُولُ نمسته ક્ષ ਸ੍ਰੀ ਤਿ 中文。 שָׁלוֹם ﷲ 😀 ٣ 12 Łż"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=st.text(_SCRIPTS_ALPHABET, min_size=1, max_size=120))
def test_any_text_in_any_script_prints(words: str) -> None:
    """Found by this test: a word mixing fonts ("0" then an Arabic mark) made reportlab shape it
    with one font's glyphs in another font, and the PDF could not be written."""
    from fieldapp.reports import theme
    from fieldapp.reports.layout import PageSetup, build_pdf
    from fieldapp.reports.safe import safe_para

    data = build_pdf([safe_para(words, theme.QUOTE), safe_para(words, theme.H2),
                      safe_para(words, theme.DENSE)],
                     PageSetup(title=words, printed_by=words, printed_at=PRINTED_AT))
    assert data.startswith(b"%PDF-")


@pytest.mark.parametrize("words", ["(مرحبا)", "0\ufe70", "3بار", "BBCعربی", "«مرحبا»",
                                   "(ક્ષ)", "(ਸ੍ਰੀ)"])
def test_a_word_mixing_scripts_is_set_in_one_font_that_has_it_all(words: str) -> None:
    from fieldapp.reports import fonts
    from fieldapp.reports.scripts import font_runs

    runs = font_runs(words, fonts.BODY)
    assert len(runs) == 1, runs
    face = runs[0][0] or fonts.BODY
    assert all(fonts.covers(face, ord(ch)) for ch in words)
