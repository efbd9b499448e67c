"""Build report inputs from the vault and render them; record each disclosure.

Rendering is not a disclosure: a PDF built for the preview stays in memory with the person who
asked for it. Saving or printing it is, and the caller records that with
:func:`record_disclosure` in the same unit of work as the write. The renderers in
fieldapp.reports see plain pydantic data only.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from uuid import UUID

from sqlalchemy import select

from fieldapp.domain import clock
from fieldapp.domain.clock import utc_now
from fieldapp.domain.enums import ClockState, MaracCriterion, RiskGrade
from fieldapp.domain.risk import marac_criteria, risk_level
from fieldapp.reports import (
    CaseloadCase,
    CaseloadInput,
    CaseloadRow,
    CaseSummaryInput,
    KpiReportInput,
    render_case_summary,
    render_caseload,
    render_kpi_report,
)
from fieldapp.services import queries
from fieldapp.services.kpi import vault_kpis
from fieldapp.store import orm
from fieldapp.store.audit import Action
from fieldapp.store.uow import UnitOfWork
from fieldapp.tracker import KpiFilter


def record_disclosure(*, uow: UnitOfWork, record_type: str, record_id: object, purpose: str,
                      recipient: str, fields: list[str], event: str) -> None:
    """A report left the app (``event`` says how: "saved as X.pdf", "printed")."""
    uow.audit(Action.DISCLOSURE, record_type, record_id, fields=fields,
              justification=f"{purpose}; PDF {event}", recipient=recipient)


def case_summary_pdf(
    *, uow: UnitOfWork, case_id: UUID, include_voice: bool = False, voice_reason: str = "",
    encrypt: str | None = None, now: datetime | None = None,
) -> bytes:
    """The case summary; reading the case for it is logged as a consultation."""
    if include_voice and not voice_reason.strip():
        from fieldapp.domain.errors import Problem, RecordInvalid

        raise RecordInvalid([Problem("voice_reason", "say why the victim's own words are included")])
    purpose = "case summary built" + (f"; victim's words included: {voice_reason}"
                                      if include_voice else "")
    case = queries.get_case(uow=uow, case_id=case_id, purpose=purpose)
    return render_case_summary(CaseSummaryInput(
        case=case, printed_by=uow.actor, printed_at=now or utc_now(), include_voice=include_voice,
        voice_reason=voice_reason), encrypt=encrypt)


def case_summary_fields(include_voice: bool) -> list[str]:
    return ["case_summary"] + (["victim_voice"] if include_voice else [])


def kpi_pdf(*, uow: UnitOfWork, flt: KpiFilter | None, filters_text: str,
            encrypt: str | None = None, now: datetime | None = None) -> bytes:
    report = vault_kpis(uow=uow, flt=flt)
    period = ""
    if report.period_from and report.period_to:
        period = (f"{clock.to_london(report.period_from):%d %b %Y} to "
                  f"{clock.to_london(report.period_to):%d %b %Y}")
    return render_kpi_report(KpiReportInput(kpis=report, printed_by=uow.actor,
                                            printed_at=now or utc_now(),
                                            filters=_demo_noted(uow, filters_text),
                                            period=period), encrypt=encrypt)


def _demo_noted(uow: UnitOfWork, text: str) -> str:
    """The printed filter line, saying so while the vault holds demonstration cases (they
    count in the figures until ``fieldapp demo --remove``; each one's reference starts DEMO-)."""
    from fieldapp.services.demo_removal import count_demo_cases

    count = count_demo_cases(uow=uow)
    if not count:
        return text
    note = f"includes {count} demonstration cases (fictional, references DEMO-)"
    return f"{text}; {note}" if text else note.capitalize()


def caseload_input(*, uow: UnitOfWork, idva: str | None = None, now: datetime | None = None
                   ) -> CaseloadInput:
    """Per-IDVA counts of open cases and what each needs next (the supervision agenda)."""
    now = now or utc_now()
    s = uow.session
    query = select(orm.Case).where(orm.Case.status == "OPEN").order_by(orm.Case.allocated_to,
                                                                       orm.Case.police_visit_at)
    if idva:
        query = query.where(orm.Case.allocated_to == idva)
    cases = list(s.scalars(query))
    ids = [c.id for c in cases]
    latest_risk: dict[UUID, orm.RiskAssessment] = {}
    police_high: set[UUID] = set()
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        rows = s.execute(select(orm.Visit.case_id, orm.Visit.police_risk_grade, orm.RiskAssessment)
                         .outerjoin(orm.RiskAssessment, orm.RiskAssessment.visit_id == orm.Visit.id)
                         .where(orm.Visit.case_id.in_(chunk)))
        for case_id, grade, risk in rows:
            if grade == RiskGrade.HIGH:
                police_high.add(case_id)
            if risk is not None and (case_id not in latest_risk
                                     or risk.updated_at > latest_risk[case_id].updated_at):
                latest_risk[case_id] = risk
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])
    details = []
    for case in cases:
        who = case.allocated_to or "Unallocated"
        state = clock.clock_state(police_visit_at=case.police_visit_at,
                                  idva_visit_at=case.first_idva_visit_at, now=now)
        risk = latest_risk.get(case.id)
        level, criteria = None, []
        if risk is not None:
            level = risk_level(yes_count=risk.yes_count, professional_judgement=risk.professional_judgement)
            criteria = marac_criteria(yes_count=risk.yes_count,
                                      professional_judgement=risk.professional_judgement,
                                      da_events_12m=risk.da_events_12m,
                                      repeat_within_12m=risk.repeat_within_12m)
        high = level is RiskGrade.HIGH or case.id in police_high
        marac_pending = bool(criteria) and not (risk and risk.marac_referral)
        actions = _next_actions(state, risk, marac_pending)
        tally = counts[who]
        tally[0] += 1
        tally[1] += state is ClockState.OVERDUE
        tally[2] += high
        tally[3] += marac_pending
        tally[4] += bool(actions)
        details.append(CaseloadCase(
            case_ref=case.police_ref, pseudonym=case.pseudonym, idva=who,
            police_visit_at=case.police_visit_at, clock_text=_clock_text(case, state, now),
            clock_state=state, risk_level=(RiskGrade.HIGH if high else level),
            marac_status=_marac_text(criteria, risk), next_action="; ".join(actions)))
    rows = [CaseloadRow(idva=who, open_cases=c[0], overdue_24h=c[1], high_risk=c[2],
                        marac_pending=c[3], actions_due=c[4]) for who, c in sorted(counts.items())]
    return CaseloadInput(rows=rows, printed_by=uow.actor, printed_at=now,
                         filters=_demo_noted(uow, f"IDVA {idva}" if idva else "All IDVAs"),
                         cases=details)


