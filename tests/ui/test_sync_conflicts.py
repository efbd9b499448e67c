"""The conflicts page and the resolve screen, against a real hub subprocess (TLS on loopback).

Two laptops change a case's do-not-contact flag offline from the same base; after both sync, the
IDVA's window shows the conflict (status bar, the board's Sync column, the Conflicts page) with
the restrictive value in force; the resolve screen shows both values with who and when, needs a
reason, and the choice synced clears the conflict on the coordinator's laptop too.
"""

from __future__ import annotations

from conftest import activate, add_incident
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sync_fixtures import enrol, hub_fixture, laptop, window_sync  # noqa: F401 - hub_fixture

from fieldapp.services import safety_flags
from fieldapp.services.sync import conflicts
from fieldapp.services.sync.run import sync_now
from fieldapp.settings import Settings
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.models import board_model as bm
from fieldapp.ui.sync.words import UNREACHABLE


def _sync(context) -> None:
    report = sync_now(vault=context.vault, store=context.store)
    assert report.ok, report.refused


def test_a_conflict_is_shown_resolved_with_a_reason_and_cleared_everywhere(qtbot, tmp_path,
                                                                           hub):
    coord = laptop(tmp_path / "coord", user="COORD1", role="coordinator")
    idva = laptop(tmp_path / "idva", user="IDVA01", role="idva")
    enrol(hub, coord, user="Coordinator One", role="coordinator", staff_code="COORD1")
    enrol(hub, idva, user="IDVA One", role="idva", staff_code="IDVA01")
    case = add_incident(coord, police_ref="PR-CONFLICT-1", allocated_to="IDVA01")
    _sync(coord)
    _sync(idva)
    # Offline, from the same base: the coordinator says do not contact, the IDVA says contact.
    safety_flags.set_flag(store=coord.store, case_id=case.case_id, field="do_not_contact",
                          value=True, by="COORD1")
    safety_flags.set_flag(store=idva.store, case_id=case.case_id, field="do_not_contact",
                          value=False, by="IDVA01")
    _sync(coord)

    window = MainWindow(idva, Settings())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    activate(qtbot, window)
    assert window_sync(qtbot, window).ok
    qtbot.waitUntil(lambda: window.sync_status.text()
                    == "Synced just now · all changes synced · 1 conflict to resolve",
                    timeout=20_000)
    qtbot.waitUntil(lambda: window.board.model.rowCount() == 1
                    and bm.MARK_CONFLICT in window.board.model.marks(case.case_id),
                    timeout=10_000)
    assert window.board.model.index(0, bm.COL_SYNC).data() == "Conflict"
    assert window.sync.conflicts_action.isVisible()
    flags = safety_flags.case_flags(store=idva.store, case_id=case.case_id)
    assert flags.do_not_contact is True  # the restrictive value is in force until resolved

    page = window.sync.open_conflicts()
    with qtbot.waitSignal(page.conflicts_loaded, timeout=10_000) as loaded:
        pass
    assert loaded.args == [1] and page.table.item(0, 0).text() == "PR-CONFLICT-1"
    dialog = page.resolve_selected()
    assert len(dialog.side_frames) == 2
    texts = [label.text() for frame in dialog.side_frames for label in frame.findChildren(QLabel)]
    assert any("COORD1" in t for t in texts) and any("IDVA01" in t for t in texts)
    assert sum("In force now" in t for t in texts) == 1
    sides = page._rows[0].sides  # noqa: SLF001 - which side is the IDVA's
    mine = next(i for i, s in enumerate(sides) if "IDVA01" in s.by)
    dialog.choose(mine)
    qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    assert "Say why" in dialog.message.text()  # the reason is required
    window.sync.controller.debounce.setInterval(200)
    dialog.reason.setPlainText("Spoke to her today: she wants to be contacted")
    with qtbot.waitSignal(page.conflict_resolved, timeout=10_000):
        qtbot.mouseClick(dialog.resolve_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(page.conflicts_loaded, timeout=10_000) as loaded:
        pass
    assert loaded.args == [0] and page.empty.isVisible()
    assert safety_flags.case_flags(store=idva.store, case_id=case.case_id).do_not_contact is False

    # The choice syncs (shortly after, by itself) and clears the conflict on the other laptop.
    qtbot.waitUntil(lambda: window.sync_status.text() == "Synced just now · all changes synced",
                    timeout=60_000)
    _sync(coord)
    assert conflicts.open_conflicts(store=coord.store) == []
    flags = safety_flags.case_flags(store=coord.store, case_id=case.case_id)
    assert flags.do_not_contact is False

    # The hub goes away: the status bar says so and what to do, a second request while the
    # sync runs waits for it (never two at once), and the periodic sync backs off.
    hub.stop()
    controller, started, failed = window.sync.controller, [], []
    controller.sync_started.connect(lambda: started.append(1))
    controller.sync_failed.connect(failed.append)
    before = controller.interval_ms()
    window.sync.sync_action.trigger()
    assert controller.running and controller.sync_now("again")  # queued behind the running one
    assert window.sync.sync_action.text() == "Cancel &sync"
    qtbot.waitUntil(lambda: bool(failed), timeout=60_000)
    assert len(started) == 1 and failed[0] == UNREACHABLE
    assert controller.interval_ms() == 2 * before
    qtbot.waitUntil(lambda: len(failed) == 2, timeout=60_000)  # the queued one ran after it
    assert len(started) == 2 and controller.interval_ms() == 4 * before
    qtbot.waitUntil(lambda: window.sync_status.text() == "Synced just now (the last attempt did "
                    f"not finish) · all changes synced · {UNREACHABLE}", timeout=10_000)
    window.close()
