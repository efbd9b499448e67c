"""Hand-built records and PDF helpers for the report tests (reports render plain data)."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

from pypdf import PdfReader

from fieldapp.domain.enums import (
    Bcu,
    CaseStatus,
    ConsentScope,
    ConsentToShare,
    DeclineReason,
    EncompassNotified,
    OfferStatus,
    OfferType,
    ReferralTarget,
    RiskAnswer,
    RiskGrade,
    SafeContactMethod,
    SafeToTalk,
    SuspectLocation,
    VictimGoal,
    VisitMode,
)
from fieldapp.domain.records import (
    CaseOut,
    OfferOut,
    OutcomeOut,
    ReferralOut,
    RiskOut,
    SafeContactOut,
    VisitOut,
    VoiceEntryOut,
)

PRINTED_AT = datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
POLICE_AT = datetime(2024, 3, 9, 19, 45, tzinfo=UTC)

SAFE_NUMBER = "07700 900461"
SAFE_TIMES = "Weekdays 10:00-11:30 at the library"
VOICE_WORDS = "I want it to stop but I do not want him arrested, I just want to feel safe at home."

HOSTILE_IMG = '<img src="http://127.0.0.1:9/x">'
HOSTILE_AMP = "a < b & c"
HOSTILE_FONT = "<font size=99>"
RTL_ARABIC = "مرحبا"
RTL_HEBREW = "שלום"
HOSTILE_NAME = f"Zoë Łucja Σοφία Жанна {HOSTILE_IMG} {HOSTILE_AMP} {HOSTILE_FONT} {RTL_ARABIC} {RTL_HEBREW}"
HOSTILE_WORDS = f"He said {HOSTILE_IMG} then {HOSTILE_AMP} and {HOSTILE_FONT}\n{RTL_HEBREW} {RTL_ARABIC}"


def _risk(yes: int, *, judgement: bool = False, referral: bool | None = True,
          at: datetime | None = None) -> RiskOut:
    answers = [RiskAnswer.YES] * yes + [RiskAnswer.NO] * (24 - yes)
    return RiskOut(
        answers=answers, yes_count=yes, professional_judgement=judgement,
        rationale="Non-fatal strangulation disclosed; recent separation." if judgement else "",
        da_events_12m=3, repeat_within_12m=False, marac_referral=referral,
        assessed_at=at or POLICE_AT + timedelta(hours=23),
    )


def make_case(*, victim_name: str = "Jane Example", words: str = VOICE_WORDS,
              idva_after: timedelta | None = timedelta(hours=22, minutes=30),
              police_ref: str = "LC-20240309-01234") -> CaseOut:
    """A realistic case: one joint visit with offers, referrals, a risk checklist and voice."""
    case_id = uuid4()
    visits = []
    if idva_after is not None:
        visits.append(VisitOut(
            visit_id=uuid4(), case_id=case_id, idva_visit_at=POLICE_AT + idva_after,
            mode=VisitMode.JOINT, idva_code="IDVA07", safe_to_talk=SafeToTalk.YES,
            suspect_location=SuspectLocation.IN_CUSTODY, children_in_household=2,
            encompass_notified=EncompassNotified.YES, police_risk_grade=RiskGrade.HIGH,
            repeat_victim=True, repeat_suspect=False,
            note=f"Visit note mentions {SAFE_NUMBER}",
            offers=[
                OfferOut(offer_type=OfferType.IDVA_SUPPORT, status=OfferStatus.ACCEPTED,
                         decline_reason=None),
                OfferOut(offer_type=OfferType.PROSECUTION_SUPPORT, status=OfferStatus.DECLINED,
                         decline_reason=DeclineReason.FEAR_OF_REPRISAL),
            ],
            referrals=[
                ReferralOut(target=ReferralTarget.HOUSING, status=OfferStatus.ACCEPTED,
                            decline_reason=None),
                ReferralOut(target=ReferralTarget.REFUGE, status=OfferStatus.DECLINED,
                            decline_reason=DeclineReason.NOT_READY),
            ],
            risk=_risk(15, judgement=True, referral=None),
            updated_at=POLICE_AT + idva_after,
        ))
    voice = [VoiceEntryOut(
        entry_id=uuid4(), case_id=case_id, words=words, verbatim=True,
        goals=[VictimGoal.BE_DA_FREE, VictimGoal.NO_POLICE_INVOLVEMENT],
        consent_to_share=ConsentToShare.YES, consent_scope=[ConsentScope.MARAC],
        corrects=None, recorded_at=POLICE_AT + timedelta(hours=23), recorded_by="IDVA07",
    )]
    return CaseOut(
        case_id=case_id, incident_id=uuid4(), police_ref=police_ref, pseudonym="Kestrel-42",
        victim_name=victim_name, bcu=Bcu.WEST, district="BLACKPOOL", police_visit_at=POLICE_AT,
        officers=["PC 1234", "PC 5678"], allocated_to="IDVA07", status=CaseStatus.OPEN,
        visits=visits, voice=voice,
        safe_contact=SafeContactOut(method=SafeContactMethod.VIA_THIRD_PARTY,
                                    safe_number=SAFE_NUMBER, safe_times=SAFE_TIMES,
                                    voicemail_ok=False, text_ok=True),
        outcome=OutcomeOut(outcome_code="16", outcome_date=date(2024, 3, 11)),
    )





def pages_text(data: bytes, password: str | None = None) -> list[str]:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    return [page.extract_text() or "" for page in reader.pages]


def squash(text: str) -> str:
    """Extracted text with all whitespace runs made single spaces (wrapping moves them)."""
    return " ".join(text.split())


def flat(text: str) -> str:
    """Extracted text with all whitespace removed: line wrapping may fall anywhere."""
    return "".join(text.split())


def shows(text: str, needle: str) -> bool:
    """Whether ``needle`` is printed in ``text``.

    pypdf returns right-to-left runs reversed (it assumes visual order), so a Hebrew or Arabic
    needle also counts when found reversed.
    """
    hay, pin = flat(text), flat(needle)
    return pin in hay or pin[::-1] in hay


def assert_chrome(pages: list[str]) -> None:
    """Every page is marked OFFICIAL-SENSITIVE (header and footer) and numbered 'Page i of n'."""
    total = len(pages)
    assert total >= 1
    for number, text in enumerate(pages, start=1):
        assert text.count("OFFICIAL-SENSITIVE") >= 2, f"page {number} lacks its markings"
        assert f"Page {number} of {total}" in text, f"page {number} lacks its page number"
        assert "Printed by" in text


def font_names(data: bytes, password: str | None = None) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    if password is not None:
        reader.decrypt(password)
    names: set[str] = set()
    for page in reader.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            font = ref.get_object()
            names.add(str(font.get("/BaseFont")))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                names.add("NOT-EMBEDDED:" + str(font.get("/BaseFont")))
            elif "/FontFile2" not in descriptor.get_object():
                names.add("NOT-EMBEDDED:" + str(font.get("/BaseFont")))
    return names


IDVAS = ("IDVA01 Amara", "IDVA02 Bethan", "IDVA03 Ceri", "IDVA07 Dilys", "IDVA09 Esra")


def make_caseload(n_cases: int = 300):  # -> CaseloadInput (imported lazily: keeps this light)
    from fieldapp.domain import clock
    from fieldapp.domain.enums import ClockState, RiskGrade
    from fieldapp.reports import CaseloadCase, CaseloadInput, CaseloadRow

    cases = []
    for i in range(n_cases):
        police_at = PRINTED_AT - timedelta(hours=3 + 7 * i)
        state = clock.clock_state(police_visit_at=police_at, idva_visit_at=None, now=PRINTED_AT)
        left = clock.time_left(police_at, PRINTED_AT)
        cases.append(CaseloadCase(
            case_ref=f"LC-2024{i:05d}", pseudonym=f"Heron-{i:03d}", idva=IDVAS[i % len(IDVAS)],
            police_visit_at=police_at, clock_text=clock.describe_time_left(left),
            clock_state=state if i % 3 else ClockState.MET,
            risk_level=(RiskGrade.HIGH, RiskGrade.MEDIUM, RiskGrade.STANDARD)[i % 3],
            marac_status=("Referral made", "Pending", "Not needed")[i % 3],
            next_action=("Follow-up call; check housing referral and refuge availability"
                         if i % 4 == 0 else "Review safety plan"),
        ))
    rows = [CaseloadRow(idva=name, open_cases=60 + k, overdue_24h=k, high_risk=20 - k,
                        marac_pending=k * 2, actions_due=5 + k)
            for k, name in enumerate(IDVAS)]
    return CaseloadInput(rows=rows, cases=cases, printed_by="Insp J. Smith",
                         printed_at=PRINTED_AT, title="West BCU caseload",
                         filters="BCU West · open cases · all IDVAs")
