"""The laptop's sync client: enrolment, sealing the outbox into bundles, push, pull, offline
transfer and wipe (docs/sync-protocol.md). Never imports the hub (import-linter)."""
