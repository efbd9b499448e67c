"""No staff name leaves the encrypted database (issue 16, item 3), through the real CLI.

The user's name is typed once, at ``fieldapp init``; afterwards no file in the vault folder
(key slots, database, WAL, logs, binding record) and no tracker export holds it, and the
tracker's ``idva_code`` is a staff code or empty. A vault made before staff codes existed
(cases allocated to the user's name) exports no name either.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from test_cli_vault import run

from fieldapp.domain import records as r
from fieldapp.services import capture, identity
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import Store
from fieldapp.vault import Vault

NAME = "Sam Example-Person"
PASSPHRASE = "correct horse battery staple"


def _every_file(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _idva_codes(export: Path) -> set[str]:
    text = export.read_text(encoding="utf-8-sig")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return {row["idva_code"] for row in csv.DictReader(io.StringIO(body))}


def test_the_name_stays_inside_the_database(tmp_path: Path):
    vault, secret = tmp_path / "vault", tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    common = ("--vault", str(vault), "--passphrase-file", str(secret))
    out = run("init", "--user", NAME, "--role", "idva", "--staff-code", "idva07", *common,
              check=True)
    assert "staff code IDVA07" in out.stdout
    run("demo", "--cases", "30", "--seed", "5", *common, check=True)
    export = tmp_path / "tracker.csv"
    run("tracker", "export", "--out", str(export), "--recipient", "Evaluators", *common,
        check=True)
    status = run("lock-status", "--json", "--vault", str(vault), check=True)
    assert NAME not in status.stdout and json.loads(status.stdout)["role"] == "idva"

    files = _every_file(vault)
    assert {"keyslots.json", "fieldapp.db"} <= set(files)
    leaks = [name for name, data in files.items() if NAME.encode() in data or b"Sam Example" in data]
    assert leaks == []
    assert "user" not in json.loads(files["keyslots.json"])
    assert NAME not in export.read_text(encoding="utf-8-sig")
    codes = _idva_codes(export)
    assert "IDVA07" in codes  # "my" demo cases are allocated to the staff code
    assert codes <= {"", "IDVA07", "IDVA01", "IDVA02", "IDVA03", "IDVA04"}


def test_init_refuses_a_staff_code_that_is_not_one(tmp_path: Path):
    vault, secret = tmp_path / "vault", tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    out = run("init", "--user", NAME, "--role", "idva", "--staff-code", "Sam Example", "--vault",
              str(vault), "--passphrase-file", str(secret))
    assert out.returncode == 2 and "--staff-code not accepted" in out.stderr
    assert "no spaces" in out.stderr
    assert not vault.exists()  # refused before anything was written


@pytest.mark.parametrize("code", ["IDVA 07", "x" * 41, "jo@example", "-IDVA", "IDVA-"])
def test_what_is_not_a_staff_code(code: str):
    assert identity.staff_code_problem(code)


@pytest.mark.parametrize("code", ["", "IDVA01", "idva01", " L.IDVA/02 ", "X", "A_1-B"])
def test_what_is_a_staff_code(code: str):
    assert identity.staff_code_problem(code) is None


def test_a_name_in_an_old_allocation_is_not_exported(tmp_path: Path):
    """Before staff codes, new incidents and the demo allocated "my" cases to the user's name,
    and the visit form copied it into the visit's IDVA code."""
    vault = Vault.create(tmp_path / "v", passphrase=bytearray(PASSPHRASE.encode()), user=NAME,
                         role="idva")
    store = Store.open(vault)
    now = datetime.now(UTC)
    with store.uow() as uow:
        mine = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-OLD-1", bcu="WEST", police_visit_at=now - timedelta(hours=30),
            allocated_to=NAME))
        save_visit_form(uow=uow, case_id=mine.case_id, form=VisitForm(
            visit=r.VisitIn(idva_visit_at=now - timedelta(hours=2), mode="PHONE", idva_code=NAME)))
        capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-OLD-2", bcu="EAST", police_visit_at=now - timedelta(hours=3),
            allocated_to="Another Person"))
        capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-NEW-3", bcu="EAST", police_visit_at=now - timedelta(hours=3),
            allocated_to="idva05"))
        uow.commit()
    with store.uow() as uow:
        rows = {row.police_incident_ref: row.idva_code for row in tracker_rows(uow=uow)}
    assert rows == {"LC-OLD-1": None, "LC-OLD-2": None, "LC-NEW-3": "IDVA05"}
    with store.uow() as uow:
        identity.set_own_staff_code(uow=uow, code="idva07")
        uow.commit()
    assert identity.own_staff_code(store=store) == "IDVA07"
    vault.lock()


def test_a_user_named_by_their_code_keeps_that_code_in_the_tracker(tmp_path: Path):
    """A name typed exactly as a staff code ("IDVA01") is a code, not a name: a visit carrying it
    (from the sheet, or the form) exports it, so a re-import finds the row unchanged."""
    vault = Vault.create(tmp_path / "v", passphrase=bytearray(PASSPHRASE.encode()), user="IDVA01",
                         role="idva")
    store = Store.open(vault)
    now = datetime.now(UTC)
    with store.uow() as uow:
        case = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-CODE-1", bcu="WEST", police_visit_at=now - timedelta(hours=30),
            allocated_to="IDVA01"))
        save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
            visit=r.VisitIn(idva_visit_at=now - timedelta(hours=2), mode="PHONE", idva_code="IDVA01")))
        uow.commit()
    with store.uow() as uow:
        rows = {row.police_incident_ref: row.idva_code for row in tracker_rows(uow=uow)}
    assert rows == {"LC-CODE-1": "IDVA01"}
    vault.lock()
