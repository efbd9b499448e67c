"""The user's staff code: set in Settings, checked like the hub's, the hub's once enrolled
(issue 16, item 3), through the real widgets on a real vault."""

from __future__ import annotations

from conftest import USER, activate, add_incident

from fieldapp.services import identity
from fieldapp.services.sync import state as sync_state
from fieldapp.settings import Settings
from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog
from fieldapp.ui.dialogs.settings_dialog import SettingsDialog
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.pages.board_page import ALL, MINE


def _refs(window: MainWindow) -> set[str]:
    model = window.board.model
    return {model.index(r, 2).data() for r in range(model.rowCount())}


def test_changing_the_staff_code_in_settings_changes_my_cases(qtbot, context):
    add_incident(context, police_ref="PR-MINE", allocated_to=USER)
    add_incident(context, police_ref="PR-OTHER", allocated_to="IDVA09")
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.show()
    activate(qtbot, window)
    qtbot.waitUntil(lambda: _refs(window) == {"PR-MINE"}, timeout=10_000)

    window.open_settings()
    dialog = window.findChild(SettingsDialog)
    assert dialog.staff_code.text() == USER and not dialog.staff_code.isReadOnly()
    dialog.staff_code.setText("IDVA 9")  # not a code: refused, nothing saved
    dialog.submit()
    assert "no spaces" in dialog.staff_code_message.text() and dialog.isVisible()
    dialog.staff_code.setText("idva09")
    with qtbot.waitSignal(dialog.staff_code_changed, timeout=10_000):
        dialog.submit()
    assert identity.own_staff_code(store=context.store) == "IDVA09"
    qtbot.waitUntil(lambda: _refs(window) == {"PR-OTHER"}, timeout=10_000)
    assert window.board.scope.currentData() == MINE

    window.open_settings()  # no code at all: "My cases" is not offered, the board shows all
    dialog = window.findChild(SettingsDialog)
    dialog.staff_code.clear()
    with qtbot.waitSignal(dialog.staff_code_changed, timeout=10_000):
        dialog.submit()
    qtbot.waitUntil(lambda: _refs(window) == {"PR-MINE", "PR-OTHER"}, timeout=10_000)
    assert window.board.scope.currentData() == ALL
    mine = window.board.scope.model().item(window.board.scope.findData(MINE))
    assert not mine.isEnabled()


def test_the_hubs_staff_code_wins_once_enrolled(qtbot, context):
    with context.uow() as uow:
        db = uow.dbapi()
        sync_state.put(db, sync_state.DEVICE_ID, "device-1")
        sync_state.put(db, sync_state.STAFF_CODE, "IDVA42")
        uow.commit()
    assert identity.own_staff_code(store=context.store) == "IDVA42"
    context.forget_staff_code()
    dialog = SettingsDialog(Settings(), context=context)
    qtbot.addWidget(dialog)
    assert dialog.staff_code.text() == "IDVA42" and dialog.staff_code.isReadOnly()
    assert "station hub" in dialog.staff_code_hint.text()
    with context.uow() as uow:
        try:
            identity.set_own_staff_code(uow=uow, code="IDVA01")
        except identity.StaffCodeRefused as exc:
            assert "station hub" in str(exc)
        else:
            raise AssertionError("an enrolled laptop's staff code was changed locally")


def test_a_new_incident_is_allocated_to_the_staff_code_never_a_name(qtbot, context):
    dialog = NewIncidentDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.allocated_to.text() == USER  # the staff code, not the vault user's name
    dialog.allocated_to.setText("Sam Example")
    dialog.police_ref.setText("LC-1")
    dialog.submit()
    assert "staff code" in dialog.problem_text("allocated_to")
    dialog.allocated_to.setText("idva03")
    dialog.bcu.setCurrentIndex(0)
    with qtbot.waitSignal(dialog.incident_created, timeout=10_000) as created:
        dialog.submit()
    assert created.args[0].allocated_to == "IDVA03"  # stored as codes compare


def test_a_real_incident_cannot_take_the_demonstration_prefix(qtbot, context):
    dialog = NewIncidentDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.police_ref.setText("demo-20260101-00001")
    dialog.bcu.setCurrentIndex(0)
    dialog.submit()
    assert "DEMO-" in dialog.problem_text("police_ref")
