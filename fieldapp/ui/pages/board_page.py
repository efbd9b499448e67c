"""The board: the cases to visit, most urgent first, with the time left to the 24-hour mark.

Filters (mine/all, BCU, clock state, search) become a ``BoardFilter`` applied in SQL; typing in
the search box waits 150 ms for a pause before asking again, so a fast typist sends one query.
Enter or Down in the search box moves to the list (its first case selected); Enter or a double
click there opens a case (``case_activated``).
"""

from __future__ import annotations

import logging
from datetime import datetime
from uuid import UUID

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from fieldapp.domain.enums import Bcu, ClockState, Role
from fieldapp.domain.records import CaseSummary
from fieldapp.services import demo_removal
from fieldapp.services.queries import BoardFilter
from fieldapp.ui.context import AppContext
from fieldapp.ui.dialogs.common import em, guarded, scaled_font
from fieldapp.ui.icons import icon
from fieldapp.ui.models import board_model as bm
from fieldapp.ui.models.board_text import state_icon, state_word
from fieldapp.ui.tasks import run_task

log = logging.getLogger(__name__)

SEARCH_DEBOUNCE_MS = 150
PAGE_FIT_ROWS = bm.PAGE_SIZE
MAX_PAGES_TO_FIND = 25  # how far select_case pages down looking for a case before giving up

MINE, ALL = "mine", "all"


def filter_matches(flt: BoardFilter, case: CaseSummary, now: datetime) -> bool:
    """Whether ``case`` would be listed under ``flt`` (mirrors the SQL in services.queries)."""
    text = flt.search.strip().casefold()
    return ((flt.allocated_to is None
             or case.allocated_to.casefold() == flt.allocated_to.casefold())
            and (flt.bcu is None or case.bcu == flt.bcu)
            and (flt.state is None or case.clock(now) == flt.state)
            and (not text or text in case.police_ref.casefold()
                 or text in case.pseudonym.casefold()))


