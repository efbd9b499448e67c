"""Display labels for stored codes, translated (context "Labels").

Codes stay stable in storage (domain/enums.py); what a person reads goes through Qt's
translation layer, so every label below is a literal that ``pyside6-lupdate`` can extract.
The table is built on first use, after the application installs its translator.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from functools import cache

from PySide6.QtCore import QCoreApplication

from fieldapp.domain.enums import OUTCOME_CODES


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


@cache
def _table() -> dict[str, str]:
    tr = QCoreApplication.translate
    c = "Labels"
    return {
        # visit
        "JOINT": tr(c, "Joint (police and IDVA)"),
        "IDVA_ONLY": tr(c, "IDVA only"),
        "PHONE": tr(c, "Phone"),
        "NO_CONTACT": tr(c, "No contact"),
        "YES": tr(c, "Yes"),
        "NO": tr(c, "No"),
        "PARTIAL": tr(c, "Partly (brief, guarded)"),
        "IN_CUSTODY": tr(c, "In custody"),
        "AT_ADDRESS": tr(c, "At the address"),
        "ELSEWHERE_KNOWN": tr(c, "Elsewhere (known)"),
        "UNKNOWN": tr(c, "Not known"),
        "NOT_APPLICABLE": tr(c, "Not applicable"),
        "STANDARD": tr(c, "Standard"),
        "MEDIUM": tr(c, "Medium"),
        "HIGH": tr(c, "High"),
        # offers and referrals
        "IDVA_SUPPORT": tr(c, "IDVA support"),
        "PROSECUTION_SUPPORT": tr(c, "Support for prosecution"),
        "SAFETY_PLAN": tr(c, "Safety plan"),
        "OFFERED": tr(c, "Offered, no answer yet"),
        "ACCEPTED": tr(c, "Accepted"),
        "DECLINED": tr(c, "Declined"),
        "UNDECIDED": tr(c, "Undecided (follow up)"),
        "NOT_OFFERED": tr(c, "Not offered"),
        "REFUGE": tr(c, "Refuge"),
        "HOUSING": tr(c, "Housing"),
        "MENTAL_HEALTH": tr(c, "Mental health"),
        "DRUG_ALCOHOL": tr(c, "Drug and alcohol"),
        "CHILDRENS_SOCIAL_CARE": tr(c, "Children's social care"),
        "MARAC": tr(c, "MARAC"),
        "OTHER": tr(c, "Other"),
        "NO_POLICE_INVOLVEMENT_WANTED": tr(c, "Wants no police involvement"),
        "FEAR_OF_REPRISAL": tr(c, "Fear of reprisal"),
        "WANTS_RELATIONSHIP_TO_CONTINUE": tr(c, "Wants the relationship to continue"),
        "CHILDREN_SERVICES_CONCERN": tr(c, "Worried about children's services"),
        "ALREADY_SUPPORTED": tr(c, "Already supported"),
        "NOT_READY": tr(c, "Not ready yet"),
        # victim's voice
        "BE_DA_FREE": tr(c, "To be free of domestic abuse"),
        "NO_POLICE_INVOLVEMENT": tr(c, "No police involvement"),
        "STAY_IN_HOME": tr(c, "Stay in their home"),
        "LEAVE_RELOCATE": tr(c, "Leave or relocate"),
        "PROSECUTION": tr(c, "Prosecution"),
        "PROTECTIVE_ORDER": tr(c, "A protective order"),
        "SAFE_CHILD_CONTACT": tr(c, "Safe contact with children"),
        "END_RELATIONSHIP": tr(c, "End the relationship"),
        "CONTINUE_RELATIONSHIP_ABUSE_STOPS": tr(c, "Stay together, abuse stops"),
        "SUPPORT_ONLY": tr(c, "Support only"),
        "NOT_ASKED_UNSAFE": tr(c, "Not asked (unsafe to ask)"),
        "POLICE": tr(c, "Police"),
        "HEALTH": tr(c, "Health"),
        # safe contact
        "TEXT": tr(c, "Text message"),
        "EMAIL": tr(c, "Email"),
        "VIA_THIRD_PARTY": tr(c, "Through a trusted person"),
        "IN_PERSON_ONLY": tr(c, "In person only"),
        "NONE_SAFE": tr(c, "No safe way to contact"),
        # risk
        "DONT_KNOW": tr(c, "Don't know"),
        "NOT_ASKED": tr(c, "Not asked"),
        "VISIBLE_HIGH_RISK": tr(c, "Visible high risk (14 or more yes answers)"),
        "PROFESSIONAL_JUDGEMENT": tr(c, "Professional judgement"),
        "POTENTIAL_ESCALATION": tr(c, "Potential escalation (3 or more incidents in 12 months)"),
        "REPEAT": tr(c, "Repeat (within 12 months of a previous MARAC referral)"),
        # bands and places
        "LE_24H": tr(c, "Within 24 h"),
        "24H_TO_1W": tr(c, "24 h to 1 week"),
        "GT_1W": tr(c, "Over 1 week"),
        "WEST": tr(c, "West"),
        "EAST": tr(c, "East"),
        "SOUTH": tr(c, "South"),
        "BLACKPOOL": tr(c, "Blackpool"),
        "FYLDE": tr(c, "Fylde"),
        "WYRE": tr(c, "Wyre"),
        "LANCASTER": tr(c, "Lancaster"),
        "MORECAMBE": tr(c, "Morecambe"),
        "ON_TIME": tr(c, "On time"),
        "DUE_SOON": tr(c, "Due soon"),
        "OVERDUE": tr(c, "Overdue"),
        "MET": tr(c, "Met"),
        "MISSED": tr(c, "Missed"),
    }


@cache
def _outcomes() -> dict[str, str]:
    tr = QCoreApplication.translate
    c = "Outcomes"
    return {
        "1": tr(c, "Charged or summonsed"),
        "1A": tr(c, "Charged: alternative offence"),
        "2": tr(c, "Caution (youth)"),
        "3": tr(c, "Caution (adult)"),
        "4": tr(c, "Taken into consideration"),
        "5": tr(c, "Offender died"),
        "6": tr(c, "Penalty notice for disorder"),
        "7": tr(c, "Cannabis or khat warning"),
        "8": tr(c, "Community resolution"),
        "9": tr(c, "CPS: prosecution not in the public interest"),
        "10": tr(c, "Police: formal action not in the public interest"),
        "11": tr(c, "Prosecution prevented: suspect under age"),
        "12": tr(c, "Prosecution prevented: suspect too ill"),
        "13": tr(c, "Prosecution prevented: victim or key witness dead or too ill"),
        "14": tr(c, "Evidential difficulties: suspect not identified, victim does not support"),
        "15": tr(c, "Evidential difficulties: suspect identified, victim supports action"),
        "16": tr(c, "Evidential difficulties: suspect identified, victim does not support"),
        "17": tr(c, "Prosecution time limit expired"),
        "18": tr(c, "Investigation complete: no suspect identified"),
        "20": tr(c, "Further action by another body or agency"),
        "21": tr(c, "Further investigation not in the public interest"),
        "22": tr(c, "Diversionary, educational or intervention activity"),
    }


def not_recorded() -> str:
    return _t("Not recorded")


def label(code: object) -> str:
    """The display label of a stored code; None reads "Not recorded", booleans "Yes"/"No"."""
    if code is None or code == "":
        return not_recorded()
    if isinstance(code, bool):
        return _table()["YES" if code else "NO"]
    raw = code.value if isinstance(code, Enum) else str(code)
    found = _table().get(raw)
    return found if found is not None else raw.replace("_", " ").capitalize()


def outcome_label(code: str) -> str:
    """'1' -> '1: Charged or summonsed'."""
    meaning = _outcomes().get(code.upper())
    return f"{code}: {meaning}" if meaning else code


def outcome_choices() -> list[tuple[str, str]]:
    return [(code, outcome_label(code)) for code in OUTCOME_CODES]


def choices(codes: Iterable[object]) -> list[tuple[str, str]]:
    """(code, label) pairs for a combo box, in the order given (an enum's declaration order)."""
    out = []
    for code in codes:
        raw = code.value if isinstance(code, Enum) else str(code)
        out.append((raw, label(raw)))
    return out


def reset() -> None:
    """Forget cached labels (after the application changes its translator)."""
    _table.cache_clear()
    _outcomes.cache_clear()
