"""The vault: one folder holding the SQLCipher database and the key slots that open it.

Envelope encryption (research/sync_crypto.md sections 2 and 4): a random 32-byte data key (DEK)
keys SQLCipher as a raw key; the DEK is stored only wrapped, under Argon2id(passphrase) and,
optionally, sealed to the organisation's recovery key. Unlocking unwraps the DEK into a
``bytearray``; locking runs the registered callbacks (the store disposes its engine), then
overwrites that buffer. Changing the passphrase re-wraps the DEK and never touches the database.
"""

from __future__ import annotations

import copy
import logging
import os
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fieldapp.vault import backoff as _backoff
from fieldapp.vault import binding as _binding
from fieldapp.vault.atomic import atomic_write, ensure_private_dir
from fieldapp.vault.backoff import Backoff
from fieldapp.vault.errors import (
    BackoffActive,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultTampered,
    WeakPassphrase,
    WrongPassphrase,
)
from fieldapp.vault.kdf import KEY_LEN, KdfParams, creation_cost
from fieldapp.vault.lockhooks import LockHooks
from fieldapp.vault.policy import passphrase_problem
from fieldapp.vault.secret import wipe
from fieldapp.vault.slots import (
    FORMAT,
    PASSPHRASE,
    RECOVERY,
    dump,
    make_passphrase_slot,
    new_document,
    read_file,
    try_passphrase_slot,
)

# fieldapp.vault.recovery (HPKE, X25519) and, through slots and kdf, ``cryptography`` itself are
# imported only where a key is derived or sealed, and what only creating a vault needs (uuid,
# datetime, the roles) only in create: Vault.open reads the slot file's JSON and runs before the
# unlock window shows, where every import delays the first paint.

__all__ = ["Vault", "VaultInfo"]

log = logging.getLogger(__name__)

DEFAULT_KDF_TARGET = (0.5, 1.0)


@dataclass(frozen=True)
class VaultInfo:
    """What can be shown before unlock. Unauthenticated: a display hint, not an identity.

    No user name: the key slot file names no person (the store keeps the name inside the
    encrypted database)."""

    role: str
    db_uuid: str
    created_at: str
    has_recovery_slot: bool
    format_version: int


def _wipe_box(box: list[bytearray | None]) -> None:
    wipe(box[0])
    box[0] = None


