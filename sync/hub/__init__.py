"""The station hub: ``api/`` (FastAPI routers and deps), ``service/`` (use cases, no FastAPI),
``store/`` (tables and Alembic migrations, SQLite or PostgreSQL), ``cli.py`` (``fieldapp-hub``).

Never imports ``fieldapp.ui``, ``fieldapp.vault`` or ``fieldapp.store`` (import-linter)."""
