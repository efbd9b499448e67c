"""What can go wrong in a sync, as a few exceptions the CLI and the GUI turn into words.

Messages are for a person, say what to do, and never quote what the hub sent or any case data.
"""

from __future__ import annotations


class SyncError(Exception):
    """Base class: ``str(exc)`` is a sentence for the person."""


class NotEnrolled(SyncError):
    """The vault has no enrolment: nothing can be sealed for or sent to a hub."""


class Refused(SyncError):
    """The hub refused the request, or this laptop refused to go on (a local rule)."""

    def __init__(self, message: str, *, code: str = "refused") -> None:
        super().__init__(message)
        self.code = code


class HubUnreachable(SyncError):
    """The hub could not be reached, or the connection failed part-way (nothing is lost)."""


class CertificateMismatch(SyncError):
    """The hub's TLS certificate is not from the pinned station CA, or the CA offered at
    enrolment does not have the fingerprint the coordinator read out."""


class HubNotTrusted(SyncError):
    """An answer claiming to be the hub's is not signed by the pinned hub key, or is not for this
    device: nothing in it was used."""


class Revoked(SyncError):
    """The hub revoked this laptop and sent a valid wipe order: the vault has been wiped."""
