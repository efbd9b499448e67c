"""Enrolment: pin the station CA (checked by fingerprint), make this device's keys, spend the
one-time code, verify the hub-signed device record, keep everything in ``meta`` in one commit.

``GET /v1/ca`` is the one unauthenticated fetch: its answer is used only if the certificate's
SHA-256 fingerprint equals the one the coordinator reads out (or the person confirms it against
the hub's screen). From then on the connection trusts that CA alone, so the code and the keys
travel only to the hub whose certificate it signed.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx
from pydantic import ValidationError

from fieldapp.services.sync import state
from fieldapp.services.sync.client import HubClient, check_url
from fieldapp.services.sync.errors import CertificateMismatch, HubNotTrusted, Refused
from fieldapp.services.sync.refusals import error_body
from fieldapp.store import Store
from sync.protocol import keys, seal
from sync.protocol.errors import ProtocolError
from sync.protocol.models import EnrolRequest, EnrolResponse

log = logging.getLogger(__name__)

RECORD_KIND = "device_record"


@dataclass(frozen=True)
class Enrolled:
    device_id: str
    """This laptop's device fingerprint, to compare with the hub's screen."""
    ca_fingerprint: str
    hub_url: str
    user: str
    role: str
    staff_code: str
    bcu: str
    team: str


def fetch_ca(*, hub_url: str, transport: httpx.BaseTransport | None = None) -> tuple[str, str]:
    """(CA PEM, its fingerprint) as the hub offers them: NOT authenticated; compare first."""
    with HubClient(base_url=hub_url, ca_pem=None, transport=transport) as client:
        answer = client.call("GET", "/v1/ca", signed=False)
    if answer.status != 200:
        raise Refused(f"the hub did not give its station CA (HTTP {answer.status})",
                      code=answer.error or "no_ca")
    pem = answer.json().get("ca_pem")
    if not isinstance(pem, str):
        raise Refused("the hub's answer holds no station CA certificate", code="no_ca")
    return pem, ca_fingerprint_of(pem)


def ca_fingerprint_of(pem: str) -> str:
    try:
        der = ssl.PEM_cert_to_DER_cert(pem)
    except ValueError:
        raise Refused("the hub's station CA is not a certificate", code="no_ca") from None
    return keys.certificate_fingerprint(der)


def _check_record(response: EnrolResponse, pairs: keys.KeyPairs, device_id: str) -> None:
    try:
        hub_signing = keys.ed25519_public(response.hub_signing_key)
        keys.x25519_public(response.hub_sealing_key)
    except ValueError:
        raise HubNotTrusted("the hub's keys in its enrolment answer are not valid keys") from None
    if keys.key_id(hub_signing) != response.hub_kid:
        raise HubNotTrusted("the hub's key id does not match its signing key")
    try:
        record = seal.verify_statement(response.record, hub_signing, kind=RECORD_KIND)
    except ProtocolError:
        raise HubNotTrusted("the hub's device record is not signed by the hub's key") from None
    expected = {"device_id": device_id, "signing_key": pairs.signing_public_b64,
                "sealing_key": pairs.sealing_public_b64, "role": response.role,
                "staff_code": response.staff_code}
    if response.device_id != device_id or any(record.get(k) != v for k, v in expected.items()):
        raise HubNotTrusted("the hub's device record is not for this laptop's keys")


def enrol(*, store: Store, hub_url: str, code: str, ca_fingerprint: str | None,
          label: str = "", force: bool = False,
          confirm_fingerprint: Callable[[str], bool] | None = None,
          transport: httpx.BaseTransport | None = None) -> Enrolled:
    """Enrol this vault's device with the hub at ``hub_url`` using a one-time ``code``.

    ``ca_fingerprint`` is the station CA's fingerprint as read out by the coordinator; without
    it ``confirm_fingerprint(fingerprint)`` must return True (the person compared it with the
    hub's screen). Refuses an already enrolled vault unless ``force`` (new keys; unsent bundles
    are sealed again for the new enrolment and the next pull is a full restore).
    """
    url = check_url(hub_url)
    with store.uow(read_only=True) as uow:
        if state.is_enrolled(uow.dbapi()) and not force:
            raise Refused("this laptop is already enrolled with a station hub; enrol it again "
                          "only if the coordinator asks (use --force)", code="already_enrolled")
    ca_pem, offered = fetch_ca(hub_url=url, transport=transport)
    if ca_fingerprint is not None:
        if keys.normalise_fingerprint(ca_fingerprint) != keys.normalise_fingerprint(offered):
            raise CertificateMismatch(
                "the hub's station CA does not have the fingerprint you were given, so nothing "
                "was sent and nothing was pinned. Check the address and the fingerprint with "
                "your coordinator.")
    elif confirm_fingerprint is None or not confirm_fingerprint(offered):
        raise Refused("the station CA's fingerprint was not confirmed; nothing was sent. Give "
                      "--ca-fingerprint as the coordinator reads it out", code="unconfirmed_ca")
    pairs = keys.KeyPairs.generate()
    device_id = keys.device_id_for(pairs.signing.public_key())
    request = EnrolRequest(code=code.strip(), device_signing_key=pairs.signing_public_b64,
                           device_sealing_key=pairs.sealing_public_b64, device_id=device_id,
                           label=label[:80])
    with HubClient(base_url=url, ca_pem=ca_pem, transport=transport) as client:
        answer = client.call("POST", "/v1/enrol", signed=False,
                             body=json.dumps(request.model_dump()).encode("utf-8"),
                             headers={"Content-Type": "application/json"})
        offset = client.offset_ms
    if answer.status != 200:
        body = error_body(answer)
        message = body.get("message") if isinstance(body.get("message"), str) else ""
        raise Refused(f"the hub refused the enrolment: {message or answer.error or answer.status}",
                      code=answer.error or f"http_{answer.status}")
    try:
        response = EnrolResponse.model_validate(answer.json())
    except ValidationError:
        raise Refused("the hub's enrolment answer is not in the expected form",
                      code="malformed") from None
    if response.ca_pem.strip() != ca_pem.strip():
        raise CertificateMismatch("the hub answered with another station CA than the one checked")
    _check_record(response, pairs, device_id)
    _store(store, response=response, pairs=pairs, device_id=device_id, hub_url=url,
           ca_pem=ca_pem, offset_ms=offset, force=force)
    log.info("enrolled with the station hub", extra={"device_id": device_id})
    return Enrolled(device_id=device_id, ca_fingerprint=offered, hub_url=url, user=response.user,
                    role=response.role, staff_code=response.staff_code, bcu=response.bcu,
                    team=response.team)


def _store(store: Store, *, response: EnrolResponse, pairs: keys.KeyPairs, device_id: str,
           hub_url: str, ca_pem: str, offset_ms: int, force: bool) -> None:
    from sync.protocol.canonical import b64

    signing, sealing = pairs.raw()
    with store.uow() as uow:
        db = uow.dbapi()
        if state.is_enrolled(db):
            if not force:
                raise Refused("this laptop was enrolled meanwhile; nothing was changed",
                              code="already_enrolled")
            _reset_for_new_device(db)
        values = {
            state.DEVICE_SIGNING_KEY: b64(signing), state.DEVICE_SEALING_KEY: b64(sealing),
            state.DEVICE_ID: device_id, state.HUB_URL: hub_url,
            state.HUB_SIGNING_KEY: response.hub_signing_key,
            state.HUB_SEALING_KEY: response.hub_sealing_key, state.HUB_KID: response.hub_kid,
            state.CA_PEM: ca_pem, state.MAX_BUNDLE_BYTES: response.max_bundle_bytes,
            state.USER: response.user, state.USER_ID: response.user_id, state.ROLE: response.role,
            state.STAFF_CODE: response.staff_code, state.BCU: response.bcu,
            state.TEAM: response.team,
            state.DEVICE_RECORD: json.dumps(response.record, sort_keys=True),
            state.ENROLLED_AT: int(time.time() * 1000), state.HUB_OFFSET_MS: offset_ms,
        }
        for key, value in values.items():
            state.put(db, key, value)
        uow.commit()


def _reset_for_new_device(db) -> None:  # noqa: ANN001 - a DB-API connection
    """A new device id starts its bundle numbering at 1: unacknowledged operations go back to
    pending (sealed again for the new keys), the old bundles are dropped, and the next pull is a
    full restore (cases no longer in the new scope are purged). The acknowledged audit head is
    kept: the old hub's receipt still proves those rows existed."""
    db.execute("UPDATE outbox SET status = 'pending', bundle_id = NULL WHERE status = 'sealed'")
    db.execute("UPDATE outbox SET bundle_id = NULL WHERE bundle_id IS NOT NULL")
    db.execute("DELETE FROM sync_bundles")
    for key in (state.CURSOR, state.DEFERRED, state.PROTOCOL_VERSION):
        state.delete(db, key)
    state.put(db, state.FULL_RESTORE, "1")
