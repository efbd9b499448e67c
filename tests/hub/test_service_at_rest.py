"""The hub at rest holds no victim's words, safe-contact number or risk rationale in plaintext:
a raw scan of the SQLite file (with its -wal and -shm) and of ``pg_dump`` output finds none of
the marker texts placed in them, after push, pull, export bookkeeping and a refused bundle."""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import shutil
import subprocess

import pytest
from db_fixtures import (  # noqa: F401
    PG_HOST,
    PG_PORT,
    PG_USER,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    new_case_ops,
    now_ms,
    risk_op,
    safe_contact_op,
    visit_op,
    voice_op,
)
from sqlalchemy import text
from sqlalchemy.engine import make_url

from sync.hub.service import devices, pull, push
from sync.hub.service.errors import Refused

VOICE = "MARKER-VOICE-he-said-zq81"
NUMBER = "07700 900461"
RATIONALE = "MARKER-RATIONALE-kx42"
NAME = "MARKER-VICTIM-NAME-rr19"
NOTE = "MARKER-NOTE-pp07"


def _needles() -> list[bytes]:
    out = []
    for marker in (VOICE, NUMBER, NUMBER.replace(" ", ""), RATIONALE, NAME, NOTE):
        out += [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")]
    return out


def _raw_bytes(database, db_url) -> bytes:  # noqa: ANN001
    if database.backend == "sqlite":
        path = database.file_path()
        blobs = b""
        for suffix in ("", "-wal", "-shm"):
            candidate = path.with_name(path.name + suffix)
            if candidate.exists():
                blobs += candidate.read_bytes()
        assert blobs, "nothing to scan"
        return blobs
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is not installed (it comes with PostgreSQL)")
    name = make_url(db_url).database
    dumped = subprocess.run([pg_dump, "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, name],
                            capture_output=True, check=True, timeout=120)
    assert b"COPY public.ops" in dumped.stdout, "the dump holds no ops table"
    return dumped.stdout


def test_no_marker_plaintext_in_the_database_files(database, db_url, hub_keys):
    laptop, _ = enrol_laptop(database, hub_keys)
    ids, case_ops = new_case_ops(laptop, victim_name=NAME)
    case_ops += [visit_op(laptop, ids, note=NOTE), voice_op(laptop, ids, VOICE),
                 safe_contact_op(laptop, ids, NUMBER), risk_op(laptop, ids, RATIONALE)]
    with database.begin(read_only=True) as conn:
        device = devices.load(conn, laptop.device_id)
    answer = push.accept_bundle(database, hub_keys, device=device, body=laptop.bundle(case_ops),
                                max_bytes=1024 * 1024, now_ms=now_ms())
    assert answer["status"] == "applied"
    # A refused bundle (a gap) with the markers in it leaves nothing either.
    refused_body = laptop.bundle([voice_op(laptop, ids, VOICE + " again")], seq=5, advance=False)
    with pytest.raises(Refused):
        push.accept_bundle(database, hub_keys, device=device, body=refused_body,
                           max_bytes=1024 * 1024, now_ms=now_ms())
    header, page = laptop.open_page(pull.changes_page(database, hub_keys, device=device,
                                                      cursor=0, limit=10, now_ms=now_ms()))
    words = [op.value.get("words") for case in page.cases for op in case.ops]
    assert VOICE in words, "the markers did not make the round trip (the scan would prove nothing)"
    # The stored values really are there (sealed): the same ops, decrypted, hold the markers.
    with database.begin(read_only=True) as conn:
        sealed = conn.execute(text("SELECT sealed_value FROM ops")).scalars().all()
    assert len(sealed) == len(case_ops)
    raw = _raw_bytes(database, db_url)
    found = [needle for needle in _needles() if needle in raw]
    assert found == [], f"plaintext found at rest: {found}"
    # Control: the scan does find a plain column's value (the police reference is one).
    with database.begin(read_only=True) as conn:
        police_ref = conn.execute(text("SELECT police_ref FROM cases")).scalar_one()
    assert police_ref.encode() in raw


def test_a_conflicts_competing_values_are_sealed_at_rest(database, db_url, hub_keys):
    """Two devices give the case different safe numbers from the same base: the conflicts table
    holds both (sealed in ``detail``), and neither number is in the files in plaintext."""
    first, _ = enrol_laptop(database, hub_keys, staff_code="IDVA01")
    coord, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="")
    ids, case_ops = new_case_ops(first)
    other = "07700 900777"

    def based(op, number, *, after=None):  # noqa: ANN001, ANN202
        update = {"value": {**op.value, "safe_number": number, "base": ""}}
        if after is not None:  # the coordinator saw the case before changing it (HLC receive)
            update["hlc"] = coord.hlc(int(after.hlc.split("-")[0]) + 1)
        return op.model_copy(update=update)

    mine = based(safe_contact_op(first, ids, NUMBER), NUMBER)
    theirs = based(safe_contact_op(coord, ids, other), other, after=mine)
    for laptop, body in ((first, first.bundle([*case_ops, mine])), (coord, coord.bundle([theirs]))):
        with database.begin(read_only=True) as conn:
            device = devices.load(conn, laptop.device_id)
        answer = push.accept_bundle(database, hub_keys, device=device, body=body,
                                    max_bytes=1024 * 1024, now_ms=now_ms())
    assert len(answer["receipt"]["statement"]["conflicts"]) == 1
    with database.begin(read_only=True) as conn:
        (detail,) = conn.execute(text("SELECT detail FROM conflicts WHERE state = 'open'")
                                 ).scalars().all()
    assert detail is not None and len(detail) > 40
    raw = _raw_bytes(database, db_url)
    for number in (NUMBER, other):
        for needle in (number.encode(), number.replace(" ", "").encode(),
                       number.encode("utf-16-le")):
            assert needle not in raw, "a conflict's value is in plaintext at rest"
