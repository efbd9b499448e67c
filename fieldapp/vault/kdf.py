"""Argon2id parameters: the floor, calibration at enrolment, derivation of a slot's KEK.

The slot file sits next to the database in plaintext, so a thief with the disk can try
passphrases offline as fast as Argon2id allows; the cost parameters are the only brake. We aim
for 0.5-1.0 s per unlock on the laptop itself (research/sync_crypto.md section 2: start at
256 MiB / t=3 / p=4, raise ``t`` on fast machines, lower memory only on slow ones) and never go
below RFC 9106's second recommended option, 64 MiB / t=3 / p=4. Parameters are stored per slot,
so they can be raised later by changing the passphrase.
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from fieldapp.vault.errors import VaultTampered

__all__ = [
    "FAST_KDF_ENV",
    "FLOOR",
    "START",
    "KdfCost",
    "KdfParams",
    "calibrate",
    "creation_cost",
    "derive_kek",
    "measure_cost",
]

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

log = logging.getLogger(__name__)

ALG = "argon2id"
VERSION = 19  # Argon2 v1.3 (0x13), the only version OpenSSL implements
SALT_LEN = 16
KEY_LEN = 32

#: Tests only: skip calibration and use exactly the floor. Still the floor, never weaker.
FAST_KDF_ENV = "FIELDAPP_TEST_FAST_KDF"


@dataclass(frozen=True)
class KdfCost:
    """Argon2id cost: memory in KiB (``m``), passes (``t``) and lanes (``p``)."""

    memory_kib: int
    iterations: int
    lanes: int


FLOOR = KdfCost(memory_kib=65536, iterations=3, lanes=4)
START = KdfCost(memory_kib=262144, iterations=3, lanes=4)
# Ceilings exist so an edited slot cannot make unlock allocate all memory or spin for hours
# before the AAD check rejects it; calibration stays far below them.
MAX_MEMORY_KIB = 4 * 1024 * 1024
MAX_ITERATIONS = 64
MAX_LANES = 16
MAX_CALIBRATED_ITERATIONS = 24


@dataclass(frozen=True)
class KdfParams:
    """One slot's KDF record: cost plus its 16-byte salt."""

    cost: KdfCost
    salt: bytes

    @classmethod
    def new(cls, cost: KdfCost) -> KdfParams:
        return cls(cost=cost, salt=os.urandom(SALT_LEN))

    def to_json(self) -> dict[str, Any]:
        """The ``kdf`` object as stored and as bound into the slot's AAD."""
        return {
            "alg": ALG,
            "v": VERSION,
            "m": self.cost.memory_kib,
            "t": self.cost.iterations,
            "p": self.cost.lanes,
            "salt": base64.b64encode(self.salt).decode("ascii"),
        }

    @classmethod
    def from_json(cls, obj: object) -> KdfParams:
        """Parse and police a stored ``kdf`` object.

        Anything a genuine slot could not contain (unknown algorithm or version, cost below the
        floor or above the ceilings, a salt of the wrong size) is tampering, reported before any
        derivation is run.
        """
        if not isinstance(obj, dict) or set(obj) != {"alg", "v", "m", "t", "p", "salt"}:
            raise VaultTampered("A key slot's KDF record is malformed.")
        if obj["alg"] != ALG or obj["v"] != VERSION or isinstance(obj["v"], bool):
            raise VaultTampered("A key slot names an unknown KDF algorithm or version.")
        m, t, p = (obj[k] for k in ("m", "t", "p"))
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (m, t, p)):
            raise VaultTampered("A key slot's KDF cost is malformed.")
        if m < FLOOR.memory_kib or t < FLOOR.iterations or p < FLOOR.lanes:
            raise VaultTampered("A key slot's KDF cost is below the allowed minimum.")
        if m > MAX_MEMORY_KIB or t > MAX_ITERATIONS or p > MAX_LANES or m < 8 * p:
            raise VaultTampered("A key slot's KDF cost is outside the allowed range.")
        salt = b64decode_strict(obj["salt"], SALT_LEN, what="KDF salt")
        return cls(cost=KdfCost(memory_kib=m, iterations=t, lanes=p), salt=salt)


