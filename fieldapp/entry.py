"""Console entry point: the desktop app with no arguments, headless commands otherwise.

Kept outside fieldapp.cli so that the CLI package never imports Qt.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args == ["--self-test"]:  # an installed copy checks itself (installer/README.md)
        from fieldapp.selftest import main as self_test

        return self_test()
    if not args or args[0] in ("--vault",) and len(args) == 2:
        from fieldapp.ui.app import run_app

        return run_app(args)
    from fieldapp.cli.main import main as cli_main

    return cli_main(args)
