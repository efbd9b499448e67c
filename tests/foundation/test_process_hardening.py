"""T29: a running fieldapp process cannot dump core and creates only private files.

The real ``fieldapp`` entry point is started twice, headless and as the desktop app, and each is
looked at from outside while it waits for a person: the CLI at its passphrase prompt (on a
pseudo-terminal), the GUI at its painted unlock window (offscreen). The core-file limit and the
umask are read from ``/proc/<pid>/limits`` and ``/proc/<pid>/status``; the dumpable flag, which
``/proc`` does not show to a root parent, is reported by a thread inside the child
(``_hardened_child.py``), and also checked from outside when the test is not running as root.

A control child started the same way but without fieldapp shows what the test would see if the
hardening were missing: a core limit above zero, umask 022, dumpable.
"""

from __future__ import annotations

import os
import re
import resource
import select
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from fieldapp.vault import Vault

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="prctl and /proc/<pid> are Linux")

CHILD = Path(__file__).with_name("_hardened_child.py")
PASSPHRASE = b"correct horse battery staple"
START_UMASK = 0o022
CONTROL = """
import ctypes, os, sys, time
request, reply = (int(fd) for fd in os.environ["HARDENING_REPORT_FDS"].split(","))
os.read(request, 1)
os.write(reply, f"dumpable={ctypes.CDLL(None).prctl(3, 0, 0, 0, 0)}\\n".encode())
time.sleep(120)
"""


def _allow_core_dumps() -> None:
    """In the child before exec: raise the soft core limit to the hard one, so that a zero seen
    later is the app's doing and not the test machine's default."""
    _, hard = resource.getrlimit(resource.RLIMIT_CORE)
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


def _wait_for(condition: Callable[[], bool], proc: subprocess.Popen, what: str,
              log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the child exited ({proc.returncode}) before {what}: "
                        f"{log.read_text(errors='replace')[-2000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.05)


def _observe(argv: list[str], tmp_path: Path, *, env: dict[str, str], stdin: int | None,
             ready: Callable[[str], bool], wait_for_module: str = "") -> dict[str, object]:
    """Start ``argv``, wait until ``ready(stderr so far)``, then read the hardening state."""
    request_r, request_w = os.pipe()
    reply_r, reply_w = os.pipe()
    log = tmp_path / f"child-{len(list(tmp_path.glob('child-*')))}.log"
    env = {**env, "HARDENING_REPORT_FDS": f"{request_r},{reply_w}",
           "WAIT_FOR_MODULE": wait_for_module, "PYTHONPATH": os.pathsep.join(sys.path)}
    for name in ("FIELDAPP_PASSPHRASE", "FIELDAPP_NEW_PASSPHRASE"):
        env.pop(name, None)
    with log.open("wb") as err:
        proc = subprocess.Popen(argv, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                                stdout=err, stderr=err, env=env, pass_fds=(request_r, reply_w),
                                umask=START_UMASK, preexec_fn=_allow_core_dumps,
                                start_new_session=True)
    os.close(request_r)
    os.close(reply_w)
    try:
        _wait_for(lambda: ready(log.read_text(errors="replace")), proc, "the waiting state", log)
        os.write(request_w, b"?")
        readable, _, _ = select.select([reply_r], [], [], 90)
        if not readable:
            pytest.fail(f"the child did not report: {log.read_text(errors='replace')[-2000:]}")
        reply = os.read(reply_r, 100).decode()
        assert proc.poll() is None, "the child must still be running while it is inspected"
        limits = Path(f"/proc/{proc.pid}/limits").read_text()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        owner = os.stat(f"/proc/{proc.pid}/status").st_uid
    finally:
        proc.kill()
        proc.wait(timeout=30)
        os.close(request_w)
        os.close(reply_r)
    core = re.search(r"^Max core file size\s+(\S+)\s+(\S+)", limits, re.MULTILINE)
    umask = re.search(r"^Umask:\s+([0-7]+)$", status, re.MULTILINE)
    assert core and umask, (limits, status)
    dumpable = re.fullmatch(r"dumpable=(-?\d+)\n", reply)
    assert dumpable, reply
    return {"core": (core.group(1), core.group(2)), "umask": int(umask.group(1), 8),
            "dumpable": int(dumpable.group(1)), "proc_owner": owner}


def _assert_hardened(seen: dict[str, object]) -> None:
    assert seen["core"] == ("0", "0"), seen  # soft and hard: it cannot be raised again
    assert seen["umask"] == 0o077, seen
    assert seen["dumpable"] == 0, seen
    if os.geteuid() != 0:  # a non-dumpable process's /proc entries belong to root
        assert seen["proc_owner"] == 0, seen


@pytest.fixture
def control(tmp_path: Path) -> dict[str, object]:
    seen = _observe([sys.executable, "-c", CONTROL], tmp_path, env=dict(os.environ), stdin=None,
                    ready=lambda _: True)
    assert seen["umask"] == START_UMASK and seen["dumpable"] == 1, seen
    if seen["core"] == ("0", "0"):
        pytest.skip("this machine's hard core-file limit is 0: a missing RLIMIT_CORE would not show")
    return seen


def test_cli_waiting_at_its_passphrase_prompt_is_hardened(tmp_path: Path, control) -> None:
    primary, secondary = os.openpty()  # getpass prompts only on a terminal
    try:
        seen = _observe([sys.executable, str(CHILD), "--vault", str(tmp_path / "new-vault"),
                         "init", "--user", "jo.idva", "--role", "idva"], tmp_path,
                        env=dict(os.environ), stdin=secondary,
                        ready=lambda err: "New passphrase:" in err)
    finally:
        os.close(secondary)
        os.close(primary)
    _assert_hardened(seen)
    assert not (tmp_path / "new-vault").exists()  # it really was still at the prompt


def test_gui_at_its_unlock_window_is_hardened(tmp_path: Path, control) -> None:
    folder = tmp_path / "vault"
    Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="jo.idva", role="idva").lock()
    # The unlock window starts warming up the main window's modules once it is first painted.
    seen = _observe([sys.executable, str(CHILD), "--vault", str(folder)], tmp_path,
                    env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, stdin=None,
                    ready=lambda _: True, wait_for_module="fieldapp.ui.main_window")
    _assert_hardened(seen)
    assert (folder / "logs" / "fieldapp.log").exists()  # the real start path ran
