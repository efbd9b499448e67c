"""The case board over 50,000 cases: filter as you type (a police reference typed a character at
a time, then rubbed out) through the real BoardModel, timing each keystroke until the model has
its first page; peak memory of the process. Baseline: the very page queries the model ran,
replayed with stdlib sqlite3 on a plain copy of the same rows.

    python -m bench.board [--quick] [--cases N]

The parent process seeds the vault (bulk inserts) and the plain copy; a child process with only
the app's board in it does the typing, so the seeding does not count towards its peak memory.
Targets (DESIGN.md): p95 under 50 ms; memory under 300 MB.
"""

from __future__ import annotations

import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import emit, log, new_vault, open_vault, p95, parser, workdir

TARGET_MS = 50.0
TARGET_MB = 300.0
_FMT = "%Y-%m-%dT%H:%M:%S.%fZ"
IDVAS = ("IDVA01", "IDVA02", "IDVA03", "IDVA04", "IDVA05", "")
DISTRICTS = ("BLACKPOOL", "FYLDE", "WYRE", "LANCASTER", "MORECAMBE", "BURNLEY")


def _refs(count: int, now: datetime) -> list[tuple]:
    rng = random.Random(11)
    rows = []
    for i in range(count):
        police = now - timedelta(minutes=rng.randint(30, 60 * 24 * 400))
        visited = None if i % 9 == 0 else police + timedelta(hours=rng.uniform(1, 200))
        if visited is not None and visited > now:
            visited = None
        case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
        rows.append((case_id, uuid.UUID(int=rng.getrandbits(128), version=4),
                     uuid.UUID(int=rng.getrandbits(128), version=4),
                     f"LC-{police:%Y%m%d}-{i:05d}", rng.choice(("WEST", "EAST", "SOUTH")),
                     rng.choice(DISTRICTS), rng.choice(IDVAS), police, visited))
    return rows


def seed(store, count: int, now: datetime) -> list[tuple]:
    """Incidents, cases and their visits in one transaction of executemany (seconds)."""
    rows = _refs(count, now)
    stamp = now.strftime(_FMT)
    tracked = (stamp, "bench", stamp, "bench", 1)
    t = lambda d: d.strftime(_FMT) if d else None  # noqa: E731
    cols = "created_at, created_by, updated_at, updated_by, row_version"
    with store.engine.begin() as conn:
        conn.exec_driver_sql(
            f"INSERT INTO incidents (id, police_ref, bcu, district, police_visit_at, officers, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [(str(r[1]), r[3], r[4], r[5], t(r[7]), "[]", *tracked) for r in rows])
        conn.exec_driver_sql(
            "INSERT INTO cases (id, incident_id, pseudonym, victim_name, allocated_to, status,"
            f" police_ref, bcu, district, police_visit_at, first_idva_visit_at, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(str(r[0]), str(r[1]), f"C-{r[0].hex[:6].upper()}", f"Person {i}", r[6], "OPEN", r[3],
              r[4], r[5], t(r[7]), t(r[8]), *tracked) for i, r in enumerate(rows)])
        conn.exec_driver_sql(
            f"INSERT INTO visits (id, case_id, idva_visit_at, idva_code, note, {cols})"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            [(str(r[2]), str(r[0]), t(r[8]), r[6], "", *tracked) for r in rows])
    return rows


def plain_copy(store, path: Path) -> None:
    """The cases table (schema, indexes and rows) in a plain SQLite file."""
    with store.engine.connect() as conn:
        ddl = [r[0] for r in conn.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = 'cases' AND sql IS NOT NULL "
            "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END")]
        rows = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM cases")]
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    for sql in ddl:
        raw.execute(sql)  # foreign keys are off here: incidents need not exist
    raw.execute("BEGIN")
    raw.executemany(f"INSERT INTO cases VALUES ({','.join('?' * len(rows[0]))})", rows)
    raw.execute("COMMIT")
    raw.close()


def keystrokes(refs: list[str]) -> list[str]:
    """Typing each reference a character at a time, then rubbing it out again."""
    texts: list[str] = []
    for ref in refs:
        typed = [ref[:n] for n in range(1, len(ref) + 1)]
        texts += typed + typed[-2::-1] + [""]
    return texts


