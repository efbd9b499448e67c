"""``fieldapp-hub``: the station hub's commands (spec/cli.md).

Every command takes ``--data DIR`` (else ``$FIELDAPP_HUB_DATA``, else the platform's user data
folder for "fieldapp-hub"), ``--debug`` (tracebacks) and ``--operator NAME`` (who the hub's audit
log names; default the OS user). Exit status: 0 success; 1 refused; 2 usage error; 4 data
integrity failure (a damaged key, certificate or database file); 5 the database server could not
be reached. Messages say what happened and what to do; no traceback without ``--debug``.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import importlib
import inspect
import json
import logging
import os
import sys
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

OK, REFUSED, USAGE, INTEGRITY, NETWORK = 0, 1, 2, 4, 5
APP = "fieldapp-hub"
ENV_DATA = "FIELDAPP_HUB_DATA"
MAX_TRANSFER_BYTES = 512 * 1024 * 1024
NOT_STATED = "not stated (command line)"
ROLES = ("idva", "supervisor", "coordinator")
FORMATS = ("csv", "xlsx")
BCUS = ("WEST", "EAST", "SOUTH")
_ROLE_WORDS = {"idva": "an IDVA", "supervisor": "a supervisor", "coordinator": "a coordinator"}

log = logging.getLogger("sync.hub.cli")


class CliError(Exception):
    status = REFUSED


class UsageError(CliError):
    status = USAGE


class IntegrityError(CliError):
    status = INTEGRITY


class NetworkError(CliError):
    status = NETWORK


# ---- parsing -----------------------------------------------------------------------------------

class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:
        self.print_usage(sys.stderr)
        self.exit(USAGE, f"{APP}: {message}\n")


def _common(default: Any) -> argparse.ArgumentParser:
    # Sub-commands repeat these so they work before or after the command name; there the default
    # is SUPPRESS so a sub-parser never overwrites a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data", metavar="DIR", default=default,
                        help=f"hub data folder (default: ${ENV_DATA} or the platform's user "
                             "data folder)")
    common.add_argument("--operator", metavar="NAME", default=default,
                        help="who the hub's audit log names for this command (default: the "
                             "OS user)")
    common.add_argument("--debug", action="store_true",
                        default=default if default is not None else False, help="show tracebacks")
    return common


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("dates are YYYY-MM-DD, e.g. 2024-04-01") from None


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 0 to 65535")
    return value


def _flag_json(parser: argparse.ArgumentParser, *, inherited: bool = False) -> None:
    parser.add_argument("--json", action="store_true",
                        default=argparse.SUPPRESS if inherited else False,
                        help="print one JSON document on stdout")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=APP, description="The station hub for fieldapp laptops: sync API, "
                     "enrolment, devices, consolidated tracker and KPI report.",
                     parents=[_common(None)])
    from fieldapp import __version__

    parser.add_argument("--version", action="version", version=f"{APP} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    c = _common(argparse.SUPPRESS)

    p = sub.add_parser("init", parents=[c], help="create the hub: keys, station CA, server "
                       "certificate and database")
    p.add_argument("--db", metavar="URL", default="",
                   help="database URL (default: SQLite hub.db in the data folder; "
                        "postgresql+psycopg://USER@HOST/DB for PostgreSQL; keep a password in "
                        "~/.pgpass rather than in the URL)")
    p.add_argument("--name", metavar="HOST", action="append", default=[],
                   help="a DNS name or IP address laptops reach the hub by (repeat; default: "
                        "this machine's host name and 127.0.0.1)")
    _flag_json(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("serve", parents=[c], help="serve the sync API (HTTPS, TLS 1.3)")
    p.add_argument("--host", metavar="H", help="address to listen on (default: hub.json, "
                   "127.0.0.1)")
    p.add_argument("--port", metavar="P", type=_port, help="port (default: hub.json, 8443; 0: "
                   "any free port, printed)")
    p.add_argument("--plain-http", action="store_true",
                   help="serve plain HTTP; refused unless the address is a loopback address")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("upgrade", parents=[c], help="bring the database to this version's schema")
    p.set_defaults(func=cmd_upgrade)

    p = sub.add_parser("enrol-code", parents=[c], help="a one-time enrolment code (10 minutes)")
    p.add_argument("--user", required=True, metavar="NAME")
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--staff-code", default="", metavar="CODE",
                   help="the staff code cases are allocated to (needed for an IDVA)")
    p.add_argument("--bcu", default="", type=str.upper, choices=("",) + BCUS, metavar="BCU",
                   help=f"one of {', '.join(BCUS)} (a coordinator without one sees every case)")
    p.add_argument("--team", default="", metavar="TEAM", help="a supervisor's team")
    p.set_defaults(func=cmd_enrol_code)

    p = sub.add_parser("devices", parents=[c], help="enrolled devices; 'devices show ID' for one")
    _flag_json(p)
    p.set_defaults(func=cmd_devices)
    dsub = p.add_subparsers(dest="devices_command", metavar="ACTION", parser_class=_Parser)
    s = dsub.add_parser("show", parents=[c], help="one device with the cases it holds")
    s.add_argument("device_id", metavar="DEVICE_ID")
    _flag_json(s, inherited=True)
    s.set_defaults(func=cmd_device_show)

    p = sub.add_parser("revoke", parents=[c], help="revoke a device (it is told to wipe itself)")
    p.add_argument("device_id", metavar="DEVICE_ID")
    p.add_argument("--reason", default="", metavar="TEXT", help="why (the hub's audit log)")
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("bundle", parents=[c], help="offline transfer (USB)")
    bsub = p.add_subparsers(dest="bundle_command", metavar="ACTION", parser_class=_Parser)
    s = bsub.add_parser("import", parents=[c], help="apply a laptop's bundle file, write the "
                        "reply file")
    s.add_argument("file", metavar="FILE")
    s.add_argument("--reply", required=True, metavar="FILE")
    s.set_defaults(func=cmd_bundle_import)

    p = sub.add_parser("conflicts", parents=[c], help="open conflicts of safety-critical fields")
    _flag_json(p)
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("status", parents=[c], help="devices, last syncs, quarantined operations, "
                       "database size")
    _flag_json(p)
    p.set_defaults(func=cmd_status)

    disclosure = argparse.ArgumentParser(add_help=False)
    disclosure.add_argument("--recipient", default=NOT_STATED, help="who receives it (audit log)")
    disclosure.add_argument("--purpose", default=NOT_STATED, help="why it is disclosed (audit log)")

    p = sub.add_parser("tracker", parents=[c], help="the consolidated tracker")
    tsub = p.add_subparsers(dest="tracker_command", metavar="ACTION", parser_class=_Parser)
    s = tsub.add_parser("export", parents=[c, disclosure], help="export the tracker v1 "
                        "(a logged disclosure)")
    s.add_argument("--out", required=True, metavar="FILE")
    s.add_argument("--format", choices=FORMATS, help="default: from the file name")
    s.set_defaults(func=cmd_tracker_export)

    p = sub.add_parser("report", parents=[c], help="reports over all synced data")
    rsub = p.add_subparsers(dest="report_command", metavar="REPORT", parser_class=_Parser)
    s = rsub.add_parser("kpi", parents=[c, disclosure], help="the evaluation KPI report")
    s.add_argument("--out", metavar="FILE", help="the report as FILE.pdf, or the figures as a "
                   "spreadsheet FILE.xlsx")
    s.add_argument("--from", dest="date_from", type=_date, metavar="DATE")
    s.add_argument("--to", dest="date_to", type=_date, metavar="DATE")
    s.add_argument("--bcu", type=str.upper, choices=BCUS)
    s.add_argument("--json", action="store_true", help="print the KPI figures as JSON")
    s.set_defaults(func=cmd_report_kpi)

    p = sub.add_parser("cert", parents=[c], help="the hub's server certificate")
    csub = p.add_subparsers(dest="cert_command", metavar="ACTION", parser_class=_Parser)
    s = csub.add_parser("show", parents=[c], help="names, expiry and the CA fingerprint")
    _flag_json(s)
    s.set_defaults(func=cmd_cert_show)
    s = csub.add_parser("renew", parents=[c], help="a new server certificate from the station CA "
                        "(laptops keep their pinned CA)")
    s.add_argument("--name", metavar="HOST", action="append", default=None,
                   help="the names to certify (repeat; default: the current ones)")
    s.add_argument("--days", type=int, default=None, metavar="N",
                   help="validity in days (default: 730)")
    s.set_defaults(func=cmd_cert_renew)

    p = sub.add_parser("audit", parents=[c], help="the hub's audit log")
    asub = p.add_subparsers(dest="audit_command", metavar="ACTION", parser_class=_Parser)
    s = asub.add_parser("verify", parents=[c], help="check the audit log's hash chain")
    s.set_defaults(func=cmd_audit_verify)

    for name, group in (("bundle", "bundle"), ("tracker", "tracker"), ("report", "report"),
                        ("cert", "cert"), ("audit", "audit")):
        sub.choices[name].set_defaults(func=_needs_action(group))
    return parser


def _needs_action(group: str):  # noqa: ANN202
    def missing(args: argparse.Namespace) -> int:
        raise UsageError(f"'{group}' needs an action: see '{APP} {group} --help'")
    return missing


# ---- the hub a command works on ----------------------------------------------------------------

def data_dir(explicit: str | None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_DATA)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP, appauthor=False))


def _operator(args: argparse.Namespace) -> str:
    named = (getattr(args, "operator", None) or "").strip()
    if named:
        return named[:120]
    try:
        return getpass.getuser() or "hub operator"
    except Exception:  # no user name from the environment or the password database
        return "hub operator"


def _now_ms() -> int:
    return int(time.time() * 1000)


def _service(name: str, *functions: str) -> ModuleType:
    """``sync.hub.service.<name>``, with a clear refusal while a use case is not built yet."""
    module_name = f"sync.hub.service.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        raise CliError(f"this fieldapp-hub build does not have {module_name} yet; nothing was "
                       "done") from None
    missing = [f for f in functions if not hasattr(module, f)]
    if missing:
        raise CliError(f"this fieldapp-hub build does not have {module_name}."
                       f"{missing[0]} yet; nothing was done")
    return module


@dataclass
class Hub:
    data_dir: Path
    config: Any
    database: Any
    _keys: Any = None

    @property
    def keys(self) -> Any:
        if self._keys is None:
            from sync.hub import keys as hub_keys

            try:
                self._keys = hub_keys.load(self.data_dir)
            except FileNotFoundError:
                raise IntegrityError("the hub's key file (hub-keys.bin) is missing from the data "
                                     "folder; restore it from the backup") from None
            except ValueError as exc:
                raise IntegrityError(str(exc)) from None
        return self._keys


def load_config(folder: Path) -> Any:
    from pydantic import ValidationError

    from sync.hub import config as hub_config

    try:
        return hub_config.load(folder)
    except FileNotFoundError:
        raise UsageError(f"no hub in {folder}: create one with '{APP} init' (or give --data)") \
            from None
    except (ValidationError, json.JSONDecodeError, UnicodeDecodeError):
        raise IntegrityError(f"the hub's settings ({hub_config.SETTINGS_FILE}) are damaged") \
            from None
    except ValueError as exc:
        raise CliError(str(exc)) from None


def _database(config: Any, folder: Path) -> Any:
    from sync.hub.config import database_url
    from sync.hub.store.db import Database

    try:
        return Database(database_url(config, folder))
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@contextlib.contextmanager
def opened_hub(args: argparse.Namespace, *, check_schema: bool = True) -> Iterator[Hub]:
    """The hub's settings and database for one command; database failures become messages."""
    from sqlalchemy.exc import SQLAlchemyError

    folder = data_dir(args.data)
    config = load_config(folder)
    if not config.db_url and not (folder / "hub.db").exists():
        # Checked before the engine is made: opening would create an empty file in its place.
        raise IntegrityError("the hub's database file (hub.db) is missing from the data "
                             "folder; restore it from the backup")
    database = _database(config, folder)
    try:
        if check_schema:
            from sync.hub.store.db import head_revision

            if database.current_revision() != head_revision():
                raise CliError("the hub's database is not at this version's schema: run "
                               f"'{APP} upgrade' (or start '{APP} serve', which upgrades)")
        yield Hub(data_dir=folder, config=config, database=database)
    except SQLAlchemyError as exc:
        raise _database_error(exc, database) from exc
    finally:
        database.dispose()


