"""The status bar's sync words from plain values, and the board model's sync marks from a real
vault's outbox (no widgets)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from conftest import add_incident
from PySide6.QtCore import Qt

from fieldapp.services.sync import errors, ops
from fieldapp.ui.models import board_model as bm
from fieldapp.ui.sync import words

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_ago_in_words():
    cases = {timedelta(seconds=20): "just now", timedelta(minutes=1): "1 minute ago",
             timedelta(minutes=2, seconds=59): "2 minutes ago", timedelta(hours=1): "1 hour ago",
             timedelta(hours=23, minutes=59): "23 hours ago", timedelta(hours=30): "yesterday",
             timedelta(days=4, hours=2): "4 days ago", timedelta(seconds=-5): "just now"}
    assert {d: words.ago(NOW - d, NOW) for d in cases} == cases


def test_status_line_says_when_what_waits_and_what_to_do():
    line = words.status_line
    assert line(enrolled=False, last_sync_at=None, last_ok=False, pending=4, now=NOW) == (
        "Not enrolled with a station hub")
    assert line(enrolled=True, last_sync_at=None, last_ok=False, pending=0, now=NOW) == (
        "Never synced · all changes synced")
    assert line(enrolled=True, last_sync_at=NOW - timedelta(minutes=2), last_ok=True, pending=3,
                now=NOW) == "Synced 2 minutes ago · 3 changes not yet synced"
    assert line(enrolled=True, last_sync_at=NOW, last_ok=True, pending=1, now=NOW,
                conflicts=2) == "Synced just now · 1 change not yet synced · 2 conflicts to resolve"
    assert line(enrolled=True, last_sync_at=NOW - timedelta(hours=3), last_ok=False, pending=2,
                now=NOW, problem=words.problem_words(errors.HubUnreachable("x"))) == (
        "Last sync attempt 3 hours ago did not finish · 2 changes not yet synced · Station hub "
        "not reachable — changes are kept on this laptop; sync again at the station")
    assert line(enrolled=True, last_sync_at=NOW, last_ok=False, pending=0, now=NOW,
                last_good_at=NOW - timedelta(minutes=12)) == (
        "Synced 12 minutes ago (the last attempt did not finish) · all changes synced")
    assert line(enrolled=True, last_sync_at=NOW, last_ok=True, pending=0, now=NOW,
                running=True).startswith("Syncing…")


def test_problem_words_never_quote_an_unknown_exception():
    assert words.problem_words(RuntimeError("Jane Doe, 07700 900123")) == (
        "Sync did not finish (RuntimeError) — nothing is lost; sync again")
    refused = words.problem_words(errors.Refused("the hub refused the changes (fork)"))
    assert refused == "The station hub refused the sync — the hub refused the changes (fork)"
    assert "coordinator" in words.problem_words(errors.CertificateMismatch("x"))


def test_board_marks_cases_whose_changes_the_hub_has_not_acknowledged(qtbot, context):
    first = add_incident(context, police_ref="PR-MARK-1")
    second = add_incident(context, police_ref="PR-MARK-2")
    # The second case's operations were acknowledged by the hub (as bundles.acknowledge does).
    with context.uow() as uow:
        db = uow.dbapi()
        acked = ops.outbox_op_ids(db, [str(second.case_id)])
        db.executemany("UPDATE outbox SET status = 'acked' WHERE op_id = ?", [(i,) for i in acked])
        uow.commit()
    assert acked
    model = bm.BoardModel()
    with qtbot.waitSignal(model.page_loaded, timeout=10_000):
        model.attach(context.uow)
    assert model.marks(first.case_id) == frozenset()  # not enrolled: no marks at all
    with qtbot.waitSignal(model.marks_loaded, timeout=10_000):
        model.set_marks_enabled(True)
    rows = {model.summary(r).police_ref: r for r in range(model.rowCount())}
    one, two = rows["PR-MARK-1"], rows["PR-MARK-2"]
    assert model.index(one, 0).data(bm.SyncMarkRole) == {bm.MARK_UNSYNCED}
    assert model.index(two, 0).data(bm.SyncMarkRole) == frozenset()
    assert model.index(one, bm.COL_SYNC).data() == "Not yet synced"
    assert model.index(two, bm.COL_SYNC).data() == ""
    assert "not yet been acknowledged" in model.index(one, bm.COL_SYNC).data(
        Qt.ItemDataRole.ToolTipRole)
    assert model.headerData(bm.COL_SYNC, Qt.Orientation.Horizontal) == "Sync"

    # Acknowledged now: the mark goes at the next read; a reload keeps reading them.
    with context.uow() as uow:
        uow.dbapi().execute("UPDATE outbox SET status = 'acked'")
        uow.commit()
    with qtbot.waitSignal(model.marks_loaded, timeout=10_000):
        model.refresh_marks()
    assert all(model.marks(model.summary(r).case_id) == frozenset()
               for r in range(model.rowCount()))
    add_incident(context, police_ref="PR-MARK-3")
    with qtbot.waitSignal(model.marks_loaded, timeout=10_000):
        model.reload()
    rows = {model.summary(r).police_ref: r for r in range(model.rowCount())}
    assert model.index(rows["PR-MARK-3"], bm.COL_SYNC).data() == "Not yet synced"
    model.detach()
    assert model.rowCount() == 0 and model.marks(first.case_id) == frozenset()
