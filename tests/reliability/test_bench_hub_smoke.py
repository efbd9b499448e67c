"""bench.hub_sync at a tiny size: it runs end to end against a real hub and ends with its JSON
line holding every figure docs/benchmarks.md reports (the full run is ``make bench``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_hub_sync_bench_at_a_tiny_size(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]),
           "TMPDIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "bench.hub_sync", "--quick", "--backend",
                           "sqlite", "--visits", "40", "--fleets", "3", "--noop-runs", "3"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["name"] == "hub_sync" and isinstance(result["met"], bool)
    r = result["backends"]["sqlite"]
    assert r["visits"] == 40 and r["ops"] == 40 * 7 and r["push_visits_per_s"] > 0
    assert r["restore_visits_per_s"] > 0 and r["pages"] >= 1
    assert r["driver_floor_s"] > 0 and r["discard_floor_s"] > 0
    assert r["noop_big"]["held"] == r["restored_cases"] > 0 and r["noop_small"]["held"] == 2
    assert 0 < r["noop_floor"]["median_ms"] and 0 < r["noop_big"]["p95_ms"]
    fleet = r["fleet_3"]
    assert fleet["errors"] == 0 and fleet["bundles"] > 0 and 0 < fleet["hub_peak_rss_mb"] < 2000
