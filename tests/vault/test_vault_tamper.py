"""T02 and friends: an edited slot file never unlocks, and tells tampering apart where it can."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from vault_helpers import PASSPHRASE, read_doc, write_doc

from fieldapp.vault import (
    Vault,
    VaultError,
    VaultNotFound,
    VaultTampered,
    WrongPassphrase,
)
from fieldapp.vault import slots as slots_module
from fieldapp.vault import vault as vault_module
from fieldapp.vault.kdf import KdfCost, KdfParams, derive_kek


def _flip_b64(value: str) -> str:
    raw = bytearray(base64.b64decode(value))
    raw[0] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


def _pslot(doc: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in doc["slots"] if s["type"] == "passphrase")


EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "m lowered below the floor": lambda d: _pslot(d)["kdf"].update(m=19456),
    "m raised": lambda d: _pslot(d)["kdf"].update(m=131072),
    "t lowered below the floor": lambda d: _pslot(d)["kdf"].update(t=1),
    "t raised": lambda d: _pslot(d)["kdf"].update(t=4),
    "p lowered": lambda d: _pslot(d)["kdf"].update(p=1),
    "p raised": lambda d: _pslot(d)["kdf"].update(p=8),
    "salt changed": lambda d: _pslot(d)["kdf"].update(salt=_flip_b64(_pslot(d)["kdf"]["salt"])),
    "salt shortened": lambda d: _pslot(d)["kdf"].update(salt=base64.b64encode(b"x" * 8).decode()),
    "alg changed": lambda d: _pslot(d)["kdf"].update(alg="argon2i"),
    "version changed": lambda d: _pslot(d)["kdf"].update(v=16),
    "nonce changed": lambda d: _pslot(d).update(nonce=_flip_b64(_pslot(d)["nonce"])),
    "wrapped key changed": lambda d: _pslot(d).update(
        wrapped_dek=_flip_b64(_pslot(d)["wrapped_dek"])
    ),
    "slot renamed": lambda d: _pslot(d).update(slot_id="0" * 32),
    "db_uuid changed": lambda d: d.update(db_uuid="00000000-0000-4000-8000-000000000000"),
}


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_edited_slot_never_unlocks_with_the_right_passphrase(
    folder: Path, vault: Vault, clock: list[float], edit: Callable[[dict[str, Any]], None]
) -> None:
    vault.lock()
    doc = read_doc(folder)
    edit(doc)
    write_doc(folder, doc)
    with pytest.raises((VaultTampered, WrongPassphrase)):
        Vault.open(folder).unlock(bytearray(PASSPHRASE))


def _spec_aad(doc: dict[str, Any], slot: dict[str, Any], **kdf_edits: int) -> bytes:
    """The associated data as the slot file's format documents it, built here independently:
    canonical JSON (sorted keys, no spaces) of ``{fmt, db_uuid, slot_id, type, kdf}``."""
    header = {"fmt": doc["format"], "db_uuid": doc["db_uuid"], "slot_id": slot["slot_id"],
              "type": "passphrase", "kdf": {**slot["kdf"], **kdf_edits}}
    return json.dumps(header, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _kek(slot: dict[str, Any]) -> bytes:
    """The slot's key-encryption key, derived from the right passphrase and its stored KDF."""
    return bytes(derive_kek(bytearray(PASSPHRASE), KdfParams.from_json(slot["kdf"])))


def _unwrap(slot: dict[str, Any], kek: bytes, aad: bytes | None) -> bytes:
    nonce, wrapped = (base64.b64decode(slot[k]) for k in ("nonce", "wrapped_dek"))
    return AESGCM(kek).decrypt(nonce, wrapped, aad)


