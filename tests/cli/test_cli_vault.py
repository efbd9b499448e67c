"""The headless commands as a new user runs them, in real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

PASSPHRASE = "correct horse battery staple"


def run(*args: str, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True, text=True,
                          env=full_env, timeout=120)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def pass_file(tmp_path: Path) -> Path:
    path = tmp_path / "pass.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


def wait_out_backoff(vault_dir: Path) -> None:
    """A wrong passphrase was tried on purpose; wait the (1 s) back-off it earned, as a user would."""
    status = json.loads(run("lock-status", "--json", "--vault", str(vault_dir)).stdout)
    time.sleep(status["backoff_seconds"] + 0.2)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_init_demo_and_audit_verify(vault_dir, pass_file):
    out = run("init", "--vault", str(vault_dir), "--user", "jo", "--role", "idva",
              "--passphrase-file", str(pass_file), check=True)
    assert "Recovery slot: ABSENT" in out.stdout
    assert oct((vault_dir / "fieldapp.db").stat().st_mode & 0o777) == "0o600"
    run("demo", "--cases", "15", "--vault", str(vault_dir), "--passphrase-file", str(pass_file), check=True)
    out = run("audit", "verify", "--json", "--vault", str(vault_dir), "--passphrase-file", str(pass_file),
              check=True)
    report = json.loads(out.stdout)
    assert report["ok"] and report["rows"] > 15


def test_wrong_passphrase_exits_3_and_changes_no_file(vault_dir, pass_file, tmp_path):
    run("init", "--vault", str(vault_dir), "--user", "jo", "--role", "idva",
        "--passphrase-file", str(pass_file), check=True)
    before = snapshot(vault_dir)
    out = run("audit", "verify", "--vault", str(vault_dir), env={"FIELDAPP_PASSPHRASE": "not the passphrase"})
    assert out.returncode == 3
    assert "wrong passphrase" in out.stderr and "Traceback" not in out.stderr
    after = snapshot(vault_dir)
    assert after["fieldapp.db"] == before["fieldapp.db"]
    # Only the persisted back-off counter moved in the key file; the slots are untouched.
    slots_before, slots_after = json.loads(before["keyslots.json"]), json.loads(after["keyslots.json"])
    assert slots_before["slots"] == slots_after["slots"]
    assert slots_after["backoff"]["failures"] == 1
    # During the back-off even the right passphrase is refused without trying. (The wait is
    # pushed out here so a slow machine cannot outlast it between two processes.)
    doc = json.loads((vault_dir / "keyslots.json").read_text())
    doc["backoff"]["next_allowed_at"] = doc["backoff"]["next_allowed_at"] + 3600
    (vault_dir / "keyslots.json").write_text(json.dumps(doc))
    out = run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file))
    assert out.returncode == 3 and "wait" in out.stderr


def test_audit_verify_exits_4_after_one_row_is_altered(vault_dir, pass_file):
    run("init", "--vault", str(vault_dir), "--user", "jo", "--role", "idva",
        "--passphrase-file", str(pass_file), check=True)
    run("demo", "--cases", "5", "--vault", str(vault_dir), "--passphrase-file", str(pass_file), check=True)
    from sqlalchemy import text

    from fieldapp.store import Store
    from fieldapp.vault import Vault

    vault = Vault.open(vault_dir)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    store = Store.open(vault)
    with store.engine.begin() as conn:
        conn.execute(text("update audit_log set justification = 'edited' where seq = 7"))
    vault.lock()
    out = run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file))
    assert out.returncode == 4
    assert "entry 7" in out.stderr


def test_passphrase_change_keeps_the_data(vault_dir, pass_file, tmp_path):
    run("init", "--vault", str(vault_dir), "--user", "jo", "--role", "idva",
        "--passphrase-file", str(pass_file), check=True)
    run("demo", "--cases", "5", "--vault", str(vault_dir), "--passphrase-file", str(pass_file), check=True)
    db_before = (vault_dir / "fieldapp.db").read_bytes()
    new = tmp_path / "new.txt"
    new.write_text("a brand new long passphrase\n")
    run("passphrase", "change", "--vault", str(vault_dir), "--passphrase-file", str(pass_file),
        "--new-passphrase-file", str(new), check=True)
    assert (vault_dir / "fieldapp.db").read_bytes() == db_before  # re-wrapped the key only
    assert run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file)).returncode == 3
    wait_out_backoff(vault_dir)
    out = run("audit", "verify", "--json", "--vault", str(vault_dir), "--passphrase-file", str(new), check=True)
    assert json.loads(out.stdout)["ok"]


def test_recovery_key_opens_a_vault_whose_passphrase_is_lost(vault_dir, pass_file, tmp_path):
    keys = tmp_path / "keys"
    run("recovery-keygen", "--out", str(keys), env={"FIELDAPP_RECOVERY_PASSPHRASE": "org custody phrase"},
        check=True)
    out = run("init", "--vault", str(vault_dir), "--user", "jo", "--role", "idva",
              "--recovery-key", str(keys / "recovery-public.pem"), "--passphrase-file", str(pass_file),
              check=True)
    assert "Recovery slot: present" in out.stdout
    run("demo", "--cases", "3", "--vault", str(vault_dir), "--passphrase-file", str(pass_file), check=True)
    new = tmp_path / "new.txt"
    new.write_text("station reset passphrase 2026\n")
    run("recover", "--vault", str(vault_dir), "--recovery-private-key", str(keys / "recovery-private.pem"),
        "--new-passphrase-file", str(new), env={"FIELDAPP_RECOVERY_PASSPHRASE": "org custody phrase"},
        check=True)
    assert run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file)).returncode == 3
    wait_out_backoff(vault_dir)
    out = run("audit", "verify", "--json", "--vault", str(vault_dir), "--passphrase-file", str(new), check=True)
    assert json.loads(out.stdout)["ok"]


def test_usage_errors_exit_2_with_a_message(vault_dir):
    assert run("bogus").returncode == 2
    out = run("demo", "--vault", str(vault_dir), env={"FIELDAPP_PASSPHRASE": PASSPHRASE})
    assert out.returncode == 2 and "fieldapp init" in out.stderr


def test_headless_commands_load_no_qt(vault_dir, pass_file):
    code = ("import sys; from fieldapp.cli.main import main; "
            f"main(['lock-status', '--vault', {str(vault_dir)!r}]); "
            "print(any(m.startswith('PySide6') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("False")
