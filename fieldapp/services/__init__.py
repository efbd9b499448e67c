"""Use cases: small typed functions taking a unit of work and returning pydantic records."""
