from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from sqlalchemy import func, select

from fieldapp.domain import records as r
from fieldapp.domain.enums import ClockState, OfferStatus, OfferType, ReferralTarget, RiskAnswer
from fieldapp.domain.errors import NotFound, RecordInvalid
from fieldapp.services import capture, demo, drafts, queries
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.store import orm

NOW = datetime.now(UTC)


def _new_case(store, hours_ago=2.0, ref="LC-1", allocated="IDVA01"):
    with store.uow() as uow:
        summary = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref=ref, bcu="WEST", district="blackpool", police_visit_at=NOW - timedelta(hours=hours_ago),
            victim_name="Test Person", allocated_to=allocated))
        uow.commit()
    return summary


def _form(**kw):
    data = dict(
        visit=r.VisitIn(idva_visit_at=NOW - timedelta(minutes=5), mode="JOINT", idva_code="IDVA01",
                        safe_to_talk="YES", children_in_household=2, encompass_notified="YES"),
        offers=[r.OfferIn(offer_type=OfferType.IDVA_SUPPORT, status=OfferStatus.ACCEPTED),
                r.OfferIn(offer_type=OfferType.PROSECUTION_SUPPORT, status=OfferStatus.DECLINED,
                          decline_reason="FEAR_OF_REPRISAL")],
        referrals=[r.ReferralIn(target=ReferralTarget.HOUSING, status=OfferStatus.ACCEPTED)],
        risk=r.RiskIn(answers=[RiskAnswer.YES] * 15 + [RiskAnswer.NO] * 9, marac_referral=True),
        new_voice=[r.VoiceEntryIn(words="I want to stay in my home.", goals=["STAY_IN_HOME"])],
        safe_contact=r.SafeContactIn(method="PHONE", safe_number="07700 900123", safe_times="after 6pm"),
        outcome=r.OutcomeIn(outcome_code="1"),
    )
    data.update(kw)
    return VisitForm(**data)


def test_full_visit_saves_every_section_and_reads_back(store):
    summary = _new_case(store)
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=summary.case_id, form=_form())
    assert case.clock() is ClockState.MET
    visit = case.first_visit
    assert visit.children_in_household == 2
    assert [o.status for o in visit.offers] == [OfferStatus.ACCEPTED, OfferStatus.DECLINED]
    assert visit.referrals[0].target is ReferralTarget.HOUSING
    assert visit.risk.yes_count == 15 and visit.risk.level == "HIGH"
    assert case.voice[0].words == "I want to stay in my home."
    assert case.safe_contact.safe_number == "07700 900123"
    assert case.outcome.outcome_code == "1"
    with store.uow() as uow:
        again = queries.get_case(uow=uow, case_id=summary.case_id)
        uow.commit()
    assert again.model_dump() == case.model_dump()


def test_refused_save_leaves_nothing_partly_saved(store):
    summary = _new_case(store, hours_ago=1)
    with store.uow() as uow:
        ops_before = uow.session.scalar(select(func.count()).select_from(orm.OutboxOp))
    bad = _form(visit=r.VisitIn(idva_visit_at=NOW - timedelta(hours=3), mode="JOINT"))
    with store.uow() as uow, pytest.raises(RecordInvalid, match="before the police visit"):
        save_visit_form(uow=uow, case_id=summary.case_id, form=bad)
    with store.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(orm.VoiceEntry)) == 0
        assert uow.session.scalar(select(func.count()).select_from(orm.OutboxOp)) == ops_before
        assert uow.session.scalar(select(func.count()).select_from(orm.SafeContact)) == 0


def test_voice_is_append_only_with_corrections(store):
    summary = _new_case(store)
    with store.uow() as uow:
        first = capture.add_voice_entry(uow=uow, case_id=summary.case_id,
                                        entry=r.VoiceEntryIn(words="Original words"))
        capture.add_voice_entry(uow=uow, case_id=summary.case_id,
                                entry=r.VoiceEntryIn(words="Corrected words", corrects=first.entry_id))
        uow.commit()
    with store.uow() as uow:
        case = queries.get_case(uow=uow, case_id=summary.case_id)
    assert [v.words for v in case.voice] == ["Original words", "Corrected words"]
    assert case.voice[1].corrects == first.entry_id


