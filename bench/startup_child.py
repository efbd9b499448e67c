"""Child process for bench.startup: start a window and exit the moment it is first painted.

    python -m bench.startup_child app VAULT_DIR   # the app's own start path to its unlock window
    python -m bench.startup_child bare            # a bare PySide6 QWidget (the baseline)

Prints "SHOWN" when the window's first paint event arrives, then leaves at once with os._exit
(no clean-up is timed). The app path is the real one: ``fieldapp.ui.app`` imported as the entry
point imports it, then ``run_app`` for an existing vault, which opens the unlock window; the
only addition is an application-wide event filter that spots that first paint.
"""

from __future__ import annotations

import os
import sys


def _exit_on_first_paint(app, class_name: str) -> object:
    from PySide6.QtCore import QEvent, QObject

    class Hook(QObject):
        def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
            if event.type() == QEvent.Type.Paint and type(obj).__name__ == class_name:
                sys.stdout.write("SHOWN\n")
                sys.stdout.flush()
                os._exit(0)
            return False

    hook = Hook()
    app.installEventFilter(hook)
    return hook


def bare() -> None:
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    hook = _exit_on_first_paint(app, "QWidget")  # noqa: F841 - kept alive
    window = QWidget()
    window.setWindowTitle("Bare window")
    window.resize(640, 480)
    window.show()
    app.exec()


def app_start(folder: str) -> None:
    from PySide6.QtWidgets import QApplication

    from fieldapp.ui.app import run_app  # what fieldapp.entry does for the desktop app

    app = QApplication.instance() or QApplication(sys.argv[:1])  # run_app reuses this one
    hook = _exit_on_first_paint(app, "UnlockWindow")  # noqa: F841 - kept alive
    run_app(["--vault", folder])
    sys.stdout.write("EXITED WITHOUT SHOWING\n")


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        bare()
    else:
        app_start(sys.argv[2])
