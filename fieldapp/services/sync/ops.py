"""Outbox rows as wire operations: each with its case, and with what a replica needs to rebuild
the rows exactly (``sync.protocol.replay``) that the outbox payload leaves out.

Which case an operation belongs to, by entity (the one mapping; ``apply.case_has_pending_ops``
uses it too):

- ``case``, ``safe_contact``, ``outcome``, ``safety``: the entity id is the case id;
- ``visit``, ``offers``, ``risk``, ``tracker_row``: the entity id is a visit id: the visit's case;
- ``incident``: the case whose incident it is;
- ``voice``: the entry's case (the payload's ``case_id``; the same as the stored row's);
- ``resolution``: the entity id is the conflict id; the payload's ``case_id`` names the case.

The value is the outbox payload plus facts that never change once written:

- ``voice``: ``recorded_at`` (stored text, UTC) and ``recorded_by`` of the stored entry (the
  writer stamps its own time and actor, which the payload does not hold);
- ``tracker_row``: ``case_id`` and ``incident_id`` of the visit (a new tracker row makes its case
  and incident with ids of their own, and the case's pseudonym is made from its id);
- ``safe_contact``, ``safety``: ``base``, the op id that last set the field as this laptop knows
  it (``field_versions``; '' for none), given when the op is first sealed and written into its
  outbox payload then, so a bundle sealed again carries the same base. The laptop applies no
  pulled change to a case while it has unacknowledged ops of it, so the base at sealing is the
  base the change was made from; each op sealed becomes the base of the next one of its field.

Every lookup is one set-based statement per kind of id (ids passed as one JSON array), so tens
of thousands of operations map in well under a second.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from sync.protocol.models import Op

CASE_ENTITIES = ("case", "safe_contact", "outcome", "safety")
"""Entities whose entity id is the case id."""
VISIT_ENTITIES = ("visit", "offers", "risk", "tracker_row")
"""Entities whose entity id is a visit id."""
INCIDENT_ENTITIES = ("incident",)
VOICE_ENTITIES = ("voice",)
PAYLOAD_CASE_ENTITIES = ("resolution",)
"""Entities whose payload names the case (``case_id``)."""
BASED_ENTITIES = ("safe_contact", "safety")
"""Entities of safety-critical fields: their ops carry the ``base`` they were made from."""

OUTBOX_COLUMNS = ("op_id", "hlc", "entity", "entity_id", "op", "payload")
"""What :func:`wire_ops` reads of each outbox row, in this order (``SELECT {', '.join(...)}
FROM outbox``): the payload as stored (JSON text) or already decoded."""

OutboxRow = tuple[str, str, str, str, str, "str | dict[str, Any]"]


class UnmappedOp(LookupError):
    """An outbox operation whose case cannot be found (its rows are gone, or an entity this
    version does not know). Names the op id only."""

    def __init__(self, op_id: str, why: str):
        super().__init__(f"outbox operation {op_id}: {why}")
        self.op_id = op_id


def _lookup(db: Any, sql: str, ids: set[str]) -> list[tuple]:
    if not ids:
        return []
    return db.execute(sql, (json.dumps(sorted(ids)),)).fetchall()


_VISITS_SQL = ("SELECT v.id, v.case_id, c.incident_id FROM visits v JOIN cases c ON c.id = v.case_id"
               " WHERE v.id IN (SELECT value FROM json_each(?))")
_INCIDENTS_SQL = "SELECT incident_id, id FROM cases WHERE incident_id IN (SELECT value FROM json_each(?))"
_VOICE_SQL = ("SELECT id, case_id, recorded_at, recorded_by FROM voice_entries"
              " WHERE id IN (SELECT value FROM json_each(?))")


def wire_ops(db: Any, rows: Iterable[OutboxRow], *, author: str) -> list[Op]:
    """The outbox rows (see OUTBOX_COLUMNS) as wire Ops, in the order given.

    ``db`` is the DB-API connection of the caller's transaction (``uow.dbapi()``); ``author`` is
    the laptop's actor (every op of a vault is its one user's). Raises UnmappedOp for a row
    whose case cannot be found.
    """
    rows = list(rows)
    visits: set[str] = set()
    incidents: set[str] = set()
    voices: set[str] = set()
    for _, _, entity, entity_id, _, _ in rows:
        if entity in VISIT_ENTITIES:
            visits.add(entity_id)
        elif entity in INCIDENT_ENTITIES:
            incidents.add(entity_id)
        elif entity in VOICE_ENTITIES:
            voices.add(entity_id)
    visit_case = {vid: (cid, iid) for vid, cid, iid in _lookup(db, _VISITS_SQL, visits)}
    incident_case = dict(_lookup(db, _INCIDENTS_SQL, incidents))
    voice_rows = {vid: (cid, at, by) for vid, cid, at, by in _lookup(db, _VOICE_SQL, voices)}
    out: list[Op] = []
    for op_id, hlc, entity, entity_id, kind, payload in rows:
        value = json.loads(payload) if isinstance(payload, str) else dict(payload)
        if entity in CASE_ENTITIES:
            case_id = entity_id
        elif entity in VISIT_ENTITIES:
            found = visit_case.get(entity_id)
            if found is None:
                raise UnmappedOp(op_id, "its visit is not in the vault")
            case_id = found[0]
            if entity == "tracker_row":
                value["case_id"], value["incident_id"] = found
        elif entity in INCIDENT_ENTITIES:
            case_id = incident_case.get(entity_id)
            if case_id is None:
                raise UnmappedOp(op_id, "no case in the vault has its incident")
        elif entity in VOICE_ENTITIES:
            entry = voice_rows.get(entity_id)
            if entry is None:
                raise UnmappedOp(op_id, "its entry is not in the vault")
            case_id, value["recorded_at"], value["recorded_by"] = entry
        elif entity in PAYLOAD_CASE_ENTITIES:
            case_id = value.get("case_id")
            if not isinstance(case_id, str):
                raise UnmappedOp(op_id, "its payload names no case")
        else:
            raise UnmappedOp(op_id, "an entity this version does not know")
        out.append(Op(op_id=str(op_id), entity=entity, entity_id=str(entity_id),
                      case_id=str(case_id), kind=kind, value=value, hlc=hlc, author=author))
    return out


def _field_of(entity: str, value: dict[str, Any]) -> str:
    return "safe_contact" if entity == "safe_contact" else str(value.get("field", ""))


def assign_bases(db: Any, rows: list[OutboxRow]) -> list[OutboxRow]:
    """``rows`` (in clock order) with the ``base`` of each safety-critical op that has none yet:
    the field's version, which the op then becomes. The base goes into the op's outbox payload
    and the version into ``field_versions``, in the caller's transaction (the sealing one)."""
    out: list[OutboxRow] = []
    for row in rows:
        op_id, hlc, entity, entity_id, kind, payload = row
        if entity not in BASED_ENTITIES:
            out.append(row)
            continue
        value = json.loads(payload) if isinstance(payload, str) else dict(payload)
        if "base" in value:
            out.append(row)
            continue
        field = _field_of(entity, value)
        found = db.execute("SELECT op_id FROM field_versions WHERE case_id = ? AND field = ?",
                           (str(entity_id), field)).fetchone()
        value["base"] = "" if found is None else found[0]
        db.execute("INSERT INTO field_versions (case_id, field, op_id) VALUES (?, ?, ?) "
                   "ON CONFLICT (case_id, field) DO UPDATE SET op_id = excluded.op_id",
                   (str(entity_id), field, str(op_id)))
        db.execute("UPDATE outbox SET payload = json_set(payload, '$.base', ?) WHERE op_id = ?",
                   (value["base"], str(op_id)))
        out.append((op_id, hlc, entity, entity_id, kind, value))
    return out


