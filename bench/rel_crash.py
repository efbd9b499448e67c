"""SIGKILL checks: during visit saves (tests/foundation/crash_harness.py) and during imports.

After every kill the vault is opened again and must pass SQLite's integrity_check and SQLCipher's
cipher_integrity_check; nothing reported as committed may be missing; and for imports, what is
there must be whole (every visit with its case and incident, every imported visit with exactly one
outbox operation and one audit row, whole batches only, an intact audit chain), and running the
same import again must complete it with no duplicates.
"""

from __future__ import annotations

import csv
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.common import PASSPHRASE, new_vault, open_vault
from bench.gen import tracker_csv

ROOT = Path(__file__).resolve().parents[1]


def _harness():
    folder = str(ROOT / "tests" / "foundation")
    if folder not in sys.path:
        sys.path.insert(0, folder)
    import crash_harness

    return crash_harness


def saves(work: Path, runs: int, seed: int = 20261127) -> dict:
    """``runs`` kills of a child saving complete visits in a loop (the foundation harness)."""
    harness = _harness()
    vault_dir, pass_file = work / "save-vault", work / "pass"
    pass_file.write_text(PASSPHRASE)
    vault, _store = new_vault(vault_dir)
    vault.lock()
    report = harness.CrashReport()
    rng = random.Random(seed)
    for _ in range(runs):
        harness.one_run(vault_dir, pass_file, rng, report)
    return {"runs": report.runs, "faults_injected": report.runs, "committed_before_kill":
            report.committed, "records_lost": report.lost,
            "integrity_failures": len(report.integrity_failures),
            "outbox_mismatches": len(report.op_mismatches)}


# ---------------------------------------------------------------- imports
def _reader(proc: subprocess.Popen, sink: list[str]) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        sink.append(line.strip())


def _good_rows(path: Path) -> list[tuple[int, str]]:
    """(physical line, visit_id) of each row the generator made valid, in file order."""
    out = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.reader(handle), start=1):
            if line > 2 and row[2] != "NORTH":
                out.append((line, row[0]))
    return out


