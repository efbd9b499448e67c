"""A hub refusal (4xx) turned into this laptop's exceptions; a revocation's wipe order checked."""

from __future__ import annotations

from typing import NoReturn

from fieldapp.services.sync.client import Answer
from fieldapp.services.sync.errors import HubNotTrusted, Refused
from fieldapp.services.sync.state import Enrolment
from fieldapp.services.sync.wipe import WipeOrdered, verify_order


def error_body(answer: Answer) -> dict:
    try:
        return answer.json()
    except Refused:
        return {}


def raise_for(answer: Answer, *, enrolment: Enrolment, doing: str) -> NoReturn:
    """Raise what a refusal means; a 403 ``revoked`` with a valid wipe order raises WipeOrdered."""
    body = error_body(answer)
    code = str(body.get("error", "")) or f"http_{answer.status}"
    if answer.status == 403 and code == "revoked":
        statement = verify_order(body.get("wipe"), enrolment=enrolment)
        if statement is not None:
            raise WipeOrdered(statement)
        raise HubNotTrusted(
            "the hub refused this laptop as revoked, but its wipe order is not signed by the hub "
            "key pinned at enrolment (or names another device), so nothing was wiped. Tell your "
            "coordinator: this may not be your station's hub.")
    if answer.status == 403 and code == "unknown_device":
        raise Refused("the hub does not know this laptop (it may have been reset): ask a "
                      "coordinator for a new enrolment code and run 'fieldapp enrol --force'",
                      code=code)
    if answer.status == 401:
        raise Refused(f"the hub did not accept this laptop's signature while {doing}: check the "
                      "laptop's date and time, then sync again; if it persists, tell your "
                      "coordinator", code=code)
    raise Refused(f"the hub refused {doing} ({code}); tell your coordinator if it happens again",
                  code=code)
