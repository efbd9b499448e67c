"""Support and referrals: each offer's decision, and a reason only when it was declined."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from fieldapp.domain import records as r
from fieldapp.domain.enums import DeclineReason, OfferStatus, OfferType, ReferralTarget
from fieldapp.domain.errors import Problem
from fieldapp.ui import labels
from fieldapp.ui.pages.case_page.section import Section
from fieldapp.ui.widgets import EnumCombo, Field, named
from fieldapp.ui.widgets.field import error_label

STATUS_ORDER = (OfferStatus.ACCEPTED, OfferStatus.DECLINED, OfferStatus.UNDECIDED,
                OfferStatus.OFFERED, OfferStatus.NOT_OFFERED)


class DecisionRow:
    """One offer or referral: its decision and, when declined, the reason."""

    def __init__(self, code: str, grid: QGridLayout, row: int):
        self.code = code
        name = labels.label(code)
        self.caption = QLabel(name)
        self.status = EnumCombo(STATUS_ORDER)
        self.reason = EnumCombo(DeclineReason)
        self.caption.setBuddy(self.status)
        named(self.status, QCoreApplication.translate("SupportSection", "{name}: decision").format(name=name))
        named(self.reason, QCoreApplication.translate("SupportSection", "{name}: reason declined").format(name=name))
        self.error = error_label()
        grid.addWidget(self.caption, row, 0)
        grid.addWidget(self.status, row, 1)
        grid.addWidget(self.reason, row, 2)
        grid.addWidget(self.error, row + 1, 1, 1, 2)
        self.status_field = Field(self.caption, self.status, self.error)
        self.reason_field = Field(self.caption, self.reason, self.error)
        self.status.currentIndexChanged.connect(self._enable_reason)
        self._enable_reason()

    def _enable_reason(self) -> None:
        self.reason.setEnabled(self.status.value() == OfferStatus.DECLINED.value)

    def state(self) -> dict[str, Any]:
        return {"status": self.status.value(), "decline_reason": self.reason.value()}

    def set_state(self, state: dict[str, Any] | None) -> None:
        state = state or {}
        self.status.set_value(state.get("status"))
        self.reason.set_value(state.get("decline_reason"))

    def record(self) -> dict[str, Any] | None:
        status = self.status.value()
        if status is None:
            return None
        reason = self.reason.value() if status == OfferStatus.DECLINED.value else None
        return {"status": status, "decline_reason": reason}


class SupportSection(Section):
    key = "support"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(self.tr("Support and referrals"), parent)
        holder = QWidget()
        grid = QGridLayout(holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(4)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        self.body.addWidget(holder)
        row = self._heading(grid, 0, self.tr("Support offered"))
        self.offers: dict[str, DecisionRow] = {}
        for offer in OfferType:
            self.offers[offer.value] = DecisionRow(offer.value, grid, row)
            row += 2
        row = self._heading(grid, row, self.tr("Referrals"))
        self.referrals: dict[str, DecisionRow] = {}
        for target in ReferralTarget:
            self.referrals[target.value] = DecisionRow(target.value, grid, row)
            row += 2
        for item in self.rows():
            self.watch_all(item.status, item.reason)

    def _heading(self, grid: QGridLayout, row: int, text: str) -> int:
        title = QLabel(text)
        font = QFont(title.font())
        font.setBold(True)
        title.setFont(font)
        grid.addWidget(title, row, 0)
        for col, caption in ((1, self.tr("Decision")), (2, self.tr("Reason if declined"))):
            head = QLabel(caption)
            head.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(head, row, col)
        return row + 1

    def rows(self) -> list[DecisionRow]:
        return [*self.offers.values(), *self.referrals.values()]

    def first_input(self) -> QWidget:
        return self.offers[OfferType.IDVA_SUPPORT.value].status

    def load(self, case: r.CaseOut, visit: r.VisitOut | None) -> None:
        state: dict[str, Any] = {"offers": {}, "referrals": {}}
        if visit is not None:
            for offer in visit.offers:
                state["offers"][offer.offer_type.value] = {
                    "status": offer.status.value, "decline_reason": _code(offer.decline_reason)}
            for ref in visit.referrals:
                state["referrals"][ref.target.value] = {
                    "status": ref.status.value, "decline_reason": _code(ref.decline_reason)}
        self.set_state(state)

    def state(self) -> dict[str, Any]:
        return {
            "offers": {code: row.state() for code, row in self.offers.items()},
            "referrals": {code: row.state() for code, row in self.referrals.items()},
        }

    def set_state(self, state: dict[str, Any]) -> None:
        for code, row in self.offers.items():
            row.set_state(state.get("offers", {}).get(code))
        for code, row in self.referrals.items():
            row.set_state(state.get("referrals", {}).get(code))

    def form_part(self) -> tuple[dict[str, Any], list[Problem]]:
        """Rows left "not recorded" are not sent; ``targets`` follows the list indices."""
        self.targets = {}
        offers: list[dict[str, Any]] = []
        referrals: list[dict[str, Any]] = []
        for kind, rows, out, key in (("offers", self.offers, offers, "offer_type"),
                                     ("referrals", self.referrals, referrals, "target")):
            for code, row in rows.items():
                record = row.record()
                if record is None:
                    continue
                path = f"{kind}.{len(out)}"
                self.targets[path] = row.status_field
                self.targets[path + ".status"] = row.status_field
                self.targets[path + ".decline_reason"] = row.reason_field
                out.append({key: code, **record})
        return {"offers": offers, "referrals": referrals}, []

    def fields(self) -> list[Field]:
        return [f for row in self.rows() for f in (row.status_field, row.reason_field)]


def _code(value: object) -> str | None:
    return None if value is None else getattr(value, "value", str(value))
