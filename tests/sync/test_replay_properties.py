"""Replay is order-independent and idempotent, and an op it cannot use never breaks it.

The ops are a real vault's (a captured case with an amendment, a second visit and a voice
correction; imported tracker rows, one updated by a second import): any permutation of a case's
ops, with any of them repeated, replays to the same tables; an op of an entity this version does
not know is counted and skipped; an op of a known entity with a value it cannot use is listed
and skipped whole.
"""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from replica_day import all_wire_ops, by_case, full_form, make_store, new_incident

from fieldapp.domain import records as r
from fieldapp.services import capture, tracker_import
from fieldapp.services.visit_form import save_visit_form
from sync.protocol.models import Op
from sync.protocol.replay import CaseTables, replay

UNKNOWN_OP = "00000000-0000-4000-8000-00000000000{}"


@pytest.fixture(scope="module")
def cases(tmp_path_factory, sample_tracker) -> dict[str, list[Op]]:
    tmp = tmp_path_factory.mktemp("props")
    store = make_store(tmp / "laptop.db")
    now = datetime.now(UTC)
    with store.uow() as uow:
        a = new_incident(uow, ref="LC-P-1", hours_ago=6, allocated="IDVA01", now=now)
        uow.commit()
    with store.uow() as uow:
        capture.allocate(uow=uow, case_id=a.case_id, idva_code="IDVA02")
        uow.commit()
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=a.case_id, form=full_form(now))
    with store.uow() as uow:
        first = capture.add_voice_entry(uow=uow, case_id=a.case_id,
                                        entry=r.VoiceEntryIn(words="First words."))
        capture.add_voice_entry(uow=uow, case_id=a.case_id, entry=r.VoiceEntryIn(
            words="Corrected words.", corrects=first.entry_id, goals=["SUPPORT_ONLY"]))
        uow.commit()
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=a.case_id, visit_id=case.visits[0].visit_id,
                        justification="amended", form=full_form(now, risk=None, outcome=r.OutcomeIn(
                            outcome_code="8"), referrals=[]))
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=a.case_id, form=full_form(
            now, visit=r.VisitIn(idva_visit_at=now - timedelta(minutes=5), mode="PHONE")))
    lines = sample_tracker.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("visit_id"))
    rows = list(csv.DictReader(io.StringIO("\n".join(lines[header_at:header_at + 4]))))
    first_file, second_file = tmp / "a.csv", tmp / "b.csv"
    for path, change in ((first_file, False), (second_file, True)):
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "outcome_code": "", "ref_housing": "ACCEPTED"} if change else row)
        path.write_text(buf.getvalue(), encoding="utf-8")
        with store.uow() as uow:
            tracker_import.import_tracker(uow=uow, path=path)
    grouped = by_case(all_wire_ops(store))
    store.close()
    return grouped


def _case_ops(cases: dict[str, list[Op]], index: int) -> list[Op]:
    ordered = sorted(cases.values(), key=lambda ops: (-len(ops), ops[0].case_id))
    return ordered[index % len(ordered)]


def _without_counts(tables: CaseTables) -> CaseTables:
    return replace(tables, applied_ops=0, unknown_ops=0, invalid_ops=())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_order_and_any_repetition_replays_the_same(cases, data):
    ops = _case_ops(cases, data.draw(st.integers(0, 10)))
    expected = replay(ops)
    shuffled = data.draw(st.permutations(ops))
    repeated = data.draw(st.lists(st.sampled_from(ops), max_size=2 * len(ops)))
    mixed = data.draw(st.permutations(shuffled + repeated))
    got = replay(mixed)
    assert got == expected
    assert got.applied_ops == len(ops) and got.last_hlc == max(op.hlc for op in ops)


def test_the_cases_cover_creation_update_and_tracker_rows(cases):
    kinds = {op.entity for ops in cases.values() for op in ops}
    assert {"incident", "case", "visit", "offers", "risk", "voice", "safe_contact", "outcome",
            "tracker_row"} <= kinds
    updated = [ops for ops in cases.values() if sum(o.entity == "tracker_row" for o in ops) == 2]
    assert updated  # a tracker row and its update, in one case


