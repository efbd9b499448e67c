"""The vault's KPIs are counted from the stored values (services.kpi, tracker.kpi_stored) rather
than from validated TrackerRows: on generated data with the awkward cases (no IDVA visit,
declined and undecided offers, offers left OFFERED, other offer kinds, clock changes around the
24-hour mark, a quarter that starts at 23:00 UTC, sub-second instants, empty fields, two visits
of one case) every field must equal the per-row engine over tracker_rows, with and without
filters."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from kpi_reference import reference_kpis, reference_matches
from sqlalchemy import text

from fieldapp.domain import records as r
from fieldapp.domain.enums import Bcu
from fieldapp.services import capture, kpi, tracker_import
from fieldapp.services.tracker_rows import tracker_rows
from fieldapp.services.visit_form import VisitForm, save_visit_form
from fieldapp.tracker import KpiFilter, compute_kpis
from fieldapp.tracker.row import REFERRAL_COLUMNS

COLUMNS = ("visit_id", "police_incident_ref", "bcu", "district", "police_visit_at", "idva_visit_at",
           "idva_support", "prosecution_support", "idva_code", *REFERRAL_COLUMNS, "outcome_code")
EDGES = (datetime(2022, 3, 26, 1, tzinfo=UTC), datetime(2022, 10, 29, 1, tzinfo=UTC),
         datetime(2022, 3, 31, 22, tzinfo=UTC), datetime(2023, 1, 1, 0, tzinfo=UTC))
GAPS = (None, 86399, 86400, 86401, 90000, 604800, 604801, 3600, 30 * 86400)
SUPPORT = ("", "ACCEPTED", "DECLINED", "UNDECIDED", "NOT_OFFERED")
REFERRAL = ("", "OFFERED", "ACCEPTED", "DECLINED")
OUTCOMES = ("", "", "1", "1a", "2", "9", "14", "21", "22")


def _utc(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _sheet(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    lines = [",".join(COLUMNS)]
    for i in range(rows):
        police = rng.choice(EDGES) + timedelta(seconds=rng.randint(-2 * 86400, 2 * 86400))
        gap = rng.choice(GAPS)
        idva = "" if gap is None else _utc(police + timedelta(seconds=gap + rng.choice((0, 0, -1, 1))))
        bcu = rng.choice(list(Bcu)).value
        lines.append(",".join((
            "", f"KPI-{i:05d}", bcu, rng.choice(("", "Fylde", "WYRE")), _utc(police), idva,
            rng.choice(SUPPORT), rng.choice(SUPPORT), rng.choice(("", "idva01", "IDVA02")),
            *(rng.choice(REFERRAL) for _ in REFERRAL_COLUMNS), rng.choice(OUTCOMES))))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _captured(uow, now: datetime) -> None:
    """Visits the app itself writes: offers left OFFERED, a safety plan, MARAC and other
    referrals, a case still waiting for its IDVA visit, a case with two visits and an outcome."""
    pending = r.IncidentIn(police_ref="APP-PENDING", bcu="EAST", police_visit_at=now - timedelta(hours=3),
                           allocated_to="IDVA02")
    capture.create_incident(uow=uow, incident=pending)
    case = capture.create_incident(uow=uow, incident=r.IncidentIn(
        police_ref="APP-TWO", bcu="WEST", district="fylde", police_visit_at=now - timedelta(days=3),
        allocated_to="idva01"))
    offers = [r.OfferIn(offer_type="IDVA_SUPPORT", status="OFFERED"),
              r.OfferIn(offer_type="PROSECUTION_SUPPORT", status="DECLINED"),
              r.OfferIn(offer_type="SAFETY_PLAN", status="ACCEPTED")]
    referrals = [r.ReferralIn(target="MARAC", status="ACCEPTED"),
                 r.ReferralIn(target="OTHER", status="DECLINED"),
                 r.ReferralIn(target="HOUSING", status="UNDECIDED"),
                 r.ReferralIn(target="REFUGE", status="NOT_OFFERED")]
    save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
        visit=r.VisitIn(idva_visit_at=now - timedelta(days=2, hours=1), mode="PHONE"),
        offers=offers, referrals=referrals, outcome=r.OutcomeIn(outcome_code="1a")))
    save_visit_form(uow=uow, case_id=case.case_id, form=VisitForm(
        visit=r.VisitIn(idva_visit_at=now - timedelta(hours=5), mode="JOINT", idva_code=" "),
        offers=[r.OfferIn(offer_type="IDVA_SUPPORT", status="ACCEPTED")]))


def _sub_second(uow) -> None:
    """Instants a whole second would round: into the next hour, day and financial quarter."""
    s = uow.session
    ids = [row[0] for row in s.execute(text(
        "SELECT c.id FROM cases c WHERE EXISTS (SELECT 1 FROM visits v WHERE v.case_id = c.id"
        " AND v.idva_visit_at IS NOT NULL) ORDER BY c.police_ref LIMIT 4"))]
    stamps = [("2022-03-31T22:59:59.600000Z", "2022-04-01T22:59:59.500000Z"),  # exactly 24 h
              ("2022-10-29T23:59:59.499999Z", "2022-10-30T23:59:59.500000Z"),  # 24 h + 1 s
              ("2023-01-01T06:59:59.700000Z", "2023-01-01T07:59:59.400000Z"),
              ("2022-03-27T00:59:59.500000Z", "2022-03-28T00:59:59.999999Z")]
    for case_id, (police, idva) in zip(ids, stamps, strict=True):
        s.execute(text("UPDATE cases SET police_visit_at = :p WHERE id = :c"), {"p": police, "c": case_id})
        s.execute(text("UPDATE visits SET idva_visit_at = :i WHERE case_id = :c"), {"i": idva, "c": case_id})


@pytest.fixture
def vault(store, tmp_path):
    sheet = tmp_path / "kpi.csv"
    _sheet(sheet, 400)
    with store.uow() as uow:
        report = tracker_import.import_tracker(uow=uow, path=sheet)
    assert (report.imported, len(report.rejected)) == (400, 0), report.rejected[:3]
    with store.uow() as uow:
        _captured(uow, datetime.now(UTC))
        _sub_second(uow)
        uow.commit()
    return store


FILTERS = [
    None, KpiFilter(), KpiFilter(bcu=Bcu.WEST), KpiFilter(district=" FYLDE "),
    KpiFilter(idva_code="IDVA01 "), KpiFilter(idva_code="idva02", bcu=Bcu.EAST),
    KpiFilter(date_from=date(2022, 4, 1)), KpiFilter(date_to=date(2022, 3, 31)),
    KpiFilter(date_from=date(2022, 10, 30), date_to=date(2022, 10, 30)),
    KpiFilter(date_from=date(2022, 3, 27), date_to=date(2022, 3, 27), bcu=Bcu.SOUTH),
]


@pytest.mark.parametrize("flt", FILTERS)
def test_counted_from_the_vault_equals_every_row_validated(vault, flt) -> None:
    for positive in (None, frozenset({"1A", " 2 "}), frozenset()):
        kwargs = {} if positive is None else {"positive_outcomes": positive}
        with vault.uow() as uow:
            fast = kpi.vault_kpis(uow=uow, flt=flt, **kwargs)
            rows = list(tracker_rows(uow=uow))
        chosen = rows if flt is None else [row for row in rows if reference_matches(flt, row)]
        assert fast == reference_kpis(chosen, **kwargs)
        assert fast == compute_kpis(chosen, **kwargs)
        assert fast.to_cli_json() == reference_kpis(chosen, **kwargs).to_cli_json()


def test_the_generated_vault_has_the_awkward_cases(vault) -> None:
    with vault.uow() as uow:
        rows = list(tracker_rows(uow=uow))
        report = kpi.vault_kpis(uow=uow)
    assert report.visits == len(rows) == 403
    assert report.visits_without_idva_visit > 0 and all(report.visits_by_time_band.values())
    assert report.idva_support_accepted.d < report.visits  # NOT_OFFERED and empty are out
    assert report.period_from is not None and report.period_from.microsecond == 0
    assert {row.police_visit_at for row in rows} >= {datetime(2022, 3, 31, 23, tzinfo=UTC),
                                                     datetime(2022, 3, 27, 1, tzinfo=UTC)}
    assert "2022-23 Q1" in report.positive_outcomes_by_quarter


def test_what_validation_refused_is_still_refused(vault) -> None:
    with vault.uow() as uow:
        uow.session.execute(text("UPDATE offers SET status = 'MAYBE' WHERE id = (SELECT min(id) FROM offers)"))
        with pytest.raises(ValueError):
            list(tracker_rows(uow=uow))
        with pytest.raises(ValueError, match="unknown status"):
            kpi.vault_kpis(uow=uow)
    with vault.uow() as uow:
        uow.session.execute(text("UPDATE outcomes SET outcome_code = '19' WHERE case_id = (SELECT min(case_id) FROM outcomes)"))
        with pytest.raises(ValueError):
            list(tracker_rows(uow=uow))
        with pytest.raises(ValueError):
            kpi.vault_kpis(uow=uow)
    with vault.uow() as uow:
        uow.session.execute(text("UPDATE visits SET idva_visit_at = '2001-01-01T00:00:00.000000Z'"
                                 " WHERE id = (SELECT min(id) FROM visits WHERE idva_visit_at IS NOT NULL)"))
        with pytest.raises(ValueError):
            list(tracker_rows(uow=uow))
        with pytest.raises(ValueError, match="before the police visit"):
            kpi.vault_kpis(uow=uow)
