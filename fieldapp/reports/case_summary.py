"""Case summary for a supervision session.

What it prints and why:
- the 24-hour story first (police visit, IDVA visit, hours between, target met or missed),
  because that is what the service is measured on;
- offers, decisions and decline reasons, referrals, the latest risk checklist with the MARAC
  criteria it meets and whether a referral was made, and the police outcome;
- ruled space to write supervision notes, actions and a signature.

What it never prints: safe-contact details (number, times, even the method: on paper they can
reach the perpetrator), and free-text visit notes. The victim's own words appear only when the
person printing asks for them and gives a reason, which is printed with them. The victim's name
appears once, in the header block, because supervisors need it; everything typed by a person
goes through ``safe_para``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Table, TableStyle

from fieldapp.domain import clock
from fieldapp.domain.enums import ClockState
from fieldapp.domain.records import CaseOut, RiskOut, VisitOut, VoiceEntryOut
from fieldapp.reports import theme
from fieldapp.reports.labels import label, labels, outcome_text
from fieldapp.reports.layout import (
    PageSetup,
    build_pdf,
    data_table,
    frame_width,
    gap,
    kv_table,
    london_date_time,
    london_stamp,
    quote_block,
    section,
    title_block,
    writing_box,
)
from fieldapp.reports.safe import safe_para


class CaseSummaryInput(BaseModel):
    """Everything the case summary needs; no database, no Qt."""

    model_config = ConfigDict(frozen=True)

    case: CaseOut
    printed_by: Annotated[str, Field(min_length=1, max_length=120)]
    printed_at: datetime
    include_voice: bool = False
    voice_reason: Annotated[str, Field(max_length=500)] = ""

    @model_validator(mode="after")
    def _reason_for_voice(self) -> CaseSummaryInput:
        if self.include_voice and not self.voice_reason.strip():
            raise ValueError("say why the victim's own words are being printed")
        return self


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, mins = divmod(minutes, 60)
    return f"{hours} h {mins:02d} m" if hours else f"{mins} m"


def _hours(value: float) -> str:
    return f"{value:.1f} hours"


def _target_text(case: CaseOut, now: datetime) -> tuple[str, bool]:
    """The 24-hour verdict in words, and whether it needs a supervisor's attention."""
    first = case.first_visit
    state = case.clock(now=now)
    due = clock.deadline(case.police_visit_at)
    if state is ClockState.MET:
        return "Met: IDVA visit within 24 hours of the police visit", False
    if state is ClockState.MISSED and first is not None and first.idva_visit_at is not None:
        late = clock.as_utc(first.idva_visit_at) - due
        return f"Missed: IDVA visit {_duration(late)} after the 24-hour mark", True
    if state is ClockState.OVERDUE:
        left = clock.time_left(case.police_visit_at, now)
        return f"Overdue: no IDVA visit yet, {clock.describe_time_left(left)} " \
               f"(deadline {london_stamp(due)})", True
    left = clock.time_left(case.police_visit_at, now)
    return f"{label(state)}: {clock.describe_time_left(left)} when printed " \
           f"(deadline {london_stamp(due)})", state is ClockState.DUE_SOON


def _header(case: CaseOut, width: float) -> list[Flowable]:
    officers = ", ".join(case.officers) if case.officers else None
    rows = [
        ("Police reference", case.police_ref),
        ("Pseudonym", case.pseudonym),
        ("Victim", case.victim_name or None),
        ("Case status", label(case.status)),
        ("BCU / district", " / ".join(x for x in (label(case.bcu), case.district) if x)),
        ("Allocated IDVA", case.allocated_to or None),
        ("Officers", officers),
        ("Police visit", london_stamp(case.police_visit_at)),
    ]
    return [kv_table(rows, width, pairs=2, label_width=33 * mm)]


def _timeline(case: CaseOut, now: datetime, width: float) -> list[Flowable]:
    first = case.first_visit
    visit_at = first.idva_visit_at if first else None
    hours = clock.hours_between(case.police_visit_at, visit_at) if visit_at else None
    verdict, attention = _target_text(case, now)
    rows = [
        ("Police visit", london_stamp(case.police_visit_at)),
        ("First IDVA visit", london_date_time(visit_at) if visit_at else "No IDVA visit yet"),
        ("Time between", _hours(hours) if hours is not None else "Not applicable"),
        ("Time band", label(clock.time_band(hours)) if hours is not None else "Not applicable"),
        ("24-hour target", verdict),
    ]
    out: list[Flowable] = [section("24-hour target"), kv_table(rows, width)]
    if attention:
        out.append(safe_para("Discuss in supervision: the 24-hour visit " + (
            "was missed." if visit_at else "has not happened yet."), theme.CALLOUT))
    return out


def _visit_when(visit: VisitOut) -> str:
    return london_date_time(visit.idva_visit_at) if visit.idva_visit_at else "Not yet visited"


