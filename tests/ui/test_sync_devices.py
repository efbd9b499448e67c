"""Enrolment and devices in the app, against a real hub subprocess (TLS on loopback).

A coordinator's Devices page makes an enrolment code; a new laptop enrols with it in the Enrol
dialog after comparing the CA fingerprint; the Devices page lists it with its last sync; an IDVA's
laptop is refused the coordinator's calls with the hub's reason; revoking needs a reason; the
revoked laptop's next sync wipes it: a neutral message, the first-run screen, no vault files.
"""

from __future__ import annotations

import json

import pytest
from conftest import PASSPHRASE, activate, type_into
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sync_fixtures import enrol, hub_fixture, laptop  # noqa: F401 - the hub fixture

from fieldapp.services.sync import admin, state
from fieldapp.services.sync.errors import Refused
from fieldapp.settings import Settings
from fieldapp.ui.app import AppFlow
from fieldapp.ui.main_window import MainWindow
from fieldapp.vault import Vault


def _window(qtbot, context) -> MainWindow:
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    activate(qtbot, window)
    return window


def enrolment_pinned(window: MainWindow) -> bool:
    with window.context.store.uow(read_only=True) as uow:
        return state.is_enrolled(uow.dbapi())


def _finished(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.sync.controller.sync_finished, timeout=60_000):
        window.sync.sync_action.trigger()


def test_code_enrol_list_refuse_revoke_then_the_revoked_laptop_is_wiped(qtbot, tmp_path, hub,
                                                                        flows):
    coord = laptop(tmp_path / "coord", user="COORD1", role="coordinator")
    enrol(hub, coord, user="Coordinator One", role="coordinator", staff_code="COORD1")
    cw = _window(qtbot, coord)
    qtbot.waitUntil(lambda: cw.sync.devices_action.isVisible(), timeout=10_000)
    page = cw.sync.open_devices()
    with qtbot.waitSignal(page.devices_loaded, timeout=20_000) as loaded:
        pass
    assert loaded.args == [1] and page.table.item(0, 1).text() == "Coordinator One"

    # A code for an IDVA needs their staff code; then the hub makes one.
    page.user.setText("IDVA One")
    page.make_code()
    assert "staff code" in page.message.text()
    page.staff_code.setText("idva01")
    with qtbot.waitSignal(page.code_made, timeout=20_000) as made:
        page.make_code()
    code = made.args[0].code
    assert page.code_label.text() == code and len(code.replace("-", "")) == 25

    # The new laptop: first-run vault, then the Enrol dialog from its Sync menu.
    folder = tmp_path / "idva"
    laptop(folder, user="IDVA01", role="idva").vault.lock()
    flow = AppFlow(folder, Settings(), maximise=False)
    flows.append(flow)
    flow.start()
    type_into(qtbot, flow.unlock_window.panel.passphrase, PASSPHRASE)
    with qtbot.waitSignal(flow.main_window_opened, timeout=20_000) as opened:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    iw: MainWindow = opened.args[0]
    qtbot.waitUntil(lambda: iw.sync_status.text() == "Not enrolled with a station hub",
                    timeout=10_000)
    dialog = iw.sync.open_enrol()
    dialog.hub_url.setText(hub.url)
    dialog.code.setText(code)
    dialog.start_enrol()  # no fingerprint given and none confirmed: nothing is sent
    assert "fingerprint" in dialog.message.text()
    with qtbot.waitSignal(dialog.ca_checked, timeout=20_000) as checked:
        qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    assert checked.args[0] == hub.ca_fingerprint  # what the hub printed at init
    assert hub.ca_fingerprint in dialog.offered_label.text() and dialog.compared.isVisible()
    dialog.fingerprint.setText("AA:" * 31 + "AA")
    assert "not the one this hub offers" in dialog.message.text()
    qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)  # the service checks too
    qtbot.waitUntil(lambda: dialog.enrol_button.isEnabled()
                    and "does not have the fingerprint" in dialog.message.text(), timeout=20_000)
    assert not enrolment_pinned(iw)  # nothing was sent, nothing pinned
    dialog.fingerprint.clear()
    dialog.compared.setChecked(True)
    with qtbot.waitSignal(dialog.enrolled, timeout=20_000) as enrolled:
        qtbot.mouseClick(dialog.enrol_button, Qt.MouseButton.LeftButton)
    device_id = enrolled.args[0].device_id
    assert enrolled.args[0].role == "idva" and enrolled.args[0].staff_code == "IDVA01"
    assert device_id in iw.statusBar().currentMessage()  # to compare with the hub's list
    qtbot.waitUntil(lambda: iw.sync_status.text().startswith("Never synced"), timeout=10_000)
    _finished(qtbot, iw)
    qtbot.waitUntil(lambda: iw.sync_status.text() == "Synced just now · all changes synced",
                    timeout=10_000)
    assert not iw.sync.devices_action.isVisible()

    # The hub refuses the coordinator's calls from an IDVA's laptop, with its reason.
    with pytest.raises(Refused) as refused:
        admin.list_devices(vault=iw.context.vault, store=iw.context.store)
    assert refused.value.code == "not_coordinator" and "coordinator" in str(refused.value)

    # Back on the coordinator's page: the IDVA's laptop, synced just now; revoke needs a reason.
    with qtbot.waitSignal(page.devices_loaded, timeout=20_000) as loaded:
        qtbot.mouseClick(page.refresh_button, Qt.MouseButton.LeftButton)
    assert loaded.args == [2]
    row = [r for r in range(2) if page.table.item(r, 0).text() == device_id][0]
    assert page.table.item(row, 6).text() == "just now"
    assert page.table.item(row, 5).text() == "Active"
    page.table.selectRow(row)
    assert not page.revoke_button.isEnabled()  # no reason yet
    with pytest.raises(Refused):
        admin.revoke_device(vault=coord.vault, store=coord.store, device_id=device_id,
                            reason="  ")
    page.reason.setText("laptop lost on the bus")
    assert page.revoke_button.isEnabled()
    with qtbot.waitSignal(page.device_revoked, timeout=20_000):
        qtbot.mouseClick(page.revoke_button, Qt.MouseButton.LeftButton)
    shown = json.loads(hub.ok("devices", "show", device_id, "--json").stdout)
    assert shown["state"] == "revoked" and shown["revoked_reason"] == "laptop lost on the bus"
    qtbot.waitUntil(lambda: page.table.rowCount() == 2
                    and "Revoked" in page.table.item(row, 5).text(), timeout=20_000)

    # The revoked laptop's next sync: wiped, a neutral message and the first-run screen.
    with qtbot.waitSignal(iw.vault_wiped, timeout=60_000) as wiped:
        iw.sync.sync_action.trigger()
    message = wiped.args[0]
    assert "removed" in message and "revoked" not in message.lower()
    qtbot.waitUntil(lambda: flow.create_dialog is not None and flow.create_dialog.isVisible(),
                    timeout=10_000)
    assert flow.main_window is None and flow.wiped_message.text() == message
    assert not Vault.exists(folder)
    assert not list(folder.glob("fieldapp.db*")) and not (folder / "keyslots.json").exists()
    flow.wiped_message.close()
    cw.close()
