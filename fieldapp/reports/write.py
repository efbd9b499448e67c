"""Writing a finished PDF to the place the user chose, atomically.

Why atomic: a half-written PDF of a case is worse than none (it may open, look complete and be
missing the last pages), and a crash must never leave a stray copy beside it. So the bytes go
to a temporary file in the same folder (same filesystem, so the rename is atomic), readable by
the owner only, flushed to disk, then renamed over the target. The PDF itself was built in
memory; encryption, when wanted, was applied while building (``encrypt=`` on each renderer).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FILE_MODE = 0o600


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_pdf(data: bytes, path: Path) -> Path:
    """Write ``data`` to ``path`` atomically with mode 0600 and return the resolved path.

    The folder must exist (the user picked it in a save dialog). On any failure the target is
    left as it was and the temporary file is removed.
    """
    if not data.startswith(b"%PDF-"):
        raise ValueError("refusing to write: the data is not a PDF")
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), FILE_MODE)  # mkstemp uses 0600 already; be explicit
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    _fsync_dir(folder)
    return target.resolve()
