"""The one door through which user text reaches reportlab.

reportlab's ``Paragraph`` parses a small markup language: an ``<img src=...>`` in a victim's
name makes it open a file or fetch a URL, ``<font size=99>`` restyles the page, and a stray
``<`` or ``&`` raises and kills the export (research/sync_crypto.md section 9, test T27).
So every string that came from a person goes through :func:`escape_text` (usually via
:func:`safe_para`) exactly once, and nothing else in this package builds markup from data.

Importing this module also turns off reportlab's remote fetching, as a second wall in case a
future change forgets the first: ``trustedHosts`` empty means no host is trusted, and with no
trusted schemes not even ``file:`` or ``data:`` URLs are opened.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph

_ENTITIES = {'"': "&quot;", "'": "&#39;"}
# C0/C1 controls other than newline and tab, DEL, and lone surrogates (from bad decoding):
# none of them is printable and some break the PDF text encoder.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029\x85]")


def lock_down_reportlab() -> None:
    """Refuse every URL reportlab might be asked to open (idempotent; called at import)."""
    rl_config.trustedHosts = []
    rl_config.trustedSchemes = []


def clean_text(text: object) -> str:
    """Printable text: line ends normalised, tabs as spaces, unprintable characters dropped."""
    value = "" if text is None else str(text)
    value = _NEWLINES.sub("\n", value)
    value = value.replace("\t", "    ")
    return _UNPRINTABLE.sub("", value)


def escape_text(text: object) -> str:
    """Text made inert for reportlab's paragraph parser; newlines become line breaks."""
    escaped = escape(clean_text(text), _ENTITIES)
    return escaped.replace("\n", "<br/>")


def safe_para(text: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph that shows ``text`` literally, whatever it contains, in whatever script
    (``scripts``: a font per script run, shaping, right-to-left order)."""
    from fieldapp.reports.scripts import paragraph  # here: scripts needs the fonts registered

    return paragraph(escape_text, clean_text(text), style)


def one_line(text: object, limit: int = 120) -> str:
    """Plain single-line text for the canvas (headers, footers, chart labels).

    ``Canvas.drawString`` does not parse markup, so no escaping is needed there, but a newline
    or a 5,000-character value would run off the page.
    """
    value = " ".join(clean_text(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


lock_down_reportlab()
