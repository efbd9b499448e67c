"""A log call given an object instead of a literal message writes the object's type only."""

from __future__ import annotations

import logging

from fieldapp.log import RedactingFormatter


def test_an_exception_passed_as_the_message_is_not_written_out():
    record = logging.LogRecord("fieldapp.test", logging.ERROR, __file__, 1,
                               ValueError("MARKER-Jo Bloggs 07700 900123"), None, None)
    line = RedactingFormatter().format(record)
    assert "MARKER" not in line and "<ValueError>" in line


def test_a_literal_message_is_written_as_is():
    record = logging.LogRecord("fieldapp.test", logging.INFO, __file__, 1, "visit saved", None, None)
    assert RedactingFormatter().format(record).endswith("fieldapp.test: visit saved")
