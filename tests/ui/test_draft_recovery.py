"""Never lose a word: every change is kept as an encrypted draft within two seconds, survives
a crash (SIGKILL), is restored when the case is opened again, and goes when the page is saved."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from case_fixtures import (
    close_context,
    files_containing,
    make_context,
    new_case,
    open_case_page,
    read_draft,
    reopen_context,
)

CHILD = Path(__file__).resolve().parent / "_draft_child.py"
SECRET = "Zephyrine said he keeps the car keys"


@pytest.fixture
def ctx(tmp_path):
    context = make_context(tmp_path / "vault")
    yield context
    close_context(context)


def _draft_words(context, case_id) -> str | None:
    draft = read_draft(context, case_id) or {}
    return draft.get("sections", {}).get("voice", {}).get("words")


def test_typing_is_autosaved_within_two_seconds_and_never_in_plaintext(qtbot, ctx, tmp_path):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    words = page.sections.voice.words
    words.setFocus()
    qtbot.keyClicks(words, SECRET)
    typed = time.monotonic()
    qtbot.waitUntil(lambda: _draft_words(ctx, case_id) == SECRET, timeout=2_000)
    assert time.monotonic() - typed < 2.0
    assert page.has_unsaved_changes()
    qtbot.waitUntil(lambda: "Draft kept at" in page.status.text(), timeout=2_000)
    # Raw bytes of every file the test made (database, -wal, -shm, key slots, settings).
    for needle in (SECRET, "Zephyrine", "car keys"):
        assert files_containing(tmp_path, needle) == [], needle


def test_steady_typing_is_still_saved_before_it_stops(qtbot, ctx):
    """The debounce has a ceiling: someone typing without pause is saved every ~1.5 s."""
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    words = page.sections.voice.words
    words.setFocus()
    started = time.monotonic()
    while time.monotonic() - started < 2.6:
        qtbot.keyClicks(words, "a")
        qtbot.wait(100)
        if _draft_words(ctx, case_id):
            break
    assert _draft_words(ctx, case_id), "nothing was saved while typing continued"
    assert time.monotonic() - started < 2.6


def test_the_whole_form_is_in_the_draft_and_restored_on_reopen(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    s = page.sections
    s.visit.mode.set_value("PHONE")
    s.visit.note.setPlainText("Spoke on the phone.")
    s.support.offers["IDVA_SUPPORT"].status.set_value("DECLINED")
    s.support.offers["IDVA_SUPPORT"].reason.set_value("NOT_READY")
    s.risk.table.rows[2].set_answer("YES")
    s.safe_contact.method.set_value("TEXT")
    s.safe_contact.number.setText("07700 900999")
    s.outcome.date.setText("01/0")  # half typed: kept as typed
    s.voice.words.setPlainText("Unsent words")
    qtbot.waitUntil(lambda: _draft_words(ctx, case_id) == "Unsent words", timeout=3_000)
    page.close_page()
    page.close()

    again = open_case_page(qtbot, ctx, case_id)
    t = again.sections
    assert "Draft restored from" in again.status.text()
    assert again.has_unsaved_changes()
    assert t.visit.mode.value() == "PHONE"
    assert t.visit.note.toPlainText() == "Spoke on the phone."
    assert t.support.offers["IDVA_SUPPORT"].record() == {
        "status": "DECLINED", "decline_reason": "NOT_READY"}
    assert t.risk.table.answers()[2] == "YES" and t.risk.table.answers()[3] is None
    assert (t.safe_contact.method.value(), t.safe_contact.number.text()) == ("TEXT", "07700 900999")
    assert t.safe_contact.number.masked
    assert t.outcome.date.text() == "01/0"
    assert t.voice.words.toPlainText() == "Unsent words"
    kept_at = read_draft(ctx, case_id)["saved_at"]
    again.flush_draft()  # nothing typed since the restore: the draft is left as it was
    assert read_draft(ctx, case_id)["saved_at"] == kept_at

    # Saving discards the draft in the same transaction.
    t.outcome.date.setText("")
    with qtbot.waitSignal(again.case_saved, timeout=10_000):
        again.save()
    assert read_draft(ctx, case_id) is None
    assert not again.has_unsaved_changes()


def test_flush_draft_writes_at_once_on_the_calling_thread(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    page.sections.voice.words.setPlainText("Just before lock")
    assert page.keeper.pending and read_draft(ctx, case_id) is None
    page.flush_draft()
    assert _draft_words(ctx, case_id) == "Just before lock"
    assert not page.keeper.pending


def test_closing_the_page_keeps_a_pending_change(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    page.sections.visit.note.setPlainText("closing now")
    with qtbot.waitSignal(page.closed):
        page.close_button.click()
    qtbot.waitUntil(lambda: read_draft(ctx, case_id) is not None, timeout=3_000)
    assert read_draft(ctx, case_id)["sections"]["visit"]["note"] == "closing now"


def test_opening_without_changes_writes_no_draft(qtbot, ctx):
    case_id = new_case(ctx)
    page = open_case_page(qtbot, ctx, case_id)
    qtbot.wait(1_200)
    assert read_draft(ctx, case_id) is None
    assert not page.has_unsaved_changes()
    page.flush_draft()
    assert read_draft(ctx, case_id) is None


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_draft_survives_sigkill_and_is_restored(qtbot, tmp_path):
    folder = tmp_path / "vault"
    first = make_context(folder)
    case_id = new_case(first)
    close_context(first)

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "FIELDAPP_TEST_FAST_KDF": "1"}
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(folder), str(case_id), SECRET],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in child.stdout], daemon=True).start()
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if lines.get(timeout=max(0.1, deadline - time.monotonic())).strip() == "DRAFT-SAVED":
                    break
            except queue.Empty:
                pytest.fail("the child never saved its draft: " + (child.stderr.read() if
                                                                  child.poll() is not None else ""))
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == -signal.SIGKILL
    assert files_containing(folder, SECRET) == []

    context = reopen_context(folder)
    try:
        page = open_case_page(qtbot, context, case_id)
        assert page.sections.voice.words.toPlainText() == SECRET
        assert "Draft restored from" in page.status.text()
        assert page.has_unsaved_changes()
    finally:
        close_context(context)
