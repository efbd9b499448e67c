"""Hub api layer (see sync/hub/__init__.py)."""
