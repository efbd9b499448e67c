"""Hub store layer (see sync/hub/__init__.py)."""