def test_amending_a_visit_is_an_alteration_in_the_audit_log(store):
    summary = _new_case(store)
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=summary.case_id, form=_form())
    form = _form(visit=r.VisitIn(idva_visit_at=NOW - timedelta(minutes=5), mode="PHONE", idva_code="IDVA01",
                                 children_in_household=2, encompass_notified="YES"), new_voice=[])
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=summary.case_id, form=form, visit_id=case.first_visit.visit_id,
                        justification="mode corrected")
    with store.uow() as uow:
        last = uow.session.scalars(select(orm.AuditEntry).where(orm.AuditEntry.record_type == "visit")
                                   .order_by(orm.AuditEntry.seq.desc())).first()
        assert last.action == "alteration" and last.fields == ["mode", "safe_to_talk"]
        assert last.justification == "mode corrected"


def test_board_pages_filters_and_clock_states(store):
    overdue = _new_case(store, hours_ago=30, ref="LC-OVER")
    soon = _new_case(store, hours_ago=21, ref="LC-SOON")
    fresh = _new_case(store, hours_ago=1, ref="LC-FRESH", allocated="IDVA02")
    with store.uow() as uow:
        page = queries.board_page(uow=uow, flt=queries.BoardFilter())
        assert [c.police_ref for c in page] == ["LC-OVER", "LC-SOON", "LC-FRESH"]
        assert [c.clock() for c in page] == [ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TIME]
        for state, expected in [(ClockState.OVERDUE, overdue), (ClockState.DUE_SOON, soon),
                                (ClockState.ON_TIME, fresh)]:
            got = queries.board_page(uow=uow, flt=queries.BoardFilter(state=state))
            assert [c.case_id for c in got] == [expected.case_id]
        mine = queries.board_page(uow=uow, flt=queries.BoardFilter(allocated_to="IDVA02"))
        assert [c.police_ref for c in mine] == ["LC-FRESH"]
        assert queries.board_count(uow=uow, flt=queries.BoardFilter(search="soon")) == 1
        assert queries.board_count(uow=uow, flt=queries.BoardFilter(search=fresh.pseudonym.lower())) == 1


def test_drafts_round_trip(store):
    with store.uow() as uow:
        drafts.save_draft(uow=uow, key="case:1", payload={"note": "half typed"})
        uow.commit()
    with store.uow() as uow:
        assert drafts.load_draft(uow=uow, key="case:1") == {"note": "half typed"}
        assert [k for k, _ in drafts.list_drafts(uow=uow)] == ["case:1"]


def test_demo_fills_a_plausible_service(store):
    with store.uow() as uow:
        assert demo.fill_demo(uow=uow, cases=60, seed=1, me="IDVA01") == 60
    with store.uow() as uow:
        flt = queries.BoardFilter()
        cases = queries.board_page(uow=uow, flt=flt, limit=100)
        assert len(cases) == 60
        assert all(c.police_ref.startswith("DEMO-") for c in cases)
        assert any(c.idva_visit_at is None for c in cases)
        states = {c.clock() for c in cases}
        assert {ClockState.MET, ClockState.MISSED} <= states


def test_board_pages_continue_from_pending_into_visited_most_recent_first(store):
    refs = []
    for i, hours in enumerate([50, 40, 30, 3, 2, 1]):
        refs.append(_new_case(store, hours_ago=hours, ref=f"LC-{i}"))
    with store.uow() as uow:  # the three oldest get their visit
        for summary in refs[:3]:
            save_visit_form(uow=uow, case_id=summary.case_id, form=_form(new_voice=[], safe_contact=None))
    with store.uow() as uow:
        whole = [c.police_ref for c in queries.board_page(uow=uow, flt=queries.BoardFilter())]
        assert whole == ["LC-3", "LC-4", "LC-5", "LC-2", "LC-1", "LC-0"]
        paged = []
        for offset in range(0, 6, 4):
            paged += [c.police_ref for c in queries.board_page(uow=uow, flt=queries.BoardFilter(),
                                                               offset=offset, limit=4)]
        assert paged == whole
        second = queries.board_page(uow=uow, flt=queries.BoardFilter(), offset=2, limit=2)
        assert [c.police_ref for c in second] == ["LC-5", "LC-2"]


