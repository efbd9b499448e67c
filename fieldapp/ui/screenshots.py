"""Render each main screen at 1366x768 into PNGs: ``python -m fieldapp.ui.screenshots DIR``.

Runs offscreen (no display needed) on a throwaway vault with fictional demonstration cases and
the floor-cost KDF. Screens that belong to features not in this build are skipped with a note.
``--scale 1.5`` renders the board and the new-incident dialog as a 150% display shows them
(a 1366x768 laptop at 150% has 911x512 logical pixels), into ``*-150.png`` files.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

SIZE = (1366, 768)
WRONG = "not my passphrase at all"
PASSPHRASE = "lantern harbour pebble"


def _setup_env(work: Path, scale: float) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["FIELDAPP_TEST_FAST_KDF"] = "1"
    os.environ["FIELDAPP_CONFIG_DIR"] = str(work / "config")
    if scale != 1:
        os.environ["QT_SCALE_FACTOR"] = str(scale)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, nargs="?", default=Path("docs/screenshots"))
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="fieldapp-shots-") as tmp:
        _setup_env(Path(tmp), args.scale)
        args.out.mkdir(parents=True, exist_ok=True)
        written = _render_all(Path(tmp) / "vault", args.out, args.scale)
    for path in written:
        print(f"wrote {path}")  # noqa: T201 - a command-line tool
    if args.scale == 1:
        import subprocess

        subprocess.run([sys.executable, "-m", "fieldapp.ui.screenshots", str(args.out),
                        "--scale", "1.5"], check=True)
    return 0


def _render_all(folder: Path, out: Path, scale: float) -> list[Path]:
    from PySide6.QtCore import QEventLoop, QSettings
    from PySide6.QtGui import QColor, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication, QWidget

    import fieldapp.ui.qt_compat  # noqa: F401 - before any Qt call
    from fieldapp.services import demo, identity
    from fieldapp.settings import Settings
    from fieldapp.store import Store
    from fieldapp.ui import tasks
    from fieldapp.ui.context import AppContext
    from fieldapp.ui.dialogs.create_vault_dialog import CreateVaultDialog
    from fieldapp.ui.dialogs.new_incident_dialog import NewIncidentDialog
    from fieldapp.ui.dialogs.unlock_window import UnlockWindow
    from fieldapp.ui.main_window import MainWindow
    from fieldapp.vault import Vault

    app = QApplication.instance() or QApplication([sys.argv[0]])
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      os.environ["FIELDAPP_CONFIG_DIR"])
    logical = (round(SIZE[0] / scale), round(SIZE[1] / scale))
    written: list[Path] = []
    suffix = "" if scale == 1 else f"-{round(scale * 100)}"

    def spin(done: Callable[[], bool], limit: float = 15.0) -> None:
        end = time.monotonic() + limit
        while not done() and time.monotonic() < end:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        app.processEvents()

    def save(widget: QWidget, name: str, overlay: QWidget | None = None) -> None:
        widget.resize(*logical)
        spin(lambda: False, 0.2)
        picture = widget.grab()
        if overlay is not None:  # a dialog drawn over its dimmed window, as the user sees it
            painter = QPainter(picture)
            painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))
            top = overlay.grab()
            x = (picture.width() - top.width()) // 2
            y = max(0, (picture.height() - top.height()) // 3)
            painter.drawPixmap(x, y, top)
            painter.setPen(QColor(90, 90, 90))
            painter.drawRect(x - 1, y - 1, top.width() + 1, top.height() + 1)
            painter.end()
        path = out / f"{name}{suffix}.png"
        _save_small(picture, path, QPixmap)
        written.append(path)

    if scale == 1:
        wizard = CreateVaultDialog(folder)
        wizard.show()
        wizard.user.setText("Jo Example")
        wizard.staff_code.setText("IDVA01")
        wizard.passphrase.setText(PASSPHRASE)
        wizard.confirm.setText(PASSPHRASE)
        wizard.demo.setChecked(True)
        save(wizard, "01-create-vault")
        wizard.close()

    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user="Jo Example",
                         role="idva")
    store = Store.open(vault)
    with store.uow() as uow:  # "My cases" are the cases allocated to the staff code
        identity.set_own_staff_code(uow=uow, code="IDVA01")
        uow.commit()
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=60, me="IDVA01", seed=7)
    vault.lock()

    if scale == 1:
        unlock = UnlockWindow(vault)
        unlock.show()
        unlock.panel.passphrase.setText(WRONG)
        unlock.panel.attempt()
        spin(lambda: unlock.panel.message.text() != "")
        save(unlock, "02-unlock-wrong-passphrase")
        unlock.close()
        spin(lambda: not unlock.panel.is_waiting(), 5)

    vault.unlock(bytearray(PASSPHRASE.encode()))
    context = AppContext(vault=vault, store=Store.open(vault))
    window = MainWindow(context, Settings())
    window.resize(*logical)
    window.show()
    spin(lambda: window.board.model.rowCount() > 0 and window.board.model.total() is not None)
    window.board.table.setFocus()
    save(window, "03-board")

    dialog = NewIncidentDialog(context, window)
    dialog.show()
    dialog.police_ref.setText("")
    dialog.district.setCurrentText("Wyre")
    dialog.officers.setText("PC 4471")
    dialog.submit()
    dialog.adjustSize()
    save(window, "04-new-incident-validation", overlay=dialog)
    dialog.close()

    if scale == 1:
        window.board.table.selectRow(0)
        window.open_case(window.board.model.summary(0).case_id)
        page = window.pages.currentWidget()
        spin(lambda: page.is_loaded)
        save(window, "05-case-page")
        window.show_board()
        window.show_dashboard()
        spin(lambda: False, 2.0)
        tasks.wait_for_all()
        save(window, "06-dashboard")
        window.show_board()
        window.lock_now()
        save(window, "07-lock-screen")
    window.close()
    tasks.wait_for_all()
    if vault.is_unlocked:
        vault.lock()
    if scale == 1:  # allocation board, sync status, resolve screen, devices (a real hub)
        from fieldapp.ui.screenshots_sync import render_sync_scenes

        render_sync_scenes(folder.parent / "sync", save=save, spin=spin, logical=logical)
    return written


def _save_small(picture, path: Path, pixmap_type) -> None:
    """A 256-colour PNG when Pillow is there (a third of the size, same look), else plain PNG."""
    image = picture.toImage() if isinstance(picture, pixmap_type) else picture
    image.save(str(path), "PNG", 0)
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as full:
        small = full.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT,
                                             dither=Image.Dither.NONE)
    small.save(path, optimize=True)


if __name__ == "__main__":
    sys.exit(main())
