"""Sync commands: ``fieldapp enrol``, ``fieldapp sync``, ``fieldapp case allocate`` and
``fieldapp conflicts [resolve]`` (spec/cli.md).

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
    register_case_commands(sub, common)


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


# ---- allocation and conflicts (spec/cli.md) ---------------------------------------------------

def register_case_commands(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    case = sub.add_parser("case", parents=[common], help="case actions")
    csub = case.add_subparsers(dest="case_command", metavar="ACTION", required=True)
    p = csub.add_parser("allocate", parents=[common],
                        help="coordinator only: allocate a case to an IDVA")
    p.add_argument("case", metavar="REF", help="case id, pseudonym (C-XXXXXX) or police reference")
    p.add_argument("--to", required=True, metavar="STAFF_CODE", help="the IDVA's staff code")
    p.set_defaults(func=cmd_case_allocate)

    p = sub.add_parser("conflicts", parents=[common],
                       help="open conflicts of safety-critical fields; 'resolve' one")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(func=cmd_conflicts)
    ksub = p.add_subparsers(dest="conflicts_command", metavar="ACTION")
    r = ksub.add_parser("resolve", parents=[common], help="keep one value of a conflict")
    r.add_argument("target", nargs="+", metavar="ID | CASE FIELD",
                   help="the conflict id as listed, or the case (id, pseudonym or police "
                        "reference) and the field")
    r.add_argument("--keep", required=True, metavar="N | VALUE",
                   help="the number of the value to keep as listed ([0], [1], ...), or the value")
    r.add_argument("--reason", required=True, metavar="TEXT", help="why (kept with the choice)")
    r.set_defaults(func=cmd_conflicts_resolve)


def cmd_case_allocate(args: argparse.Namespace) -> int:
    from fieldapp.services import allocation, queries

    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        with store.uow(read_only=True) as uow:
            case_id = queries.find_case_id(uow=uow, reference=args.case)
        done = allocation.allocate_case(store=store, case_id=case_id, to_staff_code=args.to,
                                        by=store.actor)
    if not done.changed:
        print(f"{done.pseudonym} ({done.police_ref}) is already allocated to {done.allocated_to}; "
              "nothing changed.")
    else:
        was = f" (was {done.previously})" if done.previously else ""
        print(f"{done.pseudonym} ({done.police_ref}) allocated to {done.allocated_to}{was}. It "
              "takes effect at the hub on the next sync.")
    return 0


def _print_conflict(view) -> None:  # noqa: ANN001 - ConflictView
    print(f"{view.conflict_id}  {view.pseudonym} ({view.police_ref}): {view.field_label}; "
          f"in force until resolved: {view.in_force.label}")
    for index, side in enumerate(view.sides):
        print(f"  [{index}] {side.label}  by {side.by} at {side.at:%Y-%m-%d %H:%M} UTC")


def cmd_conflicts(args: argparse.Namespace) -> int:
    from fieldapp.services.sync import conflicts

    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        found = conflicts.open_conflicts(store=store)
    if args.json:
        print(json.dumps({"conflicts": [c.model_dump(mode="json") for c in found]},
                         sort_keys=True))
        return 0
    if not found:
        print("No open conflicts.")
        return 0
    for view in found:
        _print_conflict(view)
    print(f"{len(found)} open conflict(s). Resolve one with 'fieldapp conflicts resolve ID --keep "
          "N --reason \"...\"'.")
    return 0


_TRUE, _FALSE = {"yes", "true", "y", "1"}, {"no", "false", "n", "0"}


def _chosen_index(view, keep: str) -> int:  # noqa: ANN001 - ConflictView
    text = keep.strip()
    if text.isdigit() and int(text) < len(view.sides) and not (
            view.field == "safe_contact" and len(text) > 2):
        return int(text)
    lowered = text.lower()
    for index, side in enumerate(view.sides):
        value = side.value
        if isinstance(value, bool) and ((value and lowered in _TRUE)
                                        or (not value and lowered in _FALSE)):
            return index
        if isinstance(value, str) and value.lower() == lowered:
            return index
        if side.label.lower() == lowered:
            return index
    raise UsageError(f"--keep {keep!r} is not one of the values listed: give its number "
                     f"(0 to {len(view.sides) - 1}) or the value")


def cmd_conflicts_resolve(args: argparse.Namespace) -> int:
    from fieldapp.domain.errors import NotFound
    from fieldapp.services import queries
    from fieldapp.services.sync import conflicts

    if not args.reason.strip():
        raise UsageError("--reason must say why this value is the right one")
    if len(args.target) > 2:
        raise UsageError("give the conflict id, or the case and the field")
    with opened_store(paths.vault_dir(args.vault), args.passphrase_file) as (_, store):
        if len(args.target) == 1:
            view = conflicts.conflict(store=store, conflict_id=args.target[0])
        else:
            with store.uow(read_only=True) as uow:
                case_id = queries.find_case_id(uow=uow, reference=args.target[0])
            matching = [c for c in conflicts.open_conflicts(store=store)
                        if c.case_id == case_id and c.field == args.target[1]]
            if not matching:
                raise NotFound("that case has no open conflict of that field on this laptop")
            view = matching[0]
        index = _chosen_index(view, args.keep)
        try:
            conflicts.resolve_conflict(store=store, conflict_id=view.conflict_id,
                                       chosen_index=index, reason=args.reason, by=store.actor)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    print(f"Kept {view.sides[index].label} for {view.field_label} of {view.pseudonym}. The choice "
          "reaches the hub and the other laptops on the next sync.")
    return 0