class Vault:
    """Key slots and the in-memory data key of one local database. Thread-safe."""

    DB_NAME = "fieldapp.db"
    SLOTS_NAME = "keyslots.json"

    def __init__(self, folder: Path, doc: dict[str, Any]) -> None:
        """Use :meth:`create` or :meth:`open`; this only wires up state."""
        self.folder = Path(folder)
        self.db_path = self.folder / self.DB_NAME
        self._doc = doc
        self._mutex = threading.RLock()
        # The DEK lives in box[0]; the finaliser wipes it if the vault is dropped while unlocked
        # (and at interpreter exit), without keeping the vault itself alive.
        self._key_box: list[bytearray | None] = [None]
        weakref.finalize(self, _wipe_box, self._key_box)
        self._epoch = 0  # bumped by lock(); an unlock that raced a lock discards its key
        self._memory_backoff = Backoff()
        self._hooks = LockHooks()
        self._kdf_target = DEFAULT_KDF_TARGET
        self._new_owner: str | None = None  # see new_owner

    # ----------------------------------------------------------------- construction
    @classmethod
    def create(
        cls,
        folder: Path,
        *,
        passphrase: bytearray,
        user: str,
        role: str,
        recovery_public_pem: bytes | None = None,
        kdf_target_seconds: tuple[float, float] = DEFAULT_KDF_TARGET,
    ) -> Vault:
        """Make a new vault in ``folder`` (created 0700) and return it unlocked.

        Refuses a weak passphrase (:class:`WeakPassphrase`), an unknown role, and any folder that
        already holds a slot file or a database (:class:`VaultExists`): a database without its
        slots is unreadable, and a new key would not open it.
        """
        import uuid
        from datetime import UTC, datetime

        from fieldapp.domain.enums import Role
        from fieldapp.vault.recovery import load_public_key, make_recovery_slot

        folder = Path(folder)
        problem = passphrase_problem(passphrase)
        if problem:
            raise WeakPassphrase(problem)
        if not user.strip():
            raise VaultError("A user name is required.")
        try:
            role_code = Role(role).value
        except ValueError:
            raise VaultError("Unknown role.") from None
        public_key = load_public_key(recovery_public_pem) if recovery_public_pem else None
        slots_path = folder / cls.SLOTS_NAME
        if slots_path.exists():
            raise VaultExists("A vault already exists in this folder.")
        if (folder / cls.DB_NAME).exists():
            raise VaultExists("This folder already holds a database without key slots.")
        ensure_private_dir(folder)
        cost = creation_cost(target_seconds=kdf_target_seconds)
        db_uuid = str(uuid.uuid4())
        created_at = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        doc = new_document(db_uuid=db_uuid, role=role_code, created_at=created_at)
        dek = bytearray(os.urandom(KEY_LEN))
        try:
            doc["slots"].append(
                make_passphrase_slot(
                    dek=dek,
                    passphrase=passphrase,
                    params=KdfParams.new(cost),
                    fmt=FORMAT,
                    db_uuid=db_uuid,
                )
            )
            if public_key is not None:
                doc["slots"].append(
                    make_recovery_slot(dek=dek, public_key=public_key, fmt=FORMAT, db_uuid=db_uuid)
                )
            try:
                atomic_write(slots_path, dump(doc), exclusive=True)
            except FileExistsError:
                raise VaultExists("A vault already exists in this folder.") from None
        except BaseException:
            wipe(dek)
            raise
        vault = cls(folder, doc)
        vault._kdf_target = kdf_target_seconds
        vault._new_owner = user.strip()
        vault._key_box[0] = dek
        log.info("vault created (format %d, recovery slot: %s)", FORMAT, public_key is not None)
        return vault

    @classmethod
    def open(cls, folder: Path) -> Vault:
        """Read the slot file of ``folder`` and return the vault, locked."""
        folder = Path(folder)
        return cls(folder, cls._read_document(folder))

    @staticmethod
    def exists(folder: Path) -> bool:
        """True when ``folder`` holds a slot file (it may still be damaged)."""
        return (Path(folder) / Vault.SLOTS_NAME).is_file()

    @classmethod
    def _read_document(cls, folder: Path) -> dict[str, Any]:
        return read_file(folder / cls.SLOTS_NAME)

    def _reread(self) -> dict[str, Any]:
        """The slot file as it is now on disk (the source of truth), checked to be ours."""
        doc = self._read_document(self.folder)
        if doc["db_uuid"] != self._doc["db_uuid"]:
            raise VaultTampered("The key slot file now belongs to a different database.")
        self._doc = doc
        return doc

    def _write(self, doc: dict[str, Any]) -> None:
        atomic_write(self.folder / self.SLOTS_NAME, dump(doc))
        self._doc = doc

    # ----------------------------------------------------------------- state
    @property
    def new_owner(self) -> str | None:
        """The user name given to :meth:`create`, held in memory only, for the store to record
        inside the new database on its first open; ``None`` for a vault opened from disk."""
        return self._new_owner

    @property
    def info(self) -> VaultInfo:
        doc = self._doc
        return VaultInfo(
            role=doc["role"],
            db_uuid=doc["db_uuid"],
            created_at=doc["created_at"],
            has_recovery_slot=any(s["type"] == RECOVERY for s in doc["slots"]),
            format_version=doc["format"],
        )

    @property
    def is_unlocked(self) -> bool:
        return self._key_box[0] is not None

    @property
    def _dek(self) -> bytearray | None:
        """The live key buffer (tests check that lock() zeroes it in place)."""
        return self._key_box[0]

    def __repr__(self) -> str:
        return f"<Vault {'unlocked' if self.is_unlocked else 'locked'}>"

    def data_key(self) -> bytes:
        """A copy of the 32-byte DEK. ``bytes`` cannot be wiped: keep it short-lived."""
        with self._mutex:
            return bytes(self._require_key())

    def raw_key_hex(self) -> str:
        """The DEK as 64 hex digits, for SQLCipher's ``PRAGMA key = "x'...'"``."""
        with self._mutex:
            return self._require_key().hex()

    def _require_key(self) -> bytearray:
        key = self._key_box[0]
        if key is None:
            raise VaultLocked()
        return key

    # ----------------------------------------------------------------- back-off
    def _effective_backoff(self, doc: dict[str, Any]) -> Backoff:
        """The stricter of the file's record and this process's own (the file may be edited)."""
        on_disk = Backoff.from_json(doc["backoff"])
        mem = self._memory_backoff
        return on_disk if on_disk.next_allowed_at >= mem.next_allowed_at else mem

    def backoff_remaining(self) -> float:
        """Seconds until another passphrase attempt is allowed (0 if none)."""
        with self._mutex:
            try:
                doc = self._reread()
            except VaultError:
                doc = self._doc
            return self._effective_backoff(doc).remaining(_backoff.now())

    def _record_failure(self) -> float:
        with self._mutex:
            doc = copy.deepcopy(self._reread())
            state = self._effective_backoff(doc)
            state = Backoff(failures=max(state.failures, self._memory_backoff.failures))
            state = state.after_failure(_backoff.now())
            self._memory_backoff = state
            doc["backoff"] = state.to_json()
            try:
                self._write(doc)
            except OSError:  # still enforced in memory for this process
                log.warning("could not persist the passphrase back-off")
            log.info("unlock failed; back-off %.0f s", state.wait_after_failure())
            return state.wait_after_failure()

    def _reset_backoff(self, doc: dict[str, Any]) -> None:
        self._memory_backoff = Backoff()
        if doc["backoff"] != Backoff().to_json():
            doc = copy.deepcopy(doc)
            doc["backoff"] = Backoff().to_json()
            self._write(doc)

    # ----------------------------------------------------------------- unlock / lock
    def unlock(self, passphrase: bytearray) -> None:
        """Unwrap the DEK with ``passphrase`` (about 0.5-1 s: run it off the UI thread).

        Raises :class:`BackoffActive` without deriving anything while a back-off is in force,
        :class:`VaultTampered` for a slot this app could not have written or a slot file that
        belongs to another vault's database (:mod:`fieldapp.vault.binding`), and
        :class:`WrongPassphrase` (recording the failure in the slot file) otherwise.
        """
        with self._mutex:
            doc = self._reread()
            _binding.check(self.folder, doc["db_uuid"])
            wait = self._effective_backoff(doc).remaining(_backoff.now())
            if wait > 0:
                raise BackoffActive(wait)
            epoch = self._epoch
        slots = [s for s in doc["slots"] if s["type"] == PASSPHRASE]
        if not slots:
            raise VaultTampered("This vault has no passphrase slot; use the recovery key.")
        dek: bytearray | None = None
        tampered: VaultTampered | None = None
        for slot in slots:  # the KDF runs outside the mutex so lock() is never held up
            try:
                dek = try_passphrase_slot(slot, passphrase=passphrase, db_uuid=doc["db_uuid"])
            except VaultTampered as exc:
                tampered = tampered or exc
                continue
            if dek is not None:
                break
        if dek is None:
            if tampered is not None:
                log.warning("unlock refused: a passphrase slot fails its integrity checks")
                raise tampered
            raise WrongPassphrase(self._record_failure())
        self._accept_key(dek, epoch)
        log.info("vault unlocked with a passphrase slot")

    def unlock_with_recovery(self, private_key_pem: bytes, key_password: bytes | None) -> None:
        """Unwrap the DEK with the organisation's recovery private key (station use only).

        Follow with :meth:`change_passphrase` to give the person a new passphrase; that also
        repairs a tampered passphrase slot. Resets the back-off.
        """
        from fieldapp.vault.recovery import load_private_key, open_recovery_slot

        with self._mutex:
            doc = self._reread()
            epoch = self._epoch
        slot = next((s for s in doc["slots"] if s["type"] == RECOVERY), None)
        if slot is None:
            raise VaultError("This vault has no recovery slot.")
        private_key = load_private_key(private_key_pem, key_password)
        dek = open_recovery_slot(slot, private_key=private_key, db_uuid=doc["db_uuid"])
        self._accept_key(dek, epoch)
        log.info("vault unlocked with the recovery slot")

    def _accept_key(self, dek: bytearray, epoch: int) -> None:
        with self._mutex:
            if self._epoch != epoch:
                wipe(dek)
                raise VaultLocked("The vault was locked while it was being unlocked.")
            try:
                self._reset_backoff(self._doc)
            except OSError:
                log.warning("could not clear the passphrase back-off")
            old, self._key_box[0] = self._key_box[0], dek
            if old is not None and old is not dek:
                wipe(old)

    def change_passphrase(
        self,
        *,
        new_passphrase: bytearray,
        kdf_target_seconds: tuple[float, float] | None = None,
    ) -> None:
        """Replace the passphrase slot: same DEK, new salt, freshly calibrated cost.

        The database is untouched, and the recovery slot is kept. Note that a copy of the *old*
        slot file still opens the database with the old passphrase: only a DEK rotation (SQLCipher
        ``rekey``) defeats that.
        """
        problem = passphrase_problem(new_passphrase)
        if problem:
            raise WeakPassphrase(problem)
        with self._mutex:  # calibrate and derive outside the mutex: lock() must stay instant
            dek = bytearray(self._require_key())
            epoch, before = self._epoch, self._reread()
        try:
            cost = creation_cost(target_seconds=kdf_target_seconds or self._kdf_target)
            slot = make_passphrase_slot(
                dek=dek,
                passphrase=new_passphrase,
                params=KdfParams.new(cost),
                fmt=FORMAT,
                db_uuid=before["db_uuid"],
            )
        finally:
            wipe(dek)
        with self._mutex:
            if self._epoch != epoch:
                raise VaultLocked("The vault was locked before the new passphrase was saved.")
            doc = copy.deepcopy(self._reread())
            doc["slots"] = [slot] + [s for s in doc["slots"] if s["type"] != PASSPHRASE]
            doc["backoff"] = Backoff().to_json()
            self._write(doc)
            self._memory_backoff = Backoff()
        log.info("passphrase slot replaced")

    def add_on_lock(self, callback: Callable[[], object], *, persistent: bool = False) -> None:
        """Run ``callback`` at the start of the next :meth:`lock`, before the key is wiped.

        One-shot by default (the store re-registers on every open); ``persistent=True`` keeps
        it for every lock. See :mod:`fieldapp.vault.lockhooks`.
        """
        with self._mutex:
            self._hooks.add(callback, persistent=persistent)

    def remove_on_lock(self, callback: Callable[[], object]) -> None:
        """Forget a callback registered with :meth:`add_on_lock` (no error if absent)."""
        with self._mutex:
            self._hooks.remove(callback)

    def lock(self) -> None:
        """Run the on-lock callbacks, then overwrite the DEK buffer and forget it.

        Always completes: a failing callback is logged and the key is wiped regardless.
        """
        with self._mutex:
            self._epoch += 1
            self._hooks.run()
            _wipe_box(self._key_box)
