"""Work around a reference-count bug of PySide6 6.12's stable-ABI wheels on Python 3.11.

The ``cp310-abi3`` build returns ``None`` from every void method (``setWindowTitle``, ``hide``,
``processEvents`` ...) without taking a reference. Python 3.12 made ``None`` immortal, so there
it is harmless; on 3.11 each call takes one reference away, and after a few thousand calls the
interpreter aborts with "none_dealloc: deallocating None". Measured here: one reference lost per
call of ``QWidget.hide``; a short UI test run crashes.

The fix does what Python 3.12 does (PEP 683): give ``None`` a reference count so large it can
never reach zero. Only on Python < 3.12, once per process, before any Qt call. Remove it when
the venv moves to Python 3.12 or PySide6 fixes the wheel. The project pins PySide6 < 6.12, so
this only guards an environment where someone upgraded it by hand.
"""

from __future__ import annotations

import sys

_BALLAST = 1 << 40  # a trillion calls before it could matter
_applied = False


def _affected() -> bool:
    """Only the 6.12 wheels on Python < 3.12 lose references (pyproject pins < 6.12 for that)."""
    if sys.version_info >= (3, 12):
        return False
    # The package's own version, not importlib.metadata's (~50 ms to import, on the start path).
    # Importing the PySide6 package makes no Qt call; every Qt module loads it first anyway.
    import PySide6

    try:
        major, minor = (int(part) for part in PySide6.__version_info__[:2])
    except (AttributeError, TypeError, ValueError):
        return True
    return (major, minor) >= (6, 12)


def keep_none_alive() -> None:
    global _applied
    if _applied or not _affected():
        return
    import ctypes

    ctypes.c_ssize_t.from_address(id(None)).value += _BALLAST
    _applied = True


keep_none_alive()
