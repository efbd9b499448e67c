"""The status bar's sync indicator: one line in words, a busy bar and Cancel while a sync runs.

Text only, never names: "Synced 2 minutes ago · 3 changes not yet synced", or the problem and
what to do. The words come from :class:`fieldapp.ui.sync.controller.SyncController`.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

from fieldapp.ui.dialogs.common import em
from fieldapp.ui.icons import icon


class SyncStatusWidget(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._icon = QLabel(self)
        side = self.fontMetrics().height()
        self._icon.setPixmap(icon("sync").pixmap(QSize(side, side)))
        self._label = QLabel(self)
        self._label.setObjectName("syncStatusText")
        self.progress_label = QLabel(self)
        self.progress_label.hide()
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setMaximumWidth(em(self, 5))
        self.busy.setAccessibleName(self.tr("Syncing"))
        self.busy.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel the sync"))
        self.cancel_button.setToolTip(self.tr("Stop the sync after the step it is on; what "
                                              "was done is kept"))
        self.cancel_button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._icon)
        layout.addWidget(self._label)
        layout.addWidget(self.busy)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.cancel_button)
        self.set_status(self.tr("Not enrolled with a station hub"))

    def bind(self, controller) -> None:  # noqa: ANN001 - SyncController (import cycle)
        controller.status_changed.connect(self.set_status)
        controller.progressed.connect(self._progress)
        controller.sync_started.connect(lambda: self.set_running(True))
        for signal in (controller.sync_finished, controller.sync_failed,
                       controller.sync_cancelled):
            signal.connect(lambda *_: self.set_running(False))
        self.cancel_button.clicked.connect(controller.cancel)
        self.cancel_button.clicked.connect(lambda: self.cancel_button.setEnabled(False))

    def set_status(self, text: str) -> None:
        self._label.setText(text)
        self.setAccessibleName(self.tr("Sync status: %1").replace("%1", text))

    def set_running(self, running: bool) -> None:
        self.busy.setVisible(running)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.progress_label.clear()
            self.progress_label.hide()

    def _progress(self, text: str) -> None:
        self.progress_label.setText(text)
        self.progress_label.show()

    def text(self) -> str:
        return self._label.text()
