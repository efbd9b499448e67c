"""Conflicts: the open conflicts this laptop holds (safety information two devices changed
differently), each resolved in :class:`fieldapp.ui.sync.resolve_dialog.ResolveDialog`."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from fieldapp.services.sync import conflicts
from fieldapp.services.sync.conflicts import ConflictView
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import FieldMessage, guarded, scaled_font
from fieldapp.ui.sync.resolve_dialog import ResolveDialog
from fieldapp.ui.tasks import run_task
from fieldapp.ui.widgets import london_text
from fieldapp.ui.widgets.tables import read_only_table

COLUMNS = ("Police ref", "Case", "Field", "Values", "In force now", "Since")


class ConflictsPage(QWidget):
    closed = Signal()
    conflicts_loaded = Signal(int)
    conflict_resolved = Signal(str)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, load: bool = True):
        super().__init__(parent)
        self._context = context
        self._rows: list[ConflictView] = []
        self.dialog: ResolveDialog | None = None
        title = QLabel(self.tr("Conflicts"), self)
        title.setFont(scaled_font(self, 1.4, bold=True))
        intro = QLabel(self.tr(
            "Safety information that two devices changed differently. The safer value is in "
            "force until someone resolves it; resolving here clears it at the hub and on every "
            "laptop holding the case at their next sync."), self)
        intro.setWordWrap(True)
        self.back = QPushButton(self.tr("&Back to the board"), self)
        self.back.clicked.connect(self.closed.emit)
        self.table = read_only_table(self, [self.tr(c) for c in COLUMNS], self.tr("Open conflicts"))
        self.table.activated.connect(lambda _i: self.resolve_selected())
        self.empty = QLabel(self.tr("No open conflicts."), self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        self.resolve_button = QPushButton(self.tr("&Resolve selected…"), self)
        self.resolve_button.clicked.connect(self.resolve_selected)
        self.message = FieldMessage(parent=self)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.back)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.resolve_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)
        layout.addLayout(bottom)
        if load:
            self.load()

    def load(self) -> None:
        store = self._context.store
        run_task(lambda: conflicts.open_conflicts(store=store),
                 on_done=guarded(self, self.show_conflicts),
                 on_error=guarded(self, lambda e: self.message.show_message(
                     self.tr("The conflicts could not be read (%1).").replace(
                         "%1", type(e).__name__))))

    def show_conflicts(self, rows: list[ConflictView]) -> None:
        self._rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = (row.police_ref, row.pseudonym, row.field_label,
                     "  |  ".join(s.label for s in row.sides), row.in_force.label,
                     london_text(row.opened_at))
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        self.resolve_button.setEnabled(bool(rows))
        if rows and self.table.currentRow() < 0:
            self.table.selectRow(0)
        self.conflicts_loaded.emit(len(rows))

    def resolve_selected(self) -> ResolveDialog | None:
        row = self.table.currentRow()
        if not 0 <= row < len(self._rows):
            return None
        dialog = ResolveDialog(self._context, self._rows[row], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.conflict_resolved.connect(self._resolved)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _resolved(self, conflict_id: str) -> None:
        self.conflict_resolved.emit(conflict_id)
        self.load()
