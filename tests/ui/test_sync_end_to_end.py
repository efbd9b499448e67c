"""Sync inside the app, against a real hub: ``fieldapp-hub serve`` in a subprocess with TLS 1.3 on
loopback, two real vaults, two real main windows (pytest-qt).

A coordinator allocates a case to an IDVA and syncs; the IDVA's board shows it with its countdown
after a sync; the IDVA records a visit, which syncs a few seconds after the save; the
coordinator's tracker export has it. The status bar's words are checked at each step. Then a
sync stopped by locking the window: every bundle is either wholly acknowledged or wholly waiting,
the hub holds exactly the acknowledged ones, and the next sync sends the rest.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from conftest import PASSPHRASE, activate, add_incident, type_into
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sync_fixtures import enrol, laptop, outbox, small_hub_fixture  # noqa: F401

from fieldapp.services.tracker_export import export_tracker
from fieldapp.settings import Settings
from fieldapp.store import Store
from fieldapp.ui.main_window import MainWindow
from fieldapp.ui.models import board_model as bm
from fieldapp.vault import Vault

SYNCED = "Synced just now · all changes synced"


def _window(qtbot, context) -> MainWindow:
    window = MainWindow(context, Settings())
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    activate(qtbot, window)
    return window


def _status(window: MainWindow) -> str:
    return window.sync_status.text()


def _sync(qtbot, window: MainWindow, *, shortcut: bool = False) -> None:
    """A sync on demand (the shortcut, or the toolbar's action), waited for."""
    controller, outcome = window.sync.controller, []
    controller.sync_finished.connect(lambda report: outcome.append(("finished", report)))
    controller.sync_failed.connect(lambda words: outcome.append(("failed", words)))
    if shortcut:
        activate(qtbot, window)
        window.board.table.setFocus()
        qtbot.keyClick(window.board.table, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    else:
        window.sync.sync_action.trigger()
    try:
        qtbot.waitUntil(lambda: bool(outcome), timeout=60_000)
    except Exception:
        raise AssertionError((_status(window), controller.running, controller.enrolled)) from None
    assert outcome[0][0] == "finished" and outcome[0][1].ok, outcome
    qtbot.waitUntil(lambda: _status(window) == SYNCED, timeout=10_000)


def _row(window: MainWindow, police_ref: str) -> int | None:
    model = window.board.model
    for row in range(model.rowCount()):
        if model.summary(row).police_ref == police_ref:
            return row
    return None


def test_allocate_sync_visit_sync_export_with_the_status_bar_at_each_step(qtbot, tmp_path,
                                                                        small_hub):
    hub = small_hub
    coord = laptop(tmp_path / "coord", user="COORD1", role="coordinator")
    idva = laptop(tmp_path / "idva", user="IDVA01", role="idva")
    enrol(hub, coord, user="Coordinator One", role="coordinator", staff_code="COORD1", bcu="WEST")
    enrol(hub, idva, user="IDVA One", role="idva", staff_code="IDVA01", bcu="WEST")
    police_at = datetime.now(UTC) - timedelta(hours=3)
    case = add_incident(coord, police_ref="PR-E2E-1", allocated_to="", police_visit_at=police_at)
    pending = outbox(coord)["pending"]

    cw = _window(qtbot, coord)
    qtbot.waitUntil(lambda: _status(cw) == f"Never synced · {pending} changes not yet synced",
                    timeout=10_000)
    qtbot.waitUntil(lambda: cw.board.model.rowCount() == 1, timeout=10_000)
    qtbot.waitUntil(lambda: cw.board.model.marks(case.case_id) == {bm.MARK_UNSYNCED},
                    timeout=10_000)
    sync_cell = cw.board.model.index(0, bm.COL_SYNC)
    assert sync_cell.data() == "Not yet synced"
    assert cw.sync.devices_action.isVisible()  # a coordinator's laptop

    # The coordinator allocates the case from the board.
    cw.board.table.setCurrentIndex(cw.board.proxy.index(0, 0))
    dialog = cw.sync.open_allocate()
    qtbot.waitUntil(lambda: dialog.staff_code.count() >= 1, timeout=10_000)  # COORD1 at least
    dialog.staff_code.setEditText("IDVA01")
    with qtbot.waitSignal(dialog.case_allocated, timeout=10_000) as allocated:
        qtbot.mouseClick(dialog.allocate_button, Qt.MouseButton.LeftButton)
    assert allocated.args[0].allocated_to == "IDVA01" and allocated.args[0].changed
    qtbot.waitUntil(lambda: _status(cw).endswith(f"{pending + 1} changes not yet synced")
                    or "Syncing" in _status(cw), timeout=10_000)
    cw.sync.controller.debounce.stop()  # the test syncs on demand, by the shortcut

    _sync(qtbot, cw, shortcut=True)
    assert outbox(coord) == {"acked": pending + 1}
    qtbot.waitUntil(lambda: cw.board.model.rowCount() == 1
                    and cw.board.model.marks(case.case_id) == frozenset(), timeout=10_000)
    assert cw.board.model.index(0, bm.COL_ALLOCATED).data() == "IDVA01"
    assert cw.board.model.index(0, bm.COL_SYNC).data() == ""

    # The IDVA's laptop has no cases until it syncs; then the case with its 24-hour countdown.
    iw = _window(qtbot, idva)
    qtbot.waitUntil(lambda: _status(iw) == "Never synced · all changes synced", timeout=10_000)
    assert iw.board.model.rowCount() == 0
    _sync(qtbot, iw)
    qtbot.waitUntil(lambda: _row(iw, "PR-E2E-1") is not None, timeout=10_000)
    row = _row(iw, "PR-E2E-1")
    countdown = iw.board.model.index(row, bm.COL_TIME_LEFT).data()
    assert countdown.endswith(" left") and countdown.startswith(("20 h", "21 h")), countdown
    assert iw.board.model.index(row, bm.COL_STATE).data() == "On time"
    assert not iw.sync.devices_action.isVisible()  # an IDVA's laptop
    # An IDVA cannot move the case: the board's Allocate is refused in the service's words.
    iw.board.table.setCurrentIndex(iw.board.proxy.index(row, 0))
    refused = iw.sync.open_allocate()
    refused.staff_code.setEditText("IDVA02")
    qtbot.mouseClick(refused.allocate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: refused.allocate_button.isEnabled(), timeout=10_000)
    assert refused.message.text().startswith("Only a coordinator's laptop can allocate")
    refused.reject()
    assert set(outbox(idva)) <= {"acked"}  # nothing was written

    # The IDVA records the visit; the sync follows the save by itself (debounced).
    iw.sync.controller.debounce.setInterval(1_500)
    iw.open_case(case.case_id)
    page = iw.pages.currentWidget()
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    page.sections.visit.mode.set_value("JOINT")
    with qtbot.waitSignal(iw.sync.controller.sync_started, timeout=20_000):
        with qtbot.waitSignal(page.case_saved, timeout=10_000):
            page.save()
        mark = page.findChild(type(page.header.title), "caseSyncMark")
        qtbot.waitUntil(lambda: mark is not None and mark.isVisible(), timeout=5_000)
        assert "not yet been acknowledged" in mark.text()
        qtbot.waitUntil(lambda: "not yet synced" in _status(iw), timeout=5_000)
    qtbot.waitUntil(lambda: _status(iw) == SYNCED, timeout=60_000)
    qtbot.waitUntil(lambda: not mark.isVisible(), timeout=10_000)
    assert set(outbox(idva)) == {"acked"}

    # The coordinator syncs and exports the tracker: the IDVA's visit is in it.
    _sync(qtbot, cw)
    out = tmp_path / "tracker.csv"
    with coord.uow() as uow:
        export_tracker(uow=uow, out=out, fmt="csv", recipient="Evaluation team",
                       purpose="end-to-end test")
        uow.commit()
    lines = [ln for ln in out.read_text(encoding="utf-8-sig").splitlines() if not ln.startswith("#")]
    rows = [r for r in csv.DictReader(io.StringIO("\n".join(lines)))
            if "PR-E2E-1" in r.values()]
    assert len(rows) == 1 and "IDVA01" in rows[0].values(), rows
    assert any(v.startswith(datetime.now(UTC).strftime("%Y-%m-%d")) or
               v.startswith(datetime.now(UTC).strftime("%d/%m/%Y")) for v in rows[0].values())
    for window in (iw, cw):
        window.close()


def _bundles(folder) -> tuple[dict[str, int], list[tuple[str, int, int]]]:
    """(outbox status counts, [(bundle state, its ops, its acked ops)]) read from the vault."""
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        store = Store.open(vault)
        with store.uow(read_only=True) as uow:
            db = uow.dbapi()
            counts = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status"))
            bundles = db.execute(
                "SELECT b.state, count(o.op_id), sum(o.status = 'acked') FROM sync_bundles b "
                "JOIN outbox o ON o.bundle_id = b.bundle_id GROUP BY b.bundle_id, b.state"
            ).fetchall()
    finally:
        vault.lock()
    return counts, [tuple(b) for b in bundles]


def test_a_sync_stopped_by_locking_leaves_nothing_half_applied(qtbot, tmp_path, small_hub):
    hub = small_hub
    # A coordinator's morning: sixteen incidents entered and allocated, many bundles.
    coord = laptop(tmp_path / "coord", user="COORD1", role="coordinator")
    device = enrol(hub, coord, user="Coordinator", role="coordinator", staff_code="COORD1")
    for i in range(16):
        add_incident(coord, police_ref=f"PR-LOCK-{i:02d}", allocated_to=f"IDVA0{i % 3 + 1}",
                     victim_name=f"Person {i}")
    total = outbox(coord)["pending"]
    window = _window(qtbot, coord)
    qtbot.waitUntil(lambda: _status(window).endswith(f"{total} changes not yet synced"),
                    timeout=10_000)
    steps: list[str] = []

    def lock_on_second_bundle(text: str) -> None:
        steps.append(text)
        if "bundle 2" in text and not window.is_locked():
            window.lock_now()

    window.sync.controller.progressed.connect(lock_on_second_bundle)
    with qtbot.waitSignal(window.sync.controller.sync_cancelled, timeout=60_000):
        with qtbot.waitSignal(window.locked, timeout=60_000):
            window.sync.sync_action.trigger()
    assert window.is_locked() and not coord.vault.is_unlocked
    counts, bundles = _bundles(coord.vault.folder)
    acked = [b for b in bundles if b[0] == "acked"]
    waiting = [b for b in bundles if b[0] == "sealed"]
    assert acked and waiting, (counts, bundles, steps)  # stopped part-way
    assert all(ops == done for _s, ops, done in acked)  # a bundle is acked whole...
    assert all(done == 0 for _s, _ops, done in waiting)  # ...or not at all
    assert counts.get("acked", 0) == sum(ops for _s, ops, _d in acked)
    hub_device = [d for d in json.loads(hub.ok("devices", "--json").stdout)["devices"]
                  if d["device_id"] == device][0]
    assert hub_device["last_seq"] == len(acked)  # the hub holds exactly those

    # Unlock: the next sync sends the rest, and nothing twice.
    type_into(qtbot, window.lock_screen.panel.passphrase, PASSPHRASE)
    with qtbot.waitSignal(window.unlocked, timeout=20_000):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    window.sync.controller.progressed.disconnect(lock_on_second_bundle)

    # More incidents, and the status bar's Cancel pressed while the first bundle goes out.
    for i in range(16, 24):
        add_incident(window.context, police_ref=f"PR-LOCK-{i:02d}", allocated_to="IDVA01",
                     victim_name=f"Person {i}")
    total = outbox(window.context)["pending"] + sum(outbox(window.context).get(k, 0)
                                                    for k in ("sealed", "acked"))
    window.sync.controller.debounce.stop()
    cancel = window.sync_status.cancel_button

    def cancel_on_first_bundle(text: str) -> None:
        if "bundle 1" in text and cancel.isVisible() and cancel.isEnabled():
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    window.sync.controller.progressed.connect(cancel_on_first_bundle)
    qtbot.waitUntil(lambda: window.sync.controller.enrolled, timeout=10_000)
    with qtbot.waitSignal(window.sync.controller.sync_cancelled, timeout=60_000):
        window.sync.sync_action.trigger()
    window.sync.controller.progressed.disconnect(cancel_on_first_bundle)
    qtbot.waitUntil(lambda: "Sync stopped — what was done is kept; sync again"
                    in _status(window), timeout=10_000)
    assert not cancel.isVisible() and "sealed" in outbox(window.context)
    _sync(qtbot, window)
    counts, bundles = _bundles_after_close(window, coord.vault.folder)
    assert counts == {"acked": total}
    hub_device = [d for d in json.loads(hub.ok("devices", "--json").stdout)["devices"]
                  if d["device_id"] == device][0]
    assert hub_device["last_seq"] == len(bundles)


def _bundles_after_close(window: MainWindow, folder):  # noqa: ANN202
    window.close()  # locks the vault, so it can be opened again here
    return _bundles(folder)
