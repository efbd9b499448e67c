"""``fieldapp-hub serve`` as a real process, and the commands around an enrolled device."""

from __future__ import annotations

import json
import signal
import stat
import subprocess
import time
import uuid

import httpx
import pytest
from hub_process import HUB_EXE, SERVING, explain, hub_env, start_hub

from sync.protocol import auth, seal
from sync.protocol.canonical import ZERO_HASH, b64, unb64
from sync.protocol.keys import KeyPairs, device_id_for, ed25519_public, x25519_public
from sync.protocol.models import EnrolResponse, PushPayload


def _serve(made, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(HUB_EXE), "--data", str(made.data_dir), "serve", *args],
                          capture_output=True, text=True, timeout=timeout, env=hub_env(),
                          check=False)


# ---- serve -------------------------------------------------------------------------------------

def test_plain_http_is_refused_on_a_non_loopback_address(made_hub_sqlite):
    result = _serve(made_hub_sqlite, "--host", "0.0.0.0", "--port", "0", "--plain-http")
    assert result.returncode == 2, explain(result)
    assert "plain HTTP is only allowed on a loopback address" in result.stderr
    assert SERVING not in result.stdout and "Traceback" not in result.stderr

    settings = made_hub_sqlite.data_dir / "hub.json"  # the address from hub.json is checked too
    doc = json.loads(settings.read_text())
    settings.write_text(json.dumps({**doc, "host": "0.0.0.0"}))
    result = _serve(made_hub_sqlite, "--port", "0", "--plain-http")
    assert result.returncode == 2 and "loopback" in result.stderr, explain(result)
    assert SERVING not in result.stdout


def test_plain_http_on_loopback_and_sigint(made_hub_sqlite):
    running = start_hub(made_hub_sqlite, plain_http=True)
    try:
        assert running.url.startswith("http://127.0.0.1:")
        with httpx.Client(timeout=10) as client:
            assert client.get(f"{running.url}/v1/health").json() == {"status": "ok"}
            assert client.get(f"{running.url}/openapi.json").json()["openapi"]
        running.process.send_signal(signal.SIGINT)
        assert running.process.wait(15) == 0, running.logs()
    finally:
        running.stop()


def test_a_port_in_use_is_a_clear_refusal(hub_sqlite):
    result = _serve(hub_sqlite, "--host", "127.0.0.1", "--port", str(hub_sqlite.port))
    assert result.returncode == 1, explain(result)
    assert "in use" in result.stderr and "Traceback" not in result.stderr
    with hub_sqlite.client() as client:  # the first hub is unaffected
        assert client.get("/v1/health").status_code == 200


def test_sigterm_lets_a_request_in_flight_finish(hub_sqlite):
    with hub_sqlite.client() as client:
        assert client.get("/v1/health").status_code == 200
    hub_sqlite.process.send_signal(signal.SIGTERM)
    assert hub_sqlite.process.wait(15) == 0, hub_sqlite.logs()
    assert '"event":"stopped"' in hub_sqlite.logs()


def test_logs_carry_no_query_and_no_body(hub_sqlite):
    with hub_sqlite.client() as client:
        client.get("/v1/health", params={"who": "Marker Qx"})
        client.post("/v1/enrol", json={"code": "MARKERQXMARKERQX", "device_signing_key": "Qx",
                                       "device_sealing_key": "Qx", "device_id": "Qx",
                                       "label": "Marker Qx"})
    hub_sqlite.stop()
    for text in (hub_sqlite.logs(), (hub_sqlite.data_dir / "logs" / "hub.log").read_text()):
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        requests = [e for e in lines if e.get("event") == "request"]
        assert {"method": "GET", "path": "/v1/health", "status": 200} in [
            {k: e[k] for k in ("method", "path", "status")} for e in requests]
        assert all("duration_ms" in e for e in requests)
        assert "Qx" not in text and "MARKER" not in text
        assert "127.0.0.1:" not in "".join(json.dumps(e) for e in requests)  # no client address


# ---- an enrolled device, end to end ------------------------------------------------------------

class Laptop:
    """Just enough of a laptop: device keys, enrolment, signed requests, a sealed bundle."""

    def __init__(self) -> None:
        self.keys = KeyPairs.generate()
        self.device_id = device_id_for(self.keys.signing.public_key())
        self.enrolment: EnrolResponse | None = None

    def enrol(self, client: httpx.Client, code: str) -> httpx.Response:
        reply = client.post("/v1/enrol", json={
            "code": code, "device_signing_key": self.keys.signing_public_b64,
            "device_sealing_key": self.keys.sealing_public_b64, "device_id": self.device_id,
            "label": "test laptop"})
        if reply.status_code == 200:
            self.enrolment = EnrolResponse.model_validate(reply.json())
        return reply

    def signed_get(self, client: httpx.Client, path: str) -> httpx.Response:
        headers = auth.sign_request(signer=self.keys.signing, device_id=self.device_id,
                                    method="GET", path=path, body=b"")
        return client.get(path, headers=headers)

    def bundle(self, seq: int = 1, prev_hash: str = ZERO_HASH) -> bytes:
        assert self.enrolment is not None
        bundle_id = str(uuid.uuid4())
        now = int(time.time() * 1000)
        core = {"v": 1, "type": "push", "bundle_id": bundle_id, "device_id": self.device_id,
                "seq": seq, "prev_hash": prev_hash, "hlc": f"{now:015d}-00000-laptop1",
                "hub_kid": self.enrolment.hub_kid}
        payload = PushPayload(bundle_id=bundle_id, device_id=self.device_id, seq=seq, ops=[])
        return seal.seal(kind="push", header_core=core, payload=payload.model_dump(),
                         recipient=x25519_public(self.enrolment.hub_sealing_key),
                         signer=self.keys.signing)

    def transfer_file(self, bodies: list[bytes], cursor: int = 0) -> bytes:
        pull = seal.sign_statement({"type": "pull_request", "device_id": self.device_id,
                                    "cursor": cursor, "issued_at": int(time.time() * 1000)},
                                   self.keys.signing)
        return json.dumps({"format": "fieldapp-transfer", "v": 1, "device_id": self.device_id,
                           "bundles": [b64(b) for b in bodies], "pull": pull}).encode()


