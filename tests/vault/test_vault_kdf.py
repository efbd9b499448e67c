"""Argon2id floor, calibration (with a fake stopwatch) and the test-only fast switch."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from vault_helpers import PASSPHRASE, read_doc

from fieldapp.vault import Vault, VaultTampered
from fieldapp.vault import kdf as kdf_module
from fieldapp.vault.kdf import FLOOR, START, KdfCost, KdfParams, calibrate, creation_cost


def fake_stopwatch(seconds_per_mib_pass: float):
    """A machine model: time proportional to memory x passes (what Argon2id roughly does)."""
    measured: list[KdfCost] = []

    def measure(cost: KdfCost) -> float:
        measured.append(cost)
        return seconds_per_mib_pass * cost.memory_kib / 1024 * cost.iterations

    return measure, measured


@pytest.mark.parametrize(
    ("per_mib_pass", "expected"),
    [
        (0.6 / 768, START),  # 256 MiB x 3 takes 0.6 s: already in the window
        (0.2 / 768, KdfCost(262144, 11, 4)),  # fast machine: raise t to ~0.75 s
        (1.0 / 768, KdfCost(262144, 3, 4)),  # exactly at the upper bound
        (2.0 / 768, KdfCost(131072, 3, 4)),  # slow: halve memory once
        (10.0 / 768, FLOOR),  # very slow: the floor even though it exceeds the target
        (1e-7, KdfCost(262144, kdf_module.MAX_CALIBRATED_ITERATIONS, 4)),  # absurdly fast
    ],
)
def test_calibration_lands_in_the_window_and_never_below_the_floor(
    per_mib_pass: float, expected: KdfCost
) -> None:
    measure, measured = fake_stopwatch(per_mib_pass)
    cost = calibrate(measure=measure)
    assert cost == expected
    assert cost.memory_kib >= FLOOR.memory_kib
    assert cost.iterations >= FLOOR.iterations
    assert cost.lanes == 4
    assert len(measured) <= 12  # bounded: two samples per step, at most six steps


def test_noisy_machine_keeps_the_best_cost_under_the_bound() -> None:
    answers = iter([0.2, 1.4, 0.45, 0.9])  # overshoot once, then settle

    def measure(cost: KdfCost) -> float:
        return next(answers)

    cost = calibrate(measure=measure, samples=1)
    assert cost.iterations > 3 and cost.memory_kib == START.memory_kib


def test_a_busy_moment_does_not_weaken_the_cost() -> None:
    """A one-off stall (another program busy) must not be mistaken for a slow laptop."""
    answers = iter([2.3, 0.7])  # first sample stalled, second is the machine's real speed

    def measure(cost: KdfCost) -> float:
        return next(answers)

    assert calibrate(measure=measure) == START


def test_fast_env_uses_exactly_the_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kdf_module, "calibrate", lambda **_: pytest.fail("must not calibrate"))
    assert creation_cost() == FLOOR


def test_create_without_fast_env_calibrates(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Vault.create goes through calibration when the test switch is off (slow fake machine)."""
    monkeypatch.delenv("FIELDAPP_TEST_FAST_KDF")
    measure, measured = fake_stopwatch(10.0 / 768)
    monkeypatch.setattr(kdf_module, "measure_cost", measure)
    Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva")
    assert measured, "calibration did not run"
    kdf = read_doc(folder)["slots"][0]["kdf"]
    assert (kdf["m"], kdf["t"], kdf["p"]) == (65536, 3, 4)


def test_real_calibration_is_at_least_the_floor() -> None:
    """One real Argon2id run at 256 MiB (a wide window stops after it): about 1 s here."""
    started = time.perf_counter()
    cost = calibrate(target_seconds=(0.0, 60.0), samples=1)
    assert cost == START
    assert cost.memory_kib >= FLOOR.memory_kib and cost.iterations >= FLOOR.iterations
    assert time.perf_counter() - started < 10  # generous: shared CI machines are noisy


def test_kdf_record_round_trip_and_derivation_is_deterministic() -> None:
    params = KdfParams.new(FLOOR)
    assert len(params.salt) == 16
    again = KdfParams.from_json(params.to_json())
    assert again == params
    passphrase = bytearray(PASSPHRASE)
    first = kdf_module.derive_kek(passphrase, params)
    assert len(first) == 32 and first == kdf_module.derive_kek(passphrase, again)
    assert passphrase == bytearray(PASSPHRASE)  # the caller's buffer is left as it was


@pytest.mark.parametrize(
    "change",
    [
        {"alg": "argon2d"},
        {"v": 16},
        {"v": True},
        {"m": 65535},
        {"m": 8 * 1024 * 1024},
        {"t": 2},
        {"t": 1000},
        {"p": 3},
        {"p": 64},
        {"m": "65536"},
        {"t": True},
        {"salt": "not base64!"},
        {"salt": ""},
        {"extra": 1},
    ],
)
def test_kdf_record_policing(change: dict) -> None:
    with pytest.raises(VaultTampered):
        KdfParams.from_json(KdfParams.new(FLOOR).to_json() | change)