def _unknown(case_id: str, n: int, at: str) -> Op:
    return Op(op_id=UNKNOWN_OP.format(n), entity="allocation" if n % 2 else "future_entity",
              entity_id="x", case_id=case_id, kind="tombstone", value={"anything": [n]}, hlc=at)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_ops_of_unknown_entities_are_counted_and_skipped(cases, data):
    ops = _case_ops(cases, data.draw(st.integers(0, 10)))
    hlcs = [op.hlc for op in ops]
    extra = [_unknown(ops[0].case_id, n, data.draw(st.sampled_from(hlcs)))
             for n in range(data.draw(st.integers(1, 4)))]
    got = replay(data.draw(st.permutations(ops + extra + extra[:1])))
    assert got.unknown_ops == len(extra)
    assert got.invalid_ops == ()
    assert _without_counts(got) == _without_counts(replay(ops))


@pytest.mark.parametrize("bad_value", [
    {"mode": 5},                                       # visit: wrong type, fields missing
    {"idva_visit_at": "yesterday", "mode": "JOINT"},   # not an instant
    {"idva_visit_at": "2024-01-01T10:00:00", "mode": "JOINT"},  # no time zone
    {"offers": "all of them"},                         # offers: not a list
    {"answers": [1, 2]},                               # risk: not text
])
def test_an_op_whose_value_cannot_be_used_is_listed_and_skipped_whole(cases, bad_value):
    ops = _case_ops(cases, 0)
    visit = next(op for op in ops if op.entity == "visit")
    entity = "offers" if "offers" in bad_value else "risk" if "answers" in bad_value else "visit"
    bad = visit.model_copy(update={"op_id": UNKNOWN_OP.format(9), "entity": entity,
                                   "value": bad_value})
    got = replay([*ops, bad])
    assert got.invalid_ops == (bad.op_id,)
    assert _without_counts(got) == _without_counts(replay(ops))


def test_a_hub_op_built_without_validation_never_raises(cases):
    ops = _case_ops(cases, 0)
    odd = [Op.model_construct(op_id=UNKNOWN_OP.format(i), entity=entity, entity_id="e",
                              case_id=ops[0].case_id, kind="upsert", value=value,
                              hlc=ops[-1].hlc, author="")
           for i, (entity, value) in enumerate([("visit", ["a list"]), ("voice", "text"),
                                                ("case", {"allocated_to": 7}),
                                                ("tracker_row", {})])]
    odd.append(Op.model_construct(op_id=UNKNOWN_OP.format(7), entity="outcome", entity_id="e",
                                  case_id=ops[0].case_id, kind="upsert",
                                  value={"outcome_code": "1"}, hlc="not a clock", author=""))
    got = replay(ops + odd)
    assert sorted(got.invalid_ops) == sorted(op.op_id for op in odd)
    assert _without_counts(got) == _without_counts(replay(ops))


def test_ops_arriving_before_what_they_need_are_skipped_not_half_applied(cases):
    ops = sorted(_case_ops(cases, 0), key=lambda op: op.hlc)
    later = [op for op in ops if op.entity not in ("incident", "case")]
    got = replay(later)  # the case's creation was never received
    assert got.case is None and got.incident is None and got.visits == ()
    assert len(got.invalid_ops) == len(later)
    assert not got.complete


def test_one_id_two_contents_keeps_the_same_one_whatever_the_order(cases):
    ops = _case_ops(cases, 0)
    outcome = next(op for op in ops if op.entity == "outcome")
    twin = outcome.model_copy(update={"value": {**outcome.value, "outcome_code": "21"}})
    assert replay([*ops, twin]) == replay([twin, *reversed(ops)])


def test_empty_and_mixed_inputs(cases):
    assert replay([], case_id="c" * 36) == CaseTables(case_id="c" * 36)
    first, second = list(cases.values())[:2]
    with pytest.raises(ValueError, match="one case"):
        replay([*first, *second])
    with pytest.raises(ValueError, match="one case"):
        replay(first, case_id=second[0].case_id)