def _next_actions(state: ClockState, risk: orm.RiskAssessment | None, marac_pending: bool) -> list[str]:
    actions = []
    if state in (ClockState.OVERDUE, ClockState.DUE_SOON):
        actions.append("IDVA visit overdue" if state is ClockState.OVERDUE else "IDVA visit due soon")
    elif state is ClockState.ON_TIME:
        actions.append("IDVA visit to arrange")
    elif risk is None:
        actions.append("Complete the risk checklist")
    if marac_pending:
        actions.append("MARAC referral to make")
    return actions


def _clock_text(case: orm.Case, state: ClockState, now: datetime) -> str:
    if case.first_idva_visit_at is None:
        return clock.describe_time_left(clock.time_left(case.police_visit_at, now))
    hours = clock.hours_between(case.police_visit_at, case.first_idva_visit_at)
    return f"{'met' if state is ClockState.MET else 'missed'} ({hours:.1f} h)"


def _marac_text(criteria: list[MaracCriterion], risk: orm.RiskAssessment | None) -> str:
    if risk is not None and risk.marac_referral:
        return "Referred"
    if criteria:
        return "Pending: " + ", ".join(c.value.replace("_", " ").lower() for c in criteria)
    return "Not met" if risk is not None else "No checklist"


def caseload_pdf(*, uow: UnitOfWork, idva: str | None, encrypt: str | None = None,
                 now: datetime | None = None) -> bytes:
    return render_caseload(caseload_input(uow=uow, idva=idva, now=now), encrypt=encrypt)
