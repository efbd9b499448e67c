"""``fieldapp-hub``: the station hub's commands (spec/cli.md)."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("fieldapp-hub: the station hub is not built yet; laptops work offline and can "
          "export the tracker with 'fieldapp tracker export'.", file=sys.stderr)
    return 1
