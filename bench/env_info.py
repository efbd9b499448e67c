"""What the figures were measured on: CPU, cores, load, Python and library versions, date."""

from __future__ import annotations

import os
import platform
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

PACKAGES = ("PySide6-Essentials", "SQLAlchemy", "sqlcipher3", "pydantic", "reportlab",
            "cryptography", "alembic", "hypothesis")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


def versions() -> dict[str, str]:
    out = {"Python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    try:
        import sqlcipher3

        conn = sqlcipher3.connect(":memory:")
        out["SQLCipher"] = conn.execute("PRAGMA cipher_version").fetchone()[0]
        out["SQLite (SQLCipher)"] = conn.execute("SELECT sqlite_version()").fetchone()[0]
        conn.close()
    except Exception:  # noqa: BLE001 - informational only
        pass
    import sqlite3

    out["SQLite (stdlib)"] = sqlite3.sqlite_version
    return out


def lines(started: datetime, load_before: str) -> list[str]:
    """Markdown lines describing the machine and the run."""
    v = versions()
    return [
        f"- Date: {started:%Y-%m-%d %H:%M} UTC (finished {datetime.now(UTC):%H:%M} UTC)",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}",
        f"- Load average (1/5/15 min) before: {load_before}; after: {load()} "
        "(a shared machine: other test suites run at the same time)",
        f"- Python {v.pop('Python')} ({sys.implementation.name}); "
        + ", ".join(f"{k} {val}" for k, val in v.items()),
    ]
