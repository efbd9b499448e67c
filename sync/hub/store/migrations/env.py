"""Alembic environment: always handed an open connection by sync.hub.store.db."""

from alembic import context

from sync.hub.store.tables import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata,
                  render_as_batch=connection.dialect.name == "sqlite",
                  version_table="hub_alembic_version")
with context.begin_transaction():
    context.run_migrations()
