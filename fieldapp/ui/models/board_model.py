"""The case board as a Qt table model, loaded page by page off the UI thread.

Filtering and ordering happen in SQL (``services.queries.board_page``), so 50,000 cases never
reach the UI at once: the model holds only the pages a view has scrolled to, and asks for the
next page through ``canFetchMore``/``fetchMore``. Each page and the total count are read in a
worker (``run_task``); a result that arrives after the filter changed, or after a lock, carries
an old generation number and is dropped.

Sync marks (an enrolled laptop only): after each page, a worker reads which of its cases have
outbox operations the hub has not acknowledged yet ("not yet synced") and which have an open
conflict; :meth:`BoardModel.refresh_marks` reads them again for every loaded row after a sync.
They show in the Sync column and through :data:`SyncMarkRole`.

Thread-safety: every method runs on the UI thread; workers only run the query functions.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

import shiboken6
from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QTimeZone,
    Signal,
)

from fieldapp.domain.clock import utc_now
from fieldapp.domain.enums import ClockState
from fieldapp.domain.records import CaseSummary
from fieldapp.services import queries
from fieldapp.services.queries import BoardFilter
from fieldapp.store.uow import UnitOfWork
from fieldapp.ui.models import board_text, sync_marks
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)

PAGE_SIZE = 200
TICK_MS = 60_000

COL_STATE = 0
COL_TIME_LEFT = 1
COL_POLICE_REF = 2
COL_CASE = 3
COL_BCU = 4
COL_DISTRICT = 5
COL_ALLOCATED = 6
COL_POLICE_VISIT = 7
COL_SYNC = 8
COLUMN_COUNT = 9

MARK_UNSYNCED = sync_marks.MARK_UNSYNCED
MARK_CONFLICT = sync_marks.MARK_CONFLICT

CaseIdRole = Qt.ItemDataRole.UserRole + 1
ClockStateRole = Qt.ItemDataRole.UserRole + 2
SortKeyRole = Qt.ItemDataRole.UserRole + 3
SummaryRole = Qt.ItemDataRole.UserRole + 4
SyncMarkRole = Qt.ItemDataRole.UserRole + 5  # frozenset of MARK_* for the row's case

_LONDON = QTimeZone(b"Europe/London")

UowFactory = Callable[..., UnitOfWork]  # AppContext.uow or Store.uow
Index = QModelIndex | QPersistentModelIndex


def _read_page(factory: UowFactory, flt: BoardFilter, offset: int, limit: int,
               now: datetime) -> list[CaseSummary]:
    with factory(read_only=True) as uow:
        return queries.board_page(uow=uow, flt=flt, offset=offset, limit=limit, now=now)


def _read_count(factory: UowFactory, flt: BoardFilter, now: datetime) -> int:
    with factory(read_only=True) as uow:
        return queries.board_count(uow=uow, flt=flt, now=now)


class BoardModel(QAbstractTableModel):
    """Rows are :class:`CaseSummary` objects in the service's order (most urgent first)."""

    page_loaded = Signal(int)  # rows added by the page that just arrived
    count_loaded = Signal(int)  # cases matching the filter, all pages together
    load_failed = Signal(str)  # an error type name; never exception text (it may hold data)
    marks_loaded = Signal(int)  # cases whose sync marks just arrived

    def __init__(self, parent=None, *, page_size: int = PAGE_SIZE,
                 clock: Callable[[], datetime] = utc_now):
        super().__init__(parent)
        self._page_size = page_size
        self._clock = clock
        self._now = clock()
        self._factory: UowFactory | None = None
        self._filter = BoardFilter()
        self._rows: list[CaseSummary] = []
        self._total: int | None = None
        self._generation = 0
        self._fetching = False
        self._exhausted = False
        self._marks: dict[UUID, frozenset[str]] = {}
        self._marks_enabled = False
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.tick)

    # ---------------------------------------------------------------- life cycle
    def attach(self, factory: UowFactory, flt: BoardFilter | None = None) -> None:
        """Start reading through ``factory`` (``AppContext.uow``), with ``flt`` if given."""
        self._factory = factory
        if flt is not None:
            self._filter = flt
        self._ticker.start()
        self.reload()

    def detach(self) -> None:
        """Forget every row and the data source (on lock): nothing readable stays in the model."""
        self._factory = None
        self._ticker.stop()
        self._generation += 1
        self.beginResetModel()
        self._rows = []
        self._marks = {}
        self._total = None
        self._fetching = False
        self._exhausted = True
        self.endResetModel()

    @property
    def is_attached(self) -> bool:
        return self._factory is not None

    def board_filter(self) -> BoardFilter:
        return self._filter

    def set_filter(self, flt: BoardFilter) -> None:
        if flt != self._filter:
            self._filter = flt
            self.reload()

    def reload(self) -> None:
        """Drop the loaded rows and read the count and the first page again."""
        self._generation += 1
        self._now = self._clock()
        self.beginResetModel()
        self._rows = []
        self._marks = {}
        self._total = None
        self._fetching = False
        self._exhausted = self._factory is None
        self.endResetModel()
        if self._factory is None:
            return
        # The count follows the first page (``_page_arrived``) rather than running beside it:
        # every read transaction begins IMMEDIATE, so the two would queue for the same lock.
        self.fetchMore(QModelIndex())

    def _read_total(self) -> None:
        if self._factory is None:
            return
        generation, factory, flt, now = self._generation, self._factory, self._filter, self._now
        run_task(lambda: _read_count(factory, flt, now),
                 on_done=lambda n: self._count_arrived(generation, n),
                 on_error=lambda exc: self._failed(generation, exc))

    # ---------------------------------------------------------------- paging
    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 - Qt signature
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 - Qt signature
        if not self.canFetchMore(parent) or self._factory is None:
            return
        self._fetching = True
        generation, factory, flt, now = self._generation, self._factory, self._filter, self._now
        offset, limit = len(self._rows), self._page_size
        run_task(lambda: _read_page(factory, flt, offset, limit, now),
                 on_done=lambda page: self._page_arrived(generation, page),
                 on_error=lambda exc: self._failed(generation, exc))

    def is_loading(self) -> bool:
        return self._fetching or (self._factory is not None and self._total is None)

    def total(self) -> int | None:
        """Cases matching the filter (None until the count has arrived)."""
        return self._total

    def _page_arrived(self, generation: int, page: list[CaseSummary]) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self._fetching = False
        if len(page) < self._page_size:
            self._exhausted = True
        first = len(self._rows)
        if page:
            self.beginInsertRows(QModelIndex(), first, first + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()
        self.page_loaded.emit(len(page))
        if page and self._marks_enabled:
            self._read_marks(generation, [c.case_id for c in page])
        if first == 0 and generation == self._generation and self._total is None:
            if len(page) < self._page_size:
                # A short first page holds every match: that is the count (no second scan).
                self._count_arrived(generation, len(page))
            else:
                self._read_total()

    def _count_arrived(self, generation: int, total: int) -> None:
        if shiboken6.isValid(self) and generation == self._generation:
            self._total = total
            self.count_loaded.emit(total)

    def _failed(self, generation: int, exc: BaseException) -> None:
        if shiboken6.isValid(self) and generation == self._generation:
            self._fetching = False
            self._exhausted = True
            # The formatter keeps the exception's type and place only, never its text.
            log.error("board read failed", exc_info=(type(exc), exc, exc.__traceback__))
            self.load_failed.emit(type(exc).__name__)

    # ---------------------------------------------------------------- sync marks
    def set_marks_enabled(self, enabled: bool) -> None:
        """Marks only mean something once the laptop is enrolled (else every change waits)."""
        if enabled == self._marks_enabled:
            return
        self._marks_enabled = enabled
        if enabled:
            self.refresh_marks()
        else:
            self._marks = {}
            self._marks_changed()

    def refresh_marks(self) -> None:
        """Read the marks of every loaded row again (after a sync or a save)."""
        if self._marks_enabled and self._rows and self._factory is not None:
            self._read_marks(self._generation, [c.case_id for c in self._rows])

    def _read_marks(self, generation: int, case_ids: list[UUID]) -> None:
        factory = self._factory
        if factory is None:
            return
        # A failed read leaves the rows as they are (the marks are a hint, not the board).
        run_task(lambda: sync_marks.read_marks(factory, case_ids),
                 on_done=lambda marks: self._marks_arrived(generation, marks),
                 on_error=lambda exc: log.warning("sync marks read failed",
                                                  extra={"status": type(exc).__name__}))

    def _marks_arrived(self, generation: int, marks: dict[UUID, frozenset[str]]) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self._marks.update(marks)
        self._marks_changed()
        self.marks_loaded.emit(len(marks))

    def _marks_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_SYNC), self.index(len(self._rows) - 1, COL_SYNC))

    def marks(self, case_id: UUID) -> frozenset[str]:
        return self._marks.get(case_id, frozenset())

    # ---------------------------------------------------------------- clock
    def tick(self, now: datetime | None = None) -> None:
        """Move the countdowns on (every minute) without reloading."""
        self._now = now or self._clock()
        if self._rows:
            self.dataChanged.emit(self.index(0, COL_STATE),
                                  self.index(len(self._rows) - 1, COL_TIME_LEFT))

    def now(self) -> datetime:
        return self._now

    # ---------------------------------------------------------------- lookup
    def summary(self, row: int) -> CaseSummary:
        return self._rows[row]

    def row_of(self, case_id: UUID) -> int | None:
        for row, case in enumerate(self._rows):
            if case.case_id == case_id:
                return row
        return None

    # ---------------------------------------------------------------- Qt model API
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            COL_STATE: self.tr("State"), COL_TIME_LEFT: self.tr("24-hour mark"),
            COL_POLICE_REF: self.tr("Police ref"), COL_CASE: self.tr("Case"),
            COL_BCU: self.tr("BCU"), COL_DISTRICT: self.tr("District"),
            COL_ALLOCATED: self.tr("Allocated to"), COL_POLICE_VISIT: self.tr("Police visit"),
            COL_SYNC: self.tr("Sync"),
        }.get(section)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        case = self._rows[index.row()]
        col = index.column()
        if role == CaseIdRole:
            return case.case_id
        if role == SummaryRole:
            return case
        if role == SyncMarkRole:
            return self.marks(case.case_id)
        if col == COL_SYNC:
            return self._sync_data(case, role)
        state = case.clock(self._now)
        if role == ClockStateRole:
            return state
        if role == SortKeyRole:
            return self._sort_key(case, col, state)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(case, col, state)
        if role == Qt.ItemDataRole.ToolTipRole and col in (COL_STATE, COL_TIME_LEFT):
            return f"{board_text.state_word(state)}: {board_text.countdown_text(case, self._now)}"
        if role == Qt.ItemDataRole.DecorationRole and col == COL_STATE:
            return board_text.state_icon(state)
        if role == Qt.ItemDataRole.ForegroundRole and col in (COL_STATE, COL_TIME_LEFT):
            return board_text.state_colour(state)
        return None

    def _sync_data(self, case: CaseSummary, role: int) -> Any:
        marks = self.marks(case.case_id)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return board_text.sync_mark_text(marks)
        if role == Qt.ItemDataRole.ToolTipRole and marks:
            return board_text.sync_mark_tooltip(marks)
        if role == Qt.ItemDataRole.DecorationRole and marks:
            return board_text.sync_mark_icon(marks)
        if role == Qt.ItemDataRole.ForegroundRole and MARK_CONFLICT in marks:
            return board_text.state_colour(ClockState.OVERDUE)
        if role == SortKeyRole:
            return (MARK_CONFLICT not in marks, MARK_UNSYNCED not in marks)
        return None

    def _text(self, case: CaseSummary, col: int, state) -> str:
        if col == COL_STATE:
            return board_text.state_word(state)
        if col == COL_TIME_LEFT:
            return board_text.countdown_text(case, self._now)
        if col == COL_POLICE_REF:
            return case.police_ref
        if col == COL_CASE:
            return case.pseudonym
        if col == COL_BCU:
            return case.bcu.value.title()
        if col == COL_DISTRICT:
            return case.district.title()
        if col == COL_ALLOCATED:
            return case.allocated_to or self.tr("not allocated")
        if col == COL_POLICE_VISIT:
            when = QDateTime.fromSecsSinceEpoch(int(case.police_visit_at.timestamp()), _LONDON)
            return QLocale().toString(when, "ddd d MMM yyyy, HH:mm")
        return ""

    def _sort_key(self, case: CaseSummary, col: int, state) -> Any:
        if col == COL_STATE:
            return board_text.STATE_ORDER[state]
        if col == COL_TIME_LEFT:
            return board_text.time_sort_key(case, self._now)
        if col == COL_POLICE_VISIT:
            return case.police_visit_at.timestamp()
        return self._text(case, col, state).casefold()


class BoardSortProxy(QSortFilterProxyModel):
    """Column sorting of the rows already loaded, by :data:`SortKeyRole`.

    Filtering is the database's job (50,000 rows); with no sort column chosen the service's own
    order (most urgent first) shows through unchanged. Paging passes through to the source.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortRole(SortKeyRole)
        self.setDynamicSortFilter(True)
