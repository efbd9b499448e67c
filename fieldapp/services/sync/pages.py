"""Pull pages: opened (verified with the pinned hub key, for this device, decrypted with its key)
and applied, a whole page and its cursor in one local transaction.

A case with local operations the hub has not acknowledged is not overwritten: it is *deferred*
(kept in ``meta`` with the hub's rev) and the stored cursor stays below its rev, so the next pull
asks for it again after this laptop's own change has been pushed. A case the hub took out of
this device's scope is purged once it has no unacknowledged operation (until then it waits in
``sync.pending_removals``). A case whose rev is not newer than the one held is left alone, so a
page applied twice or late changes nothing and the cursor never moves back.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from fieldapp.services.sync import apply, state
from fieldapp.services.sync.errors import HubNotTrusted, Refused
from fieldapp.services.sync.ops import pending_case_ids
from fieldapp.services.sync.report import Refusal
from fieldapp.services.sync.state import Enrolment
from fieldapp.store import Store
from fieldapp.store.uow import UnitOfWork
from sync.protocol import seal
from sync.protocol.errors import BadSignature, ProtocolError
from sync.protocol.models import PullPayload
from sync.protocol.replay import replay

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Page:
    header: dict[str, Any]
    payload: PullPayload

    @property
    def cursor_from(self) -> int:
        return self.payload.cursor_from

    @property
    def cursor_to(self) -> int:
        return self.payload.cursor_to

    @property
    def more(self) -> bool:
        return bool(self.header.get("more"))

    @property
    def scope_hash(self) -> str:
        return str(self.header.get("scope_hash", ""))


def open_page(body: bytes, *, enrolment: Enrolment) -> Page:
    """Parse, verify with the pinned hub key, check it is for this device, decrypt, validate."""
    try:
        sealed = seal.parse(body, kind="pull")
    except ProtocolError as exc:
        raise Refused(f"a page from the hub could not be read ({exc.code})", code=exc.code) from None
    try:
        sealed.verify(enrolment.hub_signing)
    except BadSignature:
        log.warning("a pull page not signed by the pinned hub key was ignored",
                    extra={"device_id": enrolment.device_id})
        raise HubNotTrusted("a page of changes is not signed by the hub key pinned at enrolment, "
                            "so nothing of it was used. Tell your coordinator: this may not be "
                            "your station's hub.") from None
    header = sealed.header
    if header.get("device_id") != enrolment.device_id:
        raise HubNotTrusted("a page of changes was made for another device, so nothing of it "
                            "was used. Tell your coordinator.")
    if header.get("hub_kid") != enrolment.hub_kid:
        raise Refused("a page of changes was sealed under a hub key this laptop does not know: "
                      "enrol it again", code="unknown_kid")
    try:
        payload = PullPayload.model_validate(sealed.decrypt(enrolment.pairs.sealing))
    except ProtocolError as exc:
        raise Refused(f"a page from the hub could not be opened ({exc.code})",
                      code=exc.code) from None
    except ValidationError:
        raise Refused("a page from the hub is not in the expected form", code="malformed") from None
    if (payload.device_id != enrolment.device_id
            or payload.cursor_from != header.get("cursor_from")
            or payload.cursor_to != header.get("cursor_to")
            or payload.cursor_to < payload.cursor_from):
        raise HubNotTrusted("a page of changes contradicts its own signed header, so nothing of "
                            "it was used. Tell your coordinator.")
    return Page(header=header, payload=payload)


@dataclass
class Applied:
    received: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    deferred: int = 0
    seen: set[str] = field(default_factory=set)
    refused: list[Refusal] = field(default_factory=list)


def held_revs(db: Any) -> dict[str, int]:
    return dict(db.execute("SELECT case_id, rev FROM sync_cases").fetchall())


def local_scope_hash(db: Any) -> str:
    """The scope hash as the hub makes it, over the cases held from the hub, with a deferred
    case counted at the rev the hub sent (it is held back on purpose, not missing)."""
    revs = held_revs(db)
    revs.update(state.get_json(db, state.DEFERRED, {}))
    text = "".join(f"{case_id}:{rev}\n" for case_id, rev in sorted(revs.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_cursor(cursor_to: int, deferred: dict[str, int]) -> int:
    """The cursor to keep: below the lowest deferred rev, so that case is asked for again."""
    return min([cursor_to, *(rev - 1 for rev in deferred.values())])


def _remove(uow: UnitOfWork, db: Any, case_id: str, pending: set[str], waiting: list[str]) -> bool:
    """Purge a case taken out of scope, unless it has unacknowledged operations (then it waits)."""
    db.execute("DELETE FROM sync_cases WHERE case_id = ?", (case_id,))
    if case_id in pending:
        if case_id not in waiting:
            waiting.append(case_id)
        return False
    apply.purge_case(uow, case_id)
    if case_id in waiting:
        waiting.remove(case_id)
    return True


def purge_waiting(*, uow: UnitOfWork) -> int:
    """Purge the cases waiting for their operations' receipts (T19) whose operations are now all
    acknowledged; returns how many (the caller commits)."""
    db = uow.dbapi()
    waiting = list(state.get_json(db, state.PENDING_REMOVALS, []))
    if not waiting:
        return 0
    pending = pending_case_ids(db, waiting)
    done = 0
    for case_id in list(waiting):
        if case_id not in pending:
            done += _remove(uow, db, case_id, pending, waiting)
    state.put_json(db, state.PENDING_REMOVALS, waiting)
    return done


def _count_news(db: Any, ready: list, result: Applied) -> None:
    """How many of the cases about to be written are new to this laptop, and how many it held
    whose newest change came from another device (its own echoed back count as neither)."""
    if not ready:
        return
    ids = [t.case_id for t in ready]
    held = {cid for (cid,) in db.execute(
        "SELECT id FROM cases WHERE id IN (SELECT value FROM json_each(?))", (json.dumps(ids),))}
    row = db.execute("SELECT value FROM meta WHERE key = 'device_id'").fetchone()
    node = "" if row is None else row[0]
    for tables in ready:
        if tables.case_id not in held:
            result.new += 1
        elif not tables.last_hlc.endswith(f"-{node}"):
            result.changed += 1


def apply_page(*, uow: UnitOfWork, page: Page, result: Applied, cursor_before: int,
               restoring: bool = False) -> int:
    """Apply one page and store its cursor in ``uow`` (the caller commits). Returns the cursor
    stored: the page's ``cursor_to`` (never below ``cursor_before``), held below any deferred
    case's rev. In a full restore (``restoring``) a case is applied unless the rev held is the
    hub's rev exactly (the hub's revs may have gone back, e.g. restored from a backup)."""
    db = uow.dbapi()
    held = held_revs(db)
    deferred: dict[str, int] = dict(state.get_json(db, state.DEFERRED, {}))
    waiting: list[str] = list(state.get_json(db, state.PENDING_REMOVALS, []))
    incoming = {c.case_id: c for c in page.payload.cases}
    pending = pending_case_ids(db, set(incoming) | set(page.payload.removed))
    ready = []
    # A page from before the stored cursor (a reply file applied again, or late): every change
    # at or below the cursor was handled already, and its removals may since have been undone.
    stale = page.cursor_from < cursor_before
    for case_id, case in incoming.items():
        result.seen.add(case_id)
        if restoring:
            current = case_id in held and case.rev == held[case_id]
        else:
            current = case.rev <= cursor_before or (case_id in held and case.rev <= held[case_id])
        if current:
            if case_id in held and case.rev >= held[case_id]:
                deferred.pop(case_id, None)
            continue  # already as new as this (a page applied twice, or out of order)
        if case_id in pending:
            deferred[case_id] = max(case.rev, deferred.get(case_id, 0))
            continue
        tables = replay(case.ops, case_id=case_id)
        if not tables.complete:
            result.refused.append(Refusal(
                what="case", code="incomplete", ref=case_id,
                reason="a case from the hub lacks its incident or case record; it was not "
                       "applied (tell your coordinator)"))
            continue
        ready.append((tables, case.rev))
        deferred.pop(case_id, None)
    _count_news(db, [tables for tables, _ in ready], result)
    apply.apply_cases(uow, [tables for tables, _ in ready])
    db = uow.dbapi()
    db.executemany("INSERT INTO sync_cases (case_id, rev) VALUES (?, ?) "
                   "ON CONFLICT (case_id) DO UPDATE SET rev = excluded.rev",
                   [(tables.case_id, rev) for tables, rev in ready])
    result.received += len(ready)
    for case_id in [] if stale else page.payload.removed:
        deferred.pop(case_id, None)
        result.removed += _remove(uow, db, case_id, pending, waiting)
    cursor = stored_cursor(max(cursor_before, page.cursor_to), deferred)
    state.put_json(db, state.DEFERRED, deferred)
    state.put_json(db, state.PENDING_REMOVALS, waiting)
    state.put(db, state.CURSOR, cursor)
    result.deferred = len(deferred)
    return cursor


def finish_full_restore(*, uow: UnitOfWork, seen: set[str], result: Applied) -> None:
    """After a full restore: every case held from the hub that it did not send again is out of
    scope (purged, or waiting for its receipts)."""
    db = uow.dbapi()
    gone = [case_id for case_id in held_revs(db) if case_id not in seen]
    deferred = dict(state.get_json(db, state.DEFERRED, {}))
    for case_id in list(deferred):
        if case_id not in seen:
            deferred.pop(case_id)
    waiting = list(state.get_json(db, state.PENDING_REMOVALS, []))
    pending = pending_case_ids(db, gone)
    for case_id in gone:
        result.removed += _remove(uow, db, case_id, pending, waiting)
    state.put_json(db, state.DEFERRED, deferred)
    state.put_json(db, state.PENDING_REMOVALS, waiting)


def apply_one(*, store: Store, page: Page, result: Applied, restoring: bool = False,
              first: bool = False) -> int:
    """One page in its own transaction; ``restoring``: a page of a full restore, ``first``: its
    first page (the cursor starts again from 0). Returns the stored cursor."""
    with store.uow() as uow:
        db = uow.dbapi()
        before = 0 if restoring and first else state.get_int(db, state.CURSOR, 0)
        cursor = apply_page(uow=uow, page=page, result=result, cursor_before=before,
                            restoring=restoring)
        uow.commit()
        return cursor
