"""Applying and purging a case in a real vault, and which cases have unacknowledged changes.

``case_has_pending_ops`` follows every way an outbox row names its case (case id, visit id,
incident id, voice entry id); a case with unacknowledged operations is neither overwritten nor
purged; a purge takes off every row of the case, its incident and its (acknowledged) outbox
operations, and logs an erasure.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from replica_day import (
    all_wire_ops,
    by_case,
    comparable,
    full_form,
    make_store,
    new_incident,
    tables_rows,
    vault_rows,
)

from fieldapp.domain import records as r
from fieldapp.services import capture
from fieldapp.services.sync.apply import (
    ALLOCATED_AWAY,
    RECEIVED,
    PendingLocalChanges,
    apply_case,
    case_has_pending_ops,
    purge_case,
)
from fieldapp.services.visit_form import save_visit_form
from sync.protocol.replay import replay


@pytest.fixture
def laptop(tmp_path):
    store = make_store(tmp_path / "laptop.db")
    now = datetime.now(UTC)
    ids = []
    for ref in ("LC-X-1", "LC-X-2"):
        with store.uow() as uow:
            case = new_incident(uow, ref=ref, hours_ago=3, allocated="IDVA01", now=now)
            uow.commit()
        with store.uow() as uow:
            save_visit_form(uow=uow, case_id=case.case_id, form=full_form(now))
        with store.uow() as uow:
            capture.add_voice_entry(uow=uow, case_id=case.case_id,
                                    entry=r.VoiceEntryIn(words="More words."))
            uow.commit()
        ids.append(str(case.case_id))
    yield store, ids
    store.close()


def _set_status(store, status, where="1 = 1", params=()):
    with store.uow() as uow:
        uow.dbapi().execute(f"UPDATE outbox SET status = ? WHERE {where}", (status, *params))
        uow.commit()


def _pending(store, case_id):
    with store.uow() as uow:
        return case_has_pending_ops(uow.dbapi(), case_id)


def _count(store, sql, params=()):
    with store.uow() as uow:
        return uow.dbapi().execute(sql, params).fetchone()[0]


def test_every_kind_of_op_marks_its_case_pending(laptop):
    store, (one, two) = laptop
    ops = by_case(all_wire_ops(store))
    assert {op.entity for op in ops[one]} >= {"incident", "case", "visit", "offers", "risk",
                                              "voice", "safe_contact", "outcome"}
    _set_status(store, "acked")
    assert not _pending(store, one) and not _pending(store, two)
    for op in ops[one]:
        for status in ("pending", "sealed"):
            _set_status(store, status, "op_id = ?", (op.op_id,))
            assert _pending(store, one), (op.entity, status)
            assert not _pending(store, two), op.entity  # another case's op is not this one's
        _set_status(store, "acked", "op_id = ?", (op.op_id,))
    assert not _pending(store, one)


def test_a_case_with_unacknowledged_ops_is_not_overwritten_or_purged(laptop):
    store, (one, _) = laptop
    tables = replay(by_case(all_wire_ops(store))[one])
    before = _count(store, "SELECT count(*) FROM audit_log")
    with store.uow() as uow, pytest.raises(PendingLocalChanges) as refused:
        apply_case(uow, tables)
    assert refused.value.case_ids == [one]
    with store.uow() as uow, pytest.raises(PendingLocalChanges):
        purge_case(uow, one)
    assert _count(store, "SELECT count(*) FROM audit_log") == before


def test_applying_the_hubs_copy_in_place_writes_no_outbox_op(laptop):
    store, (one, _) = laptop
    tables = replay(by_case(all_wire_ops(store))[one])
    _set_status(store, "acked")
    outbox = _count(store, "SELECT count(*) FROM outbox")
    with store.uow() as uow:
        apply_case(uow, tables)
        uow.commit()
    assert _count(store, "SELECT count(*) FROM outbox") == outbox
    assert _count(store, "SELECT count(*) FROM audit_log WHERE record_id = ? AND action = "
                  "'collection' AND justification = ?", (one, RECEIVED)) == 1
    with store.uow() as uow:
        assert comparable(vault_rows(uow.dbapi(), one), drop=set()) == \
            comparable(tables_rows(tables), drop=set())
    assert not _pending(store, one)


def test_a_purge_takes_off_every_row_of_the_case_and_nothing_else(laptop):
    store, (one, two) = laptop
    with store.uow() as uow:
        uow.dbapi().execute("INSERT INTO drafts (key, payload, saved_at) VALUES (?, '{}', ?)",
                            (f"case:{one}", "2024-01-01T00:00:00.000000Z"))
        uow.commit()
    _set_status(store, "acked")
    with store.uow() as uow:
        other_before = vault_rows(uow.dbapi(), two)
        incident = uow.dbapi().execute("SELECT incident_id FROM cases WHERE id = ?",
                                       (one,)).fetchone()[0]
    outbox_two = len(by_case(all_wire_ops(store))[two])
    with store.uow() as uow:
        purge_case(uow, one)
        uow.commit()
    with store.uow() as uow:
        db = uow.dbapi()
        assert all(rows == [] for rows in vault_rows(db, one).values())
        assert db.execute("SELECT count(*) FROM incidents WHERE id = ?", (incident,)).fetchone() == (0,)
        assert vault_rows(db, two) == other_before
        assert db.execute("SELECT count(*) FROM drafts").fetchone() == (1,)  # drafts: the UI's
        assert db.execute("SELECT action, record_type, justification FROM audit_log "
                          "WHERE record_id = ? ORDER BY seq DESC LIMIT 1", (one,)).fetchone() == (
            "erasure", "case", ALLOCATED_AWAY)
        assert db.execute("SELECT count(*) FROM outbox").fetchone() == (outbox_two,)
    assert not by_case(all_wire_ops(store)).get(one)


def test_purging_a_case_the_vault_does_not_hold_does_nothing(laptop):
    store, _ = laptop
    audit_rows = _count(store, "SELECT count(*) FROM audit_log")
    with store.uow() as uow:
        purge_case(uow, "00000000-0000-4000-8000-000000000000")
        uow.commit()
    assert _count(store, "SELECT count(*) FROM audit_log") == audit_rows