def read_outbox(db: Any, *, where: str = "", params: Sequence[Any] = ()) -> list[OutboxRow]:
    """Outbox rows in clock order as :func:`wire_ops` takes them (``where``: an SQL condition
    on the outbox's columns, e.g. ``"status = ?"``)."""
    sql = f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox"
    if where:
        sql += f" WHERE {where}"
    return db.execute(sql + " ORDER BY hlc, op_id", tuple(params)).fetchall()


def _in(names: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{n}'" for n in names) + ")"


_CASES = "(SELECT value FROM json_each(?1))"
_KEYS = "json_each(?1) AS k CROSS JOIN"  # CROSS JOIN: SQLite keeps this join order
OUTBOX_OF_CASES_SQL = " UNION ALL ".join((
    f"SELECT o.entity_id AS case_id, o.op_id, o.status FROM outbox o"
    f" WHERE o.entity IN {_in(CASE_ENTITIES)} AND o.entity_id IN {_CASES}",
    f"SELECT v.case_id, o.op_id, o.status FROM {_KEYS} visits v ON v.case_id = k.value"
    f" CROSS JOIN outbox o ON o.entity IN {_in(VISIT_ENTITIES)} AND o.entity_id = v.id",
    f"SELECT c.id, o.op_id, o.status FROM {_KEYS} cases c ON c.id = k.value"
    f" CROSS JOIN outbox o ON o.entity IN {_in(INCIDENT_ENTITIES)} AND o.entity_id = c.incident_id",
    f"SELECT e.case_id, o.op_id, o.status FROM {_KEYS} voice_entries e ON e.case_id = k.value"
    f" CROSS JOIN outbox o ON o.entity IN {_in(VOICE_ENTITIES)} AND o.entity_id = e.id",
    # Resolutions are few: the (entity, entity_id) index finds them, the payload names the case.
    f"SELECT o.payload ->> '$.case_id', o.op_id, o.status FROM outbox o"
    f" WHERE o.entity IN {_in(PAYLOAD_CASE_ENTITIES)} AND o.payload ->> '$.case_id' IN {_CASES}",
))
"""(case_id, op_id, status) of every outbox row of the cases in the JSON array bound as ?1: the
mapping above, driven from the cases' own rows and the outbox's (entity, entity_id) index."""


def pending_case_ids(db: Any, case_ids: Iterable[str]) -> set[str]:
    """Which of ``case_ids`` have outbox operations not yet acknowledged by the hub."""
    ids = sorted({str(c) for c in case_ids})
    if not ids:
        return set()
    found = db.execute(f"SELECT DISTINCT case_id FROM ({OUTBOX_OF_CASES_SQL})"
                       " WHERE status <> 'acked'", (json.dumps(ids),))
    return {case_id for (case_id,) in found}


def outbox_op_ids(db: Any, case_ids: Iterable[str], *, status: str | None = None) -> list[str]:
    """The op ids of the outbox rows of ``case_ids`` (only those with ``status`` if given)."""
    ids = sorted({str(c) for c in case_ids})
    if not ids:
        return []
    sql = f"SELECT op_id FROM ({OUTBOX_OF_CASES_SQL})"
    params: tuple = (json.dumps(ids),)
    if status is not None:
        sql, params = sql + " WHERE status = ?2", (*params, status)
    return [op_id for (op_id,) in db.execute(sql, params)]
