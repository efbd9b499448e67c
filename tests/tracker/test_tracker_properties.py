"""Property tests: no cell content, header shape or byte sequence makes the reader fail, and
every row that is written comes back unchanged."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from fieldapp.domain.enums import Bcu, VictimGoal
from fieldapp.tracker import (
    COLUMNS,
    FORMULA_TRIGGERS,
    REQUIRED,
    ReferralDecision,
    RowRejection,
    SupportDecision,
    TrackerFileError,
    TrackerRow,
    defuse,
    read_tracker,
    undefuse,
    write_csv,
    write_xlsx,
)
from fieldapp.tracker.cells import ooxml_escape, ooxml_unescape
from fieldapp.tracker.reader import WHOLE_ROW

SAFETY_NET = "could not be read; check it against"
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell_text = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["", "WEST", "accepted", "2022-10-29T19:45", "29/10/2022 19:45", "1A", "24",
                     "-1", "=1+2", "'=x", "YES", "\x00", "\r\n", "\t", "9" * 40, "x" * 5000]),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
)
header_name = st.one_of(
    st.sampled_from(COLUMNS), st.sampled_from(COLUMNS).map(lambda c: f"  {c.upper()} "),
    st.text(max_size=12),
)


def physical_lines(data: bytes) -> int:
    return len(data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def check_reader(path: Path, data_rows: int | None, lines: int) -> None:
    try:
        reader = read_tracker(path)
    except TrackerFileError as error:
        assert str(error)
        return
    out = list(reader)
    if data_rows is not None:
        assert len(out) == data_rows
    previous = 0
    for item in out:
        assert isinstance(item, (TrackerRow, RowRejection))
        if isinstance(item, RowRejection):
            assert item.reason and SAFETY_NET not in item.reason, item
            assert item.column in COLUMNS or item.column == WHOLE_ROW
            assert previous < item.line <= lines
            previous = item.line
    assert all(isinstance(w, str) for w in reader.warnings)


@FAST
@given(
    header=st.lists(header_name, min_size=0, max_size=12),
    with_required=st.booleans(),
    rows=st.lists(st.lists(cell_text, max_size=16), max_size=8),
    bom=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_csv_reader_never_fails_on_any_content(
    header: list[str], with_required: bool, rows: list[list[str]], bom: bool, newline: str
) -> None:
    if with_required:
        header = list(REQUIRED) + header
    buffer = io.StringIO(newline="")
    buffer.write("# OFFICIAL-SENSITIVE" + newline)
    # csv.writer quotes only the characters of its own line ending; a lone CR must be quoted
    # too, or the test itself would write a line break the reader rightly sees.
    has_cr = any("\r" in cell for cell in [*header, *(c for row in rows for c in row)])
    writer = csv.writer(buffer, lineterminator=newline, quoting=csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    data = ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8", "surrogatepass")
    assume(b"\xed\xa0" not in data)  # no lone surrogates: they are not UTF-8
    non_blank = sum(1 for row in rows if any(cell.strip() for cell in row))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(data)
        check_reader(path, non_blank, physical_lines(data))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_csv_reader_never_fails_on_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.csv"
        path.write_bytes(b"visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support\n" + data)
        try:
            lines = physical_lines(path.read_bytes())
        except UnicodeDecodeError:
            lines = 0
        check_reader(path, None, lines)


xlsx_cell = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 1, 1)),
    st.dates(min_value=date(1900, 3, 1)),
    cell_text.map(lambda s: XML_ILLEGAL.sub("", s)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    extra=st.lists(header_name.map(lambda s: XML_ILLEGAL.sub("", s)), max_size=4),
    rows=st.lists(st.lists(xlsx_cell, max_size=12), max_size=6),
)
def test_xlsx_reader_never_fails_on_any_typed_cell(extra: list[str], rows: list[list[Any]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["# comment"])
    sheet.append([*REQUIRED, *extra])
    for row in rows:
        sheet.append([("'" + c) if isinstance(c, str) and c.startswith("=") else c for c in row])
    non_blank = sum(
        1 for row in rows
        if any(c is not None and not (isinstance(c, str) and c.strip() == "") for c in row)
    )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.xlsx"
        book.save(path)
        check_reader(path, non_blank, len(rows) + 2)


# The OWASP CSV-injection triggers plus NUL, written out: checked against the product's own
# tuple below, and what a defused cell must never start with.
SPEC_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\x00")


def test_formula_triggers_are_the_specified_ones() -> None:
    assert sorted(FORMULA_TRIGGERS) == sorted(SPEC_TRIGGERS)


@given(st.text())
@example("-1")
@example("-A1*10")
@example("'-x")
def test_defuse_is_exactly_undone(text: str) -> None:
    guarded = defuse(text)
    assert not guarded.startswith(SPEC_TRIGGERS)
    assert undefuse(guarded) == text
    assert ooxml_unescape(ooxml_escape(text)) == text
    assert "\r" not in ooxml_escape(text)


# ---- any valid row survives both formats -----------------------------------------------------

plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"),
    max_size=32,
).map(lambda s: XML_ILLEGAL.sub("", s).strip(" ")) | st.sampled_from(["=SUM(A1)", "-1", "@x", "\tT", "\rR", "'=q"])
instants = st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2099, 12, 30), timezones=st.just(UTC))


@st.composite
def tracker_rows(draw: Any) -> TrackerRow:
    police = draw(instants)
    gap = draw(st.none() | st.integers(0, 4000 * 3600).map(lambda s: timedelta(seconds=s)))
    ref = draw(plain_text.filter(lambda s: 1 <= len(s) <= 32))
    maybe = st.none() | plain_text.filter(lambda s: 0 < len(s) <= 40)
    return TrackerRow(
        visit_id=draw(st.uuids()), police_incident_ref=ref, bcu=draw(st.sampled_from(Bcu)),
        district=draw(maybe), idva_code=draw(maybe), police_visit_at=police,
        idva_visit_at=None if gap is None or police + gap > datetime(2099, 12, 31, tzinfo=UTC) else police + gap,
        idva_support=draw(st.none() | st.sampled_from(SupportDecision)),
        prosecution_support=draw(st.none() | st.sampled_from(SupportDecision)),
        dash_score=draw(st.none() | st.integers(0, 24)),
        marac_referral=draw(st.none() | st.booleans()),
        ref_childrens_social_care=draw(st.none() | st.sampled_from(ReferralDecision)),
        children_in_household=draw(st.none() | st.integers(0, 30)),
        outcome_code=draw(st.none() | st.sampled_from(["1", "1A", "9", "22"])),
        victim_goals=tuple(draw(st.lists(st.sampled_from(VictimGoal), max_size=4, unique=True))),
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(tracker_rows(), max_size=8))
def test_any_valid_rows_round_trip_through_csv_and_xlsx(rows: list[TrackerRow]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for kind, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
            out = io.BytesIO()
            writer(rows, out, exported_by="prop", exported_at=datetime(2024, 1, 1, tzinfo=UTC))
            path = Path(folder) / f"t.{kind}"
            path.write_bytes(out.getvalue())
            reader = read_tracker(path)
            assert list(reader) == rows, kind
            assert reader.warnings == []
