"""Transactional outbox with a hybrid logical clock (sync picks operations up from here).

An operation is written in the same transaction as the rows it describes, so a committed change
always has its operation and a rolled-back change never does.
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy.orm import Session

from fieldapp.domain.ids import new_id
from fieldapp.store.cursor import dbapi_of
from fieldapp.store.engine import insert_json, json_text
from fieldapp.store.orm import OutboxOp
from sync.protocol.hlc import Hlc  # the one clock form: both ends read it

_HLC_KEY = "hlc"
_DEVICE_KEY = "device_id"


def device_id(session: Session) -> str:
    db = dbapi_of(session)
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_DEVICE_KEY,)).fetchone()
    if row is not None:
        return row[0]
    node = uuid.uuid4().hex[:12]
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (_DEVICE_KEY, node))
    return node


# The device id and the last clock reading are looked up once per transaction and then held in
# ``session.info`` (a visit save ticks once per section). Keyed by the transaction object: a later
# transaction, which may follow another writer's commit, reads them afresh. Both rows are read and
# written on the transaction's cursor, not through the ORM: a session holds unmodified rows only
# weakly, and the ORM round trips cost more than the visit's own inserts.
_ROWS_KEY = "fieldapp.outbox.meta"


def _last(session: Session) -> tuple[str, Hlc | None]:
    txn = session.get_transaction()
    cached = session.info.get(_ROWS_KEY)
    if cached is not None and txn is not None and cached[0] is txn:
        return cached[1], cached[2]
    node = device_id(session)
    row = dbapi_of(session).execute("SELECT value FROM meta WHERE key = ?", (_HLC_KEY,)).fetchone()
    return node, None if row is None else Hlc.parse(row[0])


def _store(session: Session, node: str, last: Hlc | None, nxt: Hlc) -> None:
    sql = ("INSERT INTO meta (value, key) VALUES (?, ?)" if last is None
           else "UPDATE meta SET value = ? WHERE key = ?")
    dbapi_of(session).execute(sql, (nxt.encode(), _HLC_KEY))
    session.info[_ROWS_KEY] = (session.get_transaction(), node, nxt)


def _advance(session: Session, now_ms: int | None) -> tuple[str, Hlc | None, Hlc]:
    """The device id, the stored clock and the next reading (monotonic even if the wall clock
    steps back); nothing is written yet."""
    node, stored = _last(session)
    wall = int(time.time() * 1000) if now_ms is None else now_ms
    last = stored or Hlc(0, 0, node)
    nxt = Hlc(wall, 0, node) if wall > last.wall_ms else Hlc(last.wall_ms, last.counter + 1, node)
    return node, stored, nxt


def tick(session: Session, *, now_ms: int | None = None) -> Hlc:
    """Advance the clock for a local event."""
    node, stored, nxt = _advance(session, now_ms)
    _store(session, node, stored, nxt)
    return nxt


def enqueue(session: Session, *, entity: str, entity_id: object, op: str, payload: dict) -> None:
    """One operation, written on the transaction's cursor with the columns named (as
    :func:`enqueue_many` does), so a database at an older revision is written as it was then."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    row = (str(new_id()), tick(session).encode(), entity, str(entity_id), op, json_text(payload),
           "pending")
    dbapi_of(session).execute(
        f"INSERT INTO outbox ({', '.join(_COLUMNS)}) VALUES ({', '.join('?' * len(_COLUMNS))})", row)


_COLUMNS = ("op_id", "hlc", "entity", "entity_id", "op", "payload", "status")


def enqueue_many(session: Session, items: list[tuple[str, object, str, dict]]) -> None:
    """Bulk form of :func:`enqueue` for imports: (entity, entity_id, op, payload) tuples.

    The clock is ticked once and the counter carries the batch, so order within the batch is
    kept and the stored clock ends past every stamp handed out.
    """
    if not items:
        return
    node, stored, first = _advance(session, None)
    wall, counter = first.wall_ms, first.counter
    rows = [(str(new_id()), f"{wall:015d}-{counter + i:05d}-{node}", entity, str(entity_id), op,
             json_text(payload), "pending")
            for i, (entity, entity_id, op, payload) in enumerate(items)]
    _store(session, node, stored, Hlc(wall, counter + len(items) - 1, node))
    insert_json(dbapi_of(session), OutboxOp.__table__, _COLUMNS, rows)
