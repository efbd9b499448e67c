"""The window half of ``fieldapp --self-test`` (see :mod:`fieldapp.selftest`).

Starts Qt offscreen, opens the real main window on the self-test's temporary vault, opens a
report preview of its PDF inside it, checks that icons, translations and the PDF view work,
and closes everything (closing the window locks the vault, as quitting the app does). In the
bundle this is what proves the Qt plugins (platform, SVG icon engine, image formats) and
QtPdf were packed.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

WAIT_SECONDS = 15.0


def _spin(app, done, limit: float = WAIT_SECONDS) -> bool:
    from PySide6.QtCore import QEventLoop

    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return bool(done())


def _has_ink(image) -> bool:
    """Whether any pixel is darker than near-white (a drawn icon or page, not an empty one)."""
    if image.isNull():
        return False
    step_x, step_y = max(1, image.width() // 64), max(1, image.height() // 64)
    for y in range(0, image.height(), step_y):
        for x in range(0, image.width(), step_x):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 0 and colour.lightness() < 200:
                return True
    return False


def _translations_problem(app) -> str | None:
    """Every compiled catalogue shipped loads; a bundle must ship one per ``.ts`` source."""
    from PySide6.QtCore import QTranslator

    from fieldapp.ui.icons import resources_dir

    folder = resources_dir() / "i18n"
    sources = sorted(p.stem for p in folder.glob("*.ts"))
    compiled = sorted(folder.glob("*.qm"))
    if getattr(sys, "frozen", False):
        missing = sorted(set(sources) - {p.stem for p in compiled})
        if missing or not compiled:
            return f"translation catalogues missing from the bundle: {', '.join(missing) or 'all'}"
    for path in compiled:
        translator = QTranslator(app)
        if not translator.load(str(path)):  # empty is fine: no strings translated yet
            return f"translation catalogue {path.name} could not be loaded"
    return None


def open_and_close(folder: Path, *, passphrase: str, pdf: bytes, settings_dir: Path) -> str | None:
    """None when the window, icons, translations and preview all worked; else the reason."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before the QApplication: no display needed

    from PySide6.QtCore import qInstallMessageHandler

    import fieldapp.ui.qt_compat  # noqa: F401 - before any Qt call (see module)

    # The offscreen platform's notices ("does not support propagateSizeHints") would add lines
    # to the one-line result; a real failure is reported by the checks below.
    previous = qInstallMessageHandler(lambda *_args: None)
    try:
        return _run(folder, passphrase=passphrase, pdf=pdf, settings_dir=settings_dir)
    finally:
        qInstallMessageHandler(previous)


def _run(folder: Path, *, passphrase: str, pdf: bytes, settings_dir: Path) -> str | None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from fieldapp.settings import Settings
    from fieldapp.store import Store
    from fieldapp.ui import tasks
    from fieldapp.ui.context import AppContext
    from fieldapp.ui.icons import icon
    from fieldapp.ui.main_window import MainWindow
    from fieldapp.ui.pdf_preview import PdfPreview
    from fieldapp.vault import Vault

    # The window saves its geometry on close: into the temporary folder, not the user's.
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(settings_dir))
    app = QApplication.instance() or QApplication([sys.argv[0]])
    problem = _translations_problem(app)
    if problem:
        return problem
    if not _has_ink(icon("board").pixmap(48, 48).toImage()):
        return "the app's SVG icons do not load (resources/icons or Qt's SVG plugin is missing)"

    vault = Vault.open(folder)
    vault.unlock(bytearray(passphrase.encode()))
    window = MainWindow(AppContext(vault=vault, store=Store.open(vault)), Settings())
    try:
        window.resize(1024, 700)
        window.show()
        if not _spin(app, window.isVisible):
            return "the main window did not show"
        preview = PdfPreview(pdf, title="Self-test", suggested_name="self-test.pdf",
                             parent=window)
        preview.show()
        _spin(app, lambda: preview.isVisible() and preview.page_count() > 0)
        if preview.page_count() < 1 or not _has_ink(preview.view.page_image(0)):
            return "the report preview showed no page"
        preview.reject()
        window.close()
        tasks.wait_for_all(10_000)
        app.processEvents()
        if vault.is_unlocked:
            return "closing the window did not lock the vault"
    finally:
        if vault.is_unlocked:
            vault.lock()
        window.deleteLater()
        app.processEvents()
    return None
