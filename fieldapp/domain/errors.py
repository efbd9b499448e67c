"""Errors a person can act on, kept apart from internal failures."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One field's problem, worded for the person at the keyboard."""

    field: str
    message: str


class UserFacingError(Exception):
    """Something the user can fix; the message is safe to show and holds no personal data."""


class RecordInvalid(UserFacingError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))


class NotFound(UserFacingError):
    pass
