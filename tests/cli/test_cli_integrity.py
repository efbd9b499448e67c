"""Exit status 4 (data integrity failure) from real CLI processes: a damaged database (T03) and
an edited or foreign key slot file (T02), each with a message that says what to do and no
traceback. An edit the AES-GCM tag alone must judge stays "wrong passphrase" (exit 3): see
test_an_aad_bound_edit_cannot_be_told_from_a_wrong_passphrase."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PASSPHRASE = "correct horse battery staple"
OTHER_PASSPHRASE = "another laptop's own passphrase"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, timeout=120)


def private_env(base: Path) -> dict[str, str]:
    """For module-scoped set-up, which runs before the suite's per-test isolated environment."""
    return {"FIELDAPP_CONFIG_DIR": str(base / "config"), "XDG_DATA_HOME": str(base / "data"),
            "XDG_CONFIG_HOME": str(base / "config-xdg")}


def init(folder: Path, pass_file: Path, user: str = "jo") -> None:
    out = run("init", "--vault", str(folder), "--user", user, "--role", "idva",
              "--passphrase-file", str(pass_file), env=private_env(folder.parent))
    assert out.returncode == 0, out.stderr


def no_traceback(out: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in out.stderr and "Traceback" not in out.stdout
    assert "ERROR CORE" not in out.stderr  # SQLCipher's own stderr logging is off
    assert out.stderr.startswith("fieldapp: ") and out.stderr.count("\n") == 1, out.stderr


@pytest.fixture(scope="module")
def pass_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pass") / "pass.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, pass_file: Path) -> Path:
    """A vault made by ``fieldapp init`` holding 20 demo cases (made once, copied per test)."""
    folder = tmp_path_factory.mktemp("template") / "vault"
    init(folder, pass_file)
    out = run("demo", "--cases", "20", "--vault", str(folder), "--passphrase-file", str(pass_file),
              env=private_env(folder.parent))
    assert out.returncode == 0, out.stderr
    return folder


@pytest.fixture
def vault_dir(tmp_path: Path, template: Path) -> Path:
    folder = tmp_path / "vault"
    shutil.copytree(template, folder)
    return folder


def cases_page(folder: Path) -> int:
    """The page holding the cases table's root (its rows, at this size)."""
    from fieldapp.store import Store
    from fieldapp.vault import Vault

    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        with Store.open(vault).engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = 'cases'").scalar())
    finally:
        vault.lock()


# ------------------------------------------------------------------ T03: a damaged database
@pytest.mark.parametrize("command", [["audit", "verify"], ["demo", "--cases", "1"]])
def test_a_flipped_byte_in_the_database_exits_4(vault_dir: Path, pass_file: Path,
                                                command: list[str]) -> None:
    db = vault_dir / "fieldapp.db"
    data = bytearray(db.read_bytes())
    data[(cases_page(vault_dir) - 1) * 4096 + 700] ^= 0x04
    db.write_bytes(bytes(data))
    out = run(*command, "--vault", str(vault_dir), "--passphrase-file", str(pass_file))
    assert out.returncode == 4, out.stderr
    assert "failed its integrity check" in out.stderr
    assert "Restore the vault from a backup, or re-sync it from the station hub." in out.stderr
    assert "wrong passphrase" not in out.stderr
    no_traceback(out)
    assert out.stdout == ""
    assert db.read_bytes() == bytes(data)  # nothing was written to it


# ------------------------------------------------------------------ T02: the key slot file
def _pslot(doc: dict) -> dict:
    return next(s for s in doc["slots"] if s["type"] == "passphrase")


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[3] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


STRUCTURAL_EDITS = {
    "JSON broken": lambda text: text[: len(text) // 2],
    "a field added": lambda text: json.dumps({**json.loads(text), "hint": "x"}),
    "m below the floor": lambda text: json.dumps(
        (d := json.loads(text)) and _pslot(d)["kdf"].update(m=1024) or d),
    "wrapped key shortened": lambda text: json.dumps(
        (d := json.loads(text)) and _pslot(d).update(wrapped_dek="AAAA") or d),
}


@pytest.mark.parametrize("edit", STRUCTURAL_EDITS.values(), ids=STRUCTURAL_EDITS.keys())
def test_a_structurally_edited_key_file_exits_4(vault_dir: Path, pass_file: Path, edit) -> None:
    slots = vault_dir / "keyslots.json"
    slots.write_text(edit(slots.read_text()))
    before = slots.read_bytes()
    out = run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file))
    assert out.returncode == 4, out.stderr
    assert "key file is damaged or was edited" in out.stderr
    no_traceback(out)
    assert slots.read_bytes() == before  # not counted as a wrong guess


