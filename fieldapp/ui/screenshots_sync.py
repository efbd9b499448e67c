"""The sync scenes of ``python -m fieldapp.ui.screenshots``, rendered against a real station hub.

A throwaway ``fieldapp-hub`` (its own data folder, SQLite, TLS on a free loopback port) is started
as a subprocess; a coordinator's and an IDVA's throwaway vaults enrol with it, the coordinator
enters and allocates fictional incidents, both sync, and both change one case's do-not-contact
flag so the hub flags a conflict. Then: the coordinator's board with its sync marks and the
Allocate dialog, the IDVA's board with the status bar, the resolve screen, the Devices page, and
the status bar once the hub is gone. Skipped (with a note) when ``fieldapp-hub`` is not installed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

SERVING = "fieldapp-hub serving on "
PASSPHRASE = "lantern harbour pebble"


def hub_command() -> Path | None:
    exe = Path(sys.executable).with_name("fieldapp-hub")
    return exe if exe.exists() else None


@contextmanager
def station_hub(work: Path) -> Iterator[tuple[str, str, Path]]:
    """(url, CA fingerprint, data folder) of a hub serving until the block ends."""
    exe = hub_command()
    assert exe is not None
    data = work / "hub"
    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_HUB_DATA"}
    made = subprocess.run([str(exe), "--data", str(data), "init"], capture_output=True,
                          text=True, check=True, env=env, timeout=120)
    fingerprint = [ln for ln in made.stdout.splitlines() if "fingerprint" in ln.lower()][-1]
    proc = subprocess.Popen([str(exe), "--data", str(data), "serve", "--host", "127.0.0.1",
                             "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    found: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(SERVING) and not found:
                found.append(line[len(SERVING):].strip())
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        if not ready.wait(30):
            raise RuntimeError("the hub did not start")
        yield found[0], fingerprint.split()[-1], data
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)


def hub_cli(data: Path, *args: str) -> str:
    exe = hub_command()
    assert exe is not None
    return subprocess.run([str(exe), "--data", str(data), *args], capture_output=True, text=True,
                          check=True, timeout=120).stdout


def render_sync_scenes(work: Path, *, save: Callable, spin: Callable, logical: tuple[int, int]
                       ) -> list[str]:
    """Render the scenes with ``save(widget, name, overlay=None)``; the names written."""
    from fieldapp.domain.records import IncidentIn
    from fieldapp.services import capture, demo, safety_flags
    from fieldapp.services.sync import enrol as enrol_service
    from fieldapp.services.sync.run import sync_now
    from fieldapp.settings import Settings
    from fieldapp.store import Store
    from fieldapp.ui import tasks
    from fieldapp.ui.context import AppContext
    from fieldapp.ui.main_window import MainWindow
    from fieldapp.vault import Vault

    if hub_command() is None:
        print("skipped the sync scenes: fieldapp-hub is not installed")  # noqa: T201
        return []
    names: list[str] = []

    def vault(name: str, user: str, role: str) -> AppContext:
        v = Vault.create(work / name, passphrase=bytearray(PASSPHRASE.encode()), user=user,
                         role=role)
        return AppContext(vault=v, store=Store.open(v))

    def window_for(context: AppContext) -> MainWindow:
        window = MainWindow(context, Settings())
        window.resize(*logical)
        window.show()
        spin(lambda: window.sync.controller.enrolled and window.board.model.total() is not None)
        return window

    def synced(window: MainWindow) -> None:
        done: list[object] = []
        window.sync.controller.sync_finished.connect(done.append)
        window.sync.controller.sync_failed.connect(done.append)
        window.sync.sync_action.trigger()
        spin(lambda: bool(done), 60)
        spin(lambda: not window.sync.controller.running
             and "Syncing" not in window.sync_status.text(), 10)
        spin(lambda: False, 0.5)

    with station_hub(work) as (url, fingerprint, data):
        coord = vault("coord", "COORD1", "coordinator")
        idva = vault("idva", "IDVA01", "idva")
        for context, args in ((coord, ("--user", "Sam Coordinator", "--role", "coordinator",
                                       "--staff-code", "COORD1", "--bcu", "WEST")),
                              (idva, ("--user", "Alex IDVA", "--role", "idva", "--staff-code",
                                      "IDVA01", "--bcu", "WEST"))):
            code = hub_cli(data, "enrol-code", *args).split()[-1]
            enrol_service.enrol(store=context.store, hub_url=url, code=code,
                                ca_fingerprint=fingerprint, label=context.role)
        with coord.uow() as uow:
            demo.fill_demo(uow=uow, cases=40, me=None, seed=13)
            uow.commit()
        sync_now(vault=coord.vault, store=coord.store)
        sync_now(vault=idva.vault, store=idva.store)
        cases = [c for c in _idva_cases(idva)]
        if cases:  # a conflict: both laptops change one case's do-not-contact flag offline
            safety_flags.set_flag(store=coord.store, case_id=cases[0], field="do_not_contact",
                                  value=True, by="COORD1")
            safety_flags.set_flag(store=idva.store, case_id=cases[0], field="do_not_contact",
                                  value=False, by="IDVA01")
            sync_now(vault=coord.vault, store=coord.store)

        # This morning's new incidents, entered at the station and not yet synced.
        now = datetime.now(UTC)
        fresh = []
        for i, (ref, hours) in enumerate((("LC-20260303-0412", 1.5), ("LC-20260303-0419", 0.7))):
            with coord.uow() as uow:
                fresh.append(capture.create_incident(uow=uow, incident=IncidentIn(
                    police_ref=ref, bcu="WEST", district="BLACKPOOL",
                    police_visit_at=now - timedelta(hours=hours), victim_name=f"Example {i}",
                    allocated_to="")))
                uow.commit()
        window = window_for(coord)
        spin(lambda: window.board.model.marks(fresh[0].case_id) != frozenset(), 10)
        window.board.table.selectRow(window.board.model.row_of(fresh[0].case_id) or 0)
        dialog = window.sync.open_allocate()
        spin(lambda: dialog.staff_code.count() > 0, 10)
        dialog.staff_code.setEditText("IDVA01")
        dialog.adjustSize()
        save(window, "sync-allocation-board", overlay=dialog)
        names.append("sync-allocation-board")
        dialog.close()

        page = window.sync.open_devices()
        spin(lambda: page.table.rowCount() >= 2, 20)
        page.user.setText("Jo Example")
        page.staff_code.setText("IDVA03")
        page.make_code()
        spin(lambda: page.code_label.isVisible() and page.table.rowCount() >= 2, 20)
        idva_row = next((r for r in range(page.table.rowCount())
                         if page.table.item(r, 2).text() == "IDVA"), 0)
        page.table.selectRow(idva_row)
        page.reason.setText("laptop lost on the bus")
        save(window, "sync-devices")
        names.append("sync-devices")
        window.close()
        tasks.wait_for_all()

        iw = window_for(idva)
        synced(iw)
        with idva.uow() as uow:  # entered after the sync: waits for the next one
            capture.create_incident(uow=uow, incident=IncidentIn(
                police_ref="LC-20260303-0433", bcu="WEST", district="WYRE",
                police_visit_at=now - timedelta(hours=0.4), victim_name="Example 3",
                allocated_to="IDVA01"))
            uow.commit()
        iw.sync.controller.debounce.stop()
        iw.board.refresh()
        iw.sync.controller.refresh_status()
        spin(lambda: "1 change not yet synced" in iw.sync_status.text(), 10)
        iw.sync.controller.debounce.stop()
        spin(lambda: False, 0.5)
        save(iw, "sync-status")
        names.append("sync-status")
        conflicts_page = iw.sync.open_conflicts()
        spin(lambda: conflicts_page.table.rowCount() > 0, 10)
        if conflicts_page.table.rowCount():
            resolve = conflicts_page.resolve_selected()
            sides = conflicts_page._rows[0].sides  # noqa: SLF001 - the IDVA's own side
            resolve.choose(next((i for i, side in enumerate(sides) if side.by == "IDVA01"), 0))
            resolve.reason.setPlainText("Spoke to them this morning: they are happy to be "
                                        "contacted on the safe number")
            resolve.adjustSize()
            save(iw, "sync-resolve-conflict", overlay=resolve)
            names.append("sync-resolve-conflict")
            resolve.close()
        iw.show_board()
    # The hub has stopped: the status bar says so and what to do.
    iw.sync.controller.debounce.stop()
    synced(iw)
    save(iw, "sync-status-unreachable")
    names.append("sync-status-unreachable")
    iw.close()
    tasks.wait_for_all()
    for context in (coord, idva):
        if context.vault.is_unlocked:
            context.vault.lock()
    return names


def _idva_cases(context) -> list:  # noqa: ANN001 - AppContext
    from uuid import UUID

    with context.store.uow(read_only=True) as uow:
        rows = uow.dbapi().execute("SELECT id FROM cases WHERE status = 'OPEN' "
                                   "ORDER BY police_visit_at DESC LIMIT 3").fetchall()
    return [UUID(r[0]) for r in rows]
