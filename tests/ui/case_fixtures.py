"""Helpers for the case page, draft and dashboard tests (a uniquely named module, imported by
the test modules; the shell's tests own conftest.py). Real vault, real SQLCipher store."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from uuid import UUID

from sqlalchemy import func, select

from fieldapp.domain import records as r
from fieldapp.services import capture, drafts
from fieldapp.store import Store, orm
from fieldapp.ui import tasks
from fieldapp.ui.context import AppContext
from fieldapp.vault import Vault

PASSPHRASE = b"correct horse battery staple"


def make_context(folder: Path, user: str = "idva1") -> AppContext:
    os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE), user=user, role="idva")
    return AppContext(vault=vault, store=Store.open(vault))


def reopen_context(folder: Path) -> AppContext:
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE))
    return AppContext(vault=vault, store=Store.open(vault))


def close_context(context: AppContext) -> None:
    tasks.wait_for_all(10_000)
    if context.vault.is_unlocked:
        context.vault.lock()


def new_case(context: AppContext, *, hours_ago: float = 2.0, ref: str = "LC-20250101-0001",
             victim_name: str = "Robin Example", allocated_to: str = "IDVA01") -> UUID:
    with context.uow() as uow:
        summary = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref=ref, bcu="WEST", district="BLACKPOOL",
            police_visit_at=datetime.now(UTC) - timedelta(hours=hours_ago),
            officers=["PC 1234"], victim_name=victim_name, allocated_to=allocated_to))
        uow.commit()
    return summary.case_id


def counts(context: AppContext) -> dict[str, int]:
    """What a refused save must leave untouched."""
    with context.uow() as uow:
        s = uow.session
        return {
            "visits_done": s.scalar(select(func.count()).select_from(orm.Visit)
                                    .where(orm.Visit.idva_visit_at.is_not(None))),
            "voice": s.scalar(select(func.count()).select_from(orm.VoiceEntry)),
            "outbox": s.scalar(select(func.count()).select_from(orm.OutboxOp)),
            "safe": s.scalar(select(func.count()).select_from(orm.SafeContact)),
            "offers": s.scalar(select(func.count()).select_from(orm.Offer)),
        }


def read_draft(context: AppContext, case_id: UUID) -> dict[str, Any] | None:
    """A fresh unit of work, as another process would see the database."""
    with context.uow() as uow:
        return drafts.load_draft(uow=uow, key=f"case:{case_id}")


def get_case(context: AppContext, case_id: UUID) -> r.CaseOut:
    from fieldapp.services import queries

    with context.uow() as uow:
        return queries.get_case(uow=uow, case_id=case_id, log_consultation=False)


def files_containing(folder: Path, needle: str) -> list[Path]:
    """Every file under ``folder`` whose raw bytes hold ``needle`` (UTF-8 or UTF-16)."""
    forms = [needle.encode("utf-8"), needle.encode("utf-16-le")]
    hits = []
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if any(form in data for form in forms):
                hits.append(path)
    return hits


# ---- dashboard: a stand-in with KpiReport's shape (sample-tracker.expected.json) ----------------

def _p(n: int, d: int) -> dict[str, Any]:
    return {"n": n, "d": d, "pct": None if d == 0 else round(1000 * n / d) / 10}


SAMPLE_KPIS: dict[str, Any] = {
    "visits": 150,
    "within_24h": _p(97, 150),
    "idva_support_accepted": _p(129, 145),
    "prosecution_support_accepted": _p(59, 139),
    "idva_support_accepted_by_time_band": {
        "LE_24H": _p(87, 94), "24H_TO_1W": _p(30, 33), "GT_1W": _p(12, 18)},
    "idva_support_accepted_by_hour_band": {
        "00-08": _p(2, 2), "08-12": _p(53, 54), "12-16": _p(38, 46), "16-20": _p(27, 31),
        "20-24": _p(9, 12)},
    "prosecution_support_accepted_by_hour_band": {
        "00-08": _p(2, 3), "08-12": _p(48, 49), "12-16": _p(5, 47), "16-20": _p(3, 31),
        "20-24": _p(1, 9)},
    "positive_outcomes": _p(51, 134),
}
SAMPLE_REFERRALS = {
    "ref_refuge": {"OFFERED": 4, "ACCEPTED": 9, "DECLINED": 6},
    "ref_housing": {"OFFERED": 7, "ACCEPTED": 21, "DECLINED": 5},
    "ref_mental_health": {"OFFERED": 3, "ACCEPTED": 14, "DECLINED": 8},
    "ref_drug_alcohol": {"OFFERED": 2, "ACCEPTED": 5, "DECLINED": 7},
    "ref_childrens_social_care": {"OFFERED": 1, "ACCEPTED": 11, "DECLINED": 2},
}


class FakeKpiReport(SimpleNamespace):
    """Same shape as fieldapp.tracker.kpi.KpiReport as far as the dashboard reads it."""

    def to_cli_json(self) -> dict[str, Any]:
        return self.cli


def fake_report(**changes: Any) -> FakeKpiReport:
    cli = {**SAMPLE_KPIS, **changes}
    return FakeKpiReport(
        cli=cli, referrals=SAMPLE_REFERRALS,
        visits_by_time_band={"LE_24H": 97, "24H_TO_1W": 38, "GT_1W": 15},
        visits_without_idva_visit=0, chi_square={},
    )


# ---- driving the page with the keyboard only ------------------------------------------------

def open_case_page(qtbot, context: AppContext, case_id: UUID):
    """A CasePage shown at 1366x768, active, with its case (and any draft) loaded."""
    from PySide6.QtWidgets import QApplication

    from fieldapp.ui.pages.case_page import CasePage

    page = CasePage(context, case_id)
    qtbot.addWidget(page)
    page.resize(1366, 768)
    page.show()
    page.activateWindow()
    qtbot.waitUntil(lambda: page.is_loaded, timeout=10_000)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is page, timeout=5_000)
    return page


def focused():
    from PySide6.QtWidgets import QApplication

    return QApplication.focusWidget()


def press(qtbot, key, modifier=None, times: int = 1) -> None:
    from PySide6.QtCore import Qt

    for _ in range(times):
        qtbot.keyClick(focused(), key, modifier or Qt.KeyboardModifier.NoModifier)


def tab_to(qtbot, target, limit: int = 80) -> int:
    """Press Tab until ``target`` has focus; the number of presses (fails if never reached)."""
    from PySide6.QtCore import Qt

    for count in range(limit):
        if focused() is target:
            return count
        qtbot.keyClick(focused(), Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()!r}")


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)