def test_clearing_a_decision_on_the_form_removes_it_and_is_audited(store):
    summary = _new_case(store)
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=summary.case_id, form=_form())
    form = _form(offers=[r.OfferIn(offer_type=OfferType.IDVA_SUPPORT, status=OfferStatus.ACCEPTED)],
                 referrals=[], new_voice=[])
    with store.uow() as uow:
        again = save_visit_form(uow=uow, case_id=summary.case_id, form=form,
                                visit_id=case.first_visit.visit_id, justification="entered in error")
    assert [o.offer_type for o in again.first_visit.offers] == [OfferType.IDVA_SUPPORT]
    assert again.first_visit.referrals == []
    with store.uow() as uow:
        entries = uow.session.scalars(select(orm.AuditEntry).order_by(orm.AuditEntry.seq)).all()
        entry = [e for e in entries if any(f.startswith("offer:") for f in e.fields)][-1]
        assert entry.fields == ["offer:housing", "offer:prosecution_support"]


def test_allocation_moves_a_case_between_boards_and_is_audited(store):
    summary = _new_case(store, allocated="IDVA01")
    with store.uow() as uow:
        moved = capture.allocate(uow=uow, case_id=summary.case_id, idva_code=" IDVA02 ")
        uow.commit()
    assert moved.allocated_to == "IDVA02"
    with store.uow() as uow:
        assert queries.board_count(uow=uow, flt=queries.BoardFilter(allocated_to="IDVA01")) == 0
        assert queries.board_count(uow=uow, flt=queries.BoardFilter(allocated_to="IDVA02")) == 1
        last = uow.session.scalars(select(orm.AuditEntry).order_by(orm.AuditEntry.seq.desc())).first()
        assert (last.action, last.fields) == ("alteration", ["allocated_to"])
        op = uow.session.scalars(select(orm.OutboxOp).order_by(orm.OutboxOp.hlc.desc())).first()
        assert op.payload == {"allocated_to": "IDVA02"}


def test_saving_the_same_form_again_changes_and_logs_nothing_but_the_visit(store):
    summary = _new_case(store)
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=summary.case_id, form=_form())
    with store.uow() as uow:
        seq = uow.session.scalar(select(func.max(orm.AuditEntry.seq)))
        versions = {t: uow.session.scalar(select(t.row_version)) for t in
                    (orm.RiskAssessment, orm.SafeContact, orm.Outcome)}
    again = _form(new_voice=[])
    with store.uow() as uow:
        save_visit_form(uow=uow, case_id=summary.case_id, form=again,
                        visit_id=case.first_visit.visit_id)
    with store.uow() as uow:
        new = uow.session.scalars(select(orm.AuditEntry).where(orm.AuditEntry.seq > seq)).all()
        assert [(e.action, e.record_type, e.fields) for e in new] == [("alteration", "visit", [])]
        assert {t: uow.session.scalar(select(t.row_version)) for t in versions} == versions


def test_what_a_save_stores_reads_back_the_same_through_the_orm(store):
    """The save writes rows in stored form by hand; the ORM's column types must agree."""
    summary = _new_case(store)
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=summary.case_id, form=_form())
    visit = case.first_visit
    with store.uow() as uow:
        row = uow.session.get(orm.Visit, visit.visit_id)
        assert row.idva_visit_at == visit.idva_visit_at and row.updated_at == visit.updated_at
        assert (row.mode, row.safe_to_talk, row.repeat_victim) == (visit.mode, visit.safe_to_talk, None)
        assert row.case.first_idva_visit_at == visit.idva_visit_at
        risk = uow.session.get(orm.RiskAssessment, visit.visit_id)
        assert risk.answers == [a.value for a in visit.risk.answers]
        assert (risk.marac_referral, risk.professional_judgement) == (True, False)
        voice = uow.session.get(orm.VoiceEntry, case.voice[0].entry_id)
        assert voice.goals == ["STAY_IN_HOME"] and voice.verbatim is True
        assert voice.recorded_at == case.voice[0].recorded_at
        safe = uow.session.get(orm.SafeContact, summary.case_id)
        assert (safe.voicemail_ok, safe.safe_number) == (False, "07700 900123")
        offers = uow.session.scalars(select(orm.Offer).where(orm.Offer.visit_id == visit.visit_id)).all()
        assert sorted((o.offer_type, o.target, o.status) for o in offers) == [
            ("IDVA_SUPPORT", "", "ACCEPTED"), ("PROSECUTION_SUPPORT", "", "DECLINED"),
            ("REFERRAL", "HOUSING", "ACCEPTED")]
        assert all(o.row_version == 1 and o.created_by == store.actor for o in offers)


