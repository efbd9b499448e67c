"""First run, unlock, back-off, idle lock, quick lock and the return to where the user was."""

from __future__ import annotations

from conftest import PASSPHRASE, USER, add_incident, press, shows_any, type_into
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialog

from fieldapp.services import drafts
from fieldapp.settings import Settings
from fieldapp.ui.app import AppFlow
from fieldapp.ui.lock import IdleWatcher
from fieldapp.ui.main_window import MainWindow, Place
from fieldapp.ui.pages.case_page import CasePage
from fieldapp.vault import Vault, generate_recovery_keypair


def _start(flows, folder, **kw) -> AppFlow:
    flow = AppFlow(folder, Settings(), maximise=False, **kw)
    flows.append(flow)
    flow.start()
    return flow


def test_first_run_wizard_by_keyboard(qtbot, flows, vault_folder):
    flow = _start(flows, vault_folder, demo_cases=4)
    dialog = flow.create_dialog
    qtbot.waitExposed(dialog)
    assert "No recovery key was supplied" in dialog.recovery_status.text()
    type_into(qtbot, dialog.user, "Sam Example")
    press(qtbot, Qt.Key.Key_Tab)  # the staff code, then role: IDVA is first
    assert QApplication.focusWidget() is dialog.staff_code
    qtbot.keyClicks(dialog.staff_code, USER)
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.passphrase
    qtbot.keyClicks(dialog.passphrase, "too short")
    assert "12 characters" in dialog.passphrase_message.text()  # the rule, as you type
    press(qtbot, Qt.Key.Key_Return)
    assert not Vault.exists(vault_folder)  # refused before anything was written
    assert QApplication.focusWidget() is dialog.passphrase

    dialog.passphrase.clear()
    qtbot.keyClicks(dialog.passphrase, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Tab)
    qtbot.keyClicks(dialog.confirm, PASSPHRASE)
    assert "match" in dialog.confirm_message.text()
    for _ in range(3):  # show-passphrase box, recovery key button, demonstration data box
        press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.demo
    press(qtbot, Qt.Key.Key_Space)
    with qtbot.waitSignal(flow.main_window_opened, timeout=30_000) as opened:
        press(qtbot, Qt.Key.Key_Return)
    window: MainWindow = opened.args[0]
    assert Vault.exists(vault_folder) and Vault.open(vault_folder).info.role == "idva"
    assert window.windowTitle() == "Operation Provide"
    qtbot.waitUntil(lambda: (window.board.model.total() or 0) >= 3, timeout=10_000)
    assert window.board.current_filter().allocated_to == USER  # "My cases": the staff code
    assert USER not in window.role_label.text() and "IDVA" in window.role_label.text()
    assert b"Sam Example" not in (vault_folder / Vault.SLOTS_NAME).read_bytes()


def test_wizard_with_a_recovery_key_file(qtbot, flows, vault_folder, tmp_path):
    public, _private = generate_recovery_keypair(tmp_path / "org", key_password=b"two keyholders")
    flow = _start(flows, vault_folder, demo_cases=0)
    dialog = flow.create_dialog
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("this is not a key")

    def fill() -> None:
        dialog.user.setText("SUP1")
        dialog.role.setCurrentIndex(dialog.role.findData("supervisor"))
        dialog.passphrase.setText(PASSPHRASE)
        dialog.confirm.setText(PASSPHRASE)

    fill()
    dialog.set_recovery_key(not_a_key)
    dialog.submit()
    qtbot.waitUntil(lambda: "could not be used" in dialog.recovery_message.text(), timeout=10_000)
    assert not Vault.exists(vault_folder)
    assert "No recovery key was supplied" in dialog.recovery_status.text()

    dialog.set_recovery_key(public)
    assert "Recovery key chosen" in dialog.recovery_status.text()
    fill()
    with qtbot.waitSignal(flow.main_window_opened, timeout=30_000):
        dialog.submit()
    info = Vault.open(vault_folder).info
    assert info.has_recovery_slot and info.role == "supervisor"


def test_wrong_passphrase_is_explained_with_a_countdown(qtbot, flows, context, vault_folder):
    context.vault.lock()
    flow = _start(flows, vault_folder)
    panel = flow.unlock_window.panel
    qtbot.waitExposed(flow.unlock_window)
    type_into(qtbot, panel.passphrase, "a wrong passphrase here")
    press(qtbot, Qt.Key.Key_Return)
    assert panel.passphrase.text() == ""  # out of the widget as soon as it was read
    qtbot.waitUntil(lambda: "did not unlock" in panel.message.text(), timeout=10_000)
    assert panel.wait_label.isVisible() and "try again in" in panel.wait_label.text()
    assert not panel.unlock_button.isEnabled()

    type_into(qtbot, panel.passphrase, PASSPHRASE)
    press(qtbot, Qt.Key.Key_Return)  # during the back-off: nothing is tried
    assert panel.passphrase.text() == PASSPHRASE
    qtbot.waitUntil(panel.unlock_button.isEnabled, timeout=5_000)
    with qtbot.waitSignal(flow.main_window_opened, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)


