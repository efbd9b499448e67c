"""SIGKILL a child that is saving visits, then prove nothing committed was lost.

Shared by the short run in ``make test`` and the long run in ``make reliability``. After each
kill the outbox is checked against the database (T12): exactly one operation for each change
the database holds, none for a change it does not hold.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from sqlalchemy import select

CHILD = Path(__file__).with_name("_save_child.py")


@dataclass
class CrashReport:
    runs: int = 0
    committed: int = 0
    lost: int = 0
    integrity_failures: list[str] = field(default_factory=list)
    #: (entity, entity_id) whose count of outbox operations is not exactly one per change
    op_mismatches: list[str] = field(default_factory=list)


def _reader(proc: subprocess.Popen, sink: list[str]) -> None:
    for line in proc.stdout:  # type: ignore[union-attr]
        sink.append(line.strip())


def one_run(vault_dir: Path, pass_file: Path, rng: random.Random, report: CrashReport) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(vault_dir), str(pass_file)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    lines: list[str] = []
    thread = threading.Thread(target=_reader, args=(proc, lines), daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while "READY" not in lines and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    time.sleep(rng.uniform(0.0, 0.6))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    thread.join(timeout=5)
    if "READY" not in lines:
        raise RuntimeError("the child never opened the vault")
    committed = [UUID(line.split()[1]) for line in lines if line.startswith("COMMITTED ")]
    report.runs += 1
    report.committed += len(committed)
    report.lost += _check(vault_dir, pass_file, committed, report)


def _check(vault_dir: Path, pass_file: Path, committed: list[UUID], report: CrashReport) -> int:
    from fieldapp.store import Store, orm
    from fieldapp.vault import Vault

    vault = Vault.open(vault_dir)
    vault.unlock(bytearray(pass_file.read_bytes().strip()))
    try:
        store = Store.open(vault)
        problems = store.integrity_problems()
        if problems:
            report.integrity_failures.extend(problems)
        lost = 0
        with store.uow() as uow:
            found = _outbox_counts(uow.session)
            for case_id in committed:
                case = uow.session.get(orm.Case, case_id)
                if case is None or case.first_idva_visit_at is None or len(case.visits) != 1:
                    lost += 1
                elif not found["case", str(case_id)] or not found["visit", str(case.visits[0].id)]:
                    lost += 1  # saved but never to be synced
            report.op_mismatches.extend(  # each only once, though later runs see it again
                m for m in _op_mismatches(uow.session, found) if m not in report.op_mismatches)
        return lost
    finally:
        vault.lock()


def _outbox_counts(session) -> Counter[tuple[str, str]]:
    """How many outbox operations each (entity, entity_id) has."""
    from fieldapp.store import orm

    return Counter((entity, entity_id) for entity, entity_id in
                   session.execute(select(orm.OutboxOp.entity, orm.OutboxOp.entity_id)))


def _op_mismatches(session, found: Counter[tuple[str, str]]) -> list[str]:
    """Every change the child's save makes, against the outbox: one operation each, no more.

    The expected changes are read from the rows the database holds (a save killed before its
    commit left none, and must have left no operation either): per case its incident and the
    case, per visit the visit, its offers (one operation for all of them) and its risk
    checklist, and each voice entry.
    """
    from fieldapp.store import orm

    expected: Counter[tuple[str, str]] = Counter()
    for case_id, incident_id in session.execute(select(orm.Case.id, orm.Case.incident_id)):
        expected["incident", str(incident_id)] += 1
        expected["case", str(case_id)] += 1
    for (visit_id,) in session.execute(select(orm.Visit.id)):
        expected["visit", str(visit_id)] += 1
    for (visit_id,) in session.execute(select(orm.Offer.visit_id).distinct()):
        expected["offers", str(visit_id)] += 1
    for (visit_id,) in session.execute(select(orm.RiskAssessment.visit_id)):
        expected["risk", str(visit_id)] += 1
    for (entry_id,) in session.execute(select(orm.VoiceEntry.id)):
        expected["voice", str(entry_id)] += 1
    return [f"{entity} {entity_id}: {found[key]} operation(s) for {expected[key]} change(s)"
            for key in sorted(expected.keys() | found.keys())
            for entity, entity_id in [key] if found[key] != expected[key]]
