"""Shared fixtures and helpers for the hub's service and API tests (import what you use).

- ``database``: a migrated :class:`sync.hub.store.db.Database`, parametrised over SQLite (a file
  in ``tmp_path``) and PostgreSQL (a fresh database with a random name on 127.0.0.1:5432, dropped
  afterwards with ``WITH (FORCE)``). When PostgreSQL cannot be reached the PostgreSQL case fails
  with the reason under ``CI=true`` and skips with it otherwise.
- ``db_url``: the same URLs without the Database (for subprocesses).
- ``hub_data`` / ``hub_keys``: a hub data folder with real keys (``sync.hub.keys.create``).
- :class:`Laptop`: plays a device as the laptop does with sync.protocol only: its keys and id,
  enrolment requests, ops, bundles sealed with sequential ``seq``/``prev_hash``, signed request
  headers, and opening pull pages.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from sync.hub import keys as hub_keys_module
from sync.hub.keys import HubKeys
from sync.hub.store.db import Database
from sync.protocol import auth, seal
from sync.protocol.canonical import ZERO_HASH
from sync.protocol.keys import KeyPairs, device_id_for, key_id
from sync.protocol.models import EnrolRequest, EnrolResponse, Op, PullPayload

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
MAINTENANCE_DBS = ("test", "postgres")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
FAKE_CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n"


def now_ms() -> int:
    return int(time.time() * 1000)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def maintenance_connection():  # noqa: ANN201 - psycopg.Connection
    """An autocommit connection to the maintenance database (``test``, else ``postgres``)."""
    try:
        import psycopg
    except ImportError as exc:  # the hub extra is not installed
        _unavailable(f"psycopg is not installed ({exc}); install the hub extra")
    last = ""
    for name in MAINTENANCE_DBS:
        try:
            return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname=name,
                                   autocommit=True, connect_timeout=5)
        except psycopg.Error as exc:
            last = f"{type(exc).__name__}: {str(exc).strip()[:200]}"
    _unavailable(f"PostgreSQL at {PG_HOST}:{PG_PORT} (user {PG_USER}) cannot be reached: {last}")
    raise AssertionError("unreachable")


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{(tmp_path / 'hub.db').as_posix()}"
        return
    from psycopg import sql

    name = f"hubtest_{secrets.token_hex(8)}"
    with maintenance_connection() as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        with maintenance_connection() as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                         .format(sql.Identifier(name)))


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    db = Database(db_url)
    db.upgrade()
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture
def hub_data(tmp_path: Path) -> Path:
    folder = tmp_path / "hubdata"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def hub_keys(hub_data: Path) -> HubKeys:
    return hub_keys_module.create(hub_data)


# ---- a laptop, as far as the wire is concerned -------------------------------------------------

def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Laptop:
    """A device: keys, enrolment, ops, sealed bundles in sequence, signed requests."""

    hub: HubKeys
    pairs: KeyPairs = field(default_factory=KeyPairs.generate)
    author: str = "Test IDVA"
    seq: int = 0
    prev_hash: str = ZERO_HASH
    node: str = field(default_factory=lambda: secrets.token_hex(6))
    _counter: int = 0

    @property
    def device_id(self) -> str:
        return device_id_for(self.pairs.signing.public_key())

    def enrol_request(self, code: str, *, device_id: str | None = None) -> EnrolRequest:
        return EnrolRequest(code=code, device_signing_key=self.pairs.signing_public_b64,
                            device_sealing_key=self.pairs.sealing_public_b64,
                            device_id=device_id or self.device_id, label="test laptop")

    def hlc(self, at_ms: int | None = None) -> str:
        self._counter += 1
        wall = now_ms() if at_ms is None else at_ms
        return f"{wall:015d}-{self._counter:05d}-{self.node}"

    def op(self, entity: str, entity_id: str, case_id: str, value: dict[str, Any], *,
           kind: str = "upsert", at_ms: int | None = None) -> Op:
        return Op(op_id=new_id(), entity=entity, entity_id=entity_id, case_id=case_id, kind=kind,
                  value=value, hlc=self.hlc(at_ms), author=self.author)

    def bundle(self, ops: list[Op], *, bundle_id: str | None = None, seq: int | None = None,
               prev_hash: str | None = None, advance: bool = True,
               audit_head: dict[str, Any] | None = None,
               payload_override: dict[str, Any] | None = None) -> bytes:
        """A sealed push bundle: the next in sequence unless ``seq``/``prev_hash`` say otherwise
        (``advance=False`` leaves the laptop's sequence where it was)."""
        bundle_id = bundle_id or new_id()
        seq = self.seq + 1 if seq is None else seq
        prev = self.prev_hash if prev_hash is None else prev_hash
        core = {"v": 1, "type": "push", "bundle_id": bundle_id, "device_id": self.device_id,
                "seq": seq, "prev_hash": prev, "hlc": max((o.hlc for o in ops), default=self.hlc()),
                "hub_kid": key_id(self.hub.pairs.signing.public_key())}
        payload = {"bundle_id": bundle_id, "device_id": self.device_id, "seq": seq,
                   "ops": [o.model_dump(mode="json") for o in ops],
                   "audit_head": audit_head or {"seq": 3, "hash": "ab" * 32}}
        if payload_override:
            payload.update(payload_override)
        body = seal.seal(kind="push", header_core=core, payload=payload,
                         recipient=self.hub.pairs.sealing.public_key(), signer=self.pairs.signing)
        if advance:
            self.seq = seq
            self.prev_hash = seal.parse(body, kind="push").header_hash()
        return body

    def headers(self, method: str, path: str, body: bytes = b"", *,
                at_ms: int | None = None) -> dict[str, str]:
        return auth.sign_request(signer=self.pairs.signing, device_id=self.device_id,
                                 method=method, path=path, body=body, now_ms=at_ms)

    def open_page(self, body: bytes) -> tuple[dict[str, Any], PullPayload]:
        """Verify a pull page with the hub's key and open it with the device's."""
        sealed = seal.parse(body, kind="pull")
        sealed.verify(self.hub.pairs.signing.public_key())
        return sealed.header, PullPayload.model_validate(sealed.decrypt(self.pairs.sealing))


MAX = 1024 * 1024
"""The bundle size limit the service tests pass (the hub's default)."""


def load_device(db: Database, laptop: Laptop):  # noqa: ANN201 - devices.Device
    """The hub's record of a test laptop's device, read in its own transaction."""
    from sync.hub.service import devices

    with db.begin(read_only=True) as conn:
        return devices.load(conn, laptop.device_id)


def enrol_laptop(db: Database, hub: HubKeys, *, role: str = "idva", staff_code: str = "IDVA01",
                 bcu: str = "WEST", team: str = "T1", user: str = "Test IDVA",
                 at_ms: int | None = None) -> tuple[Laptop, EnrolResponse]:
    from sync.hub.service import enrol

    at = now_ms() if at_ms is None else at_ms
    code = enrol.make_code(db, user=user, role=role, staff_code=staff_code, bcu=bcu, team=team,
                           now_ms=at)
    laptop = Laptop(hub=hub, author=user)
    answer = enrol.enrol(db, hub, request=laptop.enrol_request(code), ca_pem=FAKE_CA,
                         max_bundle_bytes=1024 * 1024, now_ms=at)
    return laptop, answer


# ---- case ops as the laptop's writers make them (fieldapp/services/capture.py, visit_write.py) --

POLICE_AT = "2024-05-01T10:00:00+00:00"
VISIT_AT = "2024-05-01T20:00:00+00:00"


@dataclass
class CaseIds:
    case_id: str = field(default_factory=new_id)
    incident_id: str = field(default_factory=new_id)
    visit_id: str = field(default_factory=new_id)


def new_case_ops(laptop: Laptop, *, allocated_to: str = "IDVA01", bcu: str = "WEST",
                 police_ref: str | None = None, victim_name: str = "",
                 ids: CaseIds | None = None) -> tuple[CaseIds, list[Op]]:
    """create_incident's two ops: the incident, then the case with its empty first visit."""
    ids = ids or CaseIds()
    police_ref = police_ref or f"PR-{secrets.token_hex(3).upper()}"
    incident = {"police_ref": police_ref, "bcu": bcu, "district": "BLACKPOOL",
                "police_visit_at": POLICE_AT, "officers": ["PC1"], "victim_name": victim_name,
                "allocated_to": allocated_to}
    return ids, [
        laptop.op("incident", ids.incident_id, ids.case_id, incident),
        laptop.op("case", ids.case_id, ids.case_id, {"incident_id": ids.incident_id,
                                                      "visit_id": ids.visit_id,
                                                      "allocated_to": allocated_to}),
    ]


def allocation_op(laptop: Laptop, case_id: str, to: str, *, at_ms: int | None = None) -> Op:
    return laptop.op("case", case_id, case_id, {"allocated_to": to}, at_ms=at_ms)


def visit_op(laptop: Laptop, ids: CaseIds, *, note: str = "") -> Op:
    value = {"case_id": ids.case_id, "idva_visit_at": VISIT_AT, "mode": "JOINT",
             "idva_code": "", "safe_to_talk": None, "suspect_location": None,
             "children_in_household": 1, "encompass_notified": None, "police_risk_grade": None,
             "repeat_victim": False, "repeat_suspect": None, "note": note}
    return laptop.op("visit", ids.visit_id, ids.case_id, value)


def voice_op(laptop: Laptop, ids: CaseIds, words: str) -> Op:
    entry = new_id()
    return laptop.op("voice", entry, ids.case_id, {
        "case_id": ids.case_id, "words": words, "verbatim": True, "goals": [],
        "consent_to_share": None, "consent_scope": [], "corrects": None,
        "recorded_at": VISIT_AT, "recorded_by": laptop.author}, kind="append")


def safe_contact_op(laptop: Laptop, ids: CaseIds, number: str) -> Op:
    return laptop.op("safe_contact", ids.case_id, ids.case_id, {
        "method": "PHONE", "safe_number": number, "safe_times": "mornings",
        "voicemail_ok": False, "text_ok": True})


def risk_op(laptop: Laptop, ids: CaseIds, rationale: str) -> Op:
    return laptop.op("risk", ids.visit_id, ids.case_id, {
        "answers": ["YES"] * 14 + ["NO"] * 10, "professional_judgement": True,
        "rationale": rationale, "da_events_12m": 2, "repeat_within_12m": False,
        "marac_referral": True})


# ---- the ASGI app, called in-process through httpx.ASGITransport --------------------------------

@dataclass
class Api:
    """The hub's FastAPI app and a blocking way to call it (each call runs its own event loop)."""

    app: Any
    laptop_max: int = 1024 * 1024

    def call(self, method: str, path: str, *, content: bytes | None = None,
             headers: dict[str, str] | None = None, json_body: Any = None) -> Any:
        import asyncio

        import httpx

        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
                return await client.request(method, path, content=content, headers=headers,
                                            json=json_body)

        return asyncio.run(go())

    def signed(self, laptop: Laptop, method: str, path: str, body: bytes = b"", *,
               at_ms: int | None = None, extra: dict[str, str] | None = None) -> Any:
        headers = {**laptop.headers(method, path, body, at_ms=at_ms), **(extra or {})}
        return self.call(method, path, content=body or None, headers=headers)


def make_api(database: Database, keys: HubKeys, *, max_bundle_bytes: int = 1024 * 1024,
             clock_ms: Any = None) -> Api:
    from sync.hub.api.app import create_app
    from sync.hub.config import HubConfig

    app = create_app(config=HubConfig(max_bundle_bytes=max_bundle_bytes), keys=keys,
                     database=database, ca_pem=FAKE_CA, clock_ms=clock_ms)
    return Api(app=app)


@pytest.fixture
def api(database: Database, hub_keys: HubKeys) -> Api:
    return make_api(database, hub_keys)
