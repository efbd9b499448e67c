"""The desktop app: the only package that imports Qt."""

from fieldapp.ui import qt_compat as _qt_compat  # noqa: F401  (before any Qt call; see its docstring)
