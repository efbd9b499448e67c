"""The change counter orders writers, so a reader paging by cursor never skips a rev.

Two apply transactions: A takes its revs from the counter and is held before committing; B
starts after it and tries to commit first. B cannot get a rev until A commits (the counter
row's lock on PostgreSQL, the writer lock on SQLite), so the lower rev never commits last, and a
reader paging in between sees neither and later sees both. The control shows the same
interleaving with a PostgreSQL sequence does let a reader skip the lower value.
"""

# ruff: noqa: F811  (pytest fixtures imported from db_fixtures, used as arguments)

from __future__ import annotations

import threading
import time

import pytest
from db_fixtures import (  # noqa: F401
    MAX,
    database,
    db_url,
    enrol_laptop,
    hub_data,
    hub_keys,
    load_device,
    new_case_ops,
    now_ms,
)
from sqlalchemy import text

from sync.hub.service import pull, push


def _page(db, keys, reader, cursor):  # noqa: ANN001, ANN202
    """(case ids, cursor_to, more) of one page, as the reader device opens it."""
    header, page = reader.open_page(pull.changes_page(
        db, keys, device=load_device(db, reader), cursor=cursor, limit=500, now_ms=now_ms()))
    return [c.case_id for c in page.cases], header["cursor_to"], [c.rev for c in page.cases]


def test_lower_rev_never_commits_after_a_higher_one(database, hub_keys, monkeypatch):
    a, _ = enrol_laptop(database, hub_keys, staff_code="IDVA01")
    b, _ = enrol_laptop(database, hub_keys, staff_code="IDVA02")
    reader, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="", bcu="",
                             team="")
    ids_a, ops_a = new_case_ops(a, allocated_to="IDVA01")
    ids_b, ops_b = new_case_ops(b, allocated_to="IDVA02")
    body_a, body_b = a.bundle(ops_a), b.bundle(ops_b)
    dev_a, dev_b = load_device(database, a), load_device(database, b)

    a_has_rev = threading.Barrier(2, timeout=30)
    release_a = threading.Event()
    got: dict[str, dict[str, int]] = {}
    finished: dict[str, float] = {}
    errors: list[BaseException] = []
    real_bump = push.bump_cases

    def bump(conn, keys, case_ids, *, now_ms, **kw):  # noqa: ANN001, ANN003, ANN202
        revs = real_bump(conn, keys, case_ids, now_ms=now_ms, **kw)
        name = threading.current_thread().name
        got[name] = revs
        if name == "A":
            a_has_rev.wait()                  # A holds its revs, uncommitted
            assert release_a.wait(30)
        return revs

    monkeypatch.setattr(push, "bump_cases", bump)

    def run(name, device, body):  # noqa: ANN001, ANN202
        try:
            push.accept_bundle(database, hub_keys, device=device, body=body, max_bytes=MAX,
                               now_ms=now_ms())
            finished[name] = time.monotonic()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    thread_a = threading.Thread(target=run, args=("A", dev_a, body_a), name="A")
    thread_a.start()
    a_has_rev.wait()
    thread_b = threading.Thread(target=run, args=("B", dev_b, body_b), name="B")
    thread_b.start()
    thread_b.join(1.5)
    assert thread_b.is_alive() and "B" not in got, "B took a rev while A's was uncommitted"
    # A reader paging now sees neither case: A's rev is not committed, B has none.
    if database.backend == "postgresql":
        seen, cursor, _ = _page(database, hub_keys, reader, 0)
    else:  # one writer at a time: the reader's own bookkeeping would queue behind A
        with database.begin(read_only=True) as conn:
            page, _, _, _ = pull._read_page(conn, hub_keys, load_device(database, reader), 0, 500)
        seen, cursor = [c.case_id for c in page], 0
    assert seen == [] and cursor == 0
    release_a.set()
    thread_a.join(30)
    thread_b.join(30)
    assert not errors, errors
    assert got["A"][ids_a.case_id] < got["B"][ids_b.case_id]
    assert finished["A"] <= finished["B"], "the lower rev committed last"
    seen, cursor, revs = _page(database, hub_keys, reader, cursor)
    assert seen == [ids_a.case_id, ids_b.case_id] and revs == sorted(revs)
    assert cursor == got["B"][ids_b.case_id]


def test_a_reader_between_commits_pages_on_without_skipping(database, hub_keys):
    """Many writers, one reader paging all the while: every case is seen exactly once."""
    # Coordinators: they allocate the cases they make to someone else ("X").
    writers = [enrol_laptop(database, hub_keys, role="coordinator", staff_code=f"C{i}")[0]
               for i in range(3)]
    reader, _ = enrol_laptop(database, hub_keys, role="coordinator", staff_code="", bcu="",
                             team="")
    made: set[str] = set()
    bodies = []
    for laptop in writers:
        mine = []
        for _ in range(6):
            ids, case_ops = new_case_ops(laptop, allocated_to="X")
            made.add(ids.case_id)
            mine.append(laptop.bundle(case_ops))
        bodies.append((laptop, mine))
    done = threading.Event()
    errors: list[BaseException] = []

    def write(laptop, mine):  # noqa: ANN001, ANN202
        try:
            device = load_device(database, laptop)
            for body in mine:
                push.accept_bundle(database, hub_keys, device=device, body=body, max_bytes=MAX,
                                   now_ms=now_ms())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=item) for item in bodies]
    for thread in threads:
        thread.start()
    seen: list[str] = []
    cursor = 0
    while True:
        finished = all(not t.is_alive() for t in threads)
        ids, cursor_to, revs = _page(database, hub_keys, reader, cursor)
        assert cursor_to >= cursor
        seen += ids
        cursor = cursor_to
        if finished and not ids:
            break
    done.set()
    assert not errors, errors
    assert sorted(seen) == sorted(made), "a case was skipped or sent twice"


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_control_a_sequence_lets_a_reader_skip(db_url):
    """Why the counter row: with nextval, the lower value can commit after a reader moved on."""
    from sqlalchemy import create_engine

    engine = create_engine(db_url, hide_parameters=True)
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE SEQUENCE s"))
            conn.execute(text("CREATE TABLE t (rev bigint PRIMARY KEY)"))
        one, two = engine.connect(), engine.connect()
        t1, t2 = one.begin(), two.begin()
        low = one.execute(text("INSERT INTO t VALUES (nextval('s')) RETURNING rev")).scalar_one()
        high = two.execute(text("INSERT INTO t VALUES (nextval('s')) RETURNING rev")).scalar_one()
        t2.commit()
        with engine.connect() as reader:
            cursor = reader.execute(text("SELECT max(rev) FROM t")).scalar_one()
        t1.commit()
        with engine.connect() as reader:
            after = reader.execute(text("SELECT rev FROM t WHERE rev > :c"), {"c": cursor}).all()
        one.close()
        two.close()
        assert low < high and cursor == high and after == [], "the lower rev was skipped"
    finally:
        engine.dispose()
