"""The hub's outputs over all synced data equal the laptop's own over the same records: a real
laptop vault (the sample tracker imported, demonstration cases made by the app's writers) is
pushed with the laptop's own wire ops; then the hub's tracker rows, KPI JSON, tracker export and
KPI report are checked against the laptop's, and each saved file is an audited disclosure."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import csv
import io
import stat
from datetime import date

import pytest
from db_fixtures import (  # noqa: F401
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    now_ms,
)
from sqlalchemy import select

from fieldapp.services import demo, tracker_import
from fieldapp.services.sync import ops as wire
from fieldapp.services.tracker_rows import tracker_rows as laptop_tracker_rows
from fieldapp.tracker import MARKING, KpiFilter, compute_kpis
from sync.hub.service import audit, devices, outputs, push
from sync.hub.service.errors import Refused
from sync.hub.store.tables import hub_audit

BUNDLE_OPS = 400


def _push_vault(db, keys, store, laptop):  # noqa: ANN001, ANN202
    """Every outbox op of the vault, as the laptop's sync would send them, in bundles."""
    with store.uow() as uow:
        conn = uow.dbapi()
        ops = wire.wire_ops(conn, wire.read_outbox(conn), author=uow.actor)
    with db.begin(read_only=True) as conn:
        device = devices.load(conn, laptop.device_id)
    for start in range(0, len(ops), BUNDLE_OPS):
        answer = push.accept_bundle(db, keys, device=device,
                                    body=laptop.bundle(ops[start:start + BUNDLE_OPS]),
                                    max_bytes=16 * 1024 * 1024, now_ms=now_ms())
        assert answer["status"] == "applied"
        assert answer["receipt"]["statement"]["quarantined"] == []
    return len(ops)


@pytest.fixture
def synced(database, hub_keys, store, sample_tracker):  # noqa: ANN001, ANN201
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=sample_tracker)
    assert report.imported == 150
    with store.uow() as uow:
        demo.fill_demo(uow=uow, cases=25, me="IDVA01", seed=7)
        uow.commit()
    laptop, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="", bcu="")
    _push_vault(database, hub_keys, store, laptop)
    return store


def test_tracker_rows_equal_the_laptops(database, hub_keys, synced):
    with synced.uow() as uow:
        mine = list(laptop_tracker_rows(uow=uow))
    hubs = outputs.tracker_rows(database, hub_keys)
    assert len(hubs) == len(mine) >= 175
    assert sorted(hubs, key=lambda r: str(r.visit_id)) == sorted(mine, key=lambda r: str(r.visit_id))
    assert [r.police_visit_at for r in hubs] == sorted(r.police_visit_at for r in hubs)


def test_kpi_json_is_the_laptops(database, hub_keys, store, sample_tracker, sample_expected):
    with store.uow() as uow:
        tracker_import.import_tracker(uow=uow, path=sample_tracker)
    laptop, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="", bcu="")
    _push_vault(database, hub_keys, store, laptop)
    assert outputs.kpi_json(database, hub_keys) == sample_expected
    assert outputs.kpi_json(database, hub_keys, bcu="west") == sample_expected  # all WEST
    assert outputs.kpi_json(database, hub_keys, bcu="EAST")["visits"] == 0
    since = date(2023, 1, 1)
    later = outputs.kpi_json(database, hub_keys, date_from=since)
    rows = KpiFilter(date_from=since).apply(outputs.tracker_rows(database, hub_keys))
    assert later == compute_kpis(rows).to_cli_json()
    assert 0 < later["visits"] < sample_expected["visits"]
    with pytest.raises(Refused):
        outputs.kpi_json(database, hub_keys, bcu="NORTH")


def _last_audit(db):  # noqa: ANN001, ANN202
    with db.begin(read_only=True) as conn:
        return conn.execute(select(hub_audit).order_by(hub_audit.c.seq.desc())).first()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tracker_export_is_marked_private_and_audited(database, hub_keys, synced, tmp_path, fmt):
    out = tmp_path / f"tracker.{fmt}"
    count = outputs.export_tracker(database, hub_keys, out=out, fmt=fmt,
                                   recipient="Evaluation team", purpose="quarterly review",
                                   actor="Coordinator One")
    with synced.uow() as uow:
        assert count == len(list(laptop_tracker_rows(uow=uow)))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "a temp file was left"
    if fmt == "csv":
        text = out.read_bytes().decode("utf-8-sig")
        assert text.startswith(f"# {MARKING}")
        rows = list(csv.reader(io.StringIO(text)))
        assert len(rows) == count + 2
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(out, read_only=True).active
        rows = list(sheet.iter_rows(values_only=True))
        assert str(rows[0][0]).startswith(f"# {MARKING}") and len(rows) == count + 2
    row = _last_audit(database)
    assert (row.action, row.record_type, row.record_id, row.recipient) == (
        "disclosure", "tracker", out.name, "Evaluation team")
    assert row.purpose.startswith("quarterly review") and row.actor == "Coordinator One"
    assert audit.verify(database)


def test_export_refuses_an_unknown_format(database, hub_keys, tmp_path):
    with pytest.raises(Refused):
        outputs.export_tracker(database, hub_keys, out=tmp_path / "t.pdf", fmt="pdf",
                               recipient="r", purpose="p", actor="a")
    assert not (tmp_path / "t.pdf").exists()


def test_kpi_pdf_is_written_and_audited(database, hub_keys, synced, tmp_path):
    out = tmp_path / "kpi.pdf"
    written = outputs.kpi_pdf(database, hub_keys, out=out, actor="Coordinator One",
                              recipient="Board", purpose="monthly", bcu="WEST")
    assert written.read_bytes().startswith(b"%PDF-")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    row = _last_audit(database)
    assert (row.action, row.record_type, row.recipient) == ("disclosure", "kpi_report", "Board")
    assert "kpi.pdf" in row.purpose and "BCU WEST" in row.record_id


def test_a_failed_write_records_no_disclosure(database, hub_keys, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    before = _last_audit(database)
    with pytest.raises(Refused) as refused:
        outputs.export_tracker(database, hub_keys, out=blocker / "tracker.csv", fmt="csv",
                               recipient="r", purpose="p", actor="a")
    assert refused.value.code == "cannot_write"
    after = _last_audit(database)
    assert (before.seq if before else 0) == (after.seq if after else 0)
