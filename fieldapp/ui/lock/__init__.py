"""Locking: idle timer, clipboard guard and the neutral lock screen (sync_crypto.md section 4)."""

from fieldapp.ui.lock.clipboard import ClipboardGuard
from fieldapp.ui.lock.idle import IdleWatcher
from fieldapp.ui.lock.lock_screen import LockScreen
from fieldapp.ui.lock.os_signals import OsLockWatcher

__all__ = ["ClipboardGuard", "IdleWatcher", "LockScreen", "OsLockWatcher"]
