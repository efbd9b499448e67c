"""The format of a staff code (``IDVA01``): what allocations, the tracker's ``idva_code`` and the
hub's device scope use for a person, so that no name has to leave the laptop."""

from __future__ import annotations

import re

MAX_STAFF_CODE = 40  # as the hub's devices.staff_code and the tracker's idva_code column
# Letters and digits, with . _ / - inside: a code, not a name (no spaces), so a person's full
# name cannot be typed where a staff code is expected.
_STAFF_CODE = re.compile(r"[A-Z0-9](?:[A-Z0-9._/-]*[A-Z0-9])?")


def normalise_staff_code(text: str) -> str:
    """Trimmed and upper-cased, as codes are compared."""
    return text.strip().upper()


def staff_code_problem(text: str) -> str | None:
    """Why ``text`` is not a staff code (None when it is one, or empty: no code)."""
    code = normalise_staff_code(text)
    if not code:
        return None
    if len(code) > MAX_STAFF_CODE:
        return f"A staff code is at most {MAX_STAFF_CODE} characters."
    if not _STAFF_CODE.fullmatch(code):
        return ("A staff code is letters and digits (and . _ / - between them), with no spaces, "
                "for example IDVA01.")
    return None


def allocation_code(allocated_to: str | None) -> str | None:
    """A case's allocation as a tracker ``idva_code``: the code when it is one, else None."""
    if not allocated_to or staff_code_problem(allocated_to):
        return None
    return normalise_staff_code(allocated_to)
