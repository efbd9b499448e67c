"""T04: after saving records with a marker, no file in the vault folder or temp folder holds it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

from fieldapp.store import Store
from fieldapp.vault import Vault

CHILD = Path(__file__).with_name("_marker_child.py")
PASS = "correct horse battery staple"


def files_containing(roots: list[Path], needles: list[bytes]) -> list[str]:
    hits = []
    for root in roots:
        # os.walk ignores folders that vanish mid-walk (other tests clean up their temp folders).
        for folder, _, names in os.walk(root):
            for name in names:
                path = Path(folder, name)
                try:
                    if not path.is_file() or path.stat().st_size > 200_000_000:
                        continue
                    data = path.read_bytes()
                except OSError:
                    continue
                if any(n in data for n in needles):
                    hits.append(str(path))
    return hits


def test_marker_never_reaches_disk_in_plaintext(tmp_path):
    marker = "MRK" + secrets.token_hex(8)
    needles = [marker.encode(), marker.encode("utf-16-le")]
    vault_dir, tmp_dir = tmp_path / "vault", tmp_path / "tmp"
    tmp_dir.mkdir()
    control = tmp_path / "control"
    control.mkdir()
    (control / "plain.txt").write_bytes(b"xx" + needles[0] + b"yy")
    assert files_containing([control], needles) == [str(control / "plain.txt")]  # the scan can see
    (control / "plain.txt").unlink()
    vault = Vault.create(vault_dir, passphrase=bytearray(PASS.encode()), user="idva1", role="idva")
    Store.open(vault)
    vault.lock()
    env = {**os.environ, "MARKER": marker, "FIELDAPP_PASSPHRASE": PASS, "TMPDIR": str(tmp_dir),
           "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, str(CHILD), str(vault_dir)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "SAVED", proc.stderr.read()
    # While the app is still open the changes sit in the -wal file: it must be encrypted too.
    assert (vault_dir / "fieldapp.db-wal").exists()
    roots = [vault_dir, tmp_dir, Path(tempfile.gettempdir())]
    assert files_containing(roots, needles) == []
    proc.stdin.write("\n")
    proc.stdin.flush()
    assert proc.stdout.readline().strip() == "LOCKED"
    proc.wait(timeout=30)
    assert "MRK" not in proc.stderr.read()
    scanned = {p.name for p in vault_dir.rglob("*") if p.is_file()}
    assert {"fieldapp.db", "keyslots.json", "fieldapp.log"} <= scanned
    assert files_containing(roots, needles) == []
