"""Render the case page (each section in view) and the dashboard at 1366x768 to PNG files.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/_render_case_screens.py docs/screenshots

Fictional data in a throwaway vault; nothing real is ever rendered. Set QT_SCALE_FACTOR=1.5 to
check the layout at 150%.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("FIELDAPP_TEST_FAST_KDF", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

try:  # PySide6 6.12 on Python 3.11 loses a reference to None per void call (see the module)
    import fieldapp.ui.qt_compat  # noqa: F401
except ImportError:  # pragma: no cover - gone once the venv moves to Python 3.12
    pass

from case_fixtures import close_context, make_context, new_case  # noqa: E402
from PySide6.QtWidgets import QApplication, QScrollArea  # noqa: E402

from fieldapp.domain import records as r  # noqa: E402
from fieldapp.services import demo  # noqa: E402
from fieldapp.services.visit_form import VisitForm, save_visit_form  # noqa: E402
from fieldapp.ui import tasks  # noqa: E402

_SCALE = float(os.environ.get("QT_SCALE_FACTOR", "1") or 1)
SIZE = (round(1366 / _SCALE), round(768 / _SCALE))  # a 1366x768 screen at that scale
SUFFIX = "" if _SCALE == 1 else f"-{round(_SCALE * 100)}"
NAMES = ("visit", "support", "voice", "risk", "safe-contact", "outcome")


def settle(app: QApplication, condition=lambda: True, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    for _ in range(10):
        app.processEvents()


def seed_case(context) -> object:
    case_id = new_case(context, hours_ago=20, ref="DEMO-20250314-0042", victim_name="Wren Example")
    now = datetime.now(UTC)
    form = VisitForm(
        visit=r.VisitIn(idva_visit_at=now - timedelta(hours=3), mode="JOINT", idva_code="IDVA01",
                        safe_to_talk="YES", suspect_location="IN_CUSTODY", children_in_household=2,
                        encompass_notified="YES", police_risk_grade="HIGH", repeat_victim=True,
                        repeat_suspect=False, note="Joint visit with PC 1234. Victim seen alone "
                        "in the kitchen; children at school."),
        offers=[r.OfferIn(offer_type="IDVA_SUPPORT", status="ACCEPTED"),
                r.OfferIn(offer_type="PROSECUTION_SUPPORT", status="DECLINED",
                          decline_reason="FEAR_OF_REPRISAL"),
                r.OfferIn(offer_type="SAFETY_PLAN", status="ACCEPTED")],
        referrals=[r.ReferralIn(target="HOUSING", status="ACCEPTED"),
                   r.ReferralIn(target="MARAC", status="ACCEPTED"),
                   r.ReferralIn(target="REFUGE", status="DECLINED", decline_reason="NOT_READY")],
        risk=r.RiskIn(answers=["YES"] * 9 + ["NO"] * 10 + ["DONT_KNOW"] * 3 + ["NOT_ASKED"] * 2,
                      professional_judgement=True,
                      rationale="Non-fatal strangulation last week and recent separation.",
                      da_events_12m=3, marac_referral=True),
        new_voice=[r.VoiceEntryIn(words="I just want it to stop. I want to stay in my home with "
                                  "the kids.", goals=["BE_DA_FREE", "STAY_IN_HOME"],
                                  consent_to_share="YES", consent_scope=["POLICE", "MARAC"])],
        safe_contact=r.SafeContactIn(method="PHONE", safe_number="07700 900123",
                                     safe_times="Weekdays 9-3 (school hours)", text_ok=True),
    )
    with context.uow() as uow:
        save_visit_form(uow=uow, case_id=case_id, form=form)
    return case_id


def render_case(app: QApplication, context, out: Path) -> None:
    from fieldapp.ui.pages.case_page import CasePage

    case_id = seed_case(context)
    page = CasePage(context, case_id)
    page.resize(*SIZE)
    page.show()
    settle(app, lambda: page.is_loaded)
    page.sections.voice.words.setPlainText("He said he would be out by the weekend.")
    for index, name in enumerate(NAMES):
        page.jump_to(index)
        settle(app)
        page.grab().save(str(out / f"case-page-{name}{SUFFIX}.png"))
    # A refused save: the summary at the top, each message beside its field.
    page.sections.risk.rationale.setPlainText("")
    page.sections.visit.visit_at.set_value(datetime.now(UTC) - timedelta(days=2))
    page.save()
    page.scroll.verticalScrollBar().setValue(0)
    settle(app)
    page.grab().save(str(out / f"case-page-errors{SUFFIX}.png"))
    page.close()
    settle(app)


def render_dashboard(app: QApplication, context, out: Path) -> None:
    from fieldapp.ui.pages.dashboard_page import DashboardPage

    with context.uow() as uow:
        demo.fill_demo(uow=uow, cases=150, seed=11)
    page = DashboardPage(context)
    page.resize(*SIZE)
    page.show()
    settle(app, lambda: page.report is not None, 60)
    page.grab().save(str(out / f"dashboard{SUFFIX}.png"))
    scroll = page.findChild(QScrollArea)
    scroll.verticalScrollBar().setValue(scroll.verticalScrollBar().maximum())
    settle(app)
    page.grab().save(str(out / f"dashboard-charts{SUFFIX}.png"))
    page.close()


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        context = make_context(Path(tmp) / "vault", user="IDVA01")
        try:
            render_case(app, context, out)
            render_dashboard(app, context, out)
        finally:
            tasks.wait_for_all()
            close_context(context)
    print("written to", out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
