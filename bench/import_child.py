"""Child for the crash-during-import check: imports a tracker file and reports each commit.

    python -m bench.import_child VAULT_DIR CSV_FILE [BATCH_ROWS]

Prints "READY" once the vault is open, "COMMITTED <line>" each time a batch has been committed
(every row up to that physical line is saved), then "DONE <summary>". The parent kills it with
SIGKILL at a random moment.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.common import open_vault


def main() -> None:
    from fieldapp.services import tracker_import

    if len(sys.argv) > 3:
        tracker_import.BATCH_ROWS = int(sys.argv[3])
    vault, store = open_vault(Path(sys.argv[1]))
    print("READY", flush=True)
    with store.uow() as uow:
        report = tracker_import.import_tracker(
            uow=uow, path=Path(sys.argv[2]),
            progress=lambda line: print(f"COMMITTED {line}", flush=True))
    print(f"DONE {report.summary()}", flush=True)
    vault.lock()


if __name__ == "__main__":
    main()