def test_idle_lock_hides_all_content_and_clears_our_clipboard(qtbot, context):
    add_incident(context, police_ref="PR-SECRET-77", victim_name="Quill Hidden")
    window = MainWindow(context, Settings(), idle_timeout_ms=600)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    assert shows_any(window, "PR-SECRET-77")
    window.activateWindow()
    qtbot.waitActive(window)
    window.board.search.setText("PR-SECRET-77")
    window.board.search.setFocus()
    window.board.search.selectAll()
    press(qtbot, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # the copy action
    assert QGuiApplication.clipboard().text() == "PR-SECRET-77"

    with qtbot.waitSignal(window.locked, timeout=5_000):
        pass  # no input: the idle timer fires
    assert window.root.currentWidget() is window.lock_screen
    assert shows_any(window, "PR-SECRET-77", "Quill Hidden", "C-", USER) == []
    assert QGuiApplication.clipboard().text() == ""
    assert window.board.model.rowCount() == 0 and not context.vault.is_unlocked
    assert window.windowTitle() == "Operation Provide"

    type_into(qtbot, window.lock_screen.panel.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    window.close()


def test_activity_postpones_the_idle_lock(qtbot):
    watcher = IdleWatcher(400)
    fired = []
    watcher.idle_timed_out.connect(lambda: fired.append(True))
    watcher.start()
    for _ in range(6):
        qtbot.wait(120)
        QApplication.sendEvent(QApplication.instance(), _key_event())
    assert not fired
    qtbot.waitUntil(lambda: bool(fired), timeout=2_000)
    watcher.stop()


def _key_event():
    from PySide6.QtGui import QKeyEvent
    return QKeyEvent(QKeyEvent.Type.KeyPress, Qt.Key.Key_Shift, Qt.KeyboardModifier.NoModifier)


def test_ctrl_l_closes_dialogs_and_unlock_reopens_the_case(qtbot, context):
    summary = add_incident(context, police_ref="PR-PLACE-1")
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1, timeout=10_000)
    window.board.table.setFocus()
    window.board.table.setCurrentIndex(window.board.proxy.index(0, 0))
    with qtbot.waitSignal(window.case_opened, timeout=5_000):
        press(qtbot, Qt.Key.Key_Return)
    assert window.place() == Place("case", summary.case_id)
    _settle(qtbot, window)

    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QDialog)
    qtbot.keyClicks(dialog.police_ref, "PR-HALF-TYPED")
    with qtbot.waitSignal(window.locked, timeout=5_000):
        press(qtbot, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not any(isinstance(w, QDialog) and w.isVisible() for w in QApplication.topLevelWidgets())
    assert shows_any(window, "PR-PLACE-1", "PR-HALF-TYPED") == []

    type_into(qtbot, window.lock_screen.panel.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=10_000):
        press(qtbot, Qt.Key.Key_Return)
    assert window.place() == Place("case", summary.case_id)
    page = window.pages.currentWidget()
    assert isinstance(page, CasePage) and page.case_id == summary.case_id
    _settle(qtbot, window)
    window.close()


def _settle(qtbot, window: MainWindow) -> None:
    """Let the case page finish loading before the next step."""
    page = window.pages.currentWidget()
    assert isinstance(page, CasePage)
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)


def test_recovered_draft_is_reopened_with_a_banner(qtbot, flows, context, vault_folder):
    summary = add_incident(context, police_ref="PR-DRAFT-1")
    with context.uow() as uow:
        drafts.save_draft(uow=uow, key=f"case:{summary.case_id}", payload={})
        uow.commit()
    context.vault.lock()
    flow = _start(flows, vault_folder)
    type_into(qtbot, flow.unlock_window.panel.passphrase, PASSPHRASE)
    with qtbot.waitSignal(flow.main_window_opened, timeout=10_000) as opened:
        press(qtbot, Qt.Key.Key_Return)
    window: MainWindow = opened.args[0]
    qtbot.waitUntil(lambda: window.place() == Place("case", summary.case_id), timeout=10_000)
    assert window.banner.isVisible() and "draft was recovered" in window.banner.label.text()
    _settle(qtbot, window)
