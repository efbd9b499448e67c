"""Sync commands: ``fieldapp enrol`` and ``fieldapp sync`` (spec/cli.md).

Exit statuses: 0 done; 1 refused (by the hub, or a rule here), or the laptop was revoked and
wiped; 2 usage; 3 locked; 4 the hub could not be trusted: its certificate is not from the pinned
station CA, the CA offered at enrolment has another fingerprint, or an answer is not signed by
the pinned hub key (an authenticity failure like a tampered file: running it again will not
help, and nothing was accepted from it); 5 the hub could not be reached or the connection
failed part-way (nothing is lost; run it again).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fieldapp import paths
from fieldapp.cli.errors import INTEGRITY, REFUSED, CliError, UsageError
from fieldapp.cli.session import opened_store

UNREACHABLE = 5


class SyncFailed(CliError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("enrol", parents=[common], help="enrol this laptop with a station hub")
    p.add_argument("--hub", required=True, metavar="URL", help="the hub's address, https://HOST:PORT")
    p.add_argument("--code", required=True, metavar="CODE", help="the one-time enrolment code")
    p.add_argument("--ca-fingerprint", metavar="FP",
                   help="the station CA's SHA-256 fingerprint as the coordinator reads it out")
    p.add_argument("--label", default="", metavar="L", help="a name for this laptop at the hub")
    p.add_argument("--force", action="store_true",
                   help="enrol again although already enrolled (new keys)")
    p.set_defaults(func=cmd_enrol)

    p = sub.add_parser("sync", parents=[common], help="sync with the station hub")
    p.add_argument("--hub", metavar="URL", help="this time (and from now on) use this address")
    p.add_argument("--to-file", metavar="FILE", help="write pending sealed bundles to FILE (USB)")
    p.add_argument("--from-file", metavar="FILE", help="apply a hub's reply file")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_sync)


def _failure(exc: Exception) -> SyncFailed:
    from fieldapp.services.sync import errors

    if isinstance(exc, errors.HubUnreachable):
        return SyncFailed(f"{exc}", UNREACHABLE)
    if isinstance(exc, errors.CertificateMismatch | errors.HubNotTrusted):
        return SyncFailed(f"{exc}", INTEGRITY)
    if isinstance(exc, errors.Revoked):
        return SyncFailed(f"{exc}", REFUSED)
    return SyncFailed(f"{exc}", REFUSED)


def _confirm(fingerprint: str) -> bool:
    if not sys.stdin.isatty():
        return False
    print("The hub's station CA has the fingerprint:")
    print(f"  {fingerprint}")
    answer = input("Is this the fingerprint on the hub's screen? Type yes to continue: ")
    return answer.strip().lower() == "yes"


def cmd_enrol(args: argparse.Namespace) -> int:
    from fieldapp.services.sync import enrol, errors

    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        try:
            done = enrol.enrol(store=store, hub_url=args.hub, code=args.code,
                               ca_fingerprint=args.ca_fingerprint, label=args.label,
                               force=args.force, confirm_fingerprint=_confirm)
        except errors.SyncError as exc:
            raise _failure(exc) from None
    print(f"Enrolled with the station hub at {done.hub_url} as {done.user} ({done.role}"
          + (f", {done.staff_code}" if done.staff_code else "") + ").")
    print("Device fingerprint (compare it with the hub's screen):")
    print(f"  {done.device_id}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    from fieldapp.services.sync import errors, run, transfer

    if args.to_file and args.from_file:
        raise UsageError("give --to-file or --from-file, not both")
    if args.hub and (args.to_file or args.from_file):
        raise UsageError("--hub is for a network sync, not a file transfer")
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (vault, store):
        try:
            if args.to_file:
                report = transfer.write_transfer_file(store=store, path=Path(args.to_file))
            elif args.from_file:
                report = transfer.apply_reply_file(vault=vault, store=store,
                                                   path=Path(args.from_file))
            else:
                report = run.sync_now(vault=vault, store=store, hub_url=args.hub)
        except errors.SyncError as exc:
            if args.json:
                print(json.dumps({"ok": False, "error": type(exc).__name__, "message": str(exc)}))
            raise _failure(exc) from None
    if args.json:
        print(json.dumps({"ok": report.ok, **report.model_dump(mode="json")}, sort_keys=True))
        if report.clock_warning:
            print(f"fieldapp: warning: {report.clock_warning}", file=sys.stderr)
    else:
        if args.to_file:
            print(f"Wrote {report.waiting_bundles} sealed bundle(s) to {args.to_file}; take it to "
                  "the station hub and bring back its reply file.")
        for line in report.words() if not args.to_file else []:
            print(line)
        for refusal in report.refused if args.to_file else []:
            print(f"Refused ({refusal.what}): {refusal.reason}")
        if report.clock_warning and args.to_file:
            print(f"Warning: {report.clock_warning}")
    return 0 if report.ok else REFUSED
