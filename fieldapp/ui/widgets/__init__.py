"""Reusable inputs: labelled fields with errors, masked fields, code combos, London times."""

from fieldapp.ui.widgets.choice import BoolCombo, EnumCombo
from fieldapp.ui.widgets.datetime_edit import (
    DateLineEdit,
    LondonDateTimeEdit,
    OptionalSpinBox,
    london_text,
    parse_date,
)
from fieldapp.ui.widgets.field import Field, FieldGrid, is_input, named
from fieldapp.ui.widgets.masked import MaskedLineEdit, NoCopyLineEdit, Revealer
from fieldapp.ui.widgets.watch import watch

__all__ = [
    "BoolCombo", "DateLineEdit", "EnumCombo", "Field", "FieldGrid", "LondonDateTimeEdit",
    "MaskedLineEdit", "NoCopyLineEdit", "OptionalSpinBox", "Revealer", "is_input",
    "london_text", "named", "parse_date", "watch",
]
