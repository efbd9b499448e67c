"""SIGKILL a child that is saving visits, then prove nothing committed was lost.

Shared by the short run in ``make test`` and the long run in ``make reliability``.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from uuid import UUID

from sqlalchemy import func, select

CHILD = Path(__file__).with_name("_save_child.py")


@dataclass
class CrashReport:
    runs: int = 0
    committed: int = 0
    lost: int = 0
    integrity_failures: list[str] = field(default_factory=list)


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
            for case_id in committed:
                case = uow.session.get(orm.Case, case_id)
                ops = uow.session.scalar(select(func.count()).select_from(orm.OutboxOp)
                                         .where(orm.OutboxOp.entity_id == str(case_id)))
                visit_ops = 0
                if case is not None and case.first_idva_visit_at is not None:
                    visit_ops = uow.session.scalar(
                        select(func.count()).select_from(orm.OutboxOp)
                        .where(orm.OutboxOp.entity == "visit",
                               orm.OutboxOp.entity_id.in_([str(v.id) for v in case.visits])))
                if case is None or case.first_idva_visit_at is None or not ops or not visit_ops:
                    lost += 1
        return lost
    finally:
        vault.lock()