def _visits(visits: list[VisitOut], width: float) -> list[Flowable]:
    """One small block per visit: a case rarely has more than two or three."""
    out: list[Flowable] = [section("Visits")]
    if not visits:
        return [*out, safe_para("No visits recorded.", theme.BODY_STYLE)]
    for number, v in enumerate(visits, start=1):
        children = None if v.children_in_household is None else str(v.children_in_household)
        rows = [
            ("Mode", label(v.mode)), ("IDVA", v.idva_code or None),
            ("Safe to talk", label(v.safe_to_talk)), ("Suspect at visit", label(v.suspect_location)),
            ("Children at home", children), ("Operation Encompass", label(v.encompass_notified)),
            ("Police risk grade", label(v.police_risk_grade)),
            ("Repeat victim", label(v.repeat_victim)), ("Repeat suspect", label(v.repeat_suspect)),
        ]
        out.append(KeepTogether([
            safe_para(f"Visit {number} · {_visit_when(v)}", theme.H2),
            kv_table(rows, width, pairs=2, label_width=40 * mm),
        ]))
    return out


def _offers(visits: list[VisitOut], width: float) -> list[Flowable]:
    offers = [[_visit_when(v), label(o.offer_type), label(o.status),
               label(o.decline_reason) if o.decline_reason else ""]
              for v in visits for o in v.offers]
    referrals = [[_visit_when(v), label(r.target), label(r.status),
                  label(r.decline_reason) if r.decline_reason else ""]
                 for v in visits for r in v.referrals]
    widths = [w * width for w in (0.24, 0.26, 0.18, 0.32)]
    out: list[Flowable] = [section("Support offers and decisions")]
    out.append(data_table(["Visit", "Offer", "Decision", "Reason declined"], offers, widths)
               if offers else safe_para("No offers recorded.", theme.BODY_STYLE))
    out.append(section("Referrals"))
    out.append(data_table(["Visit", "Referral to", "Status", "Reason declined"], referrals, widths)
               if referrals else safe_para("No referrals recorded.", theme.BODY_STYLE))
    return out


def _risk(visits: list[VisitOut], width: float) -> list[Flowable]:
    risks: list[RiskOut] = sorted((v.risk for v in visits if v.risk), key=lambda r: r.assessed_at)
    out: list[Flowable] = [section("Risk assessment and MARAC")]
    if not risks:
        return [*out, safe_para("No risk checklist recorded.", theme.BODY_STYLE)]
    risk = risks[-1]
    criteria = risk.criteria
    referral = {True: "Made", False: "Not made", None: "Not recorded"}[risk.marac_referral]
    rows = [
        ("Assessed", london_stamp(risk.assessed_at)),
        ("Checklist score", f"{risk.yes_count} of 24 answered yes"),
        ("Risk level", label(risk.level)),
        ("Professional judgement", label(risk.professional_judgement)),
        ("DA incidents, 12 months", str(risk.da_events_12m)),
        ("Repeat MARAC case", label(risk.repeat_within_12m)),
        ("MARAC criteria met", labels(criteria) if criteria else "None"),
        ("MARAC referral", referral),
    ]
    out.append(kv_table(rows, width, label_width=45 * mm))
    if risk.professional_judgement and risk.rationale:
        out += [safe_para("Professional judgement: the concerns", theme.H2),
                safe_para(risk.rationale, theme.BODY_STYLE)]
    if criteria and risk.marac_referral is not True:
        out.append(safe_para("Discuss in supervision: MARAC criteria are met but no referral "
                             "is recorded.", theme.CALLOUT))
    if len(risks) > 1:
        earlier = [[london_stamp(r.assessed_at), r.yes_count, label(r.level),
                    label(r.marac_referral)] for r in reversed(risks[:-1])]
        out += [safe_para("Earlier checklists", theme.H2),
                data_table(["Assessed", "Score", "Risk level", "MARAC referral"], earlier,
                           [w * width for w in (0.34, 0.14, 0.26, 0.26)], numeric=[1])]
    return out


def _outcome(case: CaseOut, width: float) -> list[Flowable]:
    out: list[Flowable] = [section("Police outcome")]
    if case.outcome is None:
        return [*out, safe_para("No outcome recorded yet.", theme.BODY_STYLE)]
    date = case.outcome.outcome_date.strftime("%d %b %Y") if case.outcome.outcome_date else None
    return [*out, kv_table([("Outcome", outcome_text(case.outcome.outcome_code)),
                            ("Outcome date", date)], width)]


