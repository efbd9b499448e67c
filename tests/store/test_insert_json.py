"""insert_json (one INSERT ... SELECT FROM json_each) stores exactly what insert_tuples (one
executemany) stores: the same values with the same SQLite types, rows in the same order."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Float, Integer, MetaData, String, Table

from fieldapp.store.engine import _FEW_ROWS, insert_json, insert_tuples

VALUES = ["plain", "", "quo\"te \\ back", "tab\tnew\nline\r", "\u00e9\u4e2d\U0001f600", "'=1",
          "null", "[1]", 0, 1, -7, 2**62, True, False, None, 1.5, -0.0, 1e-300]


def _table(metadata: MetaData, name: str) -> Table:
    return Table(name, metadata, Column("n", Integer), Column("a", String), Column("b", String),
                 Column("c", Float))


@pytest.mark.parametrize("count", [3, _FEW_ROWS + 1, 500])
def test_same_rows_as_executemany(store, count):
    metadata = MetaData()
    one, two = _table(metadata, "bulk_one"), _table(metadata, "bulk_two")
    metadata.create_all(store.engine)
    rows = [(i, VALUES[i % len(VALUES)], VALUES[(3 * i + 1) % len(VALUES)], VALUES[(7 * i) % len(VALUES)])
            for i in range(count)]
    with store.uow() as uow:
        insert_tuples(uow.session.connection(), one, ("n", "a", "b", "c"), rows)
        insert_json(uow.dbapi(), two, ("n", "a", "b", "c"), rows)
        db = uow.dbapi()
        read = "SELECT n, a, typeof(a), b, typeof(b), c, typeof(c) FROM {} ORDER BY rowid"
        expected = db.execute(read.format("bulk_one")).fetchall()
        assert db.execute(read.format("bulk_two")).fetchall() == expected
        assert len(expected) == count


def test_unknown_or_missing_columns_are_refused(store):
    metadata = MetaData()
    table = _table(metadata, "bulk_three")
    metadata.create_all(store.engine)
    with store.uow() as uow, pytest.raises(ValueError, match="unknown"):
        insert_json(uow.dbapi(), table, ("n", "zzz"), [(1, 2)] * (_FEW_ROWS + 1))
