"""Every disclosure from the command line is in the audit log with its recipient and purpose.

The commands run as a supervisor would run them (``python -m fieldapp``, a real vault); the rows
are then read straight from the vault's ``audit_log`` table: action, record type, record id,
actor, recipient and the justification (the purpose, and how the PDF left the app).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from fieldapp.store import Store
from fieldapp.vault import Vault

PASSPHRASE = "correct horse battery staple"
ACTOR = "sup1"
NOT_STATED = "not stated (command line)"

Row = tuple[str, str, str, str, str, str]


def run(*args: str, vault: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "FIELDAPP_VAULT": str(vault)}
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True,
                          text=True, env=env, timeout=180)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr}"
    return proc


def audit_rows(folder: Path) -> list[Row]:
    """The audit_log table of the vault in ``folder`` (unlocked here, locked again after)."""
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        store = Store.open(vault)
        with store.uow() as uow:
            rows = uow.session.execute(text(
                "SELECT action, record_type, record_id, actor, recipient, justification"
                " FROM audit_log ORDER BY seq")).all()
    finally:
        vault.lock()
    return [tuple(row) for row in rows]


def one_case(folder: Path) -> tuple[str, str]:
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        store = Store.open(vault)
        with store.uow() as uow:
            case_id, pseudonym = uow.session.execute(text(
                "SELECT id, pseudonym FROM cases ORDER BY pseudonym LIMIT 1")).one()
    finally:
        vault.lock()
    return str(case_id), pseudonym


@pytest.fixture(scope="module")
def vault(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("disclosure") / "vault"
    run("init", "--user", ACTOR, "--role", "supervisor", vault=folder)
    run("demo", "--cases", "8", "--seed", "5", vault=folder)
    return folder


def new_rows(vault: Path, *args: str) -> list[Row]:
    """The audit rows the command ``args`` added."""
    before = audit_rows(vault)
    run(*args, vault=vault)
    after = audit_rows(vault)
    assert after[:len(before)] == before  # appended, never rewritten
    return after[len(before):]


def test_tracker_export_records_recipient_and_purpose(vault, tmp_path):
    out = tmp_path / "tracker.xlsx"
    rows = new_rows(vault, "tracker", "export", "--out", str(out),
                    "--recipient", "Evaluation team", "--purpose", "quarterly review")
    assert out.stat().st_size > 1000
    assert rows == [("disclosure", "tracker", "tracker.xlsx", ACTOR, "Evaluation team",
                     "quarterly review")]


def test_tracker_export_without_them_says_they_were_not_stated(vault, tmp_path):
    rows = new_rows(vault, "tracker", "export", "--out", str(tmp_path / "plain.csv"))
    assert rows == [("disclosure", "tracker", "plain.csv", ACTOR, NOT_STATED, NOT_STATED)]


def test_kpi_report_records_recipient_and_purpose(vault, tmp_path):
    rows = new_rows(vault, "report", "kpi", "--out", str(tmp_path / "kpi.pdf"), "--bcu", "west",
                    "--recipient", "Police and Crime Commissioner", "--purpose", "annual return")
    assert rows == [("disclosure", "kpi_report", "BCU WEST", ACTOR,
                     "Police and Crime Commissioner", "annual return; PDF saved as kpi.pdf")]


def test_case_report_records_the_consultation_and_the_disclosure(vault, tmp_path):
    case_id, pseudonym = one_case(vault)
    rows = new_rows(vault, "report", "case", pseudonym, "--out", str(tmp_path / "case.pdf"),
                    "--recipient", "Team supervisor", "--purpose", "monthly supervision")
    assert rows == [
        ("consultation", "case", case_id, ACTOR, "", "case summary built"),
        ("disclosure", "case", case_id, ACTOR, "Team supervisor",
         "monthly supervision; PDF saved as case.pdf"),
    ]


def test_caseload_report_records_recipient_and_purpose(vault, tmp_path):
    rows = new_rows(vault, "report", "caseload", "--out", str(tmp_path / "load.pdf"),
                    "--idva", "IDVA01", "--recipient", "Service manager",
                    "--purpose", "caseload review")
    assert rows == [("disclosure", "caseload", "IDVA01", ACTOR, "Service manager",
                     "caseload review; PDF saved as load.pdf")]


def test_reports_without_them_say_they_were_not_stated(vault, tmp_path):
    rows = new_rows(vault, "report", "caseload", "--out", str(tmp_path / "all.pdf"))
    assert rows == [("disclosure", "caseload", "all", ACTOR, NOT_STATED,
                     f"{NOT_STATED}; PDF saved as all.pdf")]


def test_the_chain_still_verifies_after_the_disclosures(vault):
    run("audit", "verify", vault=vault)
