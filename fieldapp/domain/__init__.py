"""Pure domain: pydantic records, enumerations, validation rules and the 24-hour clock.

Nothing here imports Qt, SQLAlchemy or touches a disk.
"""
