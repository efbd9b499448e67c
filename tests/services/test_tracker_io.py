"""Import the sample tracker into a real encrypted store; KPIs from the vault match the spec."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from fieldapp.domain import records as r
from fieldapp.services import capture, kpi, tracker_export, tracker_import
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import orm


def test_sample_imports_with_six_rejections_and_expected_kpis(store, sample_tracker,
                                                              sample_expected):
    sample, expected = sample_tracker, sample_expected
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=sample)
    assert (report.imported, report.updated, report.unchanged) == (150, 0, 0)
    assert len(report.rejected) == 6
    assert all(rej.line > 2 and rej.column and rej.reason for rej in report.rejected)
    with store.uow() as uow:
        assert kpi.vault_kpis(uow=uow).to_cli_json() == expected
        audit_rows = uow.session.scalar(select(func.count()).select_from(orm.AuditEntry))
        assert audit_rows == 150
        assert uow.session.scalar(select(func.count()).select_from(orm.OutboxOp)) == 150
    # The same file again changes nothing.
    with store.uow() as uow:
        again = tracker_import.import_tracker(uow=uow, path=sample)
    assert (again.imported, again.updated, again.unchanged, len(again.rejected)) == (0, 0, 150, 6)
    with store.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(orm.AuditEntry)) == audit_rows


def test_a_changed_row_is_an_audited_update(store, sample_tracker, tmp_path):
    sample = sample_tracker
    lines = sample.read_text(encoding="utf-8").splitlines()
    with store.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample)
    # Change the first data row's outcome code from 1 to 21.
    header_at = next(i for i, line in enumerate(lines) if line.startswith("visit_id"))
    cells = lines[header_at + 1].split(",")
    columns = lines[header_at].split(",")
    cells[columns.index("outcome_code")] = "21"
    changed = tmp_path / "changed.csv"
    changed.write_text("\n".join([lines[header_at], ",".join(cells)]) + "\n", encoding="utf-8")
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=changed)
    assert (report.imported, report.updated, report.unchanged) == (0, 1, 0)
    with store.uow() as uow:
        last = uow.session.scalars(select(orm.AuditEntry).order_by(orm.AuditEntry.seq.desc())).first()
        assert (last.action, last.record_id, last.fields) == ("alteration", cells[0], ["outcome_code"])
        row = next(tracker_rows(uow=uow, visit_ids=[__import__("uuid").UUID(cells[0])]))
        assert row.outcome_code == "21"


def test_export_then_import_into_a_new_vault_gives_the_same_rows(store, store_factory, tmp_path):
    now = datetime.now(UTC)
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="=HYPERLINK(1)", bcu="SOUTH", district="-dash", police_visit_at=now - timedelta(hours=30)))
        save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
            visit=r.VisitIn(idva_visit_at=now - timedelta(hours=1), mode="PHONE", idva_code="@me"),
            offers=[r.OfferIn(offer_type="IDVA_SUPPORT", status="ACCEPTED")],
            referrals=[r.ReferralIn(target="REFUGE", status="DECLINED")],
            risk=r.RiskIn(answers=["YES"] * 5 + ["NO"] * 19, marac_referral=False)))
        capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-PENDING", bcu="EAST", police_visit_at=now - timedelta(hours=2)))
        uow.commit()
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"tracker.{fmt}"
        with store.uow() as uow:
            count = tracker_export.export_tracker(uow=uow, out=out, fmt=fmt, recipient="Evaluators",
                                                  purpose="quarterly evaluation")
            uow.commit()
            original = list(tracker_rows(uow=uow))
        assert count == 2
        if fmt == "csv":
            raw = out.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf# OFFICIAL-SENSITIVE")
            assert b"'=HYPERLINK(1)" in raw and b"'-DASH" in raw and b"'@me" in raw
        other = store_factory(tmp_path / f"other-{fmt}.db")
        with other.uow() as uow:
            report = tracker_import.import_tracker(uow=uow, path=out)
        assert (report.imported, len(report.rejected)) == (2, 0)
        with other.uow() as uow:
            assert list(tracker_rows(uow=uow)) == original
        other.close()
    with store.uow() as uow:
        disclosures = uow.session.scalars(select(orm.AuditEntry).where(orm.AuditEntry.action == "disclosure")).all()
        assert [(d.recipient, d.justification) for d in disclosures] == [("Evaluators", "quarterly evaluation")] * 2


def test_import_never_overwrites_the_apps_checklist(store, tmp_path):
    now = datetime.now(UTC)
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-RISK", bcu="WEST", police_visit_at=now - timedelta(hours=3)))
        save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
            visit=r.VisitIn(idva_visit_at=now - timedelta(hours=1), mode="JOINT"),
            risk=r.RiskIn(answers=["YES"] * 15 + ["NO"] * 9, marac_referral=True)))
    out = tmp_path / "t.csv"
    with store.uow() as uow:
        tracker_export.export_tracker(uow=uow, out=out, fmt="csv", recipient="x", purpose="y")
        uow.commit()
    out.write_text(out.read_text(encoding="utf-8-sig").replace(",15,YES,", ",3,YES,"), encoding="utf-8")
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=out)
    assert report.updated == 0 and [rj.column for rj in report.rejected] == ["dash_score"]
    with store.uow() as uow:
        assert uow.session.execute(text("select yes_count from risk_assessments")).scalar_one() == 15


def test_cancel_stops_between_batches_with_whole_rows(store, tmp_path, monkeypatch):
    monkeypatch.setattr(tracker_import, "BATCH_ROWS", 10)
    path = tmp_path / "many.csv"
    lines = ["visit_id,police_incident_ref,bcu,police_visit_at,idva_visit_at,idva_support,prosecution_support"]
    lines += [f",LC-{i},WEST,2024-01-{1 + i % 28:02d}T10:{i % 60:02d},,," for i in range(55)]
    path.write_text("\n".join(lines) + "\n")
    seen = []
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=path, progress=seen.append,
                                               should_cancel=lambda: len(seen) >= 2)
    assert report.cancelled and report.imported == 20
    assert report.stopped_after_line == 21
    with store.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(orm.Visit)) == 20
        assert uow.session.scalar(select(func.count()).select_from(orm.Case)) == 20
