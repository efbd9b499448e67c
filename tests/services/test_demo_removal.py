"""Removing the demonstration data (issue 16, item 6) on a real SQLCipher store.

Real cases (typed in, and a tracker import) are recorded first and their KPIs, tracker rows and
caseload taken; demonstration cases are added and change those; removing them gives back
exactly the real figures, leaves no row of theirs in any table, and is in the audit log.
"""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from fieldapp.domain import records as r
from fieldapp.services import (
    audit_ops,
    capture,
    demo,
    demo_removal,
    drafts,
    reporting,
    tracker_import,
)
from fieldapp.services.kpi import vault_kpis
from fieldapp.services.reporting import caseload_input
from fieldapp.services.sync.ops import outbox_op_ids
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import Store, orm
from fieldapp.vault import Vault

NOW = datetime.now(UTC)
PASSPHRASE = "correct horse battery staple"


def _figures(store) -> tuple:
    with store.uow(read_only=True) as uow:
        rows = list(tracker_rows(uow=uow))
        kpis = vault_kpis(uow=uow)
        caseload = caseload_input(uow=uow, now=NOW).model_dump()["rows"]
    return rows, kpis, caseload


def _pdf_text(store) -> str:
    """The KPI and caseload PDFs' text, as a reader of them sees it."""
    with store.uow() as uow:
        pdfs = [reporting.kpi_pdf(uow=uow, flt=None, filters_text="All BCUs", now=NOW),
                reporting.caseload_pdf(uow=uow, idva=None, now=NOW)]
    return " ".join(" ".join((page.extract_text() or "").split())
                    for data in pdfs for page in PdfReader(io.BytesIO(data)).pages)


def _real_cases(store, sample_tracker) -> None:
    now = datetime.now(UTC)
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-REAL-1", bcu="WEST", police_visit_at=now - timedelta(hours=30),
            victim_name="Real Person", allocated_to="IDVA01"))
        save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
            visit=r.VisitIn(idva_visit_at=now - timedelta(hours=2), mode="PHONE"),
            offers=[r.OfferIn(offer_type="IDVA_SUPPORT", status="ACCEPTED")],
            referrals=[r.ReferralIn(target="REFUGE", status="DECLINED")],
            risk=r.RiskIn(answers=["YES"] * 5 + ["NO"] * 19, marac_referral=False),
            new_voice=[r.VoiceEntryIn(words="wants to stay at home", verbatim=False,
                                      consent_to_share="YES")]))
        capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-REAL-2", bcu="EAST", police_visit_at=now - timedelta(hours=2)))
        uow.commit()
    with store.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample_tracker)


def _rows_of(store, case_ids: set[str]) -> dict[str, int]:
    """Rows left anywhere that name one of ``case_ids`` (by case or through its visits)."""
    left: dict[str, int] = {}
    with store.uow(read_only=True) as uow:
        db = uow.dbapi()
        ids = "(" + ",".join(f"'{i}'" for i in case_ids) + ")"
        tables = [n for (n,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            columns = {row[1] for row in db.execute(f'PRAGMA table_info("{table}")')}
            if "case_id" in columns:
                n = db.execute(f'SELECT count(*) FROM "{table}" WHERE case_id IN {ids}').fetchone()[0]
                if n:
                    left[table] = n
        n = db.execute(f"SELECT count(*) FROM cases WHERE id IN {ids}").fetchone()[0]
        if n:
            left["cases"] = n
        n = db.execute("SELECT count(*) FROM drafts WHERE key LIKE 'case:%'").fetchone()[0]
        if n:
            left["drafts"] = n
    return left


def test_removal_gives_back_exactly_the_real_figures(store, sample_tracker):
    _real_cases(store, sample_tracker)
    before = _figures(store)
    with store.uow(read_only=True) as uow:
        real_outbox = uow.session.query(orm.OutboxOp).count()
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=25, seed=4)
    with store.uow(read_only=True) as uow:
        demo_ids = {str(i) for (i,) in uow.dbapi().execute(
            "SELECT id FROM cases WHERE police_ref LIKE 'DEMO-%'")}
        assert demo_removal.count_demo_cases(uow=uow) == 25 == len(demo_ids)
    some = next(iter(demo_ids))
    with store.uow() as uow:
        drafts.save_draft(uow=uow, key=f"case:{some}", payload={"note": "typed"})
        uow.commit()
    assert _figures(store) != before  # the demo cases count until they are removed
    assert "25 demonstration cases" in _pdf_text(store)  # and the printed figures say so

    with store.uow() as uow:
        assert demo_removal.remove_demo_cases(uow=uow) == 25
        uow.commit()
    assert _figures(store) == before
    assert _rows_of(store, demo_ids) == {}
    assert "demonstration" not in _pdf_text(store)
    with store.uow(read_only=True) as uow:
        assert demo_removal.count_demo_cases(uow=uow) == 0
        assert uow.session.query(orm.OutboxOp).count() == real_outbox
        last = uow.session.query(orm.AuditEntry).order_by(orm.AuditEntry.seq.desc()).first()
        assert (last.action, last.record_type) == ("erasure", "demo")
        assert "25 cases" in last.justification
        assert audit_ops.verify_chain(uow=uow).ok
        last_seq = last.seq
    with store.uow() as uow:  # nothing left: nothing done, nothing logged
        assert demo_removal.remove_demo_cases(uow=uow) == 0
        uow.commit()
    with store.uow(read_only=True) as uow:
        again = uow.session.query(orm.AuditEntry).order_by(orm.AuditEntry.seq.desc()).first()
        assert again.seq == last_seq


def test_demo_remove_through_the_cli(tmp_path):
    """The vault is made here; ``fieldapp demo --remove`` runs as a real subprocess."""
    folder, secret = tmp_path / "vault", tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user="jo",
                         role="idva")
    store = Store.open(vault)
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=12, seed=2)
        capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-REAL-9", bcu="SOUTH", police_visit_at=NOW - timedelta(hours=5)))
        uow.commit()
    vault.lock()
    removed = subprocess.run([sys.executable, "-m", "fieldapp", "demo", "--remove", "--vault",
                              str(folder), "--passphrase-file", str(secret)],
                             capture_output=True, text=True, timeout=120)
    assert removed.returncode == 0, removed.stderr
    assert "Removed 12 demonstration cases" in removed.stdout
    vault.unlock(bytearray(PASSPHRASE.encode()))
    store = Store.open(vault)
    with store.uow(read_only=True) as uow:
        refs = [ref for (ref,) in uow.dbapi().execute("SELECT police_ref FROM cases")]
        assert refs == ["LC-REAL-9"] and audit_ops.verify_chain(uow=uow).ok
    vault.lock()


def test_demo_cases_the_hub_already_holds_are_not_removed_here(store):
    """The next pull would bring them back: refused, and nothing is changed."""
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=3, seed=9)
    with store.uow() as uow:
        db = uow.dbapi()
        case_id = db.execute("SELECT id FROM cases LIMIT 1").fetchone()[0]
        (op,) = outbox_op_ids(db, [case_id])[:1]
        db.execute("UPDATE outbox SET status = 'acked' WHERE op_id = ?", (op,))
        uow.commit()
    with store.uow() as uow:
        with pytest.raises(demo_removal.DemoAlreadySynced, match="station hub"):
            demo_removal.remove_demo_cases(uow=uow)
    with store.uow(read_only=True) as uow:
        assert demo_removal.count_demo_cases(uow=uow) == 3
