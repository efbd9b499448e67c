"""``fieldapp tracker import|export`` (spec/cli.md, spec/tracker-csv-v1.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fieldapp import paths
from fieldapp.cli.errors import UsageError
from fieldapp.vault import atomic_write

FORMATS = ("csv", "xlsx")

NOT_STATED = "not stated (command line)"


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    tracker = sub.add_parser("tracker", parents=[common], help="tracker v1 import and export")
    tsub = tracker.add_subparsers(dest="tracker_command", metavar="ACTION")
    p = tsub.add_parser("import", parents=[common], help="import a tracker v1 CSV or XLSX")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--report", metavar="OUT", help="write the row-level report (CSV) here")
    p.add_argument("--uk-dates", action="store_true",
                   help="also accept day-first dates such as 29/10/2022 19:45")
    p.set_defaults(func=cmd_import)
    p = tsub.add_parser("export", parents=[common], help="export the tracker v1")
    p.add_argument("--out", required=True, metavar="FILE")
    p.add_argument("--format", choices=FORMATS, help="default: from the file name")
    p.add_argument("--recipient", default=NOT_STATED, help="who receives it (audit log)")
    p.add_argument("--purpose", default=NOT_STATED, help="why it is disclosed (audit log)")
    p.set_defaults(func=cmd_export)


def cmd_import(args: argparse.Namespace) -> int:
    from fieldapp.cli.session import opened_store
    from fieldapp.services import tracker_import
    from fieldapp.tracker import TrackerFileError

    source = Path(args.file)
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        with store.uow() as uow:
            try:
                report = tracker_import.import_tracker(uow=uow, path=source, uk_dates=args.uk_dates)
            except TrackerFileError as exc:
                raise UsageError(str(exc)) from None
    print(report.summary())
    for warning in report.warnings:
        print(f"warning: {warning}")
    for rejection in report.rejected[:20]:
        print(f"rejected: {rejection}", file=sys.stderr)
    if len(report.rejected) > 20:
        print(f"... and {len(report.rejected) - 20} more rejected rows"
              + ("" if args.report else " (use --report OUT for all of them)"), file=sys.stderr)
    if args.report:
        atomic_write(Path(args.report), report.to_csv())
        print(f"Row-level report written to {args.report}")
    return 1 if report.rejected else 0


def cmd_export(args: argparse.Namespace) -> int:
    from fieldapp.cli.session import opened_store
    from fieldapp.services import tracker_export

    out = Path(args.out)
    fmt = tracker_export.format_for(out, args.format)
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        with store.uow() as uow:
            count = tracker_export.export_tracker(uow=uow, out=out, fmt=fmt, recipient=args.recipient,
                                                  purpose=args.purpose)
            uow.commit()
    print(f"Exported {count} rows to {out} ({fmt.upper()}, OFFICIAL-SENSITIVE). "
          "The export is recorded in the audit log.")
    return 0
