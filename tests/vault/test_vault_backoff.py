"""T01: wrong passphrases back off 1, 2, 4 ... 60 s, persisted in the slot file."""

from __future__ import annotations

from pathlib import Path

import pytest
from vault_helpers import PASSPHRASE, read_doc, write_doc

from fieldapp.vault import BackoffActive, Vault, WrongPassphrase
from fieldapp.vault import slots as slots_module
from fieldapp.vault.backoff import MAX_WAIT_SECONDS, Backoff

WRONG = b"incorrect horse battery staple"


@pytest.fixture
def cheap_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip Argon2id for tests about counting failures: a zero KEK always fails the real tag."""
    monkeypatch.setattr(slots_module, "derive_kek", lambda passphrase, params: bytearray(32))


def without_backoff(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "backoff"}


def test_wrong_passphrase_then_backoff_then_success(
    folder: Path, vault: Vault, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    key = vault.data_key()
    vault.lock()
    before = read_doc(folder)

    with pytest.raises(WrongPassphrase) as wrong:
        vault.unlock(bytearray(WRONG))
    assert wrong.value.wait_seconds == 1.0
    assert not vault.is_unlocked
    after = read_doc(folder)
    assert without_backoff(after) == without_backoff(before)  # only the back-off changed
    assert after["backoff"] == {"failures": 1, "next_allowed_at": clock[0] + 1}

    # Retried at once: refused without running Argon2id at all.
    def no_kdf(*args, **kwargs):
        raise AssertionError("the KDF must not run during a back-off")

    monkeypatch.setattr(slots_module, "derive_kek", no_kdf)
    with pytest.raises(BackoffActive) as active:
        vault.unlock(bytearray(PASSPHRASE))
    assert active.value.wait_seconds == pytest.approx(1.0)
    assert vault.backoff_remaining() == pytest.approx(1.0)
    assert read_doc(folder) == after  # a refused attempt writes nothing
    monkeypatch.undo()
    monkeypatch.setattr("fieldapp.vault.backoff.now", lambda: clock[0])

    clock[0] += 1.0
    assert vault.backoff_remaining() == 0
    vault.unlock(bytearray(PASSPHRASE))
    assert vault.data_key() == key
    assert read_doc(folder)["backoff"] == {"failures": 0, "next_allowed_at": 0.0}


def test_backoff_doubles_to_a_sixty_second_cap(
    vault: Vault, clock: list[float], cheap_kdf: None
) -> None:
    vault.lock()
    waits = []
    for _ in range(9):
        with pytest.raises(WrongPassphrase) as wrong:
            vault.unlock(bytearray(WRONG))
        waits.append(wrong.value.wait_seconds)
        clock[0] += wrong.value.wait_seconds
    assert waits == [1, 2, 4, 8, 16, 32, 60, 60, 60]


def test_backoff_survives_a_restart(
    folder: Path, vault: Vault, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.lock()
    with monkeypatch.context() as patch:
        patch.setattr(slots_module, "derive_kek", lambda passphrase, params: bytearray(32))
        for _ in range(3):
            with pytest.raises(WrongPassphrase):
                vault.unlock(bytearray(WRONG))
            clock[0] += 100
        with pytest.raises(WrongPassphrase) as wrong:
            vault.unlock(bytearray(WRONG))
    assert wrong.value.wait_seconds == 8

    restarted = Vault.open(folder)  # a new process reads the persisted state
    clock[0] += 5
    assert restarted.backoff_remaining() == pytest.approx(3)
    with pytest.raises(BackoffActive) as active:
        restarted.unlock(bytearray(PASSPHRASE))
    assert active.value.wait_seconds == pytest.approx(3)
    clock[0] += 3
    restarted.unlock(bytearray(PASSPHRASE))
    assert restarted.is_unlocked


def test_backoff_is_not_part_of_any_aad(folder: Path, vault: Vault, clock: list[float]) -> None:
    """The back-off must be writable without the key, so editing it cannot break a slot."""
    vault.lock()
    doc = read_doc(folder)
    doc["backoff"] = {"failures": 7, "next_allowed_at": clock[0] - 1}
    write_doc(folder, doc)
    vault.unlock(bytearray(PASSPHRASE))
    assert vault.is_unlocked


def test_clearing_the_file_does_not_clear_this_process(
    folder: Path, vault: Vault, clock: list[float]
) -> None:
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock(bytearray(WRONG))
    doc = read_doc(folder)
    doc["backoff"] = {"failures": 0, "next_allowed_at": 0}
    write_doc(folder, doc)
    with pytest.raises(BackoffActive):
        vault.unlock(bytearray(PASSPHRASE))


def test_clock_wound_back_cannot_lock_out_for_longer_than_the_cap(
    folder: Path, vault: Vault, clock: list[float]
) -> None:
    vault.lock()
    with pytest.raises(WrongPassphrase):
        vault.unlock(bytearray(WRONG))
    clock[0] -= 86_400  # the laptop's clock jumps a day backwards
    assert vault.backoff_remaining() == MAX_WAIT_SECONDS


def test_backoff_record_maths() -> None:
    state = Backoff()
    assert state.remaining(100.0) == 0
    state = state.after_failure(100.0)
    assert (state.failures, state.next_allowed_at) == (1, 101.0)
    assert state.remaining(100.5) == pytest.approx(0.5)
    for _ in range(40):
        state = state.after_failure(100.0)
    assert state.wait_after_failure() == MAX_WAIT_SECONDS
    assert Backoff.from_json(state.to_json()) == state