def _voice(inp: CaseSummaryInput, width: float) -> list[Flowable]:
    entries = sorted(inp.case.voice, key=lambda e: e.recorded_at)
    goals = sorted({g for e in entries for g in e.goals})
    latest_consent = next((e for e in reversed(entries) if e.consent_to_share), None)
    rows = [("Goals (coded)", labels(goals) if goals else "None recorded"),
            ("Consent to share", label(latest_consent.consent_to_share) if latest_consent else None)]
    if latest_consent and latest_consent.consent_scope:
        rows.append(("Sharing scope", labels(latest_consent.consent_scope)))
    out: list[Flowable] = [section("Victim's voice"), kv_table(rows, width)]
    if not inp.include_voice:
        out.append(gap(2))
        out.append(safe_para("The victim's own words are not included in this copy. They can be "
                             "included when printing, with a reason that is printed with them.",
                             theme.SMALL_ITALIC))
        return out
    out.append(safe_para(f"The victim's own words are included at the request of "
                         f"{inp.printed_by}. Reason: {inp.voice_reason}", theme.CALLOUT))
    if not entries:
        out.append(safe_para("No entries recorded.", theme.BODY_STYLE))
    by_id = {e.entry_id: e for e in entries}
    superseded = {e.corrects for e in entries if e.corrects}
    for entry in entries:
        out.extend(_voice_entry(entry, by_id, superseded, width))
    return out


def _voice_entry(entry: VoiceEntryOut, by_id: dict[UUID, VoiceEntryOut], superseded: set[UUID | None],
                 width: float) -> list[Flowable]:
    bits = [f"Recorded {london_stamp(entry.recorded_at)} by {entry.recorded_by}",
            "verbatim" if entry.verbatim else "paraphrased"]
    if entry.corrects is not None:
        old = by_id.get(entry.corrects)
        bits.append(f"corrects the entry of {london_stamp(old.recorded_at)}" if old
                    else "corrects an earlier entry")
    if entry.entry_id in superseded:
        bits.append("superseded by a later correction")
    # Kept together: the line saying who recorded the words never ends a page without them (a
    # long entry still splits: KeepTogether gives way when the group exceeds a page).
    return [KeepTogether([safe_para(" · ".join(bits), theme.SMALL), gap(1),
                          quote_block(entry.words, width)])]


def _supervision(width: float) -> list[Flowable]:
    field = Table([["Supervisor", "", "Date of session", ""]],
                  colWidths=[28 * mm, width / 2 - 28 * mm, 30 * mm, width / 2 - 30 * mm])
    field.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), theme.LABEL.fontName, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), theme.MUTED),
        ("LINEBELOW", (1, 0), (1, 0), 0.5, theme.RULE),
        ("LINEBELOW", (3, 0), (3, 0), 0.5, theme.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 10),
    ]))
    actions = data_table(["Action agreed", "Owner", "Due by"], [[" ", " ", " "]] * 5,
                         [width * 0.6, width * 0.22, width * 0.18])
    actions.setStyle(TableStyle([("ROWBACKGROUNDS", (0, 1), (-1, -1), [theme.WHITE]),
                                 ("LINEBELOW", (0, 1), (-1, -1), 0.5, theme.RULE),
                                 ("TOPPADDING", (0, 1), (-1, -1), 9),
                                 ("BOTTOMPADDING", (0, 1), (-1, -1), 9)]))
    sign = Table([["Signature", "", "Date", ""]],
                 colWidths=[22 * mm, width * 0.55 - 22 * mm, 14 * mm, width * 0.45 - 14 * mm])
    sign.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), theme.LABEL.fontName, 8.5),
        ("TEXTCOLOR", (0, 0), (-1, -1), theme.MUTED),
        ("LINEBELOW", (1, 0), (1, 0), 0.5, theme.RULE),
        ("LINEBELOW", (3, 0), (3, 0), 0.5, theme.RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 16),
    ]))
    return [
        CondPageBreak(150 * mm),
        section("Supervision"),
        field,
        writing_box("Discussion notes", 8, width),
        KeepTogether([safe_para("Actions", theme.H2), actions]),
        sign,
    ]


def render_case_summary(inp: CaseSummaryInput, *, encrypt: str | None = None) -> bytes:
    """The case summary PDF; ``encrypt`` is a password the reader will need to open it."""
    setup = PageSetup(title=f"Case summary · {inp.case.police_ref}", printed_by=inp.printed_by,
                      printed_at=inp.printed_at, encrypt=encrypt)
    width = frame_width(setup)
    case = inp.case
    visits = sorted(case.visits, key=lambda v: (v.idva_visit_at is None,
                                                v.idva_visit_at or v.updated_at))
    story: list[Flowable] = [
        *title_block("Case summary", "Operation Provide · for supervision"),
        *_header(case, width),
        *_timeline(case, inp.printed_at, width),
        *_visits(visits, width),
        *_offers(visits, width),
        *_risk(visits, width),
        *_outcome(case, width),
        *_voice(inp, width),
        gap(3),
        safe_para("Safe contact details and visit notes are held only in the app and are never "
                  "printed.", theme.SMALL_ITALIC),
        *_supervision(width),
    ]
    return build_pdf(story, setup)