def _describe_database(database: Any) -> str:
    if database.backend == "sqlite":
        path = database.file_path()
        return f"SQLite ({path.name} in the data folder)" if path else "SQLite"
    url = database.url
    return f"PostgreSQL (database {url.database} on {url.host or 'localhost'}:{url.port or 5432})"


# ---- output ------------------------------------------------------------------------------------

def _print_json(document: Any) -> None:
    print(json.dumps(document, indent=1, ensure_ascii=False, default=str))


def _when(ms: Any) -> str:
    if not ms:
        return "never"
    return datetime.fromtimestamp(int(ms) / 1000, UTC).astimezone().strftime("%Y-%m-%d %H:%M")


def _table(rows: list[list[str]], headings: list[str]) -> None:
    widths = [max(len(str(x)) for x in col) for col in zip(headings, *rows, strict=False)]
    for row in [headings, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=False)).rstrip())


def _print_mapping(mapping: Any, indent: int = 0) -> None:
    pad = " " * indent
    if isinstance(mapping, dict):
        for key, value in mapping.items():
            label = str(key).replace("_", " ")
            if isinstance(value, dict | list) and value:
                print(f"{pad}{label}:")
                _print_mapping(value, indent + 2)
            else:
                print(f"{pad}{label}: {_scalar(key, value)}")
    elif isinstance(mapping, list):
        for item in mapping:
            if isinstance(item, dict):
                print(f"{pad}-")
                _print_mapping(item, indent + 2)
            else:
                print(f"{pad}- {item}")
    else:
        print(f"{pad}{mapping}")


