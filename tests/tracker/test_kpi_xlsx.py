"""The KPI spreadsheet (``fieldapp report kpi --out FILE.xlsx``): a real vault with the sample
tracker imported through the real CLI, the workbook read back with openpyxl and every figure
compared with the spec's expected KPIs; its look (formats, frozen bold header, autofilter, print
setup, marking), defused text, refused file types, and a LibreOffice print with no ``###``."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from pypdf import PdfReader
from sqlalchemy import text

from fieldapp.cli.errors import UsageError
from fieldapp.cli.main import build_parser
from fieldapp.domain.enums import Bcu
from fieldapp.reports.kpi_xlsx import write_kpi_xlsx
from fieldapp.store import Store
from fieldapp.tracker import KpiFilter, compute_kpis
from fieldapp.vault import Vault

PASSPHRASE = "correct horse battery staple"
SHEETS = ["Summary", "By time to IDVA visit", "By time of day", "Referrals", "Outcomes by quarter",
          "Outcomes by BCU", "Outcomes by quarter and BCU", "Chi-square tests"]
TIME_BANDS = ("LE_24H", "24H_TO_1W", "GT_1W")
HOUR_BANDS = ("00-08", "08-12", "12-16", "16-20", "20-24")


def run(*args: str, vault: Path, check: bool = True) -> subprocess.CompletedProcess:
    env = {**os.environ, "FIELDAPP_PASSPHRASE": PASSPHRASE, "FIELDAPP_VAULT": str(vault)}
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *args], capture_output=True,
                          text=True, env=env, timeout=180)
    if check and proc.returncode != 0:
        raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def vault(tmp_path_factory: pytest.TempPathFactory, sample_tracker: Path) -> Path:
    folder = tmp_path_factory.mktemp("kpi-xlsx") / "vault"
    run("init", "--user", "sup1", "--role", "supervisor", vault=folder)
    imported = run("tracker", "import", str(sample_tracker), vault=folder, check=False)
    assert "150 imported" in imported.stdout, imported.stderr
    return folder


@pytest.fixture(scope="module")
def workbook(vault: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, datetime, str]:
    """The unfiltered workbook, saved by the CLI: (path, UTC time just before, its stdout)."""
    folder = tmp_path_factory.mktemp("kpi-book")
    before = datetime.now(UTC).replace(tzinfo=None)
    done = run("report", "kpi", "--out", str(folder / "kpi.xlsx"), vault=vault)
    return folder / "kpi.xlsx", before, done.stdout


def _audit(folder: Path) -> list[tuple[str, ...]]:
    """The vault's audit_log rows (unlocked here, locked again after)."""
    vault = Vault.open(folder)
    vault.unlock(bytearray(PASSPHRASE.encode()))
    try:
        with Store.open(vault).uow() as uow:
            rows = uow.session.execute(text(
                "SELECT action, record_type, record_id, actor, recipient, justification"
                " FROM audit_log ORDER BY seq")).all()
    finally:
        vault.lock()
    return [tuple(row) for row in rows]


def _pct(cell: Any) -> float | None:
    """The percentage a cell holds, as the JSON spells it (63.3); None for "n/a"."""
    if cell.value == "n/a":
        return None
    assert cell.number_format == "0.0%" and isinstance(cell.value, float | int), cell
    return round(cell.value * 100, 1)


def _figure(n: Any, d: Any, p: Any) -> dict[str, Any]:
    assert n.number_format == d.number_format == "#,##0"
    return {"n": n.value, "d": d.value, "pct": _pct(p)}


def summary_figures(book: Any) -> dict[str, Any]:
    """The Summary table's figures, rebuilt in the shape of ``report kpi --json``."""
    sheet = book["Summary"]
    header = next(r for r in range(1, 30) if sheet.cell(r, 1).value == "Measure")
    out: dict[str, Any] = {}
    for row in sheet.iter_rows(min_row=header + 1):
        key = row[5].value
        if key == "visits":
            out["visits"] = row[2].value
            continue
        figure = _figure(row[2], row[3], row[4])
        if "." in key:
            table, band = key.split(".")
            out.setdefault(table, {})[band] = figure
        else:
            out[key] = figure
    return out


def _labels(sheet: Any) -> dict[str, Any]:
    """The Summary's label/value block above the table."""
    values = {}
    for row in sheet.iter_rows(min_row=2, max_col=2):
        if row[0].value == "Measure":
            break
        if row[0].value:
            values[row[0].value] = row[1]
    return values


