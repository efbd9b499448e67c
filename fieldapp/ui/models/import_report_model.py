"""The rejected rows of a tracker import as a Qt table model (line, column, reason).

The model holds the service's ``RowRejection`` list and nothing else: never a cell's value, so
the table (and the saved report) cannot leak what was in the sheet. Sorting goes through a
proxy on :data:`SortRole`, which gives line numbers as ints, so line 9 sorts before line 10.

Thread-safety: UI thread only; it is filled once from the finished ``ImportReport``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from fieldapp.tracker import RowRejection

COL_LINE = 0
COL_COLUMN = 1
COL_REASON = 2
COLUMN_COUNT = 3

SortRole = Qt.ItemDataRole.UserRole + 1
RejectionRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex
_CTX = "ImportReportModel"


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CTX, text)


class ImportReportModel(QAbstractTableModel):
    """One row per rejected line, in the order the service found them."""

    def __init__(self, rejections: Sequence[RowRejection] = (), parent: QObject | None = None):
        super().__init__(parent)
        self._rows: list[RowRejection] = list(rejections)

    def set_rejections(self, rejections: Sequence[RowRejection]) -> None:
        self.beginResetModel()
        self._rows = list(rejections)
        self.endResetModel()

    def rejection(self, row: int) -> RowRejection:
        return self._rows[row]

    # ---------------------------------------------------------------- Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {COL_LINE: _tr("Line"), COL_COLUMN: _tr("Column"),
                COL_REASON: _tr("Why it was not imported")}.get(section)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        item = self._rows[index.row()]
        col = index.column()
        if role == RejectionRole:
            return item
        if role == SortRole:
            return {COL_LINE: item.line, COL_COLUMN: item.column.lower(),
                    COL_REASON: item.reason.lower()}.get(col)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {COL_LINE: str(item.line), COL_COLUMN: item.column or _tr("(whole row)"),
                    COL_REASON: item.reason}.get(col)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return {COL_LINE: _tr("Line %1").replace("%1", str(item.line)),
                    COL_COLUMN: item.column, COL_REASON: item.reason}.get(col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col == COL_LINE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def sorted_proxy(model: ImportReportModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    """A proxy sorting on :data:`SortRole` (numbers as numbers, text without case)."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(model)
    proxy.setSortRole(SortRole)
    return proxy
