"""A 5,000-row generated file (a small stand-in for 100,000): correct counts, lines and KPIs,
with memory that does not grow with the number of rows."""

from __future__ import annotations

import gc
import io
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import scipy.stats  # noqa: F401 - imported up front: compute_kpis imports it lazily, not to be measured

from fieldapp.tracker import (
    RowRejection,
    TrackerRow,
    compute_kpis,
    read_tracker,
    write_csv,
    write_xlsx,
)
from fieldapp.tracker.row import REQUIRED

HEADER = ",".join([*REQUIRED, "district", "dash_score", "outcome_code", "victim_goals"])
DECISIONS = ("ACCEPTED", "DECLINED", "UNDECIDED", "NOT_OFFERED", "")


def generate(path: Path, rows: int) -> None:
    """Row i is bad when i % 97 == 0 (an unknown BCU); line = i + 3 (comment and header first)."""
    start = datetime(2022, 4, 1, 6, 0)
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("# OFFICIAL-SENSITIVE - generated\r\n" + HEADER + "\r\n")
        for i in range(rows):
            police = start + timedelta(minutes=53 * i)
            idva = "" if i % 11 == 0 else (police + timedelta(minutes=37 * (i % 400))).strftime("%Y-%m-%dT%H:%M")
            bcu = "NORTH" if i % 97 == 0 else ("WEST", "east", "South")[i % 3]
            out.write(
                f",LC-{i:06d},{bcu},{police:%Y-%m-%dT%H:%M},{idva},{DECISIONS[i % 5]},{DECISIONS[(i * 7) % 5]},"
                f"BLACKPOOL,{i % 25},{('1', '16', '', '1A', '21')[i % 5]},BE_DA_FREE\r\n"
            )


def test_five_thousand_rows_read_correctly(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    generate(path, 5000)
    reader = read_tracker(path)
    rows: list[TrackerRow] = []
    rejected: list[RowRejection] = []
    for item in reader:
        (rows if isinstance(item, TrackerRow) else rejected).append(item)  # type: ignore[arg-type]
    bad = [i for i in range(5000) if i % 97 == 0]
    assert len(rejected) == len(bad) and len(rows) == 5000 - len(bad)
    assert [r.line for r in rejected] == [i + 3 for i in bad]
    assert {r.column for r in rejected} == {"bcu"}
    assert reader.warnings == []
    report = compute_kpis(iter(rows))
    assert report.visits == len(rows)
    assert report.within_24h.d == sum(r.idva_visit_at is not None for r in rows)
    assert report.idva_support_accepted.n == sum(r.idva_support is not None and r.idva_support.value == "ACCEPTED" for r in rows)
    assert report.positive_outcomes.d == sum(r.outcome_code is not None for r in rows)
    assert len({r.visit_id for r in rows}) == len(rows)


def _peak_bytes(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        count = 0
        reader = read_tracker(path)
        report = compute_kpis(item for item in reader if isinstance(item, TrackerRow))
        count = report.visits
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 0
    return peak


def test_memory_stays_flat_as_rows_grow(tmp_path: Path) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    generate(small, 300)
    generate(large, 3000)
    small_peak, large_peak = _peak_bytes(small), _peak_bytes(large)
    # Ten times the rows; a reader that kept rows would need ~10x (several MB) more.
    assert large_peak < small_peak + 1_000_000, (small_peak, large_peak)
    print(f"peak bytes: {small_peak} for 300 rows, {large_peak} for 3,000")


def test_writers_stream_from_a_generator(tmp_path: Path) -> None:
    start = datetime(2022, 4, 1, tzinfo=UTC)
    rows = (
        TrackerRow(visit_id=f"00000000-0000-4000-8000-{i:012d}", police_incident_ref=f"R{i}", bcu="WEST",
                   police_visit_at=start + timedelta(minutes=7 * i),
                   idva_visit_at=start + timedelta(minutes=7 * i + 90))
        for i in range(2000)
    )
    out = io.BytesIO()
    assert write_xlsx(rows, out, exported_by="t", exported_at=start) == 2000
    path = tmp_path / "big.xlsx"
    path.write_bytes(out.getvalue())
    assert sum(isinstance(item, TrackerRow) for item in read_tracker(path)) == 2000
    out = io.BytesIO()
    assert write_csv((TrackerRow(visit_id=f"00000000-0000-4000-8000-{i:012d}", police_incident_ref="R",
                                 bcu="EAST", police_visit_at=start) for i in range(5000)),
                     out, exported_by="t", exported_at=start) == 5000