def test_downgrade_that_respects_the_floor_is_caught_by_the_aad(
    folder: Path, clock: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real attack: a slot calibrated above the floor, edited down to exactly the floor.

    Lowering ``m`` or ``t`` also changes the derived KEK, so an unlock failure alone would not
    show that the AAD is there. The stored wrapped key is therefore opened here with the slot's
    own, correct KEK: it opens only with the documented AAD, not with none, and not with the AAD
    of the downgraded parameters.
    """
    monkeypatch.setattr(
        vault_module, "creation_cost", lambda **_: KdfCost(memory_kib=81920, iterations=4, lanes=4)
    )
    created = Vault.create(folder, passphrase=bytearray(PASSPHRASE), user="u1", role="idva")
    key = created.data_key()
    created.lock()
    doc = read_doc(folder)
    slot = _pslot(doc)
    kek = _kek(slot)
    assert _unwrap(slot, kek, _spec_aad(doc, slot)) == key
    with pytest.raises(InvalidTag):  # sealed with associated data, not without
        _unwrap(slot, kek, None)
    for field, floor in (("m", 65536), ("t", 3)):
        with pytest.raises(InvalidTag):  # the downgraded parameters are not what was sealed
            _unwrap(slot, kek, _spec_aad(doc, slot, **{field: floor}))

    for field, floor in (("m", 65536), ("t", 3)):
        doc = read_doc(folder)
        original = dict(_pslot(doc)["kdf"])
        _pslot(doc)["kdf"][field] = floor
        write_doc(folder, doc)
        with pytest.raises(WrongPassphrase):
            Vault.open(folder).unlock(bytearray(PASSPHRASE))
        clock[0] += 100
        _pslot(doc)["kdf"] = original
        write_doc(folder, doc)
    restored = Vault.open(folder)
    restored.unlock(bytearray(PASSPHRASE))  # the untouched slot still opens
    assert restored.is_unlocked and restored.data_key() == key


AAD_ONLY_EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "slot renamed": EDITS["slot renamed"],
    "db_uuid changed": EDITS["db_uuid changed"],
}


@pytest.mark.parametrize("edit", AAD_ONLY_EDITS.values(), ids=AAD_ONLY_EDITS.keys())
def test_edit_outside_the_kdf_fails_on_the_aad_alone(
    folder: Path, vault: Vault, clock: list[float], monkeypatch: pytest.MonkeyPatch,
    edit: Callable[[dict[str, Any]], None],
) -> None:
    """Slot id and database id are not KDF inputs: the edited slot derives exactly the same KEK,
    so the unlock can fail only because they are in the associated data."""
    vault.lock()
    doc = read_doc(folder)
    expected_kek = _kek(_pslot(doc))
    edit(doc)
    write_doc(folder, doc)
    derived: list[bytes] = []

    def recording_derive(passphrase: bytearray, params: KdfParams) -> bytearray:
        kek = derive_kek(passphrase, params)
        derived.append(bytes(kek))
        return kek

    monkeypatch.setattr(slots_module, "derive_kek", recording_derive)
    with pytest.raises(WrongPassphrase):
        Vault.open(folder).unlock(bytearray(PASSPHRASE))
    assert derived == [expected_kek]  # the right KEK was derived; the tag still failed
    assert read_doc(folder)["backoff"]["failures"] == 1


@pytest.mark.parametrize(
    "edit",
    [
        "m lowered below the floor",
        "t lowered below the floor",
        "p lowered",
        "alg changed",
        "version changed",
        "salt shortened",
    ],
)
def test_impossible_parameters_are_tampering_before_any_kdf(
    folder: Path, vault: Vault, clock: list[float], edit: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.lock()
    doc = read_doc(folder)
    EDITS[edit](doc)
    write_doc(folder, doc)
    monkeypatch.setattr(
        slots_module, "derive_kek", lambda *a, **k: pytest.fail("KDF ran on a tampered slot")
    )
    with pytest.raises(VaultTampered):
        Vault.open(folder).unlock(bytearray(PASSPHRASE))
    assert read_doc(folder)["backoff"]["failures"] == 0  # not counted as a wrong guess


def test_swapping_slot_ids_between_vaults_and_slots_fails(
    tmp_path: Path, rvault: Vault, folder: Path, clock: list[float]
) -> None:
    rvault.lock()
    doc = read_doc(folder)
    ids = [s["slot_id"] for s in doc["slots"]]
    for slot, new_id in zip(doc["slots"], reversed(ids), strict=True):
        slot["slot_id"] = new_id
    write_doc(folder, doc)
    with pytest.raises((VaultTampered, WrongPassphrase)):
        Vault.open(folder).unlock(bytearray(PASSPHRASE))

    # A slot transplanted from another vault (same passphrase) does not open this one.
    other = Vault.create(
        tmp_path / "other", passphrase=bytearray(PASSPHRASE), user="x", role="idva"
    )
    other.lock()
    clock[0] += 100  # let the back-off from the first attempt run out
    doc = read_doc(folder)
    doc["slots"] = [_pslot(read_doc(tmp_path / "other"))]
    write_doc(folder, doc)
    with pytest.raises((VaultTampered, WrongPassphrase)):
        Vault.open(folder).unlock(bytearray(PASSPHRASE))


@pytest.mark.parametrize(
    "content",
    [b"", b"{not json", b"\xff\xfe", b"[]", b'"text"', b"null"],
    ids=["empty", "truncated", "binary", "list", "string", "null"],
)
def test_unreadable_slot_file_is_tampered(folder: Path, vault: Vault, content: bytes) -> None:
    (folder / Vault.SLOTS_NAME).write_bytes(content)
    with pytest.raises(VaultTampered):
        Vault.open(folder)


STRUCTURE_EDITS: dict[str, Callable[[dict[str, Any]], None]] = {
    "extra top-level field": lambda d: d.update(extra=1),
    "missing role": lambda d: d.pop("role"),
    "user name back in a format-2 file": lambda d: d.update(user="someone"),
    "slot without its wrap format": lambda d: d["slots"][0].pop("wrap_format"),
    "slot wrap format from the future": lambda d: d["slots"][0].update(wrap_format=99),
    "db_uuid not a uuid": lambda d: d.update(db_uuid="abc"),
    "no slots": lambda d: d.update(slots=[]),
    "unknown slot type": lambda d: d["slots"][0].update(type="pin"),
    "extra slot field": lambda d: d["slots"][0].update(hint="pet name"),
    "duplicate slot ids": lambda d: d["slots"].append(dict(d["slots"][0])),
    "format as text": lambda d: d.update(format="1"),
    "format zero": lambda d: d.update(format=0),
    "negative failures": lambda d: d.update(backoff={"failures": -1, "next_allowed_at": 0}),
}


@pytest.mark.parametrize("edit", STRUCTURE_EDITS.values(), ids=STRUCTURE_EDITS.keys())
def test_malformed_documents_are_refused_on_open(
    folder: Path, vault: Vault, edit: Callable[[dict[str, Any]], None]
) -> None:
    doc = read_doc(folder)
    edit(doc)
    write_doc(folder, doc)
    with pytest.raises(VaultTampered):
        Vault.open(folder)


def test_unknown_future_format_is_refused_and_left_alone(folder: Path, vault: Vault) -> None:
    doc = read_doc(folder)
    doc["format"] = slots_module.FORMAT + 1
    write_doc(folder, doc)
    before = (folder / Vault.SLOTS_NAME).read_bytes()
    with pytest.raises(VaultTampered, match="newer version"):
        Vault.open(folder)
    with pytest.raises(VaultTampered):
        vault.unlock(bytearray(PASSPHRASE))
    assert (folder / Vault.SLOTS_NAME).read_bytes() == before


def test_migration_table_runs_numbered_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def step(version: int) -> Callable[[dict[str, Any]], dict[str, Any]]:
        def run(doc: dict[str, Any]) -> dict[str, Any]:
            calls.append(version)
            doc.setdefault("trail", []).append(version)
            return doc

        return run

    monkeypatch.setattr(slots_module, "FORMAT", 3)
    monkeypatch.setattr(slots_module, "MIGRATIONS", {1: step(1), 2: step(2)})
    original = {"format": 1}
    migrated = slots_module._migrate(original)
    assert migrated == {"format": 3, "trail": [1, 2]} and calls == [1, 2]
    assert original == {"format": 1}  # steps work on a copy
    monkeypatch.setattr(slots_module, "MIGRATIONS", {2: step(2)})
    with pytest.raises(VaultTampered, match="not one fieldapp knows"):
        slots_module._migrate({"format": 1})
    with pytest.raises(VaultTampered, match="newer version"):
        slots_module._migrate({"format": 4})


def test_open_migrates_old_file_on_disk_with_a_backup(
    folder: Path, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Format 0 is fictional: it proves the on-disk path (backup, rewrite, still unlocks)."""
    key = vault.data_key()
    vault.lock()
    current = read_doc(folder)
    old = {k: v for k, v in current.items() if k != "backoff"} | {"format": 0}

    def from_v0(doc: dict[str, Any]) -> dict[str, Any]:
        doc["backoff"] = {"failures": 0, "next_allowed_at": 0}
        return doc

    old_bytes = json.dumps(old).encode()
    (folder / Vault.SLOTS_NAME).write_bytes(old_bytes)
    with pytest.raises(VaultTampered):  # without a step for format 0 it is refused
        Vault.open(folder)
    monkeypatch.setattr(slots_module, "MIGRATIONS", {0: from_v0, **slots_module.MIGRATIONS})
    reopened = Vault.open(folder)
    assert reopened.info.format_version == slots_module.FORMAT
    assert (folder / "keyslots.v0.bak.json").read_bytes() == old_bytes
    assert read_doc(folder) == current
    reopened.unlock(bytearray(PASSPHRASE))
    assert reopened.data_key() == key


def test_slot_file_replaced_by_another_vaults_is_refused(
    tmp_path: Path, folder: Path, vault: Vault
) -> None:
    other = Vault.create(
        tmp_path / "other", passphrase=bytearray(PASSPHRASE), user="x", role="idva"
    )
    (folder / Vault.SLOTS_NAME).write_bytes((tmp_path / "other" / Vault.SLOTS_NAME).read_bytes())
    vault.lock()
    with pytest.raises(VaultTampered, match="different database"):
        vault.unlock(bytearray(PASSPHRASE))
    assert other.is_unlocked


def test_slot_file_replaced_by_another_vaults_is_refused_after_a_restart(
    tmp_path: Path, folder: Path, vault: Vault, clock: list[float]
) -> None:
    """A new process has no slot file in memory to compare with: the database binding that the
    store records on open names the swap, before any KDF and without counting a failure."""
    from fieldapp.store import Store

    Store.open(vault)
    vault.lock()
    other_pass = b"another laptop's passphrase"
    other = Vault.create(tmp_path / "other", passphrase=bytearray(other_pass), user="x",
                         role="idva")
    Store.open(other)
    other.lock()
    (folder / Vault.SLOTS_NAME).write_bytes((tmp_path / "other" / Vault.SLOTS_NAME).read_bytes())
    for secret in (PASSPHRASE, other_pass):
        with pytest.raises(VaultTampered, match="belongs to a different vault"):
            Vault.open(folder).unlock(bytearray(secret))
    assert read_doc(folder)["backoff"]["failures"] == 0  # not counted as a wrong guess

    # Another vault's database *and* its slot file together (a restore) is a consistent pair:
    # the binding left from the old database is stale and ignored, then rewritten.
    (folder / Vault.DB_NAME).write_bytes((tmp_path / "other" / Vault.DB_NAME).read_bytes())
    restored = Vault.open(folder)
    restored.unlock(bytearray(other_pass))
    Store.open(restored)
    restored.lock()
    assert json.loads((folder / "database-binding.json").read_text())["db_uuid"] == other.info.db_uuid


def test_slot_file_deleted_after_open(folder: Path, vault: Vault) -> None:
    vault.lock()
    (folder / Vault.SLOTS_NAME).unlink()
    with pytest.raises(VaultNotFound):
        vault.unlock(bytearray(PASSPHRASE))
    assert isinstance(VaultNotFound("x"), VaultError)


def test_no_passphrase_slot_left_points_to_recovery(
    folder: Path, rvault: Vault, clock: list[float]
) -> None:
    rvault.lock()
    doc = read_doc(folder)
    doc["slots"] = [s for s in doc["slots"] if s["type"] == "recovery"]
    write_doc(folder, doc)
    with pytest.raises(VaultTampered, match="recovery"):
        Vault.open(folder).unlock(bytearray(PASSPHRASE))
