"""The case page: one scrolling form for the whole visit, saved in one go with Ctrl+S.

Threading: the case is read and written only through ``ui.tasks.run_task`` (opening a case is an
audited consultation, so even the load is a write); :meth:`flush_draft` is the single exception,
a small synchronous write just before lock. Every change is also autosaved as a draft inside
the encrypted database (see draft.py), so nothing typed is lost to a crash or a flat battery.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.errors import Problem, RecordInvalid, UserFacingError
from fieldapp.domain.rules import parse
from fieldapp.services.visit_form import VisitForm
from fieldapp.ui import tasks
from fieldapp.ui.context import AppContext
from fieldapp.ui.pages.case_page import io
from fieldapp.ui.pages.case_page.draft import DraftKeeper
from fieldapp.ui.pages.case_page.header import CaseHeader
from fieldapp.ui.pages.case_page.justify import JustificationDialog
from fieldapp.ui.pages.case_page.nav import SectionNav, SectionScroll
from fieldapp.ui.pages.case_page.outcome_section import OutcomeSection
from fieldapp.ui.pages.case_page.problems import ErrorSummary, ProblemMap
from fieldapp.ui.pages.case_page.risk_section import RiskSection
from fieldapp.ui.pages.case_page.safe_contact_section import SafeContactSection
from fieldapp.ui.pages.case_page.support_section import SupportSection
from fieldapp.ui.pages.case_page.visit_section import VisitSection
from fieldapp.ui.pages.case_page.voice_section import VoiceSection
from fieldapp.ui.widgets import Field, london_text, named

log = logging.getLogger(__name__)

# Services name a few fields without the form's prefix.
ALIASES = {"idva_visit_at": "visit.idva_visit_at", "corrects": "new_voice.0.words"}


@dataclass
class Sections:
    visit: VisitSection
    support: SupportSection
    voice: VoiceSection
    risk: RiskSection
    safe_contact: SafeContactSection
    outcome: OutcomeSection

    def __iter__(self):
        return iter((self.visit, self.support, self.voice, self.risk, self.safe_contact,
                     self.outcome))


class CasePage(QWidget):
    case_saved = Signal(object)  # CaseOut
    closed = Signal()
    case_loaded = Signal(object)  # CaseOut, once the page shows it (and any draft)

    def __init__(self, context: AppContext, case_id: UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("casePage")
        self._context = context
        self._case_id = case_id
        self._case: r.CaseOut | None = None
        self._visit_id: UUID | None = None
        self._loading = True
        self._loaded = False
        self._saving = False
        self._dirty = False
        self._baseline: dict[str, Any] = {}  # section states as last loaded or saved
        self.ask_justification = lambda: JustificationDialog.ask(self)

        self.sections = Sections(VisitSection(), SupportSection(), VoiceSection(), RiskSection(),
                                 SafeContactSection(), OutcomeSection())
        self._build()
        self.keeper = DraftKeeper(context, io.draft_key(case_id), self._snapshot, self)
        self.keeper.draft_saved.connect(self._draft_saved)
        self.keeper.draft_failed.connect(self._draft_failed)
        for section in self.sections:
            section.changed.connect(self._changed)
        self._load()

    # ---- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        outer.setSpacing(8)
        top = QHBoxLayout()
        self.header = CaseHeader()
        top.addWidget(self.header, 1)
        actions = QVBoxLayout()
        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save (Ctrl+S)"))
        self.save_button.setDefault(True)
        named(self.save_button, self.tr("Save the whole page"))
        self.close_button = QPushButton(self.tr("Close"))
        named(self.close_button, self.tr("Close the case (your draft is kept)"))
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        actions.addLayout(buttons)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.status.setAccessibleName(self.tr("Save status"))
        self.status.setMinimumWidth(self.status.fontMetrics().horizontalAdvance("M" * 18))
        actions.addWidget(self.status)
        actions.addStretch(1)
        top.addLayout(actions)
        outer.addLayout(top)
        self.summary = ErrorSummary()
        outer.addWidget(self.summary)
        body = QHBoxLayout()
        self.problems = ProblemMap(list(self.sections), self.summary, ALIASES)
        self.problems.field_requested.connect(self._go_to_problem)
        self.nav = SectionNav([s.title for s in self.sections])
        self.scroll = SectionScroll(list(self.sections))
        body.addWidget(self.nav)
        body.addWidget(self.scroll, 1)
        outer.addLayout(body, 1)

        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.close_page)
        self.nav.section_chosen.connect(lambda i: self.jump_to(i))
        self.scroll.verticalScrollBar().valueChanged.connect(
            lambda _v: self.nav.follow(self.scroll.index_in_view()))
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence.StandardKey.Save, self, self.save, context=context)
        for number in range(1, 7):
            QShortcut(QKeySequence(f"Alt+{number}"), self,
                      lambda n=number: self.jump_to(n - 1), context=context)
        self.scroll.content.setEnabled(False)
        self.save_button.setEnabled(False)

    # ---- contract with the shell ------------------------------------------------------------
    @property
    def case_id(self) -> UUID:
        return self._case_id

    @property
    def is_loaded(self) -> bool:
        return self._loaded

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def flush_draft(self) -> None:
        """Persist the current draft now, on this thread (called just before lock)."""
        if not self._loaded or not self._dirty or not self.keeper.changed_since_write:
            return  # nothing typed since the last draft write (or nothing at all)
        try:
            self.keeper.flush_now()
        except Exception as exc:  # lock must go ahead; the last autosave is still there
            log.error("could not flush the case draft: %s", type(exc).__name__)

    def close_page(self) -> None:
        if self._loaded and self._dirty and self.keeper.changed_since_write:
            self.keeper.save_now()
        self.closed.emit()

    # ---- navigation -------------------------------------------------------------------------
    def jump_to(self, index: int, focus: bool = True) -> None:
        sections = list(self.sections)
        if not 0 <= index < len(sections):
            return
        section = sections[index]
        if focus and section.isEnabled():
            section.first_input().setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.scroll.scroll_to(section)
        self.nav.follow(index)

    def _go_to_problem(self, field: Field) -> None:
        field.focus()
        self.scroll.ensureWidgetVisible(field.label, 0, 40)
        self.scroll.ensureWidgetVisible(field.target, 0, 60)

    # ---- load -------------------------------------------------------------------------------
    def _load(self) -> None:
        self.status.setText(self.tr("Opening the case\u2026"))
        tasks.run_task(lambda: io.load_case(self._context, self._case_id),
                       on_done=self._guard(self._loaded_case),
                       on_error=self._guard(self._load_failed), write=True)

    def _guard(self, slot):
        """Drop a worker's answer if the page was deleted meanwhile."""

        def call(value: Any) -> None:
            if shiboken6.isValid(self):
                slot(value)
        return call

    def _loaded_case(self, result: tuple[r.CaseOut, dict[str, Any] | None]) -> None:
        case, draft = result
        self._apply_case(case)
        self._loaded = True
        self.scroll.content.setEnabled(True)
        self.save_button.setEnabled(True)
        if draft:
            self._loading = True
            try:
                states = draft.get("sections") or {}
                for section in self.sections:
                    if section.key in states:
                        section.set_state(states[section.key])
            finally:
                self._loading = False
            self._dirty = True
            saved = draft.get("saved_at")
            when = london_text(datetime.fromisoformat(saved), "%d/%m/%Y %H:%M:%S") if saved else "?"
            self.status.setText(self.tr(
                "Draft restored from {time}. Check it, then save with Ctrl+S.").format(time=when))
        else:
            self.status.setText(self.tr("Opened. Changes are kept as a draft as you type."))
        self.sections.visit.first_input().setFocus(Qt.FocusReason.OtherFocusReason)
        self.case_loaded.emit(case)

    def _load_failed(self, exc: BaseException) -> None:
        self.header.title.setText(self.tr("This case could not be opened"))
        self.status.setText(str(exc) if isinstance(exc, UserFacingError) else
                            self.tr("Something went wrong opening the case ({kind}).").format(
                                kind=type(exc).__name__))

    def _apply_case(self, case: r.CaseOut) -> None:
        """Show the saved case: the latest recorded visit (amend mode) or a new one."""
        self._case = case
        recorded = [v for v in case.visits if v.idva_visit_at is not None]
        visit = max(recorded, key=lambda v: v.idva_visit_at) if recorded else None
        self._visit_id = visit.visit_id if visit is not None else None
        self._loading = True
        try:
            self.header.show_case(case, visit)
            for section in self.sections:
                section.load(case, visit)
        finally:
            self._loading = False
        self._dirty = False
        self._baseline = self._snapshot()

    @property
    def amending(self) -> bool:
        return self._visit_id is not None

    # ---- changes and drafts -----------------------------------------------------------------
    def _changed(self) -> None:
        if self._loading or not self._loaded:
            return
        self._dirty = True
        self.keeper.touch()

    def _snapshot(self) -> dict[str, Any]:
        return {section.key: section.state() for section in self.sections}

    def _draft_saved(self, at: datetime) -> None:
        if not self._saving and self._dirty:
            self.status.setText(self.tr(
                "Draft kept at {time}. Not saved to the case yet: press Ctrl+S."
            ).format(time=london_text(at, "%H:%M:%S")))

    def _draft_failed(self, exc: BaseException) -> None:
        self.status.setText(self.tr(
            "\u26a0 The draft could not be kept ({kind}). Save with Ctrl+S now if you can."
        ).format(kind=type(exc).__name__))

    # ---- save -------------------------------------------------------------------------------
    def collect(self) -> tuple[VisitForm | None, list[Problem]]:
        """The VisitForm the page holds, or every problem that stops one being made."""
        data: dict[str, Any] = {}
        problems: list[Problem] = []
        for section in self.sections:
            part, found = section.form_part()
            data.update(part)
            problems.extend(found)
        try:
            form = parse(VisitForm, data)
        except RecordInvalid as exc:
            problems.extend(exc.problems)
            form = None
        return (form if not problems else None), problems

    def save(self) -> None:
        if self._saving or not self._loaded:
            return
        self.clear_problems()
        form, problems = self.collect()
        if problems:
            self.show_problems(problems)
            return
        justification = ""
        if self.amending and self.amends_recorded_values():
            reason = self.ask_justification()
            if not reason:
                self.status.setText(self.tr("Not saved: an amendment needs a short reason."))
                return
            justification = reason
        assert form is not None
        self._saving = True
        self.keeper.cancel()
        self._focus_before_save = self.focusWidget()
        self.scroll.content.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("Saving\u2026"))
        context, case_id, visit_id = self._context, self._case_id, self._visit_id
        tasks.run_task(lambda: io.save_form(context, case_id, form, visit_id, justification),
                       on_done=self._guard(self._saved), on_error=self._guard(self._save_failed),
                       write=True)

    def amends_recorded_values(self) -> bool:
        """True when something already recorded was changed. A new entry in the victim's voice
        is appended, never an amendment, so it needs no reason."""
        now = self._snapshot()
        return any(now[key] != self._baseline.get(key) for key in now if key != "voice")

    def _end_saving(self) -> None:
        self._saving = False
        self.scroll.content.setEnabled(True)
        self.save_button.setEnabled(True)
        widget = getattr(self, "_focus_before_save", None)
        if widget is not None and widget.isEnabled():
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def _saved(self, case: r.CaseOut) -> None:
        self.keeper.changed_since_write = False  # the save dropped the draft with everything in it
        self._apply_case(case)
        self._end_saving()
        self.status.setText(self.tr("Saved at {time}.").format(
            time=london_text(datetime.now().astimezone(), "%H:%M")))
        self.case_saved.emit(case)

    def _save_failed(self, exc: BaseException) -> None:
        self._end_saving()
        if isinstance(exc, RecordInvalid):
            self.show_problems(exc.problems)
            return
        self.status.setText(self.tr(
            "\u26a0 Not saved ({kind}). Your work is kept as a draft; try Ctrl+S again."
        ).format(kind=type(exc).__name__))
        self.keeper.save_now()

    # ---- problems ---------------------------------------------------------------------------
    def show_problems(self, problems: list[Problem]) -> None:
        self.problems.show(problems)
        self.status.setText(self.tr("Not saved."))

    def clear_problems(self) -> None:
        self.problems.clear()