def _spawn(vault_dir: Path, csv_path: Path, batch: int) -> tuple[subprocess.Popen, list[str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    proc = subprocess.Popen([sys.executable, "-m", "bench.import_child", str(vault_dir),
                             str(csv_path), str(batch)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    lines: list[str] = []
    threading.Thread(target=_reader, args=(proc, lines), daemon=True).start()
    deadline = time.monotonic() + 120
    while "READY" not in lines and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    if "READY" not in lines:
        raise RuntimeError("the import child never opened the vault")
    return proc, lines


def _inspect(vault_dir: Path, good: list[tuple[int, str]], batch: int, committed_line: int,
             report: dict) -> None:
    """Open the killed vault, check it, then run the import again and check that."""
    from sqlalchemy import text

    from fieldapp.store import audit

    vault, store = open_vault(vault_dir)
    try:
        problems = store.integrity_problems()
        report["integrity_failures"] += len(problems)
        with store.uow() as uow:
            q = lambda sql: uow.session.execute(text(sql)).scalar_one()  # noqa: E731
            visits = q("SELECT count(*) FROM visits")
            report["orphans"] += q(
                "SELECT count(*) FROM visits v LEFT JOIN cases c ON v.case_id = c.id "
                "LEFT JOIN incidents i ON c.incident_id = i.id WHERE c.id IS NULL OR i.id IS NULL")
            report["missing_ops"] += q(
                "SELECT count(*) FROM visits v WHERE (SELECT count(*) FROM outbox o WHERE "
                "o.entity = 'tracker_row' AND o.entity_id = v.id) != 1")
            report["missing_audit"] += q(
                "SELECT count(*) FROM visits v WHERE (SELECT count(*) FROM audit_log a WHERE "
                "a.record_type = 'visit' AND a.record_id = v.id) != 1")
            report["stray_ops"] += q(
                "SELECT count(*) FROM outbox o WHERE o.entity = 'tracker_row' AND NOT EXISTS "
                "(SELECT 1 FROM visits v WHERE v.id = o.entity_id)")
            if not audit.verify(uow.session).ok:
                report["broken_chains"] += 1
            present = {r[0] for r in uow.session.execute(text("SELECT id FROM visits"))}
        expected_prefix = {vid for _, vid in good[:visits]}
        whole = (visits % batch == 0 or visits == len(good)) and present == expected_prefix
        report["partial_batches"] += 0 if whole else 1
        must_have = sum(1 for line, _ in good if line <= committed_line)
        report["records_lost"] += max(0, must_have - visits)
        report["rows_saved_before_kill"] += visits
        # Running the same import again completes it, with no duplicates.
        from fieldapp.services import tracker_import

        with store.uow() as uow:
            again = tracker_import.import_tracker(uow=uow, path=report["_csv"])
        with store.uow() as uow:
            q = lambda sql: uow.session.execute(text(sql)).scalar_one()  # noqa: E731
            total = q("SELECT count(*) FROM visits")
            ops = q("SELECT count(*) FROM outbox WHERE entity = 'tracker_row'")
            distinct_ops = q("SELECT count(DISTINCT entity_id) FROM outbox WHERE entity = 'tracker_row'")
            audits = q("SELECT count(*) FROM audit_log WHERE record_type = 'visit'")
            chain_ok = audit.verify(uow.session).ok
        complete = (total == len(good) and again.imported == len(good) - visits
                    and again.unchanged == visits and again.updated == 0)
        report["incomplete_reruns"] += 0 if complete else 1
        report["duplicates"] += (ops - distinct_ops) + max(0, ops - len(good)) + max(0, audits - len(good))
        report["broken_chains"] += 0 if chain_ok else 1
    finally:
        vault.lock()


def imports(work: Path, runs: int, rows: int = 10_000, batch: int = 1_000, seed: int = 7) -> dict:
    """``runs`` kills of a child importing a ``rows``-row tracker, at random moments."""
    csv_path = work / "crash-import.csv"
    tracker_csv(csv_path, rows, seed=seed, bad_every=331)
    good = _good_rows(csv_path)
    rng = random.Random(seed)
    report = {"runs": 0, "faults_injected": 0, "finished_before_kill": 0, "integrity_failures": 0,
              "records_lost": 0, "orphans": 0, "missing_ops": 0, "missing_audit": 0,
              "stray_ops": 0, "partial_batches": 0, "broken_chains": 0, "incomplete_reruns": 0,
              "duplicates": 0, "rows_saved_before_kill": 0, "commits_seen": 0, "_csv": csv_path}
    # One full run to learn how long the import takes on this machine now.
    calib = work / "calibrate"
    vault, _ = new_vault(calib)
    vault.lock()
    proc, lines = _spawn(calib, csv_path, batch)
    start = time.monotonic()
    proc.wait(timeout=900)
    duration = time.monotonic() - start
    for run in range(runs):
        vault_dir = work / f"import-vault-{run}"
        vault, _ = new_vault(vault_dir)
        vault.lock()
        proc, lines = _spawn(vault_dir, csv_path, batch)
        time.sleep(rng.uniform(0.0, duration))
        finished = proc.poll() is not None
        if not finished:
            proc.send_signal(signal.SIGKILL)
        proc.wait()
        time.sleep(0.05)  # let the reader thread take the last lines
        report["runs"] += 1
        report["finished_before_kill"] += finished
        report["faults_injected"] += not finished
        committed = [int(x.split()[1]) for x in lines if x.startswith("COMMITTED ")]
        report["commits_seen"] += len(committed)
        _inspect(vault_dir, good, batch, max(committed, default=0), report)
        _remove(vault_dir)
    report.pop("_csv")
    report["import_seconds"] = round(duration, 2)
    report["rows_per_file"] = rows
    return report


def _remove(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)