# ---------------------------------------------------------------- child: the app's board
def child(folder: Path, raw_path: Path, texts: list[str]) -> dict:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import event

    import fieldapp.ui.qt_compat  # noqa: F401 - as the app does, before any Qt call
    from fieldapp.services.queries import BoardFilter
    from fieldapp.ui import tasks
    from fieldapp.ui.models.board_model import BoardModel

    app = QApplication.instance() or QApplication([])
    vault, store = open_vault(folder)
    captured: list[tuple[str, tuple]] = []
    lock = threading.Lock()

    @event.listens_for(store.engine, "before_cursor_execute")
    def _capture(conn, cursor, statement, params, context, many) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "count(" not in statement.lower():
            with lock:
                captured.append((statement, tuple(params)))

    model = BoardModel()

    def wait(signal, timeout_s: float = 30.0) -> float | None:
        loop, got = QEventLoop(), []

        def done(*_a) -> None:
            got.append(time.perf_counter())
            loop.quit()

        signal.connect(done)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        if not got:
            loop.exec()
        signal.disconnect(done)
        return got[0] if got else None

    def settle() -> None:
        tasks.wait_for_all(30_000)
        app.processEvents()

    model.attach(store.uow)  # the unfiltered board, as it opens
    wait(model.page_loaded)
    settle()
    raw = sqlite3.connect(raw_path)
    app_ms, raw_ms, sizes = [], [], []
    for text in texts:
        with lock:
            captured.clear()
        start = time.perf_counter()
        model.set_filter(BoardFilter(search=text))
        arrived = wait(model.page_loaded)
        if arrived is None:
            raise RuntimeError("the board never delivered a page")
        app_ms.append((arrived - start) * 1000)
        sizes.append(model.rowCount())
        settle()  # the count too, so each keystroke is timed on its own
        with lock:
            page_sql = list(captured)
        begin = time.perf_counter()
        for statement, params in page_sql:
            raw.execute(statement, params).fetchall()
        raw_ms.append((time.perf_counter() - begin) * 1000)
    model.detach()
    settle()
    raw.close()
    vault.lock()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"app_ms": app_ms, "raw_ms": raw_ms, "rows": sizes, "peak_mb": peak_mb,
            "queries_per_page": len(page_sql)}


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--cases", type=int, default=None)
    p.add_argument("--child", nargs=2, metavar=("VAULT", "RAW"), help=argparse_hidden())
    args = p.parse_args()
    if args.child:
        texts = json.loads(sys.stdin.read())
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]), texts)), flush=True)
        return
    count = args.cases or (3_000 if args.quick else 50_000)
    with workdir(args.workdir) as work:
        now = datetime.now(UTC).replace(microsecond=0)
        vault, store = new_vault(work / "vault")
        start = time.perf_counter()
        rows = seed(store, count, now)
        plain_copy(store, work / "plain.db")
        vault.lock()
        log(f"board: {count} cases seeded in {time.perf_counter() - start:.1f} s")
        rng = random.Random(5)
        picks = [rows[rng.randrange(count)][3] for _ in range(1 if args.quick else 3)]
        texts = keystrokes(picks)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
        proc = subprocess.run(
            [sys.executable, "-m", "bench.board", "--child", str(work / "vault"), str(work / "plain.db")],
            input=json.dumps(texts), capture_output=True, text=True, env=env, timeout=900)
        if proc.returncode != 0:
            raise SystemExit(f"board child failed:\n{proc.stderr[-3000:]}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
    app, raw = result["app_ms"], result["raw_ms"]
    v, b = p95(app), p95(raw)
    log(f"board: {len(texts)} keystrokes; app p95 {v:.1f} ms (max {max(app):.1f}); "
        f"raw p95 {b:.2f} ms; peak RSS {result['peak_mb']:.0f} MB")
    emit("board", value=v, unit="ms (p95 per keystroke)", baseline=b,
         target=f"p95 < {TARGET_MS:g} ms; peak RSS < {TARGET_MB:g} MB",
         met=v < TARGET_MS and result["peak_mb"] < TARGET_MB, p95_ms=round(v, 2),
         median_ms=round(sorted(app)[len(app) // 2], 2), max_ms=round(max(app), 2),
         peak_mb=round(result["peak_mb"], 1), cases=count, keystrokes=len(texts),
         queries_per_page=result["queries_per_page"])


def argparse_hidden() -> str:
    import argparse

    return argparse.SUPPRESS


if __name__ == "__main__":
    main()
