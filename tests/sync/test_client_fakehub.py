"""An in-memory station hub built from ``sync.protocol`` alone (no ``sync.hub``), served to the
laptop client through ``httpx.MockTransport``, and real SQLCipher vaults for the client tests.

The hub answers as docs/sync-protocol.md says: request signatures, the seq/prev_hash chain,
duplicates by bundle id, signed receipts, sealed pull pages with a scope hash, wipe orders. Knobs
let a test break it: 5xx answers, replies lost after the hub applied a bundle, forged receipts,
forged wipe orders, a skewed clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import ipaddress
import json
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from fieldapp.store import Store
from fieldapp.vault import Vault
from sync.protocol import auth, hlc, keys, seal
from sync.protocol.canonical import ZERO_HASH, b64, sha256_hex, unb64
from sync.protocol.errors import ProtocolError
from sync.protocol.models import CaseOps, EnrolRequest, Op, PullPayload, PushPayload
from sync.protocol.replay import replay

PASSPHRASE = "correct horse battery staple"
HUB_URL = "https://hub.station.test:8443"


@dataclass(frozen=True)
class Ca:
    """A self-signed station CA and a server certificate it signed for 127.0.0.1."""

    pem: str
    fingerprint: str
    server_pem: bytes
    server_key_pem: bytes


def make_ca(name: str = "test station CA") -> Ca:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(hours=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                         content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
              .issuer_name(subject).public_key(server_key.public_key())
              .serial_number(x509.random_serial_number())
              .not_valid_before(now - dt.timedelta(hours=1))
              .not_valid_after(now + dt.timedelta(days=30))
              .add_extension(x509.SubjectAlternativeName(
                  [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
              .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                             critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()),
                             critical=False)
              .sign(key, hashes.SHA256()))
    return Ca(pem=cert.public_bytes(serialization.Encoding.PEM).decode("ascii"),
              fingerprint=keys.certificate_fingerprint(cert.public_bytes(serialization.Encoding.DER)),
              server_pem=server.public_bytes(serialization.Encoding.PEM),
              server_key_pem=server_key.private_bytes(
                  serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                  serialization.NoEncryption()))


def _json(status: int, body: dict[str, Any], hub_ms: int) -> httpx.Response:
    return httpx.Response(status, json=body, headers={auth.HUB_TIME: str(hub_ms)})


def _signature_headers(request: httpx.Request) -> dict[str, str]:
    names = (auth.DEVICE, auth.TIME, auth.NONCE, auth.SIGNATURE)
    return {name: request.headers[name] for name in names if name in request.headers}


def _error(status: int, code: str, hub_ms: int, **extra: Any) -> httpx.Response:
    return _json(status, {"error": code, "message": f"refused: {code}", **extra}, hub_ms)


@dataclass
class Device:
    device_id: str
    signing: Any
    sealing: Any
    role: str
    staff_code: str
    bcu: str
    team: str
    last_seq: int = 0
    last_hash: str = ZERO_HASH
    revoked: bool = False
    audit_head: dict | None = None
    sent: dict[str, int] = field(default_factory=dict)  # case id -> rev sent


class FakeHub:
    def __init__(self, *, max_bundle_bytes: int = 1024 * 1024, page_limit: int = 500) -> None:
        self.pairs = keys.KeyPairs.generate()
        self.kid = keys.key_id(self.pairs.signing.public_key())
        self.ca = make_ca()
        self.ca_pem, self.ca_fingerprint = self.ca.pem, self.ca.fingerprint
        self.max_bundle_bytes = max_bundle_bytes
        self.page_limit = page_limit
        self.codes: dict[str, dict[str, str]] = {}
        self.devices: dict[str, Device] = {}
        self.ops: dict[str, Op] = {}
        self.case_rev: dict[str, int] = {}
        self.counter = 0
        self.received: dict[str, tuple[str, dict]] = {}  # bundle id -> (sha256, receipt)
        self.posted: list[tuple[str, bytes]] = []  # every bundle body as it arrived
        self.applied_bundles: list[str] = []
        self.faults: list[str] = []  # per request, in order: "503", "lost_reply", "connect"
        self.forge_receipts = False
        self.forge_wipe = False
        self.wrong_device_wipe = False
        self.clock_offset_ms = 0
        self.hidden_cases: set[str] = set()  # out of everyone's scope (e.g. deleted at the hub)
        self.requests: list[tuple[str, str]] = []
        self.signed_nonces: list[str] = []
        self._nonces: set[tuple[str, str]] = set()

    # ---------------------------------------------------------------- admin
    def now(self) -> int:
        return int(time.time() * 1000) + self.clock_offset_ms

    def make_code(self, *, user: str = "Jo", role: str = "idva", staff_code: str = "IDVA01",
                  bcu: str = "", team: str = "") -> str:
        code = uuid.uuid4().hex[:20].upper()
        self.codes[code] = {"user": user, "role": role, "staff_code": staff_code, "bcu": bcu,
                            "team": team}
        return code

    def revoke(self, device_id: str) -> None:
        self.devices[device_id].revoked = True

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def wipe_order(self, device_id: str) -> dict:
        statement = {"type": "wipe", "device_id": device_id, "reason": "revoked",
                     "issued_at": self.now()}
        if self.wrong_device_wipe:
            statement["device_id"] = "AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA"
        signer = keys.KeyPairs.generate().signing if self.forge_wipe else self.pairs.signing
        return seal.sign_statement(statement, signer)

    # ---------------------------------------------------------------- dispatch
    def handle(self, request: httpx.Request) -> httpx.Response:
        hub_ms = self.now()
        path = request.url.raw_path.decode("ascii")
        self.requests.append((request.method, path))
        if auth.NONCE in request.headers:
            self.signed_nonces.append(request.headers[auth.NONCE])
        fault = self.faults.pop(0) if self.faults else None
        if fault == "connect":
            raise httpx.ConnectError("refused", request=request)
        if fault == "503":
            return _error(503, "busy", hub_ms)
        body = request.read()
        if request.url.path == "/v1/ca":
            return _json(200, {"ca_pem": self.ca_pem}, hub_ms)
        if request.url.path == "/v1/enrol":
            return self._enrol(body, hub_ms)
        device = self._authenticate(request, path, body, hub_ms)
        if isinstance(device, httpx.Response):
            return device
        if request.url.path == "/v1/bundles" and request.method == "POST":
            answer = self._bundle(device, body, hub_ms)
        elif request.url.path == "/v1/changes" and request.method == "GET":
            answer = self._changes(device, request, hub_ms)
        else:
            answer = _error(404, "not_found", hub_ms)
        if fault == "lost_reply":
            raise httpx.RemoteProtocolError("connection dropped", request=request)
        return answer

    def _enrol(self, body: bytes, hub_ms: int) -> httpx.Response:
        req = EnrolRequest.model_validate_json(body)
        code = self.codes.pop(req.code, None)
        if code is None:
            return _error(403, "bad_code", hub_ms)
        signing = keys.ed25519_public(req.device_signing_key)
        device_id = keys.device_id_for(signing)
        if device_id != req.device_id:
            return _error(409, "device_id_mismatch", hub_ms)
        self.devices[device_id] = Device(device_id, signing, keys.x25519_public(req.device_sealing_key),
                                         code["role"], code["staff_code"], code["bcu"], code["team"])
        record = seal.sign_statement({
            "type": "device_record", "device_id": device_id, "user_id": "u-1",
            "role": code["role"], "staff_code": code["staff_code"], "bcu": code["bcu"],
            "team": code["team"], "signing_key": req.device_signing_key,
            "sealing_key": req.device_sealing_key, "not_after": hub_ms + 10**9},
            self.pairs.signing)
        return _json(200, {
            "device_id": device_id, "user_id": "u-1", "user": code["user"], "role": code["role"],
            "staff_code": code["staff_code"], "bcu": code["bcu"], "team": code["team"],
            "hub_kid": self.kid, "hub_signing_key": self.pairs.signing_public_b64,
            "hub_sealing_key": self.pairs.sealing_public_b64, "ca_pem": self.ca_pem,
            "max_bundle_bytes": self.max_bundle_bytes, "hub_time": hub_ms, "record": record},
            hub_ms)

    def _authenticate(self, request: httpx.Request, path: str, body: bytes,
                      hub_ms: int) -> Device | httpx.Response:
        device = self.devices.get(request.headers.get(auth.DEVICE, ""))
        if device is None:
            return _error(403, "unknown_device", hub_ms)
        try:
            nonce = auth.check_request(public=device.signing, method=request.method, path=path,
                                       body=body, headers=_signature_headers(request), hub_ms=hub_ms)
        except ValueError:
            return _error(401, "bad_request_signature", hub_ms)
        if (device.device_id, nonce) in self._nonces:
            return _error(401, "bad_request_signature", hub_ms)
        self._nonces.add((device.device_id, nonce))
        if device.revoked:
            return _error(403, "revoked", hub_ms, wipe=self.wipe_order(device.device_id))
        return device

    def _bundle(self, device: Device, body: bytes, hub_ms: int) -> httpx.Response:
        self.posted.append((json.loads(body.partition(b"\n")[0])["header"]["bundle_id"], body))
        if len(body) > self.max_bundle_bytes:
            return _error(413, "oversized", hub_ms, max_bytes=self.max_bundle_bytes)
        try:
            sealed = seal.parse(body, kind="push")
            sealed.verify(device.signing)
        except ProtocolError as exc:
            return _error(400 if exc.code != "bad_signature" else 401, exc.code, hub_ms)
        header = sealed.header
        digest = sha256_hex(body)
        known = self.received.get(header["bundle_id"])
        if known is not None:
            if known[0] == digest:
                receipt = known[1]
                if self.forge_receipts:
                    receipt = seal.sign_statement(receipt["statement"],
                                                  keys.KeyPairs.generate().signing)
                return _json(200, {"status": "duplicate", "receipt": receipt}, hub_ms)
            return _error(409, "bundle_id_reused", hub_ms)
        if header["seq"] != device.last_seq + 1:
            return _error(409, "seq_gap", hub_ms, expected_seq=device.last_seq + 1)
        if header["prev_hash"] != device.last_hash:
            return _error(409, "fork", hub_ms, expected_seq=device.last_seq + 1)
        payload = PushPayload.model_validate(sealed.decrypt(self.pairs.sealing))
        new = [op for op in payload.ops if op.op_id not in self.ops]
        quarantined = [op.op_id for op in new if hlc.too_far_ahead(op.hlc, hub_ms=hub_ms)]
        for op in new:
            self.ops[op.op_id] = op
        for case_id in sorted({op.case_id for op in new if op.op_id not in quarantined}):
            self.counter += 1
            self.case_rev[case_id] = self.counter
        statement = {"type": "receipt", "bundle_id": header["bundle_id"],
                     "device_id": device.device_id, "seq": header["seq"], "sha256": digest,
                     "applied": len(new) - len(quarantined),
                     "duplicates": len(payload.ops) - len(new), "quarantined": quarantined,
                     "conflicts": [], "hub_time": hub_ms}
        receipt = seal.sign_statement(statement, self.pairs.signing)
        self.received[header["bundle_id"]] = (digest, receipt)
        if self.forge_receipts:
            receipt = seal.sign_statement(statement, keys.KeyPairs.generate().signing)
        self.applied_bundles.append(header["bundle_id"])
        device.last_seq, device.last_hash = header["seq"], sealed.header_hash()
        if payload.audit_head is not None:
            device.audit_head = payload.audit_head.model_dump()
        return _json(200, {"status": "applied", "receipt": receipt}, hub_ms)

    # ---------------------------------------------------------------- pull
    def case_ops(self, case_id: str) -> list[Op]:
        return sorted((op for op in self.ops.values() if op.case_id == case_id),
                      key=lambda op: (op.hlc, op.op_id))

    def in_scope(self, device: Device, case_id: str) -> bool:
        if case_id in self.hidden_cases:
            return False
        if device.role == "coordinator":
            return True
        tables = replay(self.case_ops(case_id), case_id=case_id)
        return tables.case is not None and tables.case["allocated_to"] == device.staff_code

    def scope(self, device: Device) -> dict[str, int]:
        return {c: rev for c, rev in self.case_rev.items() if self.in_scope(device, c)}

    def _changes(self, device: Device, request: httpx.Request, hub_ms: int) -> httpx.Response:
        cursor = int(request.url.params["cursor"])
        limit = min(int(request.url.params.get("limit", "500")), self.page_limit)
        body, _more, _to = self.page(device, cursor, limit, hub_ms)
        return httpx.Response(200, content=body, headers={auth.HUB_TIME: str(hub_ms),
                                                          "Content-Type": "application/octet-stream"})

    def page(self, device: Device, cursor: int, limit: int, hub_ms: int) -> tuple[bytes, bool, int]:
        scope = self.scope(device)
        changed = sorted((rev, c) for c, rev in scope.items() if rev > cursor)
        page = changed[:limit]
        more = len(changed) > limit
        removed = sorted(c for c in device.sent if c not in scope)
        for c in removed:
            device.sent.pop(c)
        cases = [CaseOps(case_id=c, rev=rev, ops=self.case_ops(c)) for rev, c in page]
        for case in cases:
            device.sent[case.case_id] = case.rev
        cursor_to = page[-1][0] if page else cursor
        lines = "".join(f"{c}:{rev}\n" for c, rev in sorted(scope.items()))
        payload = PullPayload(device_id=device.device_id, cursor_from=cursor, cursor_to=cursor_to,
                              cases=cases, removed=removed, hub_time=hub_ms)
        body = seal.seal(kind="pull", header_core={
            "v": 1, "page_id": str(uuid.uuid4()), "device_id": device.device_id,
            "cursor_from": cursor, "cursor_to": cursor_to, "more": more,
            "scope_hash": hashlib.sha256(lines.encode()).hexdigest(), "hub_kid": self.kid},
            payload=payload.model_dump(mode="json"), recipient=device.sealing,
            signer=self.pairs.signing)
        return body, more, cursor_to

    def import_transfer(self, data: bytes) -> bytes:
        """``fieldapp-hub bundle import``: the bundles as POST /v1/bundles takes them, then the
        pages from the device-signed pull request's cursor; returns the reply file's bytes."""
        doc = json.loads(data)
        assert doc["format"] == "fieldapp-transfer" and doc["v"] == 1
        device = self.devices[doc["device_id"]]
        hub_ms = self.now()
        reply: dict[str, Any] = {"format": "fieldapp-reply", "v": 1,
                                 "device_id": device.device_id, "results": [], "pages": []}
        if device.revoked:
            reply["wipe"] = self.wipe_order(device.device_id)
            return json.dumps(reply).encode()
        for item in doc["bundles"]:
            body = unb64(item)
            bundle_id = json.loads(body.partition(b"\n")[0])["header"]["bundle_id"]
            answer = json.loads(self._bundle(device, body, hub_ms).read())
            if "receipt" in answer:
                reply["results"].append({"bundle_id": bundle_id, "status": answer["status"],
                                         "receipt": answer["receipt"]})
            else:
                reply["results"].append({"bundle_id": bundle_id, "status": "refused",
                                         "error": answer["error"], "message": answer["message"]})
        statement = seal.verify_statement(doc["pull"], device.signing, kind="pull_request")
        cursor = statement["cursor"]
        while True:
            body, more, cursor = self.page(device, cursor, self.page_limit, hub_ms)
            reply["pages"].append(b64(body))
            if not more:
                break
        return json.dumps(reply).encode()


# ---------------------------------------------------------------- over real TLS


@contextlib.contextmanager
def served(hub: FakeHub, folder: Path, *, ca: Ca | None = None):
    """The fake hub behind a real HTTPS server on 127.0.0.1 (TLS 1.3, the certificate of
    ``ca``, by default the hub's own CA). Yields its URL."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    ca = ca or hub.ca
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "server.pem").write_bytes(ca.server_pem)
    (folder / "server-key.pem").write_bytes(ca.server_key_pem)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    context.load_cert_chain(folder / "server.pem", folder / "server-key.pem")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            return None

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length", "0") or 0)
            body = self.rfile.read(length) if length else b""
            request = httpx.Request(self.command, f"https://127.0.0.1{self.path}",
                                    headers=dict(self.headers.items()), content=body)
            try:
                answer = hub.handle(request)
            except httpx.TransportError:
                self.close_connection = True
                return
            data = answer.read()
            self.send_response(answer.status_code)
            for name, value in answer.headers.items():
                if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _any

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- laptops


