"""The hub's own Alembic migrations (no alembic.ini: configured in code by sync.hub.store.db)."""
