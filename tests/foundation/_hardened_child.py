"""Child for the process-hardening test: the real console entry point, plus a reporter thread.

Run as: python _hardened_child.py [fieldapp arguments ...]

``fieldapp.entry.main`` gets the arguments as the ``fieldapp`` command would, and does all of the
hardening itself: nothing here touches the core limit, the umask or the dumpable flag. The
thread only answers one question the parent cannot see from outside when it runs as root: once
a byte arrives on the request pipe (and, if ``WAIT_FOR_MODULE`` is set, once that module has
been imported), it writes ``dumpable=<PR_GET_DUMPABLE>`` on the reply pipe.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time

PR_GET_DUMPABLE = 3


def _report(request_fd: int, reply_fd: int, wait_for: str) -> None:
    os.read(request_fd, 1)
    while wait_for and wait_for not in sys.modules:
        time.sleep(0.02)
    dumpable = ctypes.CDLL(None).prctl(PR_GET_DUMPABLE, 0, 0, 0, 0)
    os.write(reply_fd, f"dumpable={dumpable}\n".encode())


def main() -> None:
    request_fd, reply_fd = (int(fd) for fd in os.environ.pop("HARDENING_REPORT_FDS").split(","))
    wait_for = os.environ.pop("WAIT_FOR_MODULE", "")
    threading.Thread(target=_report, args=(request_fd, reply_fd, wait_for), daemon=True).start()
    from fieldapp.entry import main as entry_main

    sys.exit(entry_main(sys.argv[1:]))


if __name__ == "__main__":
    main()