@dataclass
class Laptop:
    folder: Path
    vault: Vault
    store: Store

    def reopen(self) -> Laptop:
        """Lock and unlock again (a restart)."""
        self.vault.lock()
        vault = Vault.open(self.folder)
        vault.unlock(bytearray(PASSPHRASE.encode()))
        return Laptop(self.folder, vault, Store.open(vault))


def new_laptop(folder: Path, *, user: str = "jo", role: str = "idva") -> Laptop:
    vault = Vault.create(folder, passphrase=bytearray(PASSPHRASE.encode()), user=user, role=role)
    return Laptop(folder, vault, Store.open(vault))


@pytest.fixture
def hub() -> FakeHub:
    return FakeHub()


@pytest.fixture
def laptops(tmp_path: Path):
    made: list[Laptop] = []

    def make(name: str = "laptop", **kw: str) -> Laptop:
        laptop = new_laptop(tmp_path / name, **kw)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        laptop.vault.lock()


def enrolled(hub: FakeHub, laptop: Laptop, **code: str) -> str:
    from fieldapp.services.sync import enrol

    done = enrol.enrol(store=laptop.store, hub_url=HUB_URL, code=hub.make_code(**code),
                       ca_fingerprint=hub.ca_fingerprint, label="test",
                       transport=hub.transport())
    return done.device_id


