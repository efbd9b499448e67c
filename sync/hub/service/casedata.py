"""Operations at rest and the cases built from them.

An op's value is sealed with the hub's data key (AES-256-GCM, the op id as associated data, so
a sealed value moved onto another op does not open); a conflict's sides likewise, under its
conflict id. Reading a case decrypts its ops that are neither quarantined nor refused, in clock
order, and replays them with :func:`sync.protocol.replay.replay`,
the same code the laptop rebuilds a pulled case with.
"""

from __future__ import annotations

import json
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from sync.hub.keys import HubKeys
from sync.hub.store.tables import ops
from sync.protocol.canonical import canonical
from sync.protocol.models import Op
from sync.protocol.replay import CaseTables, replay

CHUNK = 500
log = logging.getLogger(__name__)
_UNSTORABLE = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")


def seal_value(keys: HubKeys, *, op_id: str, value: dict[str, Any]) -> bytes:
    """Raises ValueError / UnicodeEncodeError for a value canonical JSON cannot hold."""
    return keys.seal_value(canonical(value), aad=op_id.encode("ascii"))


def open_value(keys: HubKeys, *, op_id: str, sealed: bytes) -> dict[str, Any]:
    return json.loads(keys.open_value(bytes(sealed), aad=op_id.encode("ascii")))


def seal_detail(keys: HubKeys, *, conflict_id: str, detail: dict[str, Any]) -> bytes:
    return keys.seal_value(canonical(detail), aad=b"conflict:" + conflict_id.encode("ascii"))


def open_detail(keys: HubKeys, *, conflict_id: str, sealed: bytes) -> dict[str, Any]:
    return json.loads(keys.open_value(bytes(sealed),
                                      aad=b"conflict:" + conflict_id.encode("ascii")))


def in_state(column_set: Any = ops.c) -> Any:
    """The ops that make a case's state: neither quarantined nor refused."""
    return (column_set.quarantined.is_(False)) & (column_set.refused.is_(None))


def chunks(items: list[str], size: int = CHUNK) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


_COLUMNS = (ops.c.op_id, ops.c.case_id, ops.c.entity, ops.c.entity_id, ops.c.kind, ops.c.hlc,
            ops.c.author, ops.c.sealed_value)


def _op(keys: HubKeys, row: Any) -> Op:
    return Op.model_construct(op_id=row.op_id, entity=row.entity, entity_id=row.entity_id,
                              case_id=row.case_id, kind=row.kind,
                              value=open_value(keys, op_id=row.op_id, sealed=row.sealed_value),
                              hlc=row.hlc, author=row.author)


def case_ops(conn: Connection, keys: HubKeys, case_ids: Iterable[str]) -> dict[str, list[Op]]:
    """Each case's ops that are neither quarantined nor refused, decrypted, in (hlc, op_id) order."""
    found: dict[str, list[Op]] = defaultdict(list)
    ids = sorted(set(case_ids))
    for part in chunks(ids):
        rows = conn.execute(select(*_COLUMNS)
                            .where(ops.c.case_id.in_(part), in_state())
                            .order_by(ops.c.case_id, ops.c.hlc, ops.c.op_id))
        for row in rows:
            found[row.case_id].append(_op(keys, row))
    return {case_id: found.get(case_id, []) for case_id in ids}


def all_case_ids(conn: Connection) -> list[str]:
    return list(conn.execute(select(ops.c.case_id).where(in_state())
                             .distinct().order_by(ops.c.case_id)).scalars())


@dataclass(frozen=True)
class Scope:
    """The plain columns a pull filters on, kept current from the replayed case."""

    allocated_to: str | None
    bcu: str | None
    police_ref: str | None


def tables_of(case_id: str, case_ops_: list[Op]) -> CaseTables | None:
    """The replayed case, or None when replay itself fails on these ops (an op's value that
    escapes replay's own checks, e.g. a date whose UTC form is out of range): the hub must not
    fail every later push or export because one device sent such a value."""
    try:
        return replay(case_ops_, case_id=case_id)
    except Exception as exc:  # noqa: BLE001 - logged by type, the case left as it was
        log.warning("case could not be replayed", extra={"case_id": case_id,
                                                         "error": type(exc).__name__})
        return None


def scope_of(tables: CaseTables) -> Scope:
    """From the replayed case row (or its incident while the case row is not there yet)."""
    case, incident = tables.case, tables.incident
    source = case if case is not None else incident
    if source is None:
        return Scope(None, None, None)

    def text(row: Any, key: str, limit: int) -> str | None:
        value = row.get(key) if row is not None else None
        if not isinstance(value, str):
            return None
        value = _UNSTORABLE.sub("", value)[:limit]  # NUL and lone surrogates: no database text
        return value or None

    return Scope(allocated_to=text(case, "allocated_to", 40),
                 bcu=(text(source, "bcu", 16) or "").upper() or None,
                 police_ref=text(source, "police_ref", 32))
