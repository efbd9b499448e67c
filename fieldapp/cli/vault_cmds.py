"""Vault commands: recovery-keygen, init, recover, passphrase change, lock-status, demo, audit."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fieldapp import log, paths
from fieldapp import vault as vault_mod
from fieldapp.cli.errors import IntegrityError, LockedError, UsageError
from fieldapp.cli.secrets import read_passphrase
from fieldapp.cli.session import open_vault, opened_store
from fieldapp.domain.enums import Role


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("recovery-keygen", parents=[common], help="make the organisation's recovery key pair")
    p.add_argument("--out", required=True, metavar="DIR")
    p.set_defaults(func=cmd_recovery_keygen)

    p = sub.add_parser("init", parents=[common], help="create a new vault")
    p.add_argument("--user", required=True, metavar="NAME",
                   help="your name, kept only inside the encrypted database")
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--staff-code", default="", metavar="CODE",
                   help="your staff code (e.g. IDVA01): what your cases are allocated to")
    p.add_argument("--recovery-key", metavar="PEM", help="organisation recovery public key")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("recover", parents=[common], help="open a vault whose passphrase is lost")
    p.add_argument("--recovery-private-key", required=True, metavar="FILE")
    p.add_argument("--key-passphrase-file", metavar="FILE",
                   help="passphrase of the recovery private key (else FIELDAPP_RECOVERY_PASSPHRASE or a prompt)")
    p.add_argument("--new-passphrase-file", metavar="FILE",
                   help="the new vault passphrase (else FIELDAPP_NEW_PASSPHRASE or a prompt)")
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("demo", parents=[common], help="fill the vault with fictional cases, "
                       "or --remove them")
    p.add_argument("--cases", type=int, default=200, metavar="N")
    p.add_argument("--remove", action="store_true",
                   help="remove every demonstration case and its traces (audit-logged); real "
                   "cases are untouched")
    p.add_argument("--seed", type=int, default=None, help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_demo)

    audit = sub.add_parser("audit", parents=[common], help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION")
    p = audit_sub.add_parser("verify", parents=[common], help="check the audit log's hash chain")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit_verify)

    pp = sub.add_parser("passphrase", parents=[common], help="passphrase tools")
    pp_sub = pp.add_subparsers(dest="passphrase_command", metavar="ACTION")
    p = pp_sub.add_parser("change", parents=[common], help="change the vault passphrase")
    p.add_argument("--new-passphrase-file", metavar="FILE",
                   help="the new passphrase (else FIELDAPP_NEW_PASSPHRASE or a prompt)")
    p.set_defaults(func=cmd_passphrase_change)

    p = sub.add_parser("lock-status", parents=[common], help="say whether a vault exists and its state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lock_status)


def _folder(args: argparse.Namespace) -> Path:
    return paths.vault_dir(args.vault)


def _new_passphrase(file: str | None, env: str = "FIELDAPP_NEW_PASSPHRASE") -> bytearray:
    secret = read_passphrase(file, prompt="New passphrase: ", confirm=True, env=env)
    problem = vault_mod.passphrase_problem(secret)
    if problem:
        secret[:] = bytes(len(secret))
        raise UsageError(f"passphrase not accepted: {problem}")
    return secret


def cmd_recovery_keygen(args: argparse.Namespace) -> int:
    secret = read_passphrase(args.passphrase_file, prompt="Passphrase for the recovery private key: ",
                             confirm=True, env="FIELDAPP_RECOVERY_PASSPHRASE")
    try:
        public, private = vault_mod.generate_recovery_keypair(Path(args.out), key_password=bytes(secret))
    except FileExistsError:
        raise UsageError(f"recovery keys already exist in {args.out}; nothing was overwritten") from None
    finally:
        secret[:] = bytes(len(secret))
    print(f"Public key (give to every laptop at init): {public}")
    print(f"Private key (keep offline, two-person custody): {private}")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from fieldapp.store import Store

    folder = paths.vault_dir(args.vault)
    if vault_mod.Vault.exists(folder):
        raise UsageError(f"a vault already exists in {folder}; nothing was changed")
    recovery = None
    if args.recovery_key:
        try:
            recovery = Path(args.recovery_key).read_bytes()
        except OSError:
            raise UsageError("could not read the --recovery-key file") from None
    from fieldapp.services import identity

    code_problem = identity.staff_code_problem(args.staff_code)
    if code_problem:
        raise UsageError(f"--staff-code not accepted: {code_problem}")
    secret = read_passphrase(args.passphrase_file, prompt="New passphrase: ", confirm=True)
    problem = vault_mod.passphrase_problem(secret)
    if problem:
        raise UsageError(f"passphrase not accepted: {problem}")
    try:
        vault = vault_mod.Vault.create(folder, passphrase=secret, user=args.user, role=args.role,
                                       recovery_public_pem=recovery)
    except ValueError as exc:
        raise UsageError(f"the recovery key could not be used: {exc}") from None
    finally:
        secret[:] = bytes(len(secret))
    log.setup(paths.log_dir(folder), debug=args.debug)
    try:
        store = Store.open(vault)
        if args.staff_code.strip():
            with store.uow() as uow:
                identity.set_own_staff_code(uow=uow, code=args.staff_code)
                uow.commit()
        store.close()
    finally:
        vault.lock()
    code = identity.normalise_staff_code(args.staff_code)
    print(f"Vault created in {folder} for {args.user} ({args.role}"
          + (f", staff code {code}" if code else ", no staff code") + ").")
    if vault.info.has_recovery_slot:
        print("Recovery slot: present. If the passphrase is lost, the station can recover this vault.")
    else:
        print("Recovery slot: ABSENT. If the passphrase is lost, unsynced work on this laptop is lost.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from fieldapp.services import audit_ops
    from fieldapp.store import Store, StoreCorrupt

    folder = _folder(args)
    vault = open_vault(folder)
    try:
        private_pem = Path(args.recovery_private_key).read_bytes()
    except OSError:
        raise UsageError("could not read the recovery private key file") from None
    key_secret = read_passphrase(args.key_passphrase_file, prompt="Recovery key passphrase: ",
                                 env="FIELDAPP_RECOVERY_PASSPHRASE")
    try:
        vault.unlock_with_recovery(private_pem, bytes(key_secret))
    except vault_mod.VaultError as exc:
        raise LockedError(f"recovery failed: {exc}") from None
    finally:
        key_secret[:] = bytes(len(key_secret))
    try:
        new = _new_passphrase(args.new_passphrase_file)
        vault.change_passphrase(new_passphrase=new)
        new[:] = bytes(len(new))
        try:
            store = Store.open(vault)
        except StoreCorrupt as exc:  # the key is back, but the database itself is damaged
            raise IntegrityError(str(exc)) from None
        with store.uow() as uow:
            audit_ops.log_recovery(uow=uow)
            uow.commit()
    finally:
        vault.lock()
    print("Vault recovered and a new passphrase set. The old passphrase no longer opens it.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from fieldapp.services import demo

    if args.remove:
        return _remove_demo(args)
    if args.cases < 1 or args.cases > 100_000:
        raise UsageError("--cases must be between 1 and 100000")
    from fieldapp.services import identity

    with opened_store(_folder(args), args.passphrase_file) as (_vault, store):
        me = identity.own_staff_code(store=store) or None  # allocations carry codes, not names
        with store.uow() as uow:
            demo.fill_demo(uow=uow, cases=args.cases, me=me, seed=args.seed)
    print(f"Added {args.cases} fictional demo cases (police references start with DEMO).")
    return 0


def _remove_demo(args: argparse.Namespace) -> int:
    from fieldapp.services import demo_removal

    with opened_store(_folder(args), args.passphrase_file) as (_vault, store):
        with store.uow() as uow:
            removed = demo_removal.remove_demo_cases(uow=uow)
            uow.commit()
    if removed:
        print(f"Removed {removed} demonstration cases and everything recorded on them; the audit "
              "log records the removal. Real cases were not touched.")
    else:
        print("There are no demonstration cases in this vault; nothing was changed.")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from fieldapp.services import audit_ops
    from fieldapp.services.sync.anchor import check_acked_head

    with opened_store(_folder(args), args.passphrase_file) as (_, store):
        with store.uow() as uow:
            report = audit_ops.verify_chain(uow=uow)
            anchor = check_acked_head(uow=uow)
    if args.json:
        print(json.dumps({"ok": report.ok and anchor.ok, "rows": report.rows,
                          "first_bad_seq": report.first_bad_seq,
                          "hub_acked_seq": anchor.acked_seq, "hub_anchor_problem": anchor.problem}))
    if not report.ok:
        raise IntegrityError(
            f"audit log broken at entry {report.first_bad_seq} of {report.rows} checked: it was "
            "altered, removed or reordered. Keep this laptop as it is and tell your supervisor."
        )
    if not anchor.ok:
        raise IntegrityError(f"{anchor.problem}. Keep this laptop as it is and tell your supervisor.")
    if not args.json:
        print(f"Audit log intact: {report.rows} entries, hash chain verified.")
    return 0


def cmd_passphrase_change(args: argparse.Namespace) -> int:
    folder = _folder(args)
    vault = open_vault(folder)
    from fieldapp.cli.session import unlock

    unlock(vault, args.passphrase_file)
    try:
        new = _new_passphrase(args.new_passphrase_file)
        vault.change_passphrase(new_passphrase=new)
        new[:] = bytes(len(new))
    finally:
        vault.lock()
    print("Passphrase changed. The data was not re-encrypted; only its key was re-wrapped.")
    return 0


def cmd_lock_status(args: argparse.Namespace) -> int:
    folder = paths.vault_dir(args.vault)
    if not vault_mod.Vault.exists(folder):
        state = {"vault": str(folder), "exists": False, "locked": True}
    else:
        vault = open_vault(folder)
        info = vault.info
        state = {"vault": str(folder), "exists": True, "locked": True,
                 "role": info.role, "recovery_slot": info.has_recovery_slot,
                 "backoff_seconds": round(vault.backoff_remaining(), 1)}
    if args.json:
        print(json.dumps(state))
    elif not state["exists"]:
        print(f"No vault in {folder}. Create one with 'fieldapp init'.")
    else:
        wait = state["backoff_seconds"]
        print(f"Vault in {folder}: locked (headless commands unlock it only while they run). "
              f"Role {state['role']}; recovery slot "
              f"{'present' if state['recovery_slot'] else 'absent'}"
              + (f"; wrong-passphrase wait {wait:.0f} s" if wait else "") + ".")
    return 0 if state["exists"] else 1


if __name__ == "__main__":
    sys.exit(1)
