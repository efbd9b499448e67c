"""Logs carry identifiers and counts only: a marker put into an exception's text, into ``extra``
fields off the allow-list and into ``%`` arguments never reaches the log file.

The logging is the app's own (``fieldapp.log.setup`` writing its real files), in a child process
so that the test session's own logging and faulthandler are left alone. The marker comes from the
environment, so no file the test writes holds it.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

_SCRIPT = r"""
import logging, os, sys
from pathlib import Path
from fieldapp import log as applog

marker = os.environ["MARKER"]
applog.setup(Path(sys.argv[1]))
log = logging.getLogger("fieldapp.services.capture")

def save(name):
    try:
        raise KeyError(f"lookup {name}")
    except KeyError as inner:
        error = ValueError(f"could not save the visit for {name}")
        error.add_note(f"victim {name}")
        raise error from inner

try:
    save(marker)
except ValueError:
    log.exception("visit save failed")
    log.exception("visit save failed for %s", marker)
    log.error("visit save failed", exc_info=True, stack_info=True)
log.error("import row refused", exc_info=RuntimeError(f"row holds {marker}"))
log.info("visit saved", extra={"case_id": "C-1A2B3C", "count": 3, "victim_name": marker,
                              "note": f"said {marker}"})
log.warning("search for %s in %s", marker, [marker])
log.warning("search for %(words)s", {"words": marker})
logging.getLogger("sqlalchemy.engine").warning("parameters %r", (marker,))
print("LOGGED", flush=True)
"""


def test_exception_text_extras_and_arguments_never_reach_the_log_file(tmp_path):
    marker = "MRK" + secrets.token_hex(8)
    folder = tmp_path / "logs"
    env = {**os.environ, "MARKER": marker, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-c", _SCRIPT, str(folder)], capture_output=True,
                          text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stdout == "LOGGED\n", done.stderr[-2000:]
    assert marker not in done.stdout + done.stderr  # nothing fell through to the terminal

    written = {path.name: path.read_bytes() for path in folder.iterdir()}
    assert set(written) == {"fieldapp.log", "crash.log"}
    leaks = [(name, line) for name, data in written.items() for line in data.splitlines()
             if marker.encode() in line]
    assert leaks == []
    lines = (folder / "fieldapp.log").read_text(encoding="utf-8").splitlines()
    # Every call was written, as its fixed message, with what may be said about it.
    expected = [
        "fieldapp.services.capture: visit save failed exception=ValueError at ",
        "fieldapp.services.capture: visit save failed for %s [arguments withheld] "
        "exception=ValueError at ",
        "fieldapp.services.capture: visit save failed exception=ValueError at ",
        "fieldapp.services.capture: import row refused exception=RuntimeError at ?",
        "fieldapp.services.capture: visit saved case_id=C-1A2B3C count=3",
        "fieldapp.services.capture: search for %s in %s [arguments withheld]",
        "fieldapp.services.capture: search for %(words)s [arguments withheld]",
        "sqlalchemy.engine: parameters %r [arguments withheld]",
    ]
    assert len(lines) == len(expected), lines
    for line, start in zip(lines, expected, strict=True):
        assert start in line, (start, line)
    assert all(" at <string>:" in line for line in lines[:3])  # the place, not the text
    text = "\n".join(lines)
    for withheld in ("victim_name", "note=", "Traceback", "lookup", "could not save", "victim ",
                     "row holds", "Stack"):
        assert withheld not in text, withheld
