# ruff: noqa: F811 - pytest fixtures imported from test_client_fakehub are parameters here
"""``fieldapp enrol`` and ``fieldapp sync`` in real subprocesses, over real TLS 1.3 to the fake
hub on loopback: words, ``--json``, exit statuses, offline transfer files, the audit anchor."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

from test_client_fakehub import PASSPHRASE, FakeHub, hub, make_ca, served  # noqa: F401

from fieldapp.store.engine import open_engine
from fieldapp.vault import Vault


def laptop(vault: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "FIELDAPP_VAULT": str(vault)}
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True,
                          text=True, env=env, timeout=180)
    if check and proc.returncode != 0:
        raise AssertionError(f"fieldapp {' '.join(args)}: exit {proc.returncode}\n"
                             f"{proc.stdout}\n{proc.stderr}")
    return proc


def new_laptop(tmp_path: Path, name: str = "idva", role: str = "idva") -> Path:
    vault = tmp_path / name
    laptop(vault, "init", "--user", name, "--role", role)
    return vault


def enrol(hub: FakeHub, url: str, vault: Path, **code: str) -> str:
    out = laptop(vault, "enrol", "--hub", url, "--code", hub.make_code(**code),
                 "--ca-fingerprint", hub.ca_fingerprint, "--label", "test laptop")
    return out.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_enrol_sync_and_sync_again_in_words_and_json(hub, tmp_path):
    idva = new_laptop(tmp_path)
    with served(hub, tmp_path / "tls") as url:
        shown = enrol(hub, url, idva, staff_code="IDVA01")
        device_id = next(iter(hub.devices))
        assert device_id in shown and "compare it with the hub's screen" in shown
        laptop(idva, "demo", "--cases", "12", "--seed", "3")
        out = laptop(idva, "sync")
        assert "Sent" in out.stdout and "change(s) in 1 bundle(s)" in out.stdout
        # The hub echoes the laptop's own cases: nothing new for the person, said so.
        assert "confirmed by the hub" in out.stdout and "Traceback" not in out.stderr
        again = json.loads(laptop(idva, "sync", "--json").stdout)
        assert again["ok"] and again["sent_ops"] == 0 and again["refused"] == []
        assert again["device_id"] == device_id

        coordinator = new_laptop(tmp_path, "coord", "coordinator")
        enrol(hub, url, coordinator, role="coordinator", staff_code="C1")
        pulled = json.loads(laptop(coordinator, "sync", "--json").stdout)
        assert pulled["received_cases"] == 12 and pulled["ok"]
        # Enrolling twice is refused (exit 1) and spends no code.
        out = laptop(coordinator, "enrol", "--hub", url, "--code", "UNUSED-CODE-123",
                     "--ca-fingerprint", hub.ca_fingerprint, check=False)
        assert out.returncode == 1 and "already enrolled" in out.stderr
    out = laptop(idva, "audit", "verify", "--json")
    assert json.loads(out.stdout)["ok"] and json.loads(out.stdout)["hub_acked_seq"] > 0


def test_exit_statuses_say_what_to_do(hub, tmp_path):
    vault = new_laptop(tmp_path)
    out = laptop(vault, "sync", check=False)
    assert out.returncode == 1 and "not enrolled" in out.stderr
    with served(hub, tmp_path / "tls") as url:
        out = laptop(vault, "enrol", "--hub", url, "--code", hub.make_code(),
                     "--ca-fingerprint", make_ca().fingerprint, check=False)
        assert out.returncode == 4 and "fingerprint" in out.stderr and not hub.devices
        out = laptop(vault, "enrol", "--hub", url, "--code", hub.make_code(), check=False)
        assert out.returncode == 1 and "--ca-fingerprint" in out.stderr  # no terminal to confirm
        enrol(hub, url, vault)
    # The hub is not there (the port is closed): exit 5, nothing lost.
    down = f"https://127.0.0.1:{_free_port()}"
    out = laptop(vault, "sync", "--hub", down, check=False)
    assert out.returncode == 5 and "station network" in out.stderr
    assert "Traceback" not in out.stderr
    out = laptop(vault, "sync", "--hub", down, "--json", check=False)
    assert out.returncode == 5 and json.loads(out.stdout)["error"] == "HubUnreachable"
    # Something answers there with a certificate from another CA: exit 4.
    with served(hub, tmp_path / "impostor", ca=make_ca("impostor CA")) as impostor:
        out = laptop(vault, "sync", "--hub", impostor, check=False)
    assert out.returncode == 4 and "station CA" in out.stderr
    out = laptop(vault, "sync", "--hub", "http://hub.example:80", check=False)
    assert out.returncode == 1 and "https" in out.stderr


def test_clock_off_by_more_than_five_minutes_is_a_warning_line(hub, tmp_path):
    vault = new_laptop(tmp_path)
    with served(hub, tmp_path / "tls") as url:
        enrol(hub, url, vault)
        hub.clock_offset_ms = -40 * 60 * 1000  # the hub is 40 minutes behind this laptop
        out = laptop(vault, "sync")
    assert "Warning: This laptop's clock is about 40 minutes ahead" in out.stdout


def test_revoked_laptop_is_wiped_on_a_valid_order(hub, tmp_path):
    vault = new_laptop(tmp_path)
    with served(hub, tmp_path / "tls") as url:
        enrol(hub, url, vault)
        laptop(vault, "demo", "--cases", "3")
        hub.revoke(next(iter(hub.devices)))
        hub.forge_wipe = True
        out = laptop(vault, "sync", check=False)
        assert out.returncode == 4 and Vault.exists(vault)
        hub.forge_wipe = False
        out = laptop(vault, "sync", check=False)
    assert out.returncode == 1 and "revoked" in out.stderr and "wiped" in out.stderr
    assert not Vault.exists(vault) and not (vault / "fieldapp.db").exists()
    status = json.loads(laptop(vault, "lock-status", "--json", check=False).stdout)
    assert status["exists"] is False


def test_offline_transfer_files_round_trip_and_a_reply_applies_once(hub, tmp_path):
    idva = new_laptop(tmp_path)
    coordinator = new_laptop(tmp_path, "coord", "coordinator")
    with served(hub, tmp_path / "tls") as url:
        enrol(hub, url, idva)
        enrol(hub, url, coordinator, role="coordinator", staff_code="C1")
    laptop(idva, "demo", "--cases", "8", "--seed", "5")
    out_file = tmp_path / "usb" / "idva.transfer"
    out_file.parent.mkdir()
    out = laptop(idva, "sync", "--to-file", str(out_file))
    assert "Wrote 1 sealed bundle(s)" in out.stdout
    assert oct(out_file.stat().st_mode & 0o777) == "0o600"
    doc = json.loads(out_file.read_bytes())
    assert doc["format"] == "fieldapp-transfer" and len(doc["bundles"]) == 1
    # Written again before any reply: the same sealed bytes, nothing sealed twice.
    laptop(idva, "sync", "--to-file", str(out_file))
    assert json.loads(out_file.read_bytes())["bundles"] == doc["bundles"]

    reply = tmp_path / "usb" / "idva.reply"
    reply.write_bytes(hub.import_transfer(out_file.read_bytes()))
    first = json.loads(laptop(idva, "sync", "--from-file", str(reply), "--json").stdout)
    assert first["sent_bundles"] == 1 and first["sent_ops"] > 0 and first["ok"]
    second = json.loads(laptop(idva, "sync", "--from-file", str(reply), "--json").stdout)
    assert second["sent_bundles"] == 0 and second["received_cases"] == 0 and second["ok"]

    coord_file = tmp_path / "usb" / "coord.transfer"
    laptop(coordinator, "sync", "--to-file", str(coord_file))
    coord_reply = tmp_path / "usb" / "coord.reply"
    coord_reply.write_bytes(hub.import_transfer(coord_file.read_bytes()))
    pulled = json.loads(laptop(coordinator, "sync", "--from-file", str(coord_reply),
                               "--json").stdout)
    assert pulled["received_cases"] == 8
    # A reply for another laptop is refused.
    out = laptop(idva, "sync", "--from-file", str(coord_reply), check=False)
    assert out.returncode == 1 and "another laptop" in out.stderr


def test_audit_verify_finds_the_newest_rows_deleted_after_the_hub_acknowledged_them(hub, tmp_path):
    vault = new_laptop(tmp_path)
    with served(hub, tmp_path / "tls") as url:
        enrol(hub, url, vault)
        laptop(vault, "demo", "--cases", "5")
        laptop(vault, "sync")
    report = json.loads(laptop(vault, "audit", "verify", "--json").stdout)
    acked = report["hub_acked_seq"]
    # The head sealed into the last bundle; rows may follow it (the cases the pull applied).
    assert report["ok"] and 0 < acked <= report["rows"]
    assert acked == hub.devices[next(iter(hub.devices))].audit_head["seq"]

    # Someone with the key deletes the newest audit rows: the chain alone still verifies.
    v = Vault.open(vault)
    v.unlock(bytearray(PASSPHRASE.encode()))
    engine = open_engine(vault / "fieldapp.db", v.raw_key_hex())
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log WHERE seq > ?", (acked - 3,))
    engine.dispose()
    v.lock()
    out = laptop(vault, "audit", "verify", check=False)
    assert out.returncode == 4
    assert f"ends at entry {acked - 3}" in out.stderr and f"acknowledged entry {acked}" in out.stderr
    out = laptop(vault, "audit", "verify", "--json", check=False)
    assert out.returncode == 4 and json.loads(out.stdout)["ok"] is False


def test_audit_verify_finds_a_rewritten_acknowledged_head(hub, tmp_path):
    vault = new_laptop(tmp_path)
    with served(hub, tmp_path / "tls") as url:
        enrol(hub, url, vault)
        laptop(vault, "demo", "--cases", "2")
        laptop(vault, "sync")
    acked = json.loads(laptop(vault, "audit", "verify", "--json").stdout)["hub_acked_seq"]
    v = Vault.open(vault)
    v.unlock(bytearray(PASSPHRASE.encode()))
    engine = open_engine(vault / "fieldapp.db", v.raw_key_hex())
    # A forger rewrites the whole log as one consistent chain that is shorter by one row at the
    # end and then appends a different row in its place: the chain verifies, the head differs.
    from sqlalchemy.orm import Session

    from fieldapp.store import audit

    with Session(engine) as session, session.begin():
        # (rows after the acknowledged one, e.g. the consultation of opening the vault, go too)
        session.execute(audit.AuditEntry.__table__.delete().where(audit.AuditEntry.seq >= acked))
        audit.append(session, actor="someone", action=audit.Action.CONSULTATION,
                     record_type="case", record_id="x")
    engine.dispose()
    v.lock()
    out = laptop(vault, "audit", "verify", check=False)
    assert out.returncode == 4 and f"entry {acked} is not the one" in out.stderr
