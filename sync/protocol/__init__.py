"""The wire protocol both ends import: models, canonical JSON, sealing, signatures, clocks.

Pure Python over pydantic and cryptography; imports ``fieldapp.domain`` at most, never the hub or
the laptop's store (import-linter contract). The format is described in docs/sync-protocol.md.
"""

PROTOCOL_VERSION = 1