def test_a_visit_of_another_case_or_an_unknown_one_is_refused(store):
    first, second = _new_case(store, ref="LC-A"), _new_case(store, ref="LC-B")
    with store.uow() as uow:
        case = save_visit_form(uow=uow, case_id=first.case_id, form=_form())
    with store.uow() as uow, pytest.raises(RecordInvalid, match="another case"):
        save_visit_form(uow=uow, case_id=second.case_id, form=_form(),
                        visit_id=case.first_visit.visit_id)
    with store.uow() as uow, pytest.raises(NotFound):
        save_visit_form(uow=uow, case_id=second.case_id, form=_form(), visit_id=uuid4())
    with store.uow() as uow, pytest.raises(RecordInvalid, match="not in this case"):
        capture.add_voice_entry(uow=uow, case_id=second.case_id, entry=r.VoiceEntryIn(
            words="a correction", corrects=case.voice[0].entry_id))


def test_a_save_in_the_same_unit_of_work_as_new_orm_rows_sees_them(store):
    """Rows the ORM has pending are flushed before the save reads the case by hand."""
    with store.uow() as uow:
        summary = capture.create_incident(uow=uow, incident=r.IncidentIn(
            police_ref="LC-SAME", bcu="EAST", police_visit_at=NOW - timedelta(hours=1)))
        capture.allocate(uow=uow, case_id=summary.case_id, idva_code="IDVA09")
        case = save_visit_form(uow=uow, case_id=summary.case_id, form=_form())
    assert case.allocated_to == "IDVA09" and case.first_visit.idva_code == "IDVA01"
    with store.uow() as uow:
        assert queries.get_case(uow=uow, case_id=summary.case_id) == case


def test_a_new_case_never_takes_a_pseudonym_already_in_use(store):
    from uuid import UUID

    first = UUID("abcdef00-0000-4000-8000-000000000001")
    same_prefix = UUID("abcdef99-0000-4000-8000-000000000002")
    other = UUID("12345600-0000-4000-8000-000000000003")
    draws = iter([same_prefix, other])
    assert capture.pseudonym_for(first) == capture.pseudonym_for(same_prefix) == "C-ABCDEF"
    assert capture.unused_case_id(taken={"C-ABCDEF"}.__contains__, draw=lambda: next(draws)) == other
    with store.uow() as uow:  # the vault's own check: the pseudonym in use is seen
        capture.create_incident(uow=uow, case_id=first, incident=r.IncidentIn(
            police_ref="LC-P1", bcu="WEST", police_visit_at=NOW - timedelta(hours=1)))
        taken = capture._pseudonym_taken(uow)
        assert taken("C-ABCDEF") and not taken("C-123456")
        uow.commit()


def test_tracker_import_gives_every_new_case_its_own_pseudonym(store, monkeypatch, sample_tracker):
    from uuid import UUID

    from fieldapp.services import tracker_bulk
    from fieldapp.services.tracker_import import import_tracker

    clash = _new_case(store, ref="LC-CLASH")
    prefix = clash.pseudonym[2:].lower()
    counter = iter(range(1, 10**6))
    # Every other draw repeats the existing case's pseudonym (or the previous new one's).
    last = [prefix + "00"]

    def draw() -> UUID:
        n = next(counter)
        if n % 2:
            return UUID(f"{last[0][:6]}00-0000-4000-8000-{n:012x}")
        fresh = f"{n:06x}"
        last[0] = fresh
        return UUID(f"{fresh}00-0000-4000-8000-{n:012x}")

    monkeypatch.setattr(tracker_bulk, "_random_case_id", draw)
    with store.uow() as uow:
        import_tracker(uow=uow, path=sample_tracker)
    with store.uow() as uow:
        pseudonyms = uow.session.scalars(select(orm.Case.pseudonym)).all()
    assert len(pseudonyms) == 151 and len(set(pseudonyms)) == 151
