"""Alembic environment: always handed an open connection by fieldapp.store.schema."""

from alembic import context

from fieldapp.store.orm import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
