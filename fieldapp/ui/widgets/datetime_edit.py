"""Date and time inputs that show Europe/London wall time and hand back aware UTC values.

Conversion goes through seconds since the epoch, never through naive datetimes, so a time in
the autumn's repeated hour or a visit across a clock change is never an hour off.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from PySide6.QtCore import QDate, QDateTime, QTimeZone
from PySide6.QtWidgets import QDateTimeEdit, QLineEdit, QSpinBox, QWidget

from fieldapp.domain.clock import to_london, utc_now

LONDON_TZ = QTimeZone(b"Europe/London")
DISPLAY = "dd/MM/yyyy HH:mm"


def london_text(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return "" if value is None else to_london(value).strftime(fmt)


class LondonDateTimeEdit(QDateTimeEdit):
    """Day/month/year hour:minute in Europe/London; Tab steps through the parts, then on."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTimeZone(LONDON_TZ)
        self.setDisplayFormat(DISPLAY)
        self.setCalendarPopup(False)
        self.setMinimumDate(QDate(2000, 1, 1))
        self.set_value(utc_now())

    def value(self) -> datetime:
        return datetime.fromtimestamp(self.dateTime().toSecsSinceEpoch(), UTC)

    def set_value(self, value: datetime) -> None:
        seconds = int(value.astimezone(UTC).timestamp()) // 60 * 60
        self.setDateTime(QDateTime.fromSecsSinceEpoch(seconds, LONDON_TZ))


_DATE = re.compile(r"^\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_date(text: str) -> date | None:
    """'' -> None; '3/4/2025' or '2025-04-03' -> date; anything else raises ValueError."""
    if not text.strip():
        return None
    match = _DATE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
        return date(year, month, day)
    match = _ISO.match(text)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)
    raise ValueError(text)


class DateLineEdit(QLineEdit):
    """An optional date typed as dd/mm/yyyy; empty means "not recorded".

    Plain text keeps whatever was typed (even half a date) for the draft; :meth:`value` parses.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setPlaceholderText(self.tr("dd/mm/yyyy"))
        self.setMaxLength(10)

    def value(self) -> date | None:
        return parse_date(self.text())

    def set_value(self, value: date | None) -> None:
        self.setText("" if value is None else value.strftime("%d/%m/%Y"))


class OptionalSpinBox(QSpinBox):
    """A whole number or "not recorded" (shown at the bottom of the range)."""

    def __init__(self, maximum: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setRange(-1, maximum)
        self.setSpecialValueText(self.tr("Not recorded"))
        self.setValue(-1)

    def value_or_none(self) -> int | None:
        number = self.value()
        return None if number < 0 else number

    def set_value(self, value: int | None) -> None:
        self.setValue(-1 if value is None else value)
