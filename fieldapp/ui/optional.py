"""Features built alongside the shell (case page, dashboard, tracker and report dialogs).

The shell imports them lazily and carries on with a placeholder when one is not there yet, so
each feature can land on its own. A module that exists but fails to import is logged (its error
type only) and treated as missing.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from types import ModuleType

log = logging.getLogger(__name__)

CASE_PAGE = "fieldapp.ui.pages.case_page"
DASHBOARD_PAGE = "fieldapp.ui.pages.dashboard_page"
TRACKER_DIALOGS = "fieldapp.ui.tracker_dialogs"
REPORT_DIALOGS = "fieldapp.ui.report_dialogs"


def load(name: str, attribute: str) -> object | None:
    """``name.attribute`` if the module is present and imports cleanly, else None."""
    try:
        if importlib.util.find_spec(name) is None:
            return None
        module: ModuleType = importlib.import_module(name)
    except Exception as exc:  # a half-finished feature must not stop the app starting
        log.error("optional feature failed to import", extra={"status": type(exc).__name__})
        return None
    return getattr(module, attribute, None)
