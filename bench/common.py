"""Shared helpers for the benchmarks: the JSON result line, statistics, scratch folders, vaults."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

# Benchmarks measure the app, not Argon2id calibration: vault set-up uses the floor KDF cost.
os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# The floor-KDF warning (and any other log record) would go to stderr through logging's last
# resort handler; the app's own processes set up their redacting file handler instead.
logging.getLogger().addHandler(logging.NullHandler())

PASSPHRASE = "bench lantern harbour pebble"
USER = "IDVA01"


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="small sizes (smoke test)")
    p.add_argument("--workdir", help="scratch folder (default: a new temporary folder)")
    return p


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    rank = max(1, -(-95 * len(ordered) // 100))
    return ordered[rank - 1]


def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3) if baseline > 0 else float("inf")


def emit(name: str, *, value: float, unit: str, baseline: float, target: str, met: bool,
         **extra: Any) -> dict:
    """Print the one JSON line a benchmark ends with (run_all reads the last line)."""
    result = {"name": name, "value": round(value, 4), "unit": unit, "baseline": round(baseline, 4),
              "ratio": ratio(value, baseline), "target": target, "met": bool(met), **extra}
    sys.stdout.flush()
    print(json.dumps(result), flush=True)
    return result


def log(message: str) -> None:
    """Progress goes to stderr so the last stdout line stays the JSON result."""
    print(message, file=sys.stderr, flush=True)


@contextlib.contextmanager
def workdir(explicit: str | None = None, prefix: str = "fieldapp-bench-") -> Iterator[Path]:
    """A scratch folder on the same disk as the temp folder; removed afterwards unless given."""
    if explicit:
        path = Path(explicit)
        path.mkdir(parents=True, exist_ok=True)
        yield path
        return
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def new_vault(folder: Path, user: str = USER, role: str = "idva"):
    """A new vault (floor KDF) with its store open: returns (vault, store)."""
    from fieldapp.store import Store
    from fieldapp.vault import Vault

    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user=user, role=role)
    return vault, Store.open(vault)


def open_vault(folder: Path):
    from fieldapp.store import Store
    from fieldapp.vault import Vault

    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    return vault, Store.open(vault)


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def call_accepting(fn, /, **kwargs: Any) -> Any:
    """Call ``fn`` with the keyword arguments it accepts (service signatures are still moving:
    e.g. whether a report function records its own disclosure or leaves it to the caller)."""
    import inspect

    accepted = inspect.signature(fn).parameters
    return fn(**{k: v for k, v in kwargs.items() if k in accepted})


def plain_store(path: Path, key_hex: str | None = None, actor: str = USER):
    """A real SQLCipher store keyed with ``key_hex`` (random by default) and no vault, migrated
    to head (for checks that need no unlock)."""
    from fieldapp.store import Store, schema
    from fieldapp.store.engine import open_engine

    engine = open_engine(path, key_hex or os.urandom(32).hex())
    schema.upgrade(engine, db_path=path)
    return Store(engine, db_path=path, actor=actor)