def _code(hub, *args: str) -> str:
    return hub.ok("enrol-code", *args).stdout.strip().splitlines()[-1].split()[-1]


def test_enrol_devices_transfer_and_revoke(hub, tmp_path):
    laptop = Laptop()
    code = _code(hub, "--user", "Jo Bloggs", "--role", "idva", "--staff-code", "IDVA01",
                 "--bcu", "WEST")
    with hub.client() as client:
        reply = laptop.enrol(client, code)
        assert reply.status_code == 200, reply.text
        assert laptop.enrolment.ca_pem.strip() == hub.ca_pem.strip()
        assert laptop.enrol(client, code).status_code == 403  # single use
        assert laptop.signed_get(client, "/v1/changes?cursor=0").status_code == 200

    listed = json.loads(hub.ok("devices", "--json").stdout)["devices"]
    assert [(d["device_id"], d["user"], d["role"], d["state"]) for d in listed] == [
        (laptop.device_id, "Jo Bloggs", "idva", "active")]
    assert laptop.device_id in hub.ok("devices").stdout
    shown = json.loads(hub.ok("devices", "show", laptop.device_id.lower(), "--json").stdout)
    assert shown["device_id"] == laptop.device_id and shown["cases"] == []
    assert "Jo Bloggs" in hub.ok("devices", "show", laptop.device_id).stdout

    # USB transfer: one sealed bundle and a pull request; the reply is written 0600
    source, reply_file = tmp_path / "transfer.json", tmp_path / "reply.json"
    source.write_bytes(laptop.transfer_file([laptop.bundle()]))
    imported = hub.ok("bundle", "import", str(source), "--reply", str(reply_file))
    assert "fieldapp sync --from-file" in imported.stdout
    assert stat.S_IMODE(reply_file.stat().st_mode) == 0o600
    answer = json.loads(reply_file.read_bytes())
    assert answer["format"] == "fieldapp-reply" and answer["device_id"] == laptop.device_id
    assert [r["status"] for r in answer["results"]] == ["applied"]
    receipt = seal.verify_statement(answer["results"][0]["receipt"],
                                    ed25519_public(laptop.enrolment.hub_signing_key),
                                    kind="receipt")
    assert receipt["seq"] == 1 and len(answer["pages"]) >= 1
    seal.parse(unb64(answer["pages"][0]), kind="pull").verify(
        ed25519_public(laptop.enrolment.hub_signing_key))
    again = hub.ok("bundle", "import", str(source), "--reply", str(reply_file))
    assert [r["status"] for r in json.loads(reply_file.read_bytes())["results"]] == ["duplicate"]
    assert again.returncode == 0
    status = json.loads(hub.ok("status", "--json").stdout)
    assert status["devices"] == {"active": 1, "revoked": 0, "total": 1}
    assert status["bundles"] == 1

    # revoke: the device is refused with a wipe order signed by the hub
    hub.ok("revoke", laptop.device_id, "--reason", "laptop lost", "--operator", "Coordinator A")
    with hub.client() as client:
        refused = laptop.signed_get(client, "/v1/changes?cursor=0")
    assert refused.status_code == 403 and refused.json()["error"] == "revoked"
    order = seal.verify_statement(refused.json()["wipe"],
                                  ed25519_public(laptop.enrolment.hub_signing_key), kind="wipe")
    assert order["device_id"] == laptop.device_id
    listed = json.loads(hub.ok("devices", "--json").stdout)["devices"]
    assert listed[0]["state"] == "revoked" and listed[0]["revoked_reason"] == "laptop lost"
    source.write_bytes(laptop.transfer_file([laptop.bundle(seq=2)]))
    revoked = hub.cli("bundle", "import", str(source), "--reply", str(reply_file))
    assert revoked.returncode == 1, explain(revoked)
    assert "wipe" in json.loads(reply_file.read_bytes())
    assert hub.ok("audit", "verify").returncode == 0


def test_lost_reply_through_the_fault_proxy_after_the_hub_committed(hub_sqlite):
    laptop = Laptop()
    code = _code(hub_sqlite, "--user", "Sam", "--role", "coordinator")
    with hub_sqlite.proxy(plan=["lost_reply"]) as proxy:
        with hub_sqlite.client(base_url=proxy.url) as client:
            with pytest.raises(httpx.TransportError):
                laptop.enrol(client, code)
            assert client.get("/v1/health").status_code == 200  # the proxy passes from now on
    assert proxy.counts["lost_reply"] == 1
    listed = json.loads(hub_sqlite.ok("devices", "--json").stdout)["devices"]
    assert [d["device_id"] for d in listed] == [laptop.device_id]  # committed before the cut
