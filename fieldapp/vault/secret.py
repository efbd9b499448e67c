"""Best-effort erasure of key material held in mutable buffers.

Python cannot promise that no copy of a secret survives (``bytes`` and ``str`` are immutable and
the allocator may have moved things), so keys and passphrases are kept in ``bytearray`` objects
and overwritten in place as soon as they are no longer needed. This narrows the window in which
a memory dump of a locked laptop would show the key; OS full-disk encryption covers swap.
"""

from __future__ import annotations

import ctypes

__all__ = ["wipe"]


def wipe(buf: bytearray | None) -> None:
    """Overwrite ``buf`` with zeros in place (``memset``), leaving its length unchanged."""
    if not buf:
        return
    size = len(buf)
    view = (ctypes.c_char * size).from_buffer(buf)
    ctypes.memset(view, 0, size)
    del view  # release the buffer export so the bytearray can be resized or freed again
