"""Crash-safe file writes shared by the whole app.

A reader must only ever see the old file or the new one, never a half-written one, and a file
holding key material must never exist, even for an instant, with looser permissions than asked
for. So: a temporary file in the same directory (``os.replace`` is atomic only within one file
system), permissions set before any byte is written, fsync of the data, rename, fsync of the
directory so the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write", "ensure_private_dir", "fsync_dir"]


def fsync_dir(directory: Path) -> None:
    """Flush a directory entry (a rename) to disk; a no-op where the OS has no such notion."""
    if os.name == "nt":  # Windows cannot open a directory as a file; NTFS journals the rename
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError as exc:  # some network and FUSE file systems refuse fsync on directories
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EBADF):
            raise
    finally:
        os.close(fd)


def ensure_private_dir(folder: Path) -> None:
    """Create ``folder`` (and parents) and make it 0700, so only the owner can list it."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # mkdir's mode is filtered by the umask and ignored if it existed


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600, exclusive: bool = False) -> None:
    """Replace ``path`` with ``data`` atomically and durably.

    ``exclusive=True`` refuses to replace an existing file (raises ``FileExistsError``); it uses
    a hard link so the check and the publish are one step, falling back to check-then-rename on
    file systems without hard links (FAT/exFAT USB sticks).
    """
    path = Path(path)
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        else:  # Windows: only the read-only bit is honoured, ACLs come from the folder
            os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            fd = -1  # now owned by ``handle``
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            _publish_exclusive(tmp, path)
        else:
            os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    fsync_dir(directory)


def _publish_exclusive(tmp: Path, path: Path) -> None:
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise
    except OSError:
        if path.exists():
            raise FileExistsError(errno.EEXIST, "file exists") from None
        os.replace(tmp, path)
        return
    tmp.unlink()
