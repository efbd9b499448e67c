"""Passphrases for headless commands: a file, the environment, or a terminal prompt.

Never an argument value: it would show in the process list and the shell history.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from fieldapp.cli.errors import UsageError


def _from_text(text: str) -> bytearray:
    return bytearray(text.rstrip("\r\n").encode("utf-8"))


def read_passphrase(passphrase_file: str | None, *, prompt: str = "Passphrase: ",
                    confirm: bool = False, env: str = "FIELDAPP_PASSPHRASE") -> bytearray:
    if passphrase_file:
        try:
            return _from_text(Path(passphrase_file).read_text(encoding="utf-8").splitlines()[0])
        except (OSError, IndexError, UnicodeDecodeError):
            raise UsageError("could not read a passphrase from the --passphrase-file given") from None
    if os.environ.get(env):
        return _from_text(os.environ[env])
    if not sys.stdin.isatty():
        raise UsageError(
            f"no passphrase: use --passphrase-file FILE or set {env}, or run on a terminal"
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again, to confirm: ") != first:
        raise UsageError("the two passphrases did not match; nothing was changed")
    return _from_text(first)