def _check_look(sheet: Any) -> None:
    header = next(r for r in range(1, 30) if sheet.cell(r, 2).value and sheet.cell(r, 1).font.bold
                  and sheet.cell(r, 2).font.bold)
    assert sheet.freeze_panes == f"A{header + 1}", sheet.title
    assert sheet.auto_filter.ref.startswith(f"A{header}:"), sheet.title
    assert sheet.print_title_rows == f"${header}:${header}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    assert sheet.oddHeader.center.text == sheet.oddFooter.center.text == "OFFICIAL-SENSITIVE"
    assert sheet["A1"].value.startswith("OFFICIAL-SENSITIVE")
    for cell in sheet[header]:
        if cell.value is not None:
            assert cell.font.bold, (sheet.title, cell.coordinate)
            # Fitted: at least as wide as the header it shows (bold letters run wider).
            assert sheet.column_dimensions[cell.column_letter].width >= len(cell.value) * 1.1


def test_cli_workbook_holds_every_kpi_of_the_spec(workbook: tuple[Path, datetime, str],
                                                  sample_expected: dict[str, Any]) -> None:
    out, before, stdout = workbook
    before -= timedelta(hours=2)  # the sheet shows UK time: at most an hour ahead of UTC
    assert "KPI spreadsheet written" in stdout
    assert out.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in out.parent.iterdir()] == ["kpi.xlsx"]  # no temporary file left
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == SHEETS
    assert summary_figures(book) == sample_expected

    labels = _labels(book["Summary"])
    generated = labels["Generated at (UK time)"]
    assert generated.is_date and generated.number_format == "yyyy-mm-dd hh:mm:ss"
    assert before <= generated.value <= before + timedelta(hours=4)  # London time, naive
    assert labels["Generated by"].value == "supervisor"  # the role: the user name never leaves
    assert [labels[f"Filter: {k}"].value for k in ("BCU", "district", "IDVA")] == ["All"] * 3
    first = labels["First police visit"]
    assert first.is_date and first.number_format == "yyyy-mm-dd"

    time_sheet = book["By time to IDVA visit"]
    for row, band in zip(time_sheet.iter_rows(min_row=3), TIME_BANDS, strict=True):
        assert _figure(row[4], row[5], row[6]) == \
            sample_expected["idva_support_accepted_by_time_band"][band]
    visits = [row[1].value for row in time_sheet.iter_rows(min_row=3)]
    assert sum(visits) == sample_expected["within_24h"]["d"]
    assert visits[0] == sample_expected["within_24h"]["n"]
    hours = book["By time of day"]
    for row, band in zip(hours.iter_rows(min_row=3), HOUR_BANDS, strict=True):
        assert _figure(row[1], row[2], row[3]) == \
            sample_expected["idva_support_accepted_by_hour_band"][band]
        assert _figure(row[4], row[5], row[6]) == \
            sample_expected["prosecution_support_accepted_by_hour_band"][band]
    quarters = [_figure(*row[1:4]) for row in book["Outcomes by quarter"].iter_rows(min_row=3)]
    assert sum(q["n"] for q in quarters) == sample_expected["positive_outcomes"]["n"]
    assert sum(q["d"] for q in quarters) == sample_expected["positive_outcomes"]["d"]
    chi = list(book["Chi-square tests"].iter_rows(min_row=3, values_only=True))
    assert len(chi) == 3 and chi[0][2] == 2 and chi[1][2] == 4  # dof: 3 time and 5 hour bands
    assert all(0 <= row[3] <= 1 for row in chi) and book["Chi-square tests"]["D3"].number_format
    for name in SHEETS:
        _check_look(book[name])
    # The readings are sentences: wrapped, on rows tall enough to print every line.
    tests = book["Chi-square tests"]
    for row in range(3, 6):
        reading = tests.cell(row, 7)
        assert reading.alignment.wrap_text
        lines = -(-len(reading.value) // int(tests.column_dimensions["G"].width / 1.15))
        assert tests.row_dimensions[row].height >= 15 * lines, (row, lines)
    assert tests["A3"].alignment.wrap_text  # a test's name longer than its capped column


def test_cli_filtered_workbook_matches_json_and_states_its_filter(vault: Path,
                                                                  tmp_path: Path) -> None:
    out = tmp_path / "west.xlsx"
    proc = run("report", "kpi", "--json", "--out", str(out), "--bcu", "west", "--from",
               "2022-06-01", "--to", "2022-12-31", "--recipient", "Evaluation team",
               "--purpose", "quarterly review", vault=vault)
    assert _audit(vault)[-1] == (
        "disclosure", "kpi_report", "from 2022-06-01, to 2022-12-31, BCU WEST", "sup1",
        "Evaluation team", "quarterly review; spreadsheet saved as west.xlsx")
    expected = json.loads(proc.stdout)  # stdout stays pure JSON beside the workbook
    assert 0 < expected["visits"] < 150
    book = openpyxl.load_workbook(out)
    assert summary_figures(book) == expected
    labels = _labels(book["Summary"])
    assert labels["Filter: BCU"].value == "WEST"
    assert labels["Filter: from (police visit date)"].value == datetime(2022, 6, 1)
    assert labels["Filter: to (police visit date)"].value == datetime(2022, 12, 31)
    assert labels["Filter: to (police visit date)"].number_format == "yyyy-mm-dd"


def test_cli_refuses_other_file_types_and_a_pdf_password(vault: Path, tmp_path: Path) -> None:
    out = tmp_path / "kpi.ods"
    proc = run("report", "kpi", "--out", str(out), vault=vault, check=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert ".pdf or .xlsx" in proc.stderr and "kpi.ods" in proc.stderr
    assert not out.exists()
    # Refused before the vault is opened, so the command's own function shows it in-process.
    secret = tmp_path / "pw.txt"
    secret.write_text("a long pdf password\n", encoding="utf-8")
    args = build_parser().parse_args(["report", "kpi", "--vault", str(vault), "--out",
                                      str(tmp_path / "k.xlsx"), "--pdf-password-file", str(secret)])
    with pytest.raises(UsageError, match="spreadsheet cannot be password-protected") as refused:
        args.func(args)
    assert refused.value.status == 2
    assert list(tmp_path.iterdir()) == [secret]


def _book(**kwargs: Any) -> Any:
    out = io.BytesIO()
    write_kpi_xlsx(compute_kpis([]), out, generated_at=datetime(2022, 10, 30, 1, 30, tzinfo=UTC),
                   generated_by="IDVA07", **kwargs)
    return openpyxl.load_workbook(io.BytesIO(out.getvalue()))


def test_typed_text_is_defused_and_empty_figures_say_na() -> None:
    flt = KpiFilter(bcu=Bcu.EAST, district='=HYPERLINK("http://x","y")', idva_code="+IDVA01",
                    date_from=date(2022, 4, 1))
    book = _book(flt=flt, note="@SUM(A1)")
    labels = _labels(book["Summary"])
    assert labels["Filter: district"].value == "'" + flt.district
    assert labels["Filter: IDVA"].value == "'+IDVA01"
    assert labels["Note"].value == "'@SUM(A1)"
    assert labels["Filter: BCU"].value == "EAST"
    assert labels["Generated at (UK time)"].value == datetime(2022, 10, 30, 1, 30)  # GMT again
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate)
    figures = summary_figures(book)
    assert figures["visits"] == 0 and figures["within_24h"] == {"n": 0, "d": 0, "pct": None}
    assert [r[1] for r in book["Chi-square tests"].iter_rows(min_row=3, values_only=True)] == \
        ["Not tested"] * 3


def test_libreoffice_prints_every_sheet_without_hashes(workbook: tuple[Path, datetime, str],
                                                       tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice Calc is not installed (Debian: libreoffice-calc); make test "
                    "installs it")
    book = tmp_path / "kpi.xlsx"
    shutil.copyfile(workbook[0], book)
    profile = tmp_path / "lo-profile"  # a private profile: parallel runs never share one
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
        check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    reader = PdfReader(tmp_path / "kpi.pdf")
    pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n".join(pages)
    assert "###" not in text
    assert len(pages) >= len(SHEETS)
    for needle in ("64.7%", "idva_support_accepted_by_hour_band.20-24", "Prosecution accepted",
                   "Children's social care", "2022-23 Q4", "read this p-value with caution"):
        assert needle in " ".join(text.split()), needle
    for number, page in enumerate(reader.pages, start=1):
        assert page.mediabox.width > page.mediabox.height, f"page {number} is not landscape"
        assert pages[number - 1].count("OFFICIAL-SENSITIVE") >= 2, f"page {number}"