def _scalar(key: str, value: Any) -> str:
    if value is None or value == []:
        return "none" if value == [] else "-"
    if isinstance(value, int) and not isinstance(value, bool) and (
            key.endswith("_at") or key.startswith("last_seen")
            or key in ("last_sync", "not_after")):
        return _when(value)
    return str(value)


# ---- commands ----------------------------------------------------------------------------------

def cmd_init(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from sync.hub import config as hub_config
    from sync.hub import keys as hub_keys
    from sync.hub import tls

    folder = data_dir(args.data)
    marker_files = [folder / hub_config.SETTINGS_FILE, folder / hub_keys.KEY_FILE, folder / "tls"]
    if any(p.exists() for p in marker_files):
        raise CliError(f"there is already a hub in {folder}; nothing was changed (give another "
                       "--data folder for a new hub)")
    names = args.name or tls.default_names()
    try:
        names = tls.normalise_names(names)
    except ValueError as exc:
        raise UsageError(f"--name: {exc}") from None
    config = hub_config.HubConfig(db_url=args.db.strip(), names=names)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    sqlite_file = folder / "hub.db"
    new_sqlite = not config.db_url and not sqlite_file.exists()
    database = _database(config, folder)
    created: list[Path] = []
    try:
        try:
            revision = database.current_revision()
        except SQLAlchemyError as exc:
            raise _database_error(exc, database) from None
        if revision is not None:
            raise CliError("that database already holds a hub's tables; nothing was changed "
                           "(give an empty database with --db)")
        hub_keys.create(folder)
        created.append(folder / hub_keys.KEY_FILE)
        paths = tls.create(config, folder, names, label=_hub_label(folder))
        created.extend(paths.all())
        try:
            database.upgrade()
        except SQLAlchemyError as exc:
            raise _database_error(exc, database) from None
        hub_config.save(folder, config)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            (folder / "tls").rmdir()
        if new_sqlite:
            database.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{sqlite_file}{suffix}").unlink(missing_ok=True)
        raise
    finally:
        where = _describe_database(database)
        database.dispose()
    from sync.hub import logs

    logs.setup(folder, debug=bool(args.debug))
    fingerprint = tls.ca_fingerprint(folder, config)
    info = tls.server_certificate_info(config, folder)
    log.info("hub created", extra={"backend": database.backend})
    if args.json:
        _print_json({"data_dir": str(folder), "database": where, "names": info.names,
                     "server_certificate_not_after": info.not_after.isoformat(),
                     "ca_fingerprint": fingerprint})
        return OK
    print(f"Hub created in {folder}.")
    print(f"Database: {where}.")
    print(f"Server certificate for {', '.join(info.names)}, valid until "
          f"{info.not_after:%Y-%m-%d}.")
    print("Read this fingerprint out to each person enrolling a laptop; they compare it with "
          "what their screen shows.")
    print(f"Station CA fingerprint (SHA-256): {fingerprint}")
    return OK


def _hub_label(folder: Path) -> str:
    import hashlib

    return hashlib.sha256(os.urandom(16) + str(folder).encode()).hexdigest()[:8].upper()


def cmd_serve(args: argparse.Namespace) -> int:
    from sync.hub import serve

    folder = data_dir(args.data)
    host = args.host
    if host is not None:
        serve.check_plain_http(host, args.plain_http)
    load_config(folder)  # a missing hub is a usage error before anything is opened
    return serve.run(folder, host=host, port=args.port, plain_http=args.plain_http,
                     announce=serve.announce_stdout, debug=bool(args.debug))


def cmd_upgrade(args: argparse.Namespace) -> int:
    with opened_hub(args, check_schema=False) as hub:
        before = hub.database.current_revision()
        hub.database.upgrade()
        after = hub.database.current_revision()
    if before == after:
        print(f"The hub's database is already at this version's schema ({after}).")
    else:
        print(f"The hub's database was brought from {before or 'empty'} to {after}.")
    return OK


def cmd_enrol_code(args: argparse.Namespace) -> int:
    enrol = _service("enrol", "make_code")
    from sync.hub import tls

    if args.role == "idva" and not (args.staff_code or "").strip():
        raise CliError("an IDVA needs a staff code (--staff-code): the hub sends an IDVA's laptop "
                       "the cases allocated to that code")
    with opened_hub(args) as hub:
        extra = {}
        if "actor" in inspect.signature(enrol.make_code).parameters:
            extra["actor"] = _operator(args)  # the audit row names the operator once it can
        code = enrol.make_code(hub.database, user=args.user, role=args.role,
                               staff_code=args.staff_code, bcu=args.bcu, team=args.team, **extra)
        fingerprint = tls.ca_fingerprint(hub.data_dir, hub.config)
    log.info("enrolment code made", extra={"command": "enrol-code"})
    print(f"One-time enrolment code for {_ROLE_WORDS[args.role]}: valid for 10 minutes, single "
          "use.")
    print(f"On the laptop: fieldapp enrol --hub URL --code CODE --ca-fingerprint {fingerprint}")
    print(f"Code: {code}")
    return OK


def cmd_devices(args: argparse.Namespace) -> int:
    devices = _service("devices", "list_devices")
    with opened_hub(args) as hub:
        found = devices.list_devices(hub.database)
    if args.json:
        _print_json({"devices": found})
        return OK
    if not found:
        print(f"No devices are enrolled. Make a code with '{APP} enrol-code'.")
        return OK
    rows = [[d.get("device_id", ""), d.get("user", ""), d.get("role", ""),
             d.get("staff_code", "") or "-", d.get("state", ""), _when(d.get("last_seen"))]
            for d in found]
    _table(rows, ["DEVICE", "USER", "ROLE", "STAFF CODE", "STATE", "LAST SYNC"])
    print(f"{len(found)} device{'s' if len(found) != 1 else ''}.")
    return OK


def cmd_device_show(args: argparse.Namespace) -> int:
    devices = _service("devices", "show_device")
    with opened_hub(args) as hub:
        device = devices.show_device(hub.database, args.device_id)
    if getattr(args, "json", False):
        _print_json(device)
        return OK
    held = device.get("cases", [])
    _print_mapping({k: v for k, v in device.items() if k != "cases"})
    if not held:
        print("cases: none")
        return OK
    print("cases:")
    rows = [[c.get("case_id", ""), c.get("police_ref") or "-", c.get("allocated_to") or "-",
             str(c.get("rev", "")), "yes" if c.get("held") else "no",
             "yes" if c.get("pushed") else "no"] for c in held]
    _table(rows, ["CASE", "POLICE REF", "ALLOCATED TO", "REV", "HELD", "PUSHED"])
    return OK


def cmd_revoke(args: argparse.Namespace) -> int:
    devices = _service("devices", "revoke")
    with opened_hub(args) as hub:
        devices.revoke(hub.database, args.device_id, reason=args.reason, actor=_operator(args),
                       now_ms=_now_ms())
    log.info("device revoked", extra={"device_id": args.device_id})
    print(f"Device {args.device_id} is revoked: the hub refuses it from now on and tells it to "
          "wipe itself the next time it connects.")
    return OK


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from sync.hub.config import write_private

    transfer = _service("transfer", "import_file")
    source, reply_path = Path(args.file), Path(args.reply)
    if not source.is_file():
        raise UsageError(f"{source}: no such file")
    if not reply_path.parent.is_dir():
        raise UsageError(f"the folder {reply_path.parent} does not exist; choose where the reply "
                         "file should go")
    if reply_path.resolve() == source.resolve():
        raise UsageError("the reply file must not overwrite the bundle file")
    if source.stat().st_size > MAX_TRANSFER_BYTES:
        raise CliError(f"{source.name} is larger than a transfer file can be "
                       f"({MAX_TRANSFER_BYTES // (1024 * 1024)} MiB); nothing was applied")
    data = source.read_bytes()
    with opened_hub(args) as hub:
        reply, summary = transfer.import_file(hub.database, hub.keys, data,
                                              max_bytes=hub.config.max_bundle_bytes,
                                              now_ms=_now_ms())
    write_private(reply_path, reply)
    refused = _refused_results(reply)
    counted = summary.get("refused", 0) if isinstance(summary, dict) else 0
    revoked = bool(summary.get("revoked")) if isinstance(summary, dict) else False
    log.info("bundle file imported", extra={"count": max(len(refused), counted),
                                            "bytes": len(data)})
    if isinstance(summary, dict):
        _print_mapping(summary)
    elif summary:
        print(summary)
    print(f"Reply written to {reply_path}: take it back to the laptop and run "
          "'fieldapp sync --from-file' with it.")
    if revoked:
        print("This device is revoked: nothing from it was applied, and the reply tells it to "
              "wipe itself.", file=sys.stderr)
        return REFUSED
    if refused or counted:
        total = max(len(refused), counted)
        print(f"{total} bundle{'s were' if total != 1 else ' was'} refused:", file=sys.stderr)
        for result in refused[:20]:
            print(f"  {result.get('bundle_id') or '?'}: {result.get('error', result.get('status'))}"
                  f" ({result.get('message', '')})", file=sys.stderr)
        return REFUSED
    return OK


def _refused_results(reply: bytes) -> list[dict[str, Any]]:
    try:
        results = json.loads(reply).get("results", [])
    except (ValueError, AttributeError):
        return []
    return [r for r in results if isinstance(r, dict)
            and r.get("status") not in ("applied", "duplicate")]


def cmd_conflicts(args: argparse.Namespace) -> int:
    conflicts = _service("conflicts", "open_conflicts", "quarantined")
    with opened_hub(args) as hub:
        found = conflicts.open_conflicts(hub.database, hub.keys)
        held = conflicts.quarantined(hub.database)
    if args.json:
        _print_json({"conflicts": found, "quarantined": held})
        return OK
    if not found:
        print("No open conflicts.")
    for item in found:
        in_force = item.get("in_force") or {}
        print(f"{item.get('police_incident_ref') or item.get('case_id')}: "
              f"{item.get('field_label') or item.get('field')} (in force until resolved: "
              f"{in_force.get('label', '?')}; conflict {item.get('conflict_id')})")
        for number, value in enumerate(item.get("values", [])):
            print(f"  [{number}] {value.get('label')} from {value.get('by') or '?'} "
                  f"(device {value.get('device_id') or '?'}) at {value.get('at')}")
    if found:
        print(f"{len(found)} open conflict{'s' if len(found) != 1 else ''}. They are resolved on "
              "the IDVA's or a coordinator's laptop ('fieldapp conflicts resolve').")
    for item in held:
        print(f"Quarantined: {item['ops']} change(s) from device {item['device_id']}"
              + (f" ({item['label']})" if item.get("label") else "")
              + f", stamped {_when(item['stamped_from'])} to {_when(item['stamped_to'])}: more than "
              "5 minutes ahead of the hub's clock, kept and not applied. Have the laptop's clock "
              "set right; its later changes apply as usual.")
    return OK


def cmd_status(args: argparse.Namespace) -> int:
    status = _service("status", "status")
    with opened_hub(args) as hub:
        report = status.status(hub.database, data_dir=hub.data_dir)
    if args.json:
        _print_json(report)
        return OK
    _print_mapping(report)
    return OK


def _out_file(text: str, what: str) -> Path:
    out = Path(text)
    if not out.parent.is_dir():
        raise UsageError(f"the folder {out.parent} does not exist; choose where the {what} "
                         "should go")
    return out


def cmd_tracker_export(args: argparse.Namespace) -> int:
    outputs = _service("outputs", "export_tracker")
    out = _out_file(args.out, "export")
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError("give --format csv or xlsx, or a file name ending .csv or .xlsx")
    with opened_hub(args) as hub:
        result = outputs.export_tracker(hub.database, hub.keys, out=out, fmt=fmt,
                                        recipient=args.recipient, purpose=args.purpose,
                                        actor=_operator(args))
    count = result if isinstance(result, int) else getattr(result, "rows", None)
    rows = f"{count} rows" if count is not None else "the tracker"
    print(f"Exported {rows} to {out} ({fmt.upper()}, OFFICIAL-SENSITIVE). The export is recorded "
          "in the hub's audit log.")
    return OK


def cmd_report_kpi(args: argparse.Namespace) -> int:
    if not args.out and not args.json:
        raise UsageError("give --out FILE.pdf (or FILE.xlsx), --json, or both")
    out = _out_file(args.out, "report") if args.out else None
    kind = out.suffix.lower() if out is not None else ""
    if out is not None and kind not in (".pdf", ".xlsx"):
        raise UsageError("the report is a PDF or a spreadsheet: give a file name ending .pdf "
                         "or .xlsx")
    writer = {".pdf": "kpi_pdf", ".xlsx": "kpi_xlsx"}.get(kind)
    outputs = _service("outputs", *(["kpi_json"] if args.json else []), *([writer] if writer else []))
    filters = {"date_from": args.date_from, "date_to": args.date_to, "bcu": args.bcu}
    with opened_hub(args) as hub:
        if args.json:
            _print_json(outputs.kpi_json(hub.database, hub.keys, **filters))
        if out is not None:
            getattr(outputs, writer)(hub.database, hub.keys, out=out, recipient=args.recipient,
                                     purpose=args.purpose, actor=_operator(args), **filters)
    if out is not None:
        print(f"KPI report written to {out} (recorded in the hub's audit log).",
              file=sys.stderr if args.json else sys.stdout)
    return OK


def cmd_cert_show(args: argparse.Namespace) -> int:
    from sync.hub import tls

    folder = data_dir(args.data)
    config = load_config(folder)
    info = tls.server_certificate_info(config, folder)
    fingerprint = tls.ca_fingerprint(folder, config)
    document = {"names": info.names, "not_before": info.not_before.isoformat(),
                "not_after": info.not_after.isoformat(), "days_left": info.days_left(),
                "server_fingerprint": info.fingerprint, "ca_fingerprint": fingerprint}
    if args.json:
        _print_json(document)
        return OK
    print(f"Server certificate for {', '.join(info.names)}")
    print(f"Valid {info.not_before:%Y-%m-%d} to {info.not_after:%Y-%m-%d} "
          f"({info.days_left()} days left)")
    print(f"Station CA fingerprint (SHA-256): {fingerprint}")
    return OK


def cmd_cert_renew(args: argparse.Namespace) -> int:
    from sync.hub import config as hub_config
    from sync.hub import tls

    folder = data_dir(args.data)
    config = load_config(folder)
    names = None
    if args.name:
        try:
            names = tls.normalise_names(args.name)
        except ValueError as exc:
            raise UsageError(f"--name: {exc}") from None
    days = tls.SERVER_DAYS if args.days is None else args.days
    if not 1 <= days <= 825:
        raise UsageError("--days is from 1 to 825")
    info = tls.renew_server_certificate(config, folder, names, days=days)
    if names is not None and names != config.names:
        hub_config.save(folder, config.model_copy(update={"names": names}))
    log.info("server certificate renewed", extra={"days_left": info.days_left()})
    print(f"New server certificate for {', '.join(info.names)}, valid until "
          f"{info.not_after:%Y-%m-%d}. Restart '{APP} serve' to use it; laptops need nothing "
          "(they trust the station CA, which is unchanged).")
    return OK


def cmd_audit_verify(args: argparse.Namespace) -> int:
    audit = _service("audit", "verify")
    with opened_hub(args) as hub:
        intact = audit.verify(hub.database)
    if not intact:
        raise IntegrityError("the hub's audit log is broken: a row was edited, removed or "
                             "reordered")
    print("The hub's audit log is intact.")
    return OK


# ---- failures ----------------------------------------------------------------------------------

def _database_error(exc: Exception, database: Any = None) -> CliError:
    """A database failure as a message without SQL, parameters or passwords."""
    from sqlalchemy import exc as sa_exc

    backend = getattr(database, "backend", None)
    orig = getattr(exc, "orig", None)
    kind = type(orig).__name__ if orig is not None else type(exc).__name__
    text = str(orig or "").lower()
    if backend == "postgresql" and isinstance(exc, sa_exc.OperationalError) and (
            "connect" in text or "connection" in text or "server" in text):
        where = ""
        url = getattr(database, "url", None)
        if url is not None:
            where = f" at {url.host or 'localhost'}:{url.port or 5432}"
        return NetworkError(f"the hub's PostgreSQL database{where} could not be reached "
                            f"({kind}); check it is running and the URL, then run the command "
                            "again (nothing was changed)")
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return IntegrityError(f"the hub's database is damaged ({kind}); restore it from the "
                              "backup")
    if "locked" in text or "busy" in text:
        return CliError("the hub's database is busy; run the command again")
    return CliError(f"the hub's database refused the command ({kind}); run again with --debug "
                    "for details")


def _map_exception(exc: BaseException) -> tuple[int, str] | None:
    from sqlalchemy.exc import SQLAlchemyError

    from sync.hub import serve, tls

    try:
        from sync.hub.service.errors import Refused
    except ModuleNotFoundError:  # pragma: no cover - the service layer is part of the hub
        Refused = ()  # noqa: N806

    if isinstance(exc, CliError):
        return exc.status, str(exc)
    if Refused and isinstance(exc, Refused):
        return REFUSED, exc.message
    if isinstance(exc, serve.ServeRefused):
        return (USAGE if exc.usage else REFUSED), str(exc)
    if isinstance(exc, tls.TlsError):
        return INTEGRITY, str(exc)
    if isinstance(exc, SQLAlchemyError):
        error = _database_error(exc)
        return error.status, str(error)
    if isinstance(exc, PermissionError):
        return REFUSED, f"permission denied: {exc.filename or 'a file in the data folder'}"
    return None


def _setup_logging(args: argparse.Namespace) -> None:
    from sync.hub import logs

    folder = data_dir(getattr(args, "data", None))
    logs.setup(folder if folder.is_dir() else None, debug=bool(getattr(args, "debug", False)))


def main(argv: list[str] | None = None) -> int:
    from fieldapp.log import harden_process

    harden_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help(sys.stderr)
        return USAGE
    try:
        _setup_logging(args)
        status = args.func(args)
        return OK if status is None else int(status)
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        with contextlib.suppress(Exception):
            sys.stderr.close()
        return OK
    except KeyboardInterrupt:
        print(f"{APP}: interrupted", file=sys.stderr)
        return REFUSED
    except Exception as exc:
        mapped = _map_exception(exc)
        if mapped is not None:
            status, message = mapped
            log.info("command refused", extra={"command": args.command, "status": status})
            if args.debug:
                traceback.print_exc()
            print(f"{APP}: {message}", file=sys.stderr)
            return status
        if args.debug:
            raise
        log.exception("command failed", extra={"command": args.command})
        print(f"{APP}: unexpected {type(exc).__name__}; run again with --debug for details "
              "(the trace may show case data: do not share it outside the service)",
              file=sys.stderr)
        return REFUSED


if __name__ == "__main__":
    sys.exit(main())
