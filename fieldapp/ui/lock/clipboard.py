"""Clear the clipboard on lock and quit, but only when it still holds text that came from us.

Qt cannot tell us who wrote the clipboard on every platform (``ownsClipboard`` is false under
some platforms even for our own copies), so we note a digest of each change that happens while
one of our windows has focus, plus everything put there through :meth:`ClipboardGuard.copy`.
Only digests are kept, never the text. Text the user copied in another program is left alone.
"""

from __future__ import annotations

import hashlib

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QClipboard, QGuiApplication

# Hints that ask clipboard managers not to keep history (KDE / macOS / Windows).
_SECRET_HINTS = {
    "x-kde-passwordManagerHint": b"secret",
    "application/x-nspasteboard-concealed-type": b"secret",
    "ExcludeClipboardContentFromMonitorProcessing": b"1",
    "CanIncludeInClipboardHistory": b"\x00\x00\x00\x00",
    "CanUploadToCloudClipboard": b"\x00\x00\x00\x00",
}


def _digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


class ClipboardGuard(QObject):
    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._ours: set[bytes] = set()
        self._clipboard = QGuiApplication.clipboard()
        self._clipboard.dataChanged.connect(self._noticed)
        self._clipboard.selectionChanged.connect(self._noticed)

    def _modes(self) -> list[QClipboard.Mode]:
        modes = [QClipboard.Mode.Clipboard]
        if self._clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        return modes

    def _noticed(self) -> None:
        ours_now = (QGuiApplication.focusWindow() is not None
                    or self._clipboard.ownsClipboard())
        if ours_now:
            for mode in self._modes():
                text = self._clipboard.text(mode)
                if text:
                    self._ours.add(_digest(text))

    def copy(self, text: str) -> None:
        """Copy with the 'do not keep' hints, to the clipboard and the selection."""
        self._ours.add(_digest(text))
        for mode in self._modes():
            mime = QMimeData()
            mime.setText(text)
            for kind, value in _SECRET_HINTS.items():
                mime.setData(kind, value)
            self._clipboard.setMimeData(mime, mode)

    def holds_ours(self) -> bool:
        return any(_digest(self._clipboard.text(m)) in self._ours for m in self._modes()
                   if self._clipboard.text(m))

    def clear_ours(self) -> None:
        for mode in self._modes():
            text = self._clipboard.text(mode)
            if text and _digest(text) in self._ours:
                self._clipboard.clear(mode)
        self._ours.clear()
