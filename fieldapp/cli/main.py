"""``fieldapp <command>``: argument parsing and the mapping of failures to exit statuses."""

from __future__ import annotations

import argparse
import logging
import sys

from fieldapp import __version__, log, paths
from fieldapp.cli import errors, vault_cmds
from fieldapp.domain.errors import UserFacingError
from fieldapp.log import harden_process

COMMAND_MODULES = [vault_cmds]
for _name in ("tracker_cmds", "report_cmds", "sync_cmds"):
    try:
        COMMAND_MODULES.append(__import__(f"fieldapp.cli.{_name}", fromlist=["register"]))
    except ModuleNotFoundError as exc:  # a command group not built yet
        if exc.name != f"fieldapp.cli.{_name}":
            raise


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own exit would be status 2 too
        self.print_usage(sys.stderr)
        self.exit(errors.USAGE, f"fieldapp: {message}\n")


def _common(default: object) -> argparse.ArgumentParser:
    # Sub-commands repeat these options so they work before or after the command name; there
    # the default is SUPPRESS so a sub-parser never overwrites a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--vault", metavar="DIR", default=default, help="vault folder (default: "
                        "$FIELDAPP_VAULT or the platform's user data folder)")
    common.add_argument("--passphrase-file", metavar="FILE", default=default,
                        help="read the passphrase from the first line of FILE")
    common.add_argument("--debug", action="store_true", default=default if default is not None else False,
                        help="show tracebacks")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="fieldapp", description="Operation Provide field recorder. "
                     "With no command, starts the desktop app.", parents=[_common(None)])
    parser.add_argument("--version", action="version", version=f"fieldapp {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    shared = _common(argparse.SUPPRESS)
    for module in COMMAND_MODULES:
        module.register(sub, shared)
    return parser


def _setup_logging(args: argparse.Namespace) -> None:
    """Log beside the vault when there is one; never to the terminal (no tracebacks there)."""
    folder = paths.vault_dir(getattr(args, "vault", None))
    if folder.is_dir():
        log.setup(paths.log_dir(folder), debug=bool(getattr(args, "debug", False)))
    else:
        logging.getLogger().addHandler(logging.NullHandler())
        logging.lastResort = None


def main(argv: list[str] | None = None) -> int:
    harden_process()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        # Only options and no command (``fieldapp --debug``): what there is to run, on stdout.
        # A command group without its action (``fieldapp audit``) is a usage error.
        if getattr(args, "command", None) is None:
            parser.print_help(sys.stdout)
            return errors.OK
        parser.print_help(sys.stderr)
        return errors.USAGE
    _setup_logging(args)
    try:
        status = args.func(args)
        return errors.OK if status is None else int(status)
    except errors.CliError as exc:
        print(f"fieldapp: {exc}", file=sys.stderr)
        return exc.status
    except UserFacingError as exc:
        print(f"fieldapp: {exc}", file=sys.stderr)
        return errors.REFUSED
    except BrokenPipeError:  # e.g. piped into `head`: the reader left, nothing to report
        sys.stderr.close()
        return errors.OK
    except KeyboardInterrupt:
        print("fieldapp: interrupted; nothing partial was saved", file=sys.stderr)
        return errors.REFUSED
    except Exception as exc:
        if args.debug:
            raise
        logging.getLogger(__name__).exception("command failed")
        print(f"fieldapp: unexpected {type(exc).__name__}; run again with --debug for details "
              "(the trace may show case data: do not share it outside the service)", file=sys.stderr)
        return errors.REFUSED
