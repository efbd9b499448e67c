"""The KPI report PDF over 100,000 visits held in the vault (services.reporting.kpi_pdf: the
tracker projection, the KPI engine, the charts and the PDF), against compute_kpis over the same
rows already in memory.

    python -m bench.kpi_pdf [--quick] [--rows N] [--runs N]

Target (DESIGN.md): under 5 s.
"""

from __future__ import annotations

import time

from bench.common import Timer, call_accepting, emit, log, median, new_vault, parser, workdir
from bench.gen import tracker_csv

TARGET_SECONDS = 5.0


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--rows", type=int, default=None)
    p.add_argument("--runs", type=int, default=None)
    args = p.parse_args()
    rows = args.rows or (2_000 if args.quick else 100_000)
    runs = args.runs or (1 if args.quick else 3)
    import scipy.stats  # noqa: F401 - compute_kpis imports it lazily; not what is measured

    from fieldapp.reports import render_kpi_report  # noqa: F401 - fonts registered up front
    from fieldapp.services import reporting, tracker_import
    from fieldapp.services.tracker_rows import tracker_rows
    from fieldapp.tracker import compute_kpis

    with workdir(args.workdir) as work:
        path = work / "tracker.csv"
        tracker_csv(path, rows, bad_every=0)
        vault, store = new_vault(work / "vault")
        start = time.perf_counter()
        with store.uow() as uow:
            report = tracker_import.import_tracker(uow=uow, path=path)
        log(f"kpi_pdf: {report.summary()} in {time.perf_counter() - start:.1f} s (set-up)")
        path.unlink()
        with store.uow() as uow:
            in_memory = list(tracker_rows(uow=uow))
        assert len(in_memory) == rows
        value, base, sizes = [], [], []
        for run in range(runs):
            with Timer() as b:
                kpis = compute_kpis(iter(in_memory))
            base.append(b.seconds)
            with Timer() as t, store.uow() as uow:
                pdf = call_accepting(reporting.kpi_pdf, uow=uow, flt=None, filters_text="All records",
                                     purpose="benchmark", recipient="benchmark")
                uow.commit()
            value.append(t.seconds)
            sizes.append(len(pdf))
            assert pdf.startswith(b"%PDF-") and kpis.visits == rows
            log(f"kpi_pdf run {run + 1}: {t.seconds:.2f} s ({len(pdf) / 1e3:.0f} kB); "
                f"compute_kpis in memory {b.seconds:.2f} s")
        vault.lock()
    v, b = median(value), median(base)
    emit("kpi_pdf", value=v, unit="s", baseline=b, target=f"< {TARGET_SECONDS:g} s",
         met=v < TARGET_SECONDS, visits=rows, runs=runs, pdf_kb=round(median(sizes) / 1e3))


if __name__ == "__main__":
    main()
