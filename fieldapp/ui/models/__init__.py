"""Qt item models: thin adapters from service results (pydantic records) to views."""
