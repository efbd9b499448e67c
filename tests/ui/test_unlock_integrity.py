"""The unlock window refuses a damaged database (T03) and an edited or foreign key slot file
(T02) with a message that says what to do: not a traceback, not "wrong passphrase"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import PASSPHRASE, USER, add_incident, press, type_into
from PySide6.QtCore import Qt

from fieldapp.settings import Settings
from fieldapp.store import Store
from fieldapp.ui.app import AppFlow
from fieldapp.vault import Vault

WRONG_PASSPHRASE = "did not unlock"
KEY_FILE_MESSAGE = "key file on this laptop is damaged or was changed"


def _start(flows, folder: Path, monkeypatch: pytest.MonkeyPatch) -> AppFlow:
    """The real start-up flow, except that an unlock that should not have succeeded is only
    recorded (and the vault locked) instead of opening the main window."""
    flow = AppFlow(folder, Settings(), maximise=False)
    flow.opened = []

    def unlocked(vault: Vault, store: Store) -> None:
        flow.opened.append(store)
        vault.lock()

    monkeypatch.setattr(flow, "_unlocked", unlocked)
    flows.append(flow)
    flow.start()
    return flow


def _try_to_unlock(qtbot, flow: AppFlow) -> str:
    """Type the right passphrase and press Enter; the message the panel ends up showing."""
    panel = flow.unlock_window.panel
    qtbot.waitExposed(flow.unlock_window)
    type_into(qtbot, panel.passphrase, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: flow.opened or (bool(panel.message.text()) and not panel._busy),
                    timeout=30_000)
    assert flow.opened == [], "the vault opened"
    assert panel.passphrase.isEnabled() and panel.unlock_button.isEnabled()
    return panel.message.text()


def _cases_page(folder: Path) -> int:
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        with Store.open(vault).engine.connect() as conn:
            return int(conn.exec_driver_sql(
                "SELECT rootpage FROM sqlite_master WHERE name = 'cases'").scalar())
    finally:
        vault.lock()


def test_a_flipped_byte_in_the_database_is_explained(qtbot, flows, context, vault_folder,
                                                     monkeypatch):
    for n in range(3):
        add_incident(context, police_ref=f"PR-INTEGRITY-{n}")
    context.vault.lock()
    db = vault_folder / Vault.DB_NAME
    data = bytearray(db.read_bytes())
    data[(_cases_page(vault_folder) - 1) * 4096 + 900] ^= 0x08
    db.write_bytes(bytes(data))

    flow = _start(flows, vault_folder, monkeypatch)
    message = _try_to_unlock(qtbot, flow)
    assert "failed its integrity check" in message
    assert "Restore the vault from a backup, or re-sync it from the station hub." in message
    assert WRONG_PASSPHRASE not in message and "Traceback" not in message
    assert not flow.unlock_window.panel.wait_label.isVisible()  # no back-off: not a bad guess
    assert db.read_bytes() == bytes(data)


def _pslot(doc: dict) -> dict:
    return next(s for s in doc["slots"] if s["type"] == "passphrase")


# Unreadable JSON at start is the start-up error dialog (Vault.open), not the unlock window.
@pytest.mark.parametrize(("edit", "when"), [
    ("another vault's file", "before start"), ("another vault's file", "while the window is open"),
    ("m below the floor", "before start"), ("m below the floor", "while the window is open"),
    ("JSON broken", "while the window is open")])
def test_an_edited_or_foreign_key_file_is_explained(qtbot, flows, context, vault_folder,
                                                    tmp_path, monkeypatch, edit, when):
    context.vault.lock()
    slots = vault_folder / Vault.SLOTS_NAME
    if edit == "another vault's file":
        other = Vault.create(tmp_path / "other", passphrase=bytearray(b"some other passphrase"),
                             user="SAM", role="idva")
        other.lock()
        new_text = (tmp_path / "other" / Vault.SLOTS_NAME).read_text()
    elif edit == "JSON broken":
        new_text = slots.read_text()[:100]
    else:
        doc = json.loads(slots.read_text())
        _pslot(doc)["kdf"]["m"] = 1024
        new_text = json.dumps(doc)

    if when == "before start":
        slots.write_text(new_text)
        flow = _start(flows, vault_folder, monkeypatch)
    else:
        flow = _start(flows, vault_folder, monkeypatch)
        qtbot.waitExposed(flow.unlock_window)
        slots.write_text(new_text)
    before = slots.read_bytes()
    message = _try_to_unlock(qtbot, flow)
    assert KEY_FILE_MESSAGE in message and "recover" in message
    assert WRONG_PASSPHRASE not in message
    assert slots.read_bytes() == before  # not counted as a wrong passphrase
    assert USER not in message
