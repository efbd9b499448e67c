"""``fieldapp report kpi|case|caseload`` (spec/cli.md)."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

from fieldapp import paths
from fieldapp.cli.errors import UsageError
from fieldapp.cli.secrets import read_passphrase
from fieldapp.domain.enums import Bcu

NOT_STATED = "not stated (command line)"


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("dates are YYYY-MM-DD, e.g. 2024-04-01") from None


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    report = sub.add_parser("report", parents=[common], help="PDF reports and KPI figures")
    rsub = report.add_subparsers(dest="report_command", metavar="REPORT")
    disclosure = argparse.ArgumentParser(add_help=False)
    disclosure.add_argument("--recipient", default=NOT_STATED, help="who receives it (audit log)")
    disclosure.add_argument("--purpose", default=NOT_STATED, help="why it is printed (audit log)")
    disclosure.add_argument("--pdf-password-file", metavar="FILE",
                            help="protect the PDF with the password in FILE")

    p = rsub.add_parser("kpi", parents=[common, disclosure], help="evaluation KPI report")
    p.add_argument("--out", metavar="FILE.pdf|FILE.xlsx",
                   help="the PDF report, or the figures as a spreadsheet when FILE ends in .xlsx")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    p.add_argument("--bcu", type=str.upper, choices=[b.value for b in Bcu])
    p.add_argument("--district")
    p.add_argument("--idva", metavar="CODE")
    p.add_argument("--json", action="store_true", help="print the KPI figures as JSON")
    p.set_defaults(func=cmd_kpi)

    p = rsub.add_parser("case", parents=[common, disclosure], help="one case's supervision summary")
    p.add_argument("case", metavar="CASE_ID", help="case id, pseudonym (C-XXXXXX) or police reference")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--include-voice", action="store_true", help="include the victim's own words")
    p.add_argument("--voice-reason", default="", help="why the victim's words are included")
    p.set_defaults(func=cmd_case)

    p = rsub.add_parser("caseload", parents=[common, disclosure], help="caseload summary")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--idva", metavar="CODE")
    p.set_defaults(func=cmd_caseload)


def _pdf_password(args: argparse.Namespace) -> str | None:
    if not args.pdf_password_file:
        return None
    secret = read_passphrase(args.pdf_password_file, env="FIELDAPP_PDF_PASSWORD")
    return secret.decode("utf-8")


def _out(path: str) -> Path:
    out = Path(path)
    if not out.parent.exists():
        raise UsageError(f"the folder {out.parent} does not exist; choose where the file "
                         "should go")
    return out


def _kpi_kind(out: Path, args: argparse.Namespace) -> str:
    """"pdf" or "xlsx", from the file name the user gave."""
    kind = out.suffix.lower().lstrip(".")
    if kind not in ("pdf", "xlsx"):
        raise UsageError(f"the KPI report is saved as .pdf or .xlsx, not '{out.name}'; "
                         "give --out FILE.pdf or --out FILE.xlsx")
    if kind == "xlsx" and args.pdf_password_file:
        raise UsageError("--pdf-password-file protects a PDF; a spreadsheet cannot be "
                         "password-protected here: save it as .pdf, or leave the option out")
    return kind


def cmd_kpi(args: argparse.Namespace) -> int:
    from fieldapp.cli.session import opened_store
    from fieldapp.reports import write_pdf
    from fieldapp.services import kpi, reporting
    from fieldapp.tracker import KpiFilter

    if not args.out and not args.json:
        raise UsageError("give --out FILE.pdf (or FILE.xlsx), --json, or both")
    flt = KpiFilter(date_from=args.date_from, date_to=args.date_to,
                    bcu=Bcu(args.bcu) if args.bcu else None, district=args.district, idva_code=args.idva)
    described = ", ".join(f"{k} {v}" for k, v in (("from", args.date_from), ("to", args.date_to),
                          ("BCU", args.bcu), ("district", args.district), ("IDVA", args.idva)) if v)
    out = _out(args.out) if args.out else None
    kind = _kpi_kind(out, args) if out is not None else None
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        with store.uow() as uow:
            if args.json:
                print(json.dumps(kpi.vault_kpis(uow=uow, flt=flt).to_cli_json(), indent=1))
            if out is not None and kind == "xlsx":
                from fieldapp.services.kpi_workbook import save_kpi_workbook

                save_kpi_workbook(uow=uow, flt=flt, out=out, filters_text=described or "All records",
                                  recipient=args.recipient, purpose=args.purpose)
                uow.commit()
                if not args.json:  # stdout stays pure JSON when both are asked for
                    print(f"KPI spreadsheet written to {out} (OFFICIAL-SENSITIVE; recorded in "
                          "the audit log).")
            elif out is not None:
                filters = described or "All records"
                data = reporting.kpi_pdf(uow=uow, flt=flt, filters_text=filters,
                                         encrypt=_pdf_password(args))
                write_pdf(data, out)
                reporting.record_disclosure(
                    uow=uow, record_type="kpi_report", record_id=filters, purpose=args.purpose,
                    recipient=args.recipient, fields=["aggregate_kpis"], event=f"saved as {out.name}")
                uow.commit()
    return 0


def cmd_case(args: argparse.Namespace) -> int:
    from fieldapp.cli.session import opened_store
    from fieldapp.reports import write_pdf
    from fieldapp.services import queries, reporting

    out = _out(args.out)
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        with store.uow() as uow:
            case_id = queries.find_case_id(uow=uow, reference=args.case)
            reason = args.voice_reason or ("asked for on the command line" if args.include_voice else "")
            data = reporting.case_summary_pdf(
                uow=uow, case_id=case_id, include_voice=args.include_voice, voice_reason=reason,
                encrypt=_pdf_password(args))
            write_pdf(data, out)
            reporting.record_disclosure(
                uow=uow, record_type="case", record_id=case_id, purpose=args.purpose,
                recipient=args.recipient, fields=reporting.case_summary_fields(args.include_voice),
                event=f"saved as {out.name}")
            uow.commit()
    print(f"Case summary written to {out} (OFFICIAL-SENSITIVE; recorded in the audit log).")
    return 0


def cmd_caseload(args: argparse.Namespace) -> int:
    from fieldapp.cli.session import opened_store
    from fieldapp.reports import write_pdf
    from fieldapp.services import reporting

    out = _out(args.out)
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        with store.uow() as uow:
            data = reporting.caseload_pdf(uow=uow, idva=args.idva, encrypt=_pdf_password(args))
            write_pdf(data, out)
            reporting.record_disclosure(
                uow=uow, record_type="caseload", record_id=args.idva or "all", purpose=args.purpose,
                recipient=args.recipient, fields=["caseload_summary"], event=f"saved as {out.name}")
            uow.commit()
    print(f"Caseload summary written to {out} (OFFICIAL-SENSITIVE; recorded in the audit log).")
    return 0
