"""Start-up: process start to the unlock window first painted, for an existing vault, against a
bare PySide6 window in a child started the same way (QT_QPA_PLATFORM=offscreen).

    python -m bench.startup [--quick] [--runs N]

Runs alternate between the two so that noise on the shared machine hits both alike; medians.
Target (DESIGN.md): within 1.5x of the bare window.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from bench.common import emit, log, median, new_vault, parser, workdir

TARGET = 1.5


def one(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.startup_child", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = proc.stdout.readline().strip()  # type: ignore[union-attr]
    elapsed = time.perf_counter() - start
    proc.wait(timeout=60)
    if line != "SHOWN":
        raise RuntimeError(f"startup child did not show its window: {line!r} "
                           f"{proc.stderr.read()[-2000:]}")  # type: ignore[union-attr]
    return elapsed


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--runs", type=int, default=None)
    args = p.parse_args()
    runs = args.runs or (2 if args.quick else 7)
    with workdir(args.workdir) as work:
        vault, _store = new_vault(work / "vault")
        vault.lock()
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join(sys.path),
               "FIELDAPP_CONFIG_DIR": str(work / "config"), "XDG_CONFIG_HOME": str(work / "xdg"),
               "XDG_DATA_HOME": str(work / "xdg-data")}
        env.pop("FIELDAPP_VAULT", None)
        # Warm starts, as an installed app has them: the untimed first run of each child below
        # caches its bytecode in the work folder whatever the caller's PYTHONDONTWRITEBYTECODE
        # (with it set, every timed app start recompiled the app's own modules, ~20 ms of CPU
        # that no installed copy spends and the bare child, which has no modules, never did).
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        one(["bare"], env)  # warm the OS file cache (and the bytecode cache) for both before timing
        one(["app", str(work / "vault")], env)
        bare, app = [], []
        for _ in range(runs):
            bare.append(one(["bare"], env))
            app.append(one(["app", str(work / "vault")], env))
        assert Path(work / "vault" / "logs").exists()  # the real start path ran (it sets up logs)
    v, b = median(app) * 1000, median(bare) * 1000
    log(f"startup: app {[round(x * 1000) for x in app]} ms; bare {[round(x * 1000) for x in bare]} ms")
    emit("startup", value=v, unit="ms", baseline=b, target=f"ratio <= {TARGET:g}", met=v / b <= TARGET,
         runs=runs, app_min_ms=round(min(app) * 1000, 1), bare_min_ms=round(min(bare) * 1000, 1))


if __name__ == "__main__":
    main()
