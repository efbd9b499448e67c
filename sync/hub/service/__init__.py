"""Hub service layer (see sync/hub/__init__.py)."""
