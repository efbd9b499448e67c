"""Tracker and report commands end to end, as a coordinator or supervisor would run them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

PASSPHRASE = "correct horse battery staple"


def run(*args: str, vault: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "FIELDAPP_VAULT": str(vault)}
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True, text=True,
                          env=env, timeout=180)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def vault(tmp_path_factory, ) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "vault"
    run("init", "--user", "sup1", "--role", "supervisor", vault=folder)
    return folder


def test_import_sample_then_kpi_json_matches_the_spec(vault, sample_tracker, sample_expected,
                                                      tmp_path):
    report = tmp_path / "report.csv"
    out = run("tracker", "import", str(sample_tracker), "--report",
              str(report), vault=vault, check=False)
    assert out.returncode == 1  # rows were rejected
    assert "150 imported, 0 updated, 0 unchanged, 6 rejected" in out.stdout
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "line,column,reason" and len(lines) == 7
    again = run("tracker", "import", str(sample_tracker), vault=vault, check=False)
    assert "0 imported, 0 updated, 150 unchanged, 6 rejected" in again.stdout
    figures = json.loads(run("report", "kpi", "--json", vault=vault).stdout)
    assert figures == sample_expected


def test_export_and_reports_write_marked_pdfs_and_files(vault, tmp_path):
    run("demo", "--cases", "12", "--seed", "3", vault=vault)
    csv_out, xlsx_out = tmp_path / "t.csv", tmp_path / "t.xlsx"
    run("tracker", "export", "--out", str(csv_out), "--recipient", "Evaluation team",
        "--purpose", "evaluation", vault=vault)
    run("tracker", "export", "--out", str(xlsx_out), vault=vault)
    assert csv_out.read_bytes().startswith(b"\xef\xbb\xbf# OFFICIAL-SENSITIVE")
    assert xlsx_out.stat().st_size > 1000
    kpi_pdf, caseload_pdf, case_pdf = tmp_path / "kpi.pdf", tmp_path / "caseload.pdf", tmp_path / "case.pdf"
    run("report", "kpi", "--out", str(kpi_pdf), "--bcu", "west", vault=vault)
    run("report", "caseload", "--out", str(caseload_pdf), vault=vault)
    status = json.loads(run("lock-status", "--json", vault=vault).stdout)
    assert status["locked"]
    # A pseudonym is what a supervisor types; find one from the caseload PDF text.
    text = "".join(page.extract_text() for page in PdfReader(caseload_pdf).pages)
    pseudonym = next(word for word in text.split() if word.startswith("C-") and len(word) == 8)
    run("report", "case", pseudonym, "--out", str(case_pdf), vault=vault)
    for pdf in (kpi_pdf, caseload_pdf, case_pdf):
        reader = PdfReader(pdf)
        for page in reader.pages:
            assert "OFFICIAL-SENSITIVE" in page.extract_text()
    verify = json.loads(run("audit", "verify", "--json", vault=vault).stdout)
    assert verify["ok"]


def test_bad_tracker_file_is_a_usage_error_with_a_message(vault, tmp_path):
    bad = tmp_path / "tracker.ods"
    bad.write_bytes(b"nope")
    out = run("tracker", "import", str(bad), vault=vault, check=False)
    assert out.returncode == 2 and "xlsx" in out.stderr and "Traceback" not in out.stderr
