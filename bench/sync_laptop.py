"""A light simulated laptop for load runs: the real wire protocol without a vault.

What is real: the device's keys (``sync.protocol.keys``), sealed and signed push bundles chained by
``seq``/``prev_hash`` (``sync.protocol.seal``), the laptop's own HTTPS client with its pinned CA,
signed requests and retries (``fieldapp.services.sync.client.HubClient``), the laptop's checks of a
receipt (``bundles.check_receipt``) and of a pull page (``pages.open_page``: the hub's signature,
this device, the header), and the scope-hash comparison after the last page. What is simulated: the
vault. Operations are made in memory in the shapes the laptop's writers give them (incident, case,
visit, offers, risk checklist, voice entries, safe contact) and the cases the hub sends are kept in
a dict instead of being replayed into SQLCipher; one laptop costs a few hundred kB and no KDF, so
hundreds run at once in threads of one process.

Each laptop records what the checks afterwards need: every op id it sealed, every bundle it sent
with its receipt, and every pull page's cursors, so a run can prove each op was applied once, that
the pages it saw chained without a gap, and that what it holds is the hub's view of its scope.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from fieldapp.services.sync import bundles, pages
from fieldapp.services.sync.client import HubClient
from fieldapp.services.sync.errors import SyncError
from fieldapp.services.sync.state import Enrolment
from sync.protocol import keys, seal
from sync.protocol.auth import IDEMPOTENCY
from sync.protocol.canonical import ZERO_HASH, sha256_hex
from sync.protocol.models import MAX_OPS_PER_BUNDLE, EnrolRequest, EnrolResponse, Op

VISIT_AT = "2026-05-01T20:00:00+00:00"
POLICE_AT = "2026-05-01T18:30:00+00:00"
OFFER_TYPES = ("IDVA_SUPPORT", "PROSECUTION_SUPPORT", "SAFETY_PLAN")
STATUSES = ("ACCEPTED", "DECLINED", "OFFERED", "UNDECIDED")
TARGETS = ("REFUGE", "HOUSING", "MENTAL_HEALTH", "DRUG_ALCOHOL", "MARAC")
PAGE_LIMIT = 500
_SEAL_MARGIN = 2048


class LaptopFailed(Exception):
    """A refusal the laptop cannot retry its way past (its code is in ``args[0]``)."""


@dataclass(frozen=True)
class Plan:
    """Who the laptop is enrolled as."""

    name: str
    role: str = "idva"
    staff_code: str = ""
    team: str = ""
    bcu: str = "WEST"


@dataclass
class Sent:
    bundle_id: str
    seq: int
    body: bytes
    op_ids: list[str]
    case_ids: list[str]
    receipt: dict[str, Any] | None = None


@dataclass
class Stats:
    push_ms: list[float] = field(default_factory=list)
    pull_ms: list[float] = field(default_factory=list)
    retried_syncs: int = 0
    errors: list[str] = field(default_factory=list)


class SimLaptop:
    def __init__(self, plan: Plan, *, seed: int = 0, marker: str = "") -> None:
        self.plan = plan
        self.rng = random.Random(seed)
        self.marker = marker  # put into names and numbers, so a log scan can look for it
        self.pairs = keys.KeyPairs.generate()
        self.device_id = keys.device_id_for(self.pairs.signing.public_key())
        self.node = uuid.uuid4().hex[:12]
        self.enrolment: Enrolment | None = None
        self.client: HubClient | None = None
        self.hub_url = ""
        self.urls: list[str] = []
        """Every address of the hub this laptop knows (two hub processes: both)."""
        self._wall = 0
        self._counter = 0
        self.pending: list[Op] = []
        self.sent: list[Sent] = []
        self.seq = 0
        self.prev_hash = ZERO_HASH
        self.cursor = 0
        self.held: dict[str, tuple[int, list[Op]]] = {}
        self.pages: list[tuple[int, int, bool]] = []
        self.scope_mismatches = 0
        self.own_cases: list[dict[str, str]] = []
        self.personal: list[str] = []
        self.stats = Stats()
        self.lock = threading.Lock()

    # ------------------------------------------------------------------ enrolment
    def enrol(self, *, hub_url: str, ca_pem: str, code: str) -> None:
        request = EnrolRequest(code=code, device_signing_key=self.pairs.signing_public_b64,
                               device_sealing_key=self.pairs.sealing_public_b64,
                               device_id=self.device_id, label=self.plan.name[:80])
        with HubClient(base_url=hub_url, ca_pem=ca_pem) as client:
            answer = client.call("POST", "/v1/enrol", signed=False,
                                 body=json.dumps(request.model_dump()).encode("utf-8"),
                                 headers={"Content-Type": "application/json"})
        if answer.status != 200:
            raise LaptopFailed(f"enrol: {answer.status} {answer.error}")
        response = EnrolResponse.model_validate(answer.json())
        hub_signing = keys.ed25519_public(response.hub_signing_key)
        record = seal.verify_statement(response.record, hub_signing, kind="device_record")
        if record.get("device_id") != self.device_id:
            raise LaptopFailed("enrol: the device record is not this laptop's")
        self.enrolment = Enrolment(
            device_id=self.device_id, pairs=self.pairs, hub_url=hub_url, hub_signing=hub_signing,
            hub_sealing=keys.x25519_public(response.hub_sealing_key), hub_kid=response.hub_kid,
            ca_pem=ca_pem, max_bundle_bytes=response.max_bundle_bytes, user=response.user,
            role=response.role, staff_code=response.staff_code, bcu=response.bcu,
            team=response.team)
        self.connect(hub_url)

    def connect(self, hub_url: str) -> None:
        """(Re)open the HTTPS client, to this hub or another process of it."""
        assert self.enrolment is not None
        if self.client is not None:
            self.client.close()
        offset = self.client.offset_ms if self.client is not None else 0
        self.hub_url = hub_url
        self.client = HubClient(base_url=hub_url, ca_pem=self.enrolment.ca_pem,
                                signer=self.pairs.signing, device_id=self.device_id,
                                offset_ms=offset)

    def close(self) -> None:
        if self.client is not None:
            self.client.close()

    # ------------------------------------------------------------------ changes
    def _hlc(self) -> str:
        now = self.client.hub_now_ms() if self.client is not None else int(time.time() * 1000)
        if now > self._wall:
            self._wall, self._counter = now, 0
        else:
            self._counter += 1
            if self._counter > 99_999:
                self._wall, self._counter = self._wall + 1, 0
        return f"{self._wall:015d}-{self._counter:05d}-{self.node}"

    def _op(self, entity: str, entity_id: str, case_id: str, value: dict[str, Any], *,
            kind: str = "upsert") -> Op:
        op = Op(op_id=str(uuid.uuid4()), entity=entity, entity_id=entity_id, case_id=case_id,
                kind=kind, value=value, hlc=self._hlc(), author=self.plan.name)
        self.pending.append(op)
        return op

    def new_case(self, *, allocated_to: str | None = None) -> dict[str, str]:
        """A referral from the police and the IDVA's visit: incident, case, visit, offers, risk,
        a voice entry and a safe contact (the ops ``create_incident`` and a saved visit make)."""
        n = len(self.own_cases)
        ids = {"case_id": str(uuid.uuid4()), "incident_id": str(uuid.uuid4()),
               "visit_id": str(uuid.uuid4())}
        code = allocated_to if allocated_to is not None else self.plan.staff_code
        victim = f"Victim {self.marker}{self.plan.name} {n}"
        phone = f"07700{self.marker}{self.rng.randrange(10**5, 10**6)}"
        self.personal += [victim, phone]
        self._op("incident", ids["incident_id"], ids["case_id"], {
            "police_ref": f"PR-{uuid.uuid4().hex[:8].upper()}", "bcu": self.plan.bcu or "WEST",
            "district": "BLACKPOOL", "police_visit_at": POLICE_AT, "officers": ["PC1"],
            "victim_name": victim, "allocated_to": code})
        self._op("case", ids["case_id"], ids["case_id"], {
            "incident_id": ids["incident_id"], "visit_id": ids["visit_id"], "allocated_to": code})
        self.visit(ids, note=f"first visit {n}")
        self._op("offers", ids["visit_id"], ids["case_id"], {
            "offers": [{"offer_type": t, "status": self.rng.choice(STATUSES),
                        "decline_reason": None} for t in OFFER_TYPES],
            "referrals": [{"target": self.rng.choice(TARGETS), "status": "ACCEPTED",
                           "decline_reason": None}]})
        self._op("risk", ids["visit_id"], ids["case_id"], {
            "answers": [self.rng.choice(("YES", "NO")) for _ in range(24)],
            "professional_judgement": self.rng.random() < 0.3, "rationale": "",
            "da_events_12m": self.rng.randrange(5), "repeat_within_12m": False,
            "marac_referral": None})
        self.voice(ids, words=f"{victim} said she wants support")
        self._op("safe_contact", ids["case_id"], ids["case_id"], {
            "method": "PHONE", "safe_number": phone, "safe_times": "mornings",
            "voicemail_ok": False, "text_ok": True})
        self.own_cases.append(ids)
        return ids

    def visit(self, ids: dict[str, str], *, note: str) -> Op:
        return self._op("visit", ids["visit_id"], ids["case_id"], {
            "case_id": ids["case_id"], "idva_visit_at": VISIT_AT, "mode": "JOINT",
            "idva_code": self.plan.staff_code, "safe_to_talk": True, "suspect_location": None,
            "children_in_household": self.rng.randrange(4), "encompass_notified": None,
            "police_risk_grade": None, "repeat_victim": False, "repeat_suspect": None,
            "note": note})

    def voice(self, ids: dict[str, str], *, words: str) -> Op:
        return self._op("voice", str(uuid.uuid4()), ids["case_id"], {
            "case_id": ids["case_id"], "words": words, "verbatim": True, "goals": [],
            "consent_to_share": None, "consent_scope": [], "corrects": None,
            "recorded_at": VISIT_AT, "recorded_by": self.plan.name}, kind="append")

    def held_case_ids(self) -> list[str]:
        return sorted(self.held)

    def ids_of_held(self, case_id: str) -> dict[str, str] | None:
        """The visit of a case this laptop received, to edit it as its owner's colleague."""
        ops = self.held.get(case_id, (0, []))[1]
        for op in ops:
            if op.entity == "case" and "visit_id" in op.value:
                return {"case_id": case_id, "visit_id": str(op.value["visit_id"]),
                        "incident_id": str(op.value.get("incident_id", ""))}
        return None

    # ------------------------------------------------------------------ sealing
    def seal_pending(self) -> int:
        """Pending ops into sealed bundles of at most the hub's limit (split when bigger)."""
        assert self.enrolment is not None
        made = 0
        limit = self.enrolment.max_bundle_bytes - _SEAL_MARGIN
        ops, self.pending = self.pending, []
        start = 0
        while start < len(ops):
            size, end = 0, start
            while end < len(ops) and end - start < MAX_OPS_PER_BUNDLE:
                grown = size + len(json.dumps(ops[end].model_dump(mode="json"))) + 64
                if end > start and grown * 1.4 > limit:  # sealing adds base64 and headers
                    break
                size, end = grown, end + 1
            while True:
                body, bundle_id = self._seal(ops[start:end])
                if len(body) <= limit or end - start == 1:
                    break
                end = start + max(1, (end - start) // 2)
            self.seq += 1
            self.prev_hash = seal.parse(body, kind="push").header_hash()
            self.sent.append(Sent(bundle_id=bundle_id, seq=self.seq, body=body,
                                  op_ids=[o.op_id for o in ops[start:end]],
                                  case_ids=sorted({o.case_id for o in ops[start:end]})))
            made += 1
            start = end
        return made

    def _seal(self, ops: list[Op]) -> tuple[bytes, str]:
        assert self.enrolment is not None
        bundle_id = str(uuid.uuid4())
        seq = self.seq + 1
        audit_seq = sum(len(s.op_ids) for s in self.sent) + len(ops)
        core = {"v": 1, "type": "push", "bundle_id": bundle_id, "device_id": self.device_id,
                "seq": seq, "prev_hash": self.prev_hash, "hlc": max(o.hlc for o in ops),
                "hub_kid": self.enrolment.hub_kid}
        payload = {"bundle_id": bundle_id, "device_id": self.device_id, "seq": seq,
                   "ops": [o.model_dump(mode="json") for o in ops],
                   "audit_head": {"seq": audit_seq,
                                  "hash": hashlib.sha256(f"{bundle_id}".encode()).hexdigest()}}
        body = seal.seal(kind="push", header_core=core, payload=payload,
                         recipient=self.enrolment.hub_sealing, signer=self.pairs.signing)
        return body, bundle_id

    # ------------------------------------------------------------------ network
    def push(self) -> int:
        """Send every bundle without a checked receipt, in order; the bundles acknowledged."""
        assert self.client is not None and self.enrolment is not None
        done = 0
        for item in self.sent:
            if item.receipt is not None:
                continue
            started = time.perf_counter()
            answer = self.client.call("POST", "/v1/bundles", body=item.body, headers={
                IDEMPOTENCY: item.bundle_id, "Content-Type": "application/octet-stream"})
            self.stats.push_ms.append((time.perf_counter() - started) * 1000)
            if answer.status != 200:
                raise LaptopFailed(f"push: {answer.status} {answer.error}")
            receipt = answer.json().get("receipt")
            stored = bundles.StoredBundle(item.bundle_id, item.seq, item.body, "sealed")
            item.receipt = bundles.check_receipt(receipt, enrolment=self.enrolment, bundle=stored)
            done += 1
        return done

    def pull(self) -> int:
        """Pages from the stored cursor until ``more`` is false; then the scope-hash check (a
        mismatch is counted and answered as the laptop does: a full restore from cursor 0)."""
        assert self.client is not None and self.enrolment is not None
        received = 0
        for _round in range(3):
            while True:
                started = time.perf_counter()
                answer = self.client.call("GET", f"/v1/changes?cursor={self.cursor}"
                                                 f"&limit={PAGE_LIMIT}")
                if answer.status != 200:
                    raise LaptopFailed(f"pull: {answer.status} {answer.error}")
                page = pages.open_page(answer.body, enrolment=self.enrolment)
                self.stats.pull_ms.append((time.perf_counter() - started) * 1000)
                if page.cursor_from != self.cursor:
                    raise LaptopFailed("pull: a page did not start at the cursor asked for")
                for case in page.payload.cases:
                    self.held[case.case_id] = (case.rev, list(case.ops))
                for case_id in page.payload.removed:
                    self.held.pop(case_id, None)
                self.pages.append((page.cursor_from, page.cursor_to, page.more))
                received += len(page.payload.cases)
                self.cursor = max(self.cursor, page.cursor_to)
                if not page.more:
                    break
            if self.scope_hash() == page.scope_hash:
                return received
            self.scope_mismatches += 1
            self.cursor = 0
            self.held.clear()
        raise LaptopFailed("pull: the scope hash still differs after two full restores")

    def scope_hash(self) -> str:
        return sha256_hex(b"".join(f"{c}:{rev}\n".encode("ascii")
                                   for c, (rev, _) in sorted(self.held.items())))

    def sync(self, *, attempts: int = 8, pause: float = 0.2) -> None:
        """Seal, push, pull, pressing *sync* again after a failure that can be retried."""
        self.seal_pending()
        for attempt in range(attempts):
            try:
                self.push()
                self.pull()
                return
            except SyncError as exc:  # unreachable, cut: the person presses sync again
                self.stats.retried_syncs += 1
                self.stats.errors.append(type(exc).__name__)
                if len(self.urls) > 1:  # the other hub process, next time
                    self.connect(self.urls[(self.urls.index(self.hub_url) + 1) % len(self.urls)]
                                 if self.hub_url in self.urls else self.urls[0])
                time.sleep(pause * (1 + attempt) * (0.5 + self.rng.random()))
        raise LaptopFailed(f"sync: still failing after {attempts} attempts "
                           f"({', '.join(self.stats.errors[-3:])})")

    # ------------------------------------------------------------------ what it holds
    def sealed_op_ids(self) -> list[str]:
        return [op_id for item in self.sent for op_id in item.op_ids]

    def view(self) -> dict[str, tuple[int, tuple[str, ...]]]:
        """case id -> (rev, sorted op ids) of what this laptop holds."""
        return {c: (rev, tuple(sorted(o.op_id for o in ops)))
                for c, (rev, ops) in self.held.items()}
