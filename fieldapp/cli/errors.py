"""Exit statuses of spec/cli.md and the exceptions that map to them."""

from __future__ import annotations

OK, REFUSED, USAGE, LOCKED, INTEGRITY = 0, 1, 2, 3, 4


class CliError(Exception):
    status = REFUSED


class UsageError(CliError):
    status = USAGE


class LockedError(CliError):
    status = LOCKED


class IntegrityError(CliError):
    status = INTEGRITY
