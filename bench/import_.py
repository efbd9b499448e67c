"""Tracker import: a generated 100,000-row tracker CSV into a fresh vault, against parsing the
same file with the csv module alone.

    python -m bench.import_ [--quick] [--rows N] [--runs N]

Targets (DESIGN.md): under 10 s, and within 5x of the csv-only parse.
"""

from __future__ import annotations

import csv
from pathlib import Path

from bench.common import Timer, emit, log, median, new_vault, parser, workdir
from bench.gen import tracker_csv

TARGET_SECONDS = 10.0
TARGET_RATIO = 5.0


def csv_only(path: Path) -> float:
    with Timer() as t, path.open(encoding="utf-8-sig", newline="") as handle:
        count = sum(1 for _ in csv.reader(handle))
    assert count > 0
    return t.seconds


def fieldapp_import(path: Path, folder: Path) -> tuple[float, object]:
    from fieldapp.services import tracker_import

    vault, store = new_vault(folder)
    try:
        with Timer() as t, store.uow() as uow:
            report = tracker_import.import_tracker(uow=uow, path=path)
        return t.seconds, report
    finally:
        vault.lock()


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--rows", type=int, default=None)
    p.add_argument("--runs", type=int, default=None)
    args = p.parse_args()
    rows = args.rows or (2_000 if args.quick else 100_000)
    runs = args.runs or (1 if args.quick else 2)
    import fieldapp.services.tracker_import  # noqa: F401 - import time is not import speed

    with workdir(args.workdir) as work:
        path = work / "tracker.csv"
        good = tracker_csv(path, rows)
        log(f"import: {rows} rows generated ({path.stat().st_size / 1e6:.1f} MB)")
        base, value, reports = [], [], []
        for run in range(runs):
            # Interleave so that a noisy spell on the machine hits both sides alike.
            base.append(median([csv_only(path) for _ in range(3)]))
            seconds, report = fieldapp_import(path, work / f"vault{run}")
            value.append(seconds)
            reports.append(report)
            log(f"import run {run + 1}: {seconds:.2f} s ({report.summary()}); csv {base[-1]:.3f} s")
        assert all(r.imported == good for r in reports), [r.summary() for r in reports]
        v, b = median(value), median(base)
        emit("import", value=v, unit="s", baseline=b,
             target=f"< {TARGET_SECONDS:g} s and ratio <= {TARGET_RATIO:g}",
             met=v < TARGET_SECONDS and v / b <= TARGET_RATIO,
             met_absolute=v < TARGET_SECONDS, met_ratio=v / b <= TARGET_RATIO, rows=rows,
             imported=reports[0].imported, rejected=len(reports[0].rejected), runs=runs,
             rows_per_s=round(rows / v), cpu_note="wall-clock seconds on a shared 2-core machine")


if __name__ == "__main__":
    main()
