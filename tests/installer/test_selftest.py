"""``python -m fieldapp --self-test`` unbundled, as a real subprocess (the bundle runs the same
module; ``make bundle-check`` runs it there): one line and exit 0 on a working install, one line
naming the failed step and exit 1 on a broken one, and no temporary vault left either way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from fieldapp import __version__

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FIELDAPP_", "QT_", "PYTEST", "XDG_"))}
    (tmp_path / "tmp").mkdir()
    env.update(HOME=str(tmp_path / "home"), TMPDIR=str(tmp_path / "tmp"))
    return env


def _self_test(tmp_path: Path, *, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fieldapp", "--self-test"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_self_test_passes_with_one_line_and_removes_its_vault(tmp_path):
    env = _env(tmp_path)
    result = _self_test(tmp_path, cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # Qt's offscreen notices and log records stay out of it
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"fieldapp {__version__} self-test passed")
    assert list((tmp_path / "tmp").iterdir()) == []  # the temporary vault is gone
    assert not (tmp_path / "home").exists()  # nothing of the user's was written


def test_broken_install_fails_with_the_step_and_reason_and_still_cleans_up(tmp_path):
    # A copy of the program without its resources/ folder, as a bundle that forgot it would be.
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "fieldapp", src / "fieldapp", ignore=ignore)
    shutil.copytree(ROOT / "sync", src / "sync", ignore=ignore)
    env = _env(tmp_path)
    env["PYTHONPATH"] = str(src)
    result = _self_test(tmp_path, cwd=src, env=env)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"fieldapp {__version__} self-test FAILED at start: ")
    assert "report font missing: resources/fonts/" in lines[0]
    assert list((tmp_path / "tmp").iterdir()) == []


def test_version_flag(tmp_path):
    result = subprocess.run([sys.executable, "-m", "fieldapp", "--version"], cwd=tmp_path,
                            env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stdout.strip() == f"fieldapp {__version__}"
