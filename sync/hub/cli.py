"""``fieldapp-hub``: the station hub's commands (spec/cli.md). Being built."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("fieldapp-hub: not built yet", file=sys.stderr)
    return 1
