"""Safety-critical fields: which they are, which value is the restrictive one, and their words.

Both ends import this (``replay`` applies the rules; the laptop's conflict screens and the hub's
``conflicts`` listing use the words). docs/sync-protocol.md "Conflicts" states the rules:

- ``do_not_contact``, ``do_not_visit``: true, then false, then not recorded (None);
- ``risk_grade``: HIGH, then MEDIUM, then STANDARD, then not recorded;
- ``marac_referral``: true (referred), then false, then not recorded;
- ``safe_contact`` (the whole safe-contact record): both are kept and both shown; the newest
  (by clock) is the record in force until a person chooses.
"""

from __future__ import annotations

from typing import Any

FLAG_FIELDS = ("do_not_contact", "do_not_visit", "risk_grade", "marac_referral")
"""Fields of a ``safety`` operation (the case's ``case_flags`` row)."""
SAFE_CONTACT = "safe_contact"
SAFETY_FIELDS = (*FLAG_FIELDS, SAFE_CONTACT)
RISK_GRADES = ("STANDARD", "MEDIUM", "HIGH")
BOOL_FLAGS = ("do_not_contact", "do_not_visit", "marac_referral")

FIELD_LABELS = {
    "do_not_contact": "Do not contact",
    "do_not_visit": "Do not visit",
    "risk_grade": "Risk grade",
    "marac_referral": "MARAC referral",
    "safe_contact": "Safe contact details",
    "allocated_to": "Allocated to",
    "outcome": "Outcome",
}


def _rank(field: str, value: Any) -> int:
    """Higher is more restrictive."""
    if value is None:
        return 0
    if field == "risk_grade":
        return 1 + RISK_GRADES.index(value) if value in RISK_GRADES else 0
    return 2 if value is True else 1


def in_force(field: str, sides: list[dict[str, Any]]) -> dict[str, Any]:
    """The side applied while a conflict is open: the most restrictive value (the earliest side
    holding it), or for safe-contact details the newest side (both are shown)."""
    if not sides:
        raise ValueError("a conflict has sides")
    if field == SAFE_CONTACT:
        return sides[-1]
    best = sides[0]
    for side in sides[1:]:
        if _rank(field, side["value"]) > _rank(field, best["value"]):
            best = side
    return best


def value_label(field: str, value: Any) -> str:
    """Words for a person (never a name: a safe-contact record is shown by its details)."""
    if value is None:
        return "not recorded"
    if field in BOOL_FLAGS:
        if field == "marac_referral":
            return "referred to MARAC" if value else "not referred to MARAC"
        return "yes" if value else "no"
    if field == "risk_grade":
        return str(value).title()
    if field == SAFE_CONTACT and isinstance(value, dict):
        parts = [str(value.get("method") or "").replace("_", " ").lower() or "no method"]
        if value.get("safe_number"):
            parts.append(f"number {value['safe_number']}")
        if value.get("safe_times"):
            parts.append(f"times {value['safe_times']}")
        parts.append("voicemail " + ("ok" if value.get("voicemail_ok") else "not ok"))
        parts.append("texts " + ("ok" if value.get("text_ok") else "not ok"))
        return ", ".join(parts)
    return str(value)
