"""Every benchmark runs (``--quick``: small sizes) and ends with its JSON line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = {"name", "value", "unit", "baseline", "ratio", "target", "met"}
MODULES = {"save": "bench.save", "startup": "bench.startup", "board": "bench.board",
           "integrity": "bench.integrity", "import": "bench.import_", "kpi_pdf": "bench.kpi_pdf"}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_bench_quick_prints_its_json_line(name: str, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]),
           "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", MODULES[name], "--quick"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert KEYS <= set(result)
    assert result["name"] == name
    assert isinstance(result["met"], bool)
    assert result["value"] > 0 and result["baseline"] > 0 and result["ratio"] > 0
    if name == "board":
        assert 0 < result["peak_mb"] < 2000 and result["p95_ms"] == pytest.approx(result["value"], rel=1e-3)