class BoardPage(QWidget):
    case_activated = Signal(object)  # UUID
    new_incident_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._context: AppContext | None = None
        self._wanted: UUID | None = None
        self._pages_looked = 0
        self._select_first = False  # Enter/Down in the search box before its results arrived
        self.model = bm.BoardModel(self)
        self.proxy = bm.BoardSortProxy(self)
        self.proxy.setSourceModel(self.model)

        title = QLabel(self.tr("Cases"), self)
        title.setFont(scaled_font(self, 1.4, bold=True))
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(self.tr("Number of cases"))
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search police reference or case number (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search by police reference or case number"))
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.scope = self._combo(self.tr("Whose cases"), [(self.tr("My cases"), MINE),
                                                          (self.tr("All cases"), ALL)])
        self.bcu = self._combo(self.tr("BCU"), [(self.tr("All BCUs"), None)] + [
            (b.value.title(), b) for b in Bcu])
        self.state = self._combo(self.tr("24-hour mark"), [(self.tr("Any state"), None)])
        for st in (ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TIME, ClockState.MET,
                   ClockState.MISSED):
            self.state.addItem(state_icon(st), state_word(st), st)
        self.clear_button = QPushButton(self.tr("Clear filters"), self)
        self.clear_button.setAccessibleName(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear_filters)

        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(self.tr("Cases, most urgent first"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(False)  # server order by default; header click sorts loaded
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move in it
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.sectionClicked.connect(self._sort_by)
        widths = {bm.COL_STATE: 8, bm.COL_TIME_LEFT: 9, bm.COL_POLICE_REF: 8, bm.COL_CASE: 5.5,
                  bm.COL_BCU: 4.5, bm.COL_DISTRICT: 6.5, bm.COL_ALLOCATED: 6.5,
                  bm.COL_POLICE_VISIT: 13}
        for col, width in widths.items():
            header.resizeSection(col, em(self, width))
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.activated.connect(self._activated)

        # Demonstration cases are marked on every row by their DEMO- reference; this says so
        # once, with the way to remove them.
        self.demo_note = QLabel(self)
        self.demo_note.setWordWrap(True)
        self.demo_note.setObjectName("demoNote")
        self.demo_note.setStyleSheet("#demoNote { background: #fff4ce; color: #3b2f00; "
                                     "padding: 0.3em 0.6em; border-radius: 4px; }")
        self.demo_note.hide()

        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.body = QStackedWidget(self)
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.count_label)
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for label, combo in ((self.tr("&Show"), self.scope), (self.tr("B&CU"), self.bcu),
                             (self.tr("&24-hour mark"), self.state)):
            caption = QLabel(label, self)
            caption.setBuddy(combo)
            filters.addWidget(caption)
            filters.addWidget(combo)
        filters.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.demo_note)
        layout.addWidget(self.body, 1)
        for before, after in ((self.search, self.scope), (self.scope, self.bcu),
                              (self.bcu, self.state), (self.state, self.clear_button),
                              (self.clear_button, self.table)):
            self.setTabOrder(before, after)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DEBOUNCE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.focus_results)
        self.search.installEventFilter(self)
        for combo in (self.scope, self.bcu, self.state):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.model.page_loaded.connect(self._page_loaded)
        self.model.count_loaded.connect(lambda _n: self._show_count())
        self.model.load_failed.connect(self._load_failed)
        self.model.modelReset.connect(self._show_count)
        self._show_count()

    def _combo(self, name: str, items: list[tuple[str, object]]) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(name)
        for text, data in items:
            combo.addItem(text, data)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    # ---------------------------------------------------------------- data source
    def attach(self, context: AppContext) -> None:
        """Show the cases of an unlocked vault; an IDVA starts on their own cases."""
        self._context = context
        self._offer_mine()
        self.scope.blockSignals(True)
        self.scope.setCurrentIndex(self.scope.findData(self._default_scope()))
        self.scope.blockSignals(False)
        self.model.attach(context.uow, self.current_filter())
        self._count_demo()

    def detach(self) -> None:
        """On lock: drop every row and the search text (it may be a police reference)."""
        self._context = None
        self._wanted = None
        self._debounce.stop()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.demo_note.hide()
        self.model.detach()

    def refresh(self, select: UUID | None = None) -> None:
        if self._context is not None:
            self.model.reload()
            self._count_demo()
            if select is not None:
                self.select_case(select)

    def staff_code_changed(self) -> None:
        """After Settings or an enrolment changed the user's staff code: offer "My cases" anew
        and read again."""
        if self._context is None:
            return
        self._context.forget_staff_code()
        self._offer_mine()
        if self.scope.currentData() == MINE and not self._context.staff_code:
            self.scope.setCurrentIndex(self.scope.findData(ALL))  # applies the filter
        else:
            self.apply_filter()

    # ---------------------------------------------------------------- filters
    def current_filter(self) -> BoardFilter:
        mine = (self.scope.currentData() == MINE and self._context is not None
                and bool(self._context.staff_code))
        # QComboBox returns StrEnum item data as a plain str: turn it back into the enum.
        bcu, state = self.bcu.currentData(), self.state.currentData()
        return BoardFilter(
            allocated_to=self._context.staff_code if mine and self._context else None,
            bcu=None if bcu is None else Bcu(bcu),
            state=None if state is None else ClockState(state),
            search=self.search.text().strip())

    def apply_filter(self) -> None:
        self._debounce.stop()
        if self._context is not None:
            self.model.set_filter(self.current_filter())

    def _default_scope(self) -> str:
        """An IDVA with a staff code starts on their own cases; everyone else on everyone's."""
        context = self._context
        if context is None or not context.staff_code or context.role != Role.IDVA.value:
            return ALL
        return MINE

    def _offer_mine(self) -> None:
        """ "My cases" are the cases allocated to the user's staff code: without one, none."""
        item = self.scope.model().item(self.scope.findData(MINE))
        has_code = self._context is not None and bool(self._context.staff_code)
        item.setEnabled(has_code)
        item.setToolTip("" if has_code else self.tr(
            "Set your staff code in Settings to see the cases allocated to you."))

    def clear_filters(self) -> None:
        """Every filter back to where the board started, "Show" included."""
        for combo, index in ((self.scope, self.scope.findData(self._default_scope())),
                             (self.bcu, 0), (self.state, 0)):
            combo.blockSignals(True)
            combo.setCurrentIndex(index)
            combo.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.apply_filter()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if (watched is self.search and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Down):
            self.focus_results()
            return True
        return super().eventFilter(watched, event)

    def focus_results(self) -> None:
        """From the search box to the list (Enter or Down): the first case selected, once the
        search's own query has run (a pending debounce is applied first)."""
        if self._debounce.isActive():
            self.apply_filter()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self._select_first = self.model.is_loading()
        if not self._select_first:
            self._select_first_row()

    def _select_first_row(self) -> None:
        self._select_first = False
        if not self.table.currentIndex().isValid() and self.proxy.rowCount() > 0:
            self.table.setCurrentIndex(self.proxy.index(0, bm.COL_STATE))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def _sort_by(self, column: int) -> None:
        order = (Qt.SortOrder.DescendingOrder
                 if self.proxy.sortColumn() == column
                 and self.proxy.sortOrder() == Qt.SortOrder.AscendingOrder
                 else Qt.SortOrder.AscendingOrder)
        self.proxy.sort(column, order)
        self.table.horizontalHeader().setSortIndicatorShown(True)
        self.table.horizontalHeader().setSortIndicator(column, order)

    # ---------------------------------------------------------------- selection
    def select_case(self, case_id: UUID) -> None:
        """Select ``case_id`` once it is loaded, paging on a little way if needed."""
        self._wanted, self._pages_looked = case_id, 0
        self._try_select()

    def _try_select(self) -> None:
        if self._wanted is None:
            return
        row = self.model.row_of(self._wanted)
        if row is not None:
            index = self.proxy.mapFromSource(self.model.index(row, bm.COL_STATE))
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
            self.table.setFocus()
            self._wanted = None
        elif self.model.canFetchMore(QModelIndex()) and self._pages_looked < MAX_PAGES_TO_FIND:
            self._pages_looked += 1
            self.model.fetchMore(QModelIndex())

    def selected_case(self) -> UUID | None:
        index = self.table.currentIndex()
        return index.data(bm.CaseIdRole) if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        case_id = index.data(bm.CaseIdRole)
        if case_id is not None:
            self.case_activated.emit(case_id)

    def _count_demo(self) -> None:
        context = self._context
        if context is None:
            return

        def count() -> int:
            with context.uow(read_only=True) as uow:
                return demo_removal.count_demo_cases(uow=uow)

        run_task(count, on_done=guarded(self, self._show_demo_note),
                 on_error=lambda exc: log.error("demo count failed",
                                                extra={"status": type(exc).__name__}))

    def _show_demo_note(self, count: int) -> None:
        if self._context is None or not count:
            self.demo_note.hide()
            return
        self.demo_note.setText(self.tr(
            "This vault holds %1 demonstration cases: fictional, with police references "
            "starting DEMO-. File > Remove demonstration data takes them all off.").replace(
                "%1", f"{count:,}"))
        self.demo_note.show()

    # ---------------------------------------------------------------- feedback
    def _page_loaded(self, _count: int) -> None:
        if self.model.rowCount() <= PAGE_FIT_ROWS:  # the first page: fit the references
            header = self.table.horizontalHeader()
            for col in (bm.COL_POLICE_REF, bm.COL_TIME_LEFT):
                wanted = max(header.sectionSizeHint(col), self.table.sizeHintForColumn(col))
                header.resizeSection(col, min(wanted + em(self, 0.5), em(self, 16)))
        self._show_count()
        if self._select_first and self._wanted is None:
            self._select_first_row()
        self._try_select()

    def _show_count(self) -> None:
        total, loaded = self.model.total(), self.model.rowCount()
        if self._context is None:
            text = ""
        elif total is None:
            text = self.tr("Loading…")
        elif total == 1:
            text = self.tr("1 case")
        elif total == loaded:
            text = self.tr("%1 cases").replace("%1", f"{total:,}")
        else:
            text = self.tr("Showing %1 of %2 cases").replace("%1", f"{loaded:,}").replace(
                "%2", f"{total:,}")
        self.count_label.setText(text)
        if total == 0:
            filtered = self.current_filter() != BoardFilter(
                allocated_to=self.current_filter().allocated_to)
            self.empty.setText(
                self.tr("No cases match these filters.") if filtered else
                self.tr("No cases here yet. Press Ctrl+N to add an incident."))
            self.body.setCurrentWidget(self.empty)
        else:
            self.body.setCurrentWidget(self.table)

    def _load_failed(self, _error_type: str) -> None:
        self.count_label.setText(self.tr("The cases could not be read. Try again with F5."))
