"""``sync_now``: seal, push, pull, as one call for the CLI and the GUI (no Qt here)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime

import httpx

from fieldapp.services.sync import bundles, pull, push, state, wipe
from fieldapp.services.sync.client import HubClient, check_url
from fieldapp.services.sync.errors import Revoked, SyncError
from fieldapp.services.sync.report import SyncReport
from fieldapp.services.sync.state import Enrolment
from fieldapp.store import Store
from fieldapp.store.cursor import dbapi_of
from fieldapp.vault import Vault
from sync.protocol import hlc

log = logging.getLogger(__name__)

_OUTBOX_CLOCK = "hlc"
_OUTBOX_NODE = "device_id"


def load_enrolment(*, store: Store) -> Enrolment:
    """The enrolment kept in the vault (NotEnrolled if there is none)."""
    with store.uow(read_only=True) as uow:
        return state.load(uow.dbapi())


def client_for(*, store: Store, enrolment: Enrolment, hub_url: str | None = None,
               transport: httpx.BaseTransport | None = None,
               sleep: Callable[[float], None] = time.sleep) -> HubClient:
    """A client for the pinned hub, signing as this device, with the last known clock offset."""
    with store.uow(read_only=True) as uow:
        offset = state.get_int(uow.dbapi(), state.HUB_OFFSET_MS, 0)
    return HubClient(base_url=hub_url or enrolment.hub_url, ca_pem=enrolment.ca_pem,
                     signer=enrolment.pairs.signing, device_id=enrolment.device_id,
                     offset_ms=offset, transport=transport, sleep=sleep)


def receive_hub_time(*, store: Store, hub_ms: int, now_ms: int | None = None) -> None:
    """The HLC receive rule with the hub's clock, into the outbox's clock (meta ``hlc``), so the
    next local change is stamped after everything the hub had seen."""
    now_ms = int(time.time() * 1000) if now_ms is None else now_ms
    with store.uow() as uow:
        db = dbapi_of(uow.session)
        node_row = db.execute("SELECT value FROM meta WHERE key = ?", (_OUTBOX_NODE,)).fetchone()
        if node_row is None:
            return  # no local change was ever stamped; the first one reads the wall clock
        row = db.execute("SELECT value FROM meta WHERE key = ?", (_OUTBOX_CLOCK,)).fetchone()
        local = hlc.Hlc.parse(row[0]) if row is not None else None
        nxt = hlc.receive(local, hub_ms, now_ms=now_ms, node=node_row[0])
        state.put(db, _OUTBOX_CLOCK, nxt.encode())
        uow.commit()


def _record(store: Store, *, client: HubClient | None, outcome: dict, hub_url: str | None) -> None:
    try:
        with store.uow() as uow:
            db = uow.dbapi()
            if client is not None and client.last_hub_ms is not None:
                state.put(db, state.HUB_OFFSET_MS, client.offset_ms)
            at_ms = int(time.time() * 1000)
            state.put(db, state.LAST_SYNC_AT, at_ms)
            state.put(db, state.LAST_SYNC_OUTCOME, json.dumps(outcome, sort_keys=True))
            if outcome.get("ok"):
                state.put(db, state.LAST_GOOD_SYNC_AT, at_ms)
            if hub_url is not None and outcome.get("ok"):
                state.put(db, state.HUB_URL, hub_url)
            uow.commit()
    except Exception:  # the outcome is a convenience; never hide the sync's own result
        log.warning("could not record the sync outcome")


def sync_now(*, vault: Vault, store: Store, hub_url: str | None = None,
             transport: httpx.BaseTransport | None = None, now: datetime | None = None,
             sleep: Callable[[float], None] = time.sleep) -> SyncReport:
    """Seal pending changes, push every sealed bundle, then pull this device's scope.

    Raises HubUnreachable, CertificateMismatch, HubNotTrusted, NotEnrolled or Revoked (after a
    verified wipe order was carried out: the vault is gone). Refusals that leave the vault
    consistent are listed in the report instead.
    """
    url = check_url(hub_url) if hub_url else None
    enrolment = load_enrolment(store=store)
    client: HubClient | None = None
    outcome: dict = {"ok": False}
    try:
        client = client_for(store=store, enrolment=enrolment, hub_url=url, transport=transport,
                            sleep=sleep)
        sealed = bundles.seal_all(store=store, now=now)
        report = SyncReport(device_id=enrolment.device_id, sealed_bundles=sealed.bundles,
                            refused=list(sealed.refused))
        report.merge(push.push(store=store, client=client, enrolment=enrolment, now=now))
        report.merge(pull.pull(store=store, client=client, enrolment=enrolment))
        report.clock_warning = client.clock_warning
        report.hub_time = client.last_hub_ms
        if client.last_hub_ms is not None:
            receive_hub_time(store=store, hub_ms=client.last_hub_ms)
        outcome = {**report.summary()}
        return report
    except wipe.WipeOrdered:
        client_close(client)
        client = None
        wipe.wipe_folder(vault.folder, close=vault.lock)
        raise Revoked("the station hub revoked this laptop, so its vault was wiped as ordered. "
                      "Nothing of it is left here; ask your coordinator before using it "
                      "again.") from None
    except SyncError as exc:
        outcome = {"ok": False, "error": type(exc).__name__}
        raise
    finally:
        if client is not None:
            _record(store, client=client, outcome=outcome, hub_url=url)
            client.close()


def client_close(client: HubClient | None) -> None:
    if client is not None:
        client.close()
