"""Plain-English labels for stored codes, as printed on paper.

Codes stay stable in storage (domain/enums.py); a printed page should read like a police
document, not a database dump, so ``DECLINED`` prints "Declined" and ``24H_TO_1W`` prints
"24 hours to 1 week". The UI has its own translated copy; these are the report's words.
"""

from __future__ import annotations

from enum import Enum

from fieldapp.domain.enums import DEFAULT_POSITIVE_OUTCOMES

_SPECIAL: dict[str, str] = {
    "IDVA_SUPPORT": "IDVA support",
    "PROSECUTION_SUPPORT": "Support for prosecution",
    "SAFETY_PLAN": "Safety plan",
    "IDVA_ONLY": "IDVA only",
    "JOINT": "Joint (police and IDVA)",
    "NO_CONTACT": "No contact",
    "MARAC": "MARAC",
    "CHILDRENS_SOCIAL_CARE": "Children's social care",
    "DRUG_ALCOHOL": "Drug and alcohol",
    "NO_POLICE_INVOLVEMENT_WANTED": "Wants no police involvement",
    "NO_POLICE_INVOLVEMENT": "No police involvement",
    "BE_DA_FREE": "To be free of domestic abuse",
    "CONTINUE_RELATIONSHIP_ABUSE_STOPS": "Continue the relationship, abuse stops",
    "NOT_ASKED_UNSAFE": "Not asked (unsafe)",
    "DONT_KNOW": "Don't know",
    "VISIBLE_HIGH_RISK": "Visible high risk (14 or more yes answers)",
    "PROFESSIONAL_JUDGEMENT": "Professional judgement",
    "POTENTIAL_ESCALATION": "Potential escalation (3 or more incidents in 12 months)",
    "REPEAT": "Repeat (within 12 months of a previous MARAC referral)",
    "ON_TIME": "On time",
    "DUE_SOON": "Due soon",
    "OVERDUE": "Overdue",
    "MET": "Met",
    "MISSED": "Missed",
    "LE_24H": "Within 24 hours",
    "24H_TO_1W": "24 hours to 1 week",
    "GT_1W": "Over 1 week",
    "IN_CUSTODY": "In custody",
    "AT_ADDRESS": "At the address",
    "ELSEWHERE_KNOWN": "Elsewhere (known)",
    "NOT_APPLICABLE": "Not applicable",
    "WEST": "West", "EAST": "East", "SOUTH": "South",
}

BAND_SHORT: dict[str, str] = {
    "LE_24H": "Within 24 h", "24H_TO_1W": "24 h to 1 week", "GT_1W": "Over 1 week",
}

OUTCOME_MEANINGS: dict[str, str] = {
    "1": "Charged or summonsed",
    "1A": "Charged: alternative offence",
    "2": "Caution (youth)",
    "3": "Caution (adult)",
    "4": "Taken into consideration",
    "5": "Offender died",
    "6": "Penalty notice for disorder",
    "7": "Cannabis or khat warning",
    "8": "Community resolution",
    "9": "CPS: prosecution not in the public interest",
    "10": "Police: formal action not in the public interest",
    "11": "Prosecution prevented: suspect under age",
    "12": "Prosecution prevented: suspect too ill",
    "13": "Prosecution prevented: victim or key witness dead or too ill",
    "14": "Evidential difficulties: suspect not identified, victim does not support action",
    "15": "Evidential difficulties: suspect identified, victim supports action",
    "16": "Evidential difficulties: suspect identified, victim does not support action",
    "17": "Prosecution time limit expired",
    "18": "Investigation complete: no suspect identified",
    "20": "Further action by another body or agency",
    "21": "Further investigation not in the public interest (police decision)",
    "22": "Diversionary, educational or intervention activity",
}


def label(code: object) -> str:
    """'NO_POLICE_INVOLVEMENT_WANTED' -> 'Wants no police involvement'; None -> 'Not recorded'."""
    if code is None or code == "":
        return "Not recorded"
    if isinstance(code, bool):
        return "Yes" if code else "No"
    raw = code.value if isinstance(code, Enum) else str(code)
    if raw in _SPECIAL:
        return _SPECIAL[raw]
    return raw.replace("_", " ").capitalize()


def labels(codes: object) -> str:
    items = [label(c) for c in (codes or [])]  # type: ignore[attr-defined]
    return "; ".join(items) if items else "None recorded"


def outcome_text(code: str, positive: frozenset[str] = DEFAULT_POSITIVE_OUTCOMES) -> str:
    code = code.upper()
    meaning = OUTCOME_MEANINGS.get(code, "Unknown code")
    kind = "positive outcome" if code in positive else "not a positive outcome"
    return f"{code}: {meaning} ({kind})"