def b64decode_strict(value: object, length: int, *, what: str) -> bytes:
    """Decode standard base64 of exactly ``length`` bytes, or report tampering."""
    if not isinstance(value, str):
        raise VaultTampered(f"A key slot's {what} is malformed.")
    try:
        raw = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise VaultTampered(f"A key slot's {what} is malformed.") from None
    if len(raw) != length:
        raise VaultTampered(f"A key slot's {what} has the wrong length.")
    return raw


def _argon2id(cost: KdfCost, salt: bytes) -> Argon2id:
    # Imported here, not at the top: ``cryptography`` costs tens of milliseconds to import and
    # the unlock window (which only reads the slot file) must show before any of it is needed.
    from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

    return Argon2id(
        salt=salt,
        length=KEY_LEN,
        iterations=cost.iterations,
        lanes=cost.lanes,
        memory_cost=cost.memory_kib,
    )


def derive_kek(passphrase: bytearray, params: KdfParams) -> bytearray:
    """Run Argon2id straight into a fresh ``bytearray`` the caller must :func:`wipe`."""
    kek = bytearray(KEY_LEN)
    _argon2id(params.cost, params.salt).derive_into(passphrase, kek)
    return kek


def measure_cost(cost: KdfCost) -> float:
    """Seconds one derivation at ``cost`` takes here (a throw-away input and salt)."""
    kdf = _argon2id(cost, os.urandom(SALT_LEN))
    started = time.perf_counter()
    kdf.derive(b"fieldapp calibration")
    return time.perf_counter() - started


def calibrate(
    *,
    target_seconds: tuple[float, float] = (0.5, 1.0),
    measure: Callable[[KdfCost], float] | None = None,
    max_iterations: int = MAX_CALIBRATED_ITERATIONS,
    samples: int = 2,
) -> KdfCost:
    """Pick the cost whose derivation lands in ``target_seconds`` on this machine.

    Start at 256 MiB / t=3 / p=4. Too slow: halve memory, not below the 64 MiB floor (a slow
    laptop gets the floor even if that exceeds the target: never weaker). Too fast: raise ``t``,
    whose cost is close to linear, in at most four measured steps, keeping the largest ``t``
    that stayed under the upper bound. ``measure`` (default :func:`measure_cost`, looked up at
    call time) is injectable so tests need no real timing. Each step keeps the fastest of
    ``samples`` runs: a laptop busy with something else at enrolment would otherwise be
    mistaken for a slow one and get weaker parameters for years.
    """
    run = measure or measure_cost

    def measure_min(cost: KdfCost) -> float:
        return min(run(cost) for _ in range(max(1, samples)))

    low, high = target_seconds
    cost = START
    elapsed = measure_min(cost)
    while elapsed > high and cost.memory_kib > FLOOR.memory_kib:
        cost = replace(cost, memory_kib=max(FLOOR.memory_kib, cost.memory_kib // 2))
        elapsed = measure_min(cost)
    if elapsed >= low:
        return cost
    best, middle = cost, (low + high) / 2
    for _ in range(4):
        per_pass = max(elapsed / cost.iterations, 1e-9)
        wanted = min(max_iterations, max(FLOOR.iterations, round(middle / per_pass)))
        if wanted == cost.iterations:
            break
        cost = replace(cost, iterations=wanted)
        elapsed = measure_min(cost)
        if elapsed <= high and cost.iterations > best.iterations:
            best = cost
        if low <= elapsed <= high:
            break
    return best


def creation_cost(*, target_seconds: tuple[float, float] = (0.5, 1.0)) -> KdfCost:
    """Cost for a new slot: calibrated, or exactly the floor under ``FIELDAPP_TEST_FAST_KDF=1``.

    The environment variable exists so test suites can create many vaults quickly; the floor is
    the same minimum every slot is held to, so setting it by mistake never goes below policy.
    """
    low, high = target_seconds
    if not 0 <= low <= high or high <= 0:
        raise ValueError("kdf_target_seconds must be (low, high) with 0 <= low <= high, high > 0")
    if os.environ.get(FAST_KDF_ENV) == "1":
        log.warning("%s=1: using the floor KDF cost without calibration (tests only)", FAST_KDF_ENV)
        return FLOOR
    cost = calibrate(target_seconds=target_seconds)
    log.info("KDF calibrated: m=%d KiB t=%d p=%d", cost.memory_kib, cost.iterations, cost.lanes)
    return cost
