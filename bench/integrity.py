"""The integrity check on open over 50,000 cases: ``Store.open`` with the quick check (every
unlock), with the full check (the unlock after an unclean shutdown) and without any check (the
baseline, ``check_integrity=False``), alternating in the same run; and the -wal check on the
-wal file a large transaction leaves.

    python -m bench.integrity [--quick] [--cases N] [--runs N]

The vault is seeded as bench.board seeds it (incidents, cases and visits). Each open is timed
from the call to ``Store.open`` to its return, then the store is closed (the vault's lock): the
passphrase's Argon2id is not in it (the key is unwrapped once, beforehand). The full check is
made to run the way an unclean shutdown makes it run: an open-session marker is left beside the
database before the open. The OS file cache is warm for all three (the same file, just read).

Target (this module's own; DESIGN.md sets none): the quick check adds under 1 s to an unlock,
i.e. no more than the Argon2id derivation that every unlock already waits for (0.5-1 s).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from bench.board import seed
from bench.common import emit, log, median, new_vault, parser, workdir

TARGET_ADDED_SECONDS = 1.0


def _open_ms(vault, *, check: bool, unclean: bool = False) -> tuple[float, str | None]:
    from fieldapp.store import Store, integrity

    if unclean:
        integrity.mark_open(vault.db_path)  # as a killed session leaves it
    start = time.perf_counter()
    store = Store.open(vault, check_integrity=check)
    seconds = time.perf_counter() - start
    kind = store.integrity.check if store.integrity else None
    store.close()
    return seconds * 1000, kind


def _wal_check(vault) -> tuple[int, float]:
    """(frames, ms) for wal_problems on the -wal an UPDATE of every case leaves."""
    from fieldapp.store import Store, integrity

    store = Store.open(vault)
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE cases SET updated_by = 'bench-wal'")
    data = integrity.wal_path(vault.db_path).read_bytes()
    store.close()
    start = time.perf_counter()
    problems, frames = integrity.wal_problems(data)
    seconds = time.perf_counter() - start
    assert problems == [], problems
    return frames, seconds * 1000


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--cases", type=int, default=None)
    p.add_argument("--runs", type=int, default=None)
    args = p.parse_args()
    count = args.cases or (3_000 if args.quick else 50_000)
    runs = args.runs or (2 if args.quick else 7)
    with workdir(args.workdir) as work:
        vault, store = new_vault(work / "vault")
        start = time.perf_counter()
        seed(store, count, datetime.now(UTC).replace(microsecond=0))
        store.close()
        size_mb = vault.db_path.stat().st_size / 2**20
        log(f"integrity: {count} cases seeded in {time.perf_counter() - start:.1f} s, "
            f"{size_mb:.1f} MiB")
        _open_ms(vault, check=True)  # warm the OS cache and the imports
        plain, quick, full = [], [], []
        for _ in range(runs):  # alternating, so load drifts hit all three alike
            plain.append(_open_ms(vault, check=False)[0])
            ms, kind = _open_ms(vault, check=True)
            assert kind == "quick", kind
            quick.append(ms)
            ms, kind = _open_ms(vault, check=True, unclean=True)
            assert kind == "full", kind
            full.append(ms)
        frames, wal_ms = _wal_check(vault)
        vault.lock()
    v, b, f = median(quick), median(plain), median(full)
    log(f"integrity: open without check {b:.0f} ms, quick {v:.0f} ms, full {f:.0f} ms "
        f"(medians of {runs}); -wal check {wal_ms:.0f} ms for {frames} frames")
    emit("integrity", value=v, unit="ms", baseline=b,
         target=f"quick check adds < {TARGET_ADDED_SECONDS:g} s",
         met=(v - b) / 1000 < TARGET_ADDED_SECONDS, quick_ms=round(v, 1), full_ms=round(f, 1),
         plain_ms=round(b, 1), full_ratio=round(f / b, 3) if b else None,
         quick_added_ms=round(v - b, 1), full_added_ms=round(f - b, 1), runs=runs, cases=count,
         db_mb=round(size_mb, 1), wal_frames=frames, wal_check_ms=round(wal_ms, 1))


def section(r: dict) -> list[str]:
    """The "Integrity check on open" section of docs/benchmarks.md (bench.run_all)."""
    return [
        f"Opening the store of a {r['cases']:,}-case vault ({r['db_mb']:.0f} MiB), medians of "
        f"{r['runs']} opens of each kind, alternating in one run (`python -m bench.integrity`). "
        "The passphrase's Argon2id (0.5-1 s by design) comes on top of all three.",
        "",
        "| open | time | ratio to no check | added |",
        "|---|---|---|---|",
        f"| without the check (baseline) | {r['plain_ms']:.0f} ms | 1.00x | |",
        f"| quick_check + cipher_integrity_check (every unlock) | {r['quick_ms']:.0f} ms | "
        f"{r['ratio']:.2f}x | {r['quick_added_ms']:.0f} ms |",
        f"| integrity_check + cipher_integrity_check (after an unclean shutdown) | "
        f"{r['full_ms']:.0f} ms | {r['full_ratio']:.2f}x | {r['full_added_ms']:.0f} ms |",
        "",
        f"After a crash the -wal file is checked too, before SQLite reads it: {r['wal_check_ms']:.0f}"
        f" ms for the {r['wal_frames']:,} frames an UPDATE of every case leaves (only the current "
        "log is read; SQLite checkpoints once it passes 1,000 frames, but one large transaction, "
        "such as a tracker import batch, leaves more). Why and how: "
        "`fieldapp/store/integrity.py`.",
    ]


if __name__ == "__main__":
    main()
