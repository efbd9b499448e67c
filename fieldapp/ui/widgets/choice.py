"""Combo boxes over stored codes, showing translated labels (keyboard: type the first letters)."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtWidgets import QComboBox, QWidget

from fieldapp.ui import labels


class EnumCombo(QComboBox):
    """Choose one code; the first entry (``blank``) means "not recorded" and reads as None."""

    def __init__(self, codes: Iterable[object] | list[tuple[str, str]], *,
                 blank: str | None = "", parent: QWidget | None = None):
        super().__init__(parent)
        items = list(codes)
        pairs = items if items and isinstance(items[0], tuple) else labels.choices(items)
        self._blank = blank is not None
        if blank is not None:
            self.addItem(blank or labels.not_recorded(), None)
        for code, text in pairs:
            self.addItem(text, code)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)

    def value(self) -> str | None:
        return self.currentData()

    def set_value(self, code: object) -> None:
        raw = getattr(code, "value", code)
        index = self.findData(raw) if raw is not None else (0 if self._blank else -1)
        self.setCurrentIndex(max(index, 0))


class BoolCombo(EnumCombo):
    """Yes / No / not recorded for a ``bool | None`` field."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(["YES", "NO"], parent=parent)

    def value(self) -> bool | None:  # type: ignore[override]
        code = self.currentData()
        return None if code is None else code == "YES"

    def set_value(self, code: object) -> None:
        super().set_value(None if code is None else ("YES" if code else "NO"))