def add_cases(laptop: Laptop, count: int, *, me: str = "IDVA01", seed: int = 7) -> None:
    from fieldapp.services import demo

    with laptop.store.uow() as uow:
        demo.fill_demo(uow=uow, cases=count, me=me, seed=seed)
        uow.commit()


def outbox_states(laptop: Laptop) -> dict[str, int]:
    with laptop.store.uow(read_only=True) as uow:
        return dict(uow.dbapi().execute(
            "SELECT status, count(*) FROM outbox GROUP BY status").fetchall())


def meta(laptop: Laptop, key: str) -> str | None:
    with laptop.store.uow(read_only=True) as uow:
        row = uow.dbapi().execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else row[0]


def no_sleep(_seconds: float) -> None:
    return None


def test_the_fake_hub_speaks_the_protocol(hub: FakeHub) -> None:
    """The helper's own sanity: a device it enrols can be found again by its id."""
    code = hub.make_code()
    pairs = keys.KeyPairs.generate()
    device_id = keys.device_id_for(pairs.signing.public_key())
    request = EnrolRequest(code=code, device_signing_key=pairs.signing_public_b64,
                           device_sealing_key=pairs.sealing_public_b64, device_id=device_id)
    answer = hub.handle(httpx.Request("POST", f"{HUB_URL}/v1/enrol",
                                      content=request.model_dump_json().encode()))
    assert answer.status_code == 200 and device_id in hub.devices


def test_the_client_talks_tls_13_to_a_hub_its_ca_signed_and_to_no_other(hub, tmp_path):
    from fieldapp.services.sync import errors
    from fieldapp.services.sync.client import HubClient

    with served(hub, tmp_path / "tls") as url:
        with HubClient(base_url=url, ca_pem=hub.ca_pem) as client:
            assert client.call("GET", "/v1/ca", signed=False).status == 200
            assert client.last_hub_ms is not None
        with HubClient(base_url=url, ca_pem=make_ca().pem) as client:
            with pytest.raises(errors.CertificateMismatch):
                client.call("GET", "/v1/ca", signed=False)
        with HubClient(base_url=url.replace("127.0.0.1", "localhost"), ca_pem=hub.ca_pem) as client:
            with pytest.raises(errors.CertificateMismatch):  # the name is not on the certificate
                client.call("GET", "/v1/ca", signed=False)