def test_lock_status_exits_4_for_a_key_file_it_cannot_read(vault_dir: Path) -> None:
    """lock-status reads the file's structure only (no unlock): broken JSON is caught there;
    per-slot checks (KDF floor, field sizes) run on unlock, above."""
    slots = vault_dir / "keyslots.json"
    slots.write_text(STRUCTURAL_EDITS["JSON broken"](slots.read_text()))
    out = run("lock-status", "--vault", str(vault_dir))
    assert out.returncode == 4, out.stderr
    assert "key file is damaged or was edited" in out.stderr
    no_traceback(out)


@pytest.fixture(scope="module")
def other_vaults(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two other laptops' vaults: one with another passphrase, one with the same."""
    made = {}
    for name, secret in (("other passphrase", OTHER_PASSPHRASE), ("same passphrase", PASSPHRASE)):
        base = tmp_path_factory.mktemp("other")
        (base / "pass.txt").write_text(secret + "\n")
        init(base / "vault", base / "pass.txt", user="sam")
        made[name] = base / "vault"
    return made


@pytest.mark.parametrize("which", ["other passphrase", "same passphrase"])
def test_another_vaults_key_file_exits_4(vault_dir: Path, other_vaults: dict[str, Path],
                                         which: str) -> None:
    slots = vault_dir / "keyslots.json"
    slots.write_bytes((other_vaults[which] / "keyslots.json").read_bytes())
    before = slots.read_bytes()
    # Told the key file is not this database's, with this laptop's passphrase and with the
    # other vault's, which does unwrap that file's key (it just opens nothing here).
    secrets = [PASSPHRASE] + ([OTHER_PASSPHRASE] if which == "other passphrase" else [])
    for secret in secrets:
        out = run("audit", "verify", "--vault", str(vault_dir),
                  env={"FIELDAPP_PASSPHRASE": secret})
        assert out.returncode == 4, out.stderr
        assert "belongs to a different vault from the database beside it" in out.stderr
        assert "wrong passphrase" not in out.stderr
        no_traceback(out)
    assert slots.read_bytes() == before  # no failure was recorded in it: nothing was tried


def test_an_edited_vault_id_exits_4(vault_dir: Path, pass_file: Path) -> None:
    slots = vault_dir / "keyslots.json"
    doc = json.loads(slots.read_text())
    doc["db_uuid"] = "00000000-0000-4000-8000-000000000000"
    slots.write_text(json.dumps(doc))
    out = run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file))
    assert out.returncode == 4, out.stderr
    assert "belongs to a different vault" in out.stderr
    no_traceback(out)


AAD_BOUND_EDITS = {
    "m raised": lambda s: s["kdf"].update(m=s["kdf"]["m"] * 2),
    "t raised": lambda s: s["kdf"].update(t=s["kdf"]["t"] + 1),
    "salt changed": lambda s: s["kdf"].update(salt=_flip_b64(s["kdf"]["salt"])),
    "a byte of wrapped_dek changed": lambda s: s.update(wrapped_dek=_flip_b64(s["wrapped_dek"])),
}


@pytest.mark.parametrize("edit", AAD_BOUND_EDITS.values(), ids=AAD_BOUND_EDITS.keys())
def test_an_aad_bound_edit_cannot_be_told_from_a_wrong_passphrase(vault_dir: Path,
                                                                  pass_file: Path,
                                                                  edit) -> None:
    """Well-formed values that the slot's AES-GCM tag covers: the tag fails exactly as it does
    for a wrong passphrase, and nothing else before unlock is authenticated, so this is exit 3
    (with the back-off), never an open. The recovery flow repairs the slot."""
    slots = vault_dir / "keyslots.json"
    doc = json.loads(slots.read_text())
    edit(_pslot(doc))
    slots.write_text(json.dumps(doc))
    out = run("audit", "verify", "--vault", str(vault_dir), "--passphrase-file", str(pass_file))
    assert out.returncode == 3, out.stderr
    assert "wrong passphrase" in out.stderr and "fieldapp recover" in out.stderr
    no_traceback(out)
