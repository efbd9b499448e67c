"""Callbacks that run when the vault locks, before the data key is wiped.

The store registers its ``close`` (``engine.dispose``) here each time it opens after an unlock,
so entries are one-shot by default: otherwise every lock/unlock cycle would leave one more
stale store to close. UI clean-up that must run on every lock registers ``persistent=True``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

__all__ = ["LockHooks"]

log = logging.getLogger(__name__)

Callback = Callable[[], object]


class LockHooks:
    """An ordered set of callbacks; not thread-safe on its own (the vault holds its mutex)."""

    def __init__(self) -> None:
        self._entries: list[tuple[Callback, bool]] = []

    def add(self, callback: Callback, *, persistent: bool = False) -> None:
        """Register ``callback``; registering the same callable again has no extra effect."""
        if all(cb is not callback for cb, _ in self._entries):
            self._entries.append((callback, persistent))

    def remove(self, callback: Callback) -> None:
        self._entries = [(cb, keep) for cb, keep in self._entries if cb is not callback]

    def run(self) -> None:
        """Run every callback in order, drop the one-shot ones, and never raise.

        Locking must always finish with the key wiped, so a failure is logged (its type only:
        exception messages can carry personal data) and the next callback still runs.
        """
        entries, self._entries = self._entries, [e for e in self._entries if e[1]]
        for callback, _ in entries:
            try:
                callback()
            except Exception as exc:
                log.error("an on-lock callback failed: %s", type(exc).__name__)
