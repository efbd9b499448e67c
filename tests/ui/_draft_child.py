"""Child process for the crash test (not collected by pytest: its name starts with "_").

Opens the vault and the case page offscreen, types into "their own words", waits until the
autosaved draft is in the database, prints DRAFT-SAVED and then idles until it is killed.

    python _draft_child.py <vault folder> <case id> <text>
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from uuid import UUID

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

try:  # PySide6 6.12 on Python 3.11 loses a reference to None per void call (see the module)
    import fieldapp.ui.qt_compat  # noqa: F401
except ImportError:  # pragma: no cover - gone once the venv moves to Python 3.12
    pass

from case_fixtures import read_draft, reopen_context  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from fieldapp.ui.pages.case_page import CasePage  # noqa: E402


def wait_for(app: QApplication, condition, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.02)


def main(folder: str, case_id: str, text: str) -> None:
    app = QApplication([])
    context = reopen_context(Path(folder))
    page = CasePage(context, UUID(case_id))
    page.resize(1366, 768)
    page.show()
    wait_for(app, lambda: page.is_loaded, 30)
    words = page.sections.voice.words
    words.setFocus()
    QTest.keyClicks(words, text)

    def saved() -> bool:
        draft = read_draft(context, UUID(case_id)) or {}
        return draft.get("sections", {}).get("voice", {}).get("words") == text

    wait_for(app, saved, 30)
    print("DRAFT-SAVED", flush=True)
    while True:  # keep the process (and its open database) alive until SIGKILL
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    main(*sys.argv[1:4])
