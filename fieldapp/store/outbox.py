"""Transactional outbox with a hybrid logical clock (sync picks operations up from here).

An operation is written in the same transaction as the rows it describes, so a committed change
always has its operation and a rolled-back change never does.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from sqlalchemy.orm import Session

from fieldapp.store.engine import insert_tuples, json_text
from fieldapp.store.orm import Meta, OutboxOp

_HLC_KEY = "hlc"
_DEVICE_KEY = "device_id"


@dataclass(frozen=True, order=True)
class Hlc:
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        # Fixed width so that string order is clock order.
        return f"{self.wall_ms:015d}-{self.counter:05d}-{self.node}"

    @classmethod
    def decode(cls, text: str) -> Hlc:
        wall, counter, node = text.split("-", 2)
        return cls(int(wall), int(counter), node)


def device_id(session: Session) -> str:
    row = session.get(Meta, _DEVICE_KEY)
    if row is None:
        row = Meta(key=_DEVICE_KEY, value=uuid.uuid4().hex[:12])
        session.add(row)
        session.flush()
    return row.value


# The device id and clock rows are looked up once per transaction and then held in
# ``session.info``: the session's identity map holds unmodified rows only weakly, so without a
# reference each tick re-read both rows (two queries per operation, twelve per visit save). Keyed
# by the transaction object: a later transaction, which may follow another writer's commit, reads
# them afresh.
_ROWS_KEY = "fieldapp.outbox.meta"


def tick(session: Session, *, now_ms: int | None = None) -> Hlc:
    """Advance the clock for a local event: monotonic even if the wall clock steps back."""
    txn = session.get_transaction()
    cached = session.info.get(_ROWS_KEY)
    if cached is not None and txn is not None and cached[0] is txn:
        node, row = cached[1], cached[2]
    else:
        node = device_id(session)
        row = session.get(Meta, _HLC_KEY)
    wall = int(time.time() * 1000) if now_ms is None else now_ms
    last = Hlc.decode(row.value) if row else Hlc(0, 0, node)
    nxt = Hlc(wall, 0, node) if wall > last.wall_ms else Hlc(last.wall_ms, last.counter + 1, node)
    if row is None:
        row = Meta(key=_HLC_KEY, value=nxt.encode())
        session.add(row)
        session.flush()
    else:
        row.value = nxt.encode()
    session.info[_ROWS_KEY] = (session.get_transaction(), node, row)
    return nxt


def enqueue(session: Session, *, entity: str, entity_id: object, op: str, payload: dict) -> OutboxOp:
    item = OutboxOp(
        op_id=uuid.uuid4(), hlc=tick(session).encode(), entity=entity, entity_id=str(entity_id),
        op=op, payload=payload, status="pending",
    )
    session.add(item)
    return item


_COLUMNS = ("op_id", "hlc", "entity", "entity_id", "op", "payload", "status")


def enqueue_many(session: Session, items: list[tuple[str, object, str, dict]]) -> None:
    """Bulk form of :func:`enqueue` for imports: (entity, entity_id, op, payload) tuples.

    The clock is ticked once and the counter carries the batch, so order within the batch is
    kept and the stored clock ends past every stamp handed out.
    """
    if not items:
        return
    first = tick(session)
    wall, counter, node = first.wall_ms, first.counter, first.node
    rows = [(str(uuid.uuid4()), f"{wall:015d}-{counter + i:05d}-{node}", entity, str(entity_id), op,
             json_text(payload), "pending")
            for i, (entity, entity_id, op, payload) in enumerate(items)]
    last = Hlc(wall, counter + len(items) - 1, node)
    session.info[_ROWS_KEY][2].value = last.encode()
    insert_tuples(session.connection(), OutboxOp.__table__, _COLUMNS, rows)
