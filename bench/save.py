"""Save one complete visit (every section, audit, outbox; WAL with synchronous=FULL, so each
commit is fsynced) in the encrypted vault, against stdlib sqlite3 writing the very same rows.

    python -m bench.save [--quick] [--saves N]

The baseline is a plain (unencrypted) SQLite file with the vault's own schema and indexes, the
same pragmas for durability (WAL, synchronous=FULL, foreign keys), and one transaction per visit
that writes exactly the rows the app wrote for that visit (copied back out of the vault, so the
row count and sizes are identical). Saves alternate between the two so that noise on the shared
machine hits both alike. Target (DESIGN.md): median within 2x of the baseline.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import emit, log, median, new_vault, p95, parser, workdir
from bench.gen import complete_form

TARGET = 2.0
# Tables a visit save writes, with the key that ties each row to the visit or case.
UPDATED = ("cases", "visits")
INSERTED = ("offers", "risk_assessments", "voice_entries", "safe_contacts", "outcomes")


def _create_cases(store, count: int, now: datetime) -> list:
    from fieldapp.domain import records as r
    from fieldapp.services import capture

    ids = []
    with store.uow() as uow:
        for i in range(count):
            case = capture.create_incident(uow=uow, now=now, incident=r.IncidentIn(
                police_ref=f"LC-BENCH-{i:05d}", bcu="WEST", district="BLACKPOOL",
                police_visit_at=now - timedelta(hours=3), victim_name=f"Bench Person {i}",
                allocated_to="IDVA01", officers=["PC1234"]))
            ids.append(case.case_id)
        uow.commit()
    return ids


def _written(conn: sqlite3.Connection | object, case_id, since_seq: int, since_op: int) -> dict:
    """Every row one save wrote (read back through the app's own connection)."""
    def rows(sql: str, *params) -> list[tuple]:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params).fetchall()]  # type: ignore[attr-defined]

    cid = str(case_id)
    visit = rows("SELECT * FROM visits WHERE case_id = ?", cid)
    vid = visit[0][0]
    return {
        "cases": rows("SELECT * FROM cases WHERE id = ?", cid), "visits": visit,
        "offers": rows("SELECT * FROM offers WHERE visit_id = ?", vid),
        "risk_assessments": rows("SELECT * FROM risk_assessments WHERE visit_id = ?", vid),
        "voice_entries": rows("SELECT * FROM voice_entries WHERE case_id = ?", cid),
        "safe_contacts": rows("SELECT * FROM safe_contacts WHERE case_id = ?", cid),
        "outcomes": rows("SELECT * FROM outcomes WHERE case_id = ?", cid),
        "audit_log": rows("SELECT * FROM audit_log WHERE seq > ?", since_seq),
        "outbox": rows("SELECT * FROM outbox WHERE rowid > ?", since_op),
        "meta": rows("SELECT * FROM meta WHERE key = 'hlc'"),
    }


class RawStore:
    """stdlib sqlite3 with the vault's schema: the same rows, the same durability, no app."""

    def __init__(self, path: Path, schema: list[str], seed: dict[str, list[tuple]],
                 *, cipher: bool = False):
        if cipher:
            # The same writes on SQLCipher with the vault's own pragmas (a raw random key): how
            # much of the gap is encryption and the vault's settings rather than the app's code.
            from sqlcipher3 import dbapi2 as sqlcipher

            from fieldapp.store.engine import PRAGMAS

            self.conn = sqlcipher.connect(str(path), isolation_level=None)
            self.conn.execute(f"PRAGMA key = \"x'{os.urandom(32).hex()}'\"")
            pragmas = [p.removeprefix("PRAGMA ") for p in PRAGMAS]
        else:
            self.conn = sqlite3.connect(path, isolation_level=None)
            pragmas = ["journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON",
                       "temp_store = MEMORY"]
        for pragma in pragmas:
            self.conn.execute(f"PRAGMA {pragma}")
        for sql in schema:
            self.conn.execute(sql)
        self.columns: dict[str, list[str]] = {}
        for table, rows in seed.items():
            self.conn.execute("BEGIN")
            self.insert(table, rows)
            self.conn.execute("COMMIT")

    def insert(self, table: str, rows: list[tuple]) -> None:
        if rows:
            marks = ",".join("?" * len(rows[0]))
            self.conn.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)

    def cols(self, table: str) -> list[str]:
        if table not in self.columns:
            self.columns[table] = [r[1] for r in self.conn.execute(f"PRAGMA table_info({table})")]
        return self.columns[table]

    def save(self, written: dict) -> float:
        """One visit in one transaction: update the case and visit, insert everything else."""
        start = time.perf_counter()
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        for table in UPDATED:
            for row in written[table]:
                cols = self.cols(table)
                c.execute(f"UPDATE {table} SET {', '.join(f'{k} = ?' for k in cols[1:])} "
                          f"WHERE {cols[0]} = ?", (*row[1:], row[0]))
        for table in (*INSERTED, "audit_log", "outbox"):
            self.insert(table, written[table])
        for key, value in written["meta"]:
            c.execute("UPDATE meta SET value = ? WHERE key = ?", (value, key))
        c.execute("COMMIT")
        return time.perf_counter() - start


def main() -> None:
    p = parser(__doc__)
    p.add_argument("--saves", type=int, default=None)
    args = p.parse_args()
    saves = args.saves or (15 if args.quick else 200)
    warmup = 3 if args.quick else 10
    from sqlalchemy import text

    from fieldapp.services.visit_form import save_visit_form

    with workdir(args.workdir) as work:
        vault, store = new_vault(work / "vault")
        now = datetime.now(UTC)
        case_ids = _create_cases(store, saves + warmup, now)
        with store.engine.connect() as conn:
            schema = [r[0] for r in conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' "
                "ORDER BY CASE type WHEN 'table' THEN 0 ELSE 1 END, rowid")]
            seed = {t: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t}")]
                    for t in ("meta", "incidents", "cases", "visits")}
        raw = RawStore(work / "raw.db", schema, seed)
        cipher = RawStore(work / "cipher.db", schema, seed, cipher=True)
        app_times, raw_times, cipher_times, row_counts = [], [], [], []
        for i, case_id in enumerate(case_ids):
            form = complete_form(now, n=i)
            with store.engine.connect() as conn:
                since_seq = conn.exec_driver_sql("SELECT coalesce(max(seq), 0) FROM audit_log").scalar_one()
                since_op = conn.exec_driver_sql("SELECT coalesce(max(rowid), 0) FROM outbox").scalar_one()
            start = time.perf_counter()
            with store.uow() as uow:
                save_visit_form(uow=uow, case_id=case_id, form=form, now=now)
            app = time.perf_counter() - start
            with store.engine.connect() as conn:
                written = _written(conn, case_id, since_seq, since_op)
            base = raw.save(written)
            encrypted = cipher.save(written)
            if i >= warmup:
                app_times.append(app)
                raw_times.append(base)
                cipher_times.append(encrypted)
                row_counts.append(sum(len(v) for v in written.values()))
        with store.uow() as uow:  # sanity: the app really wrote what was asked
            visited = uow.session.execute(text(
                "SELECT count(*) FROM cases WHERE first_idva_visit_at IS NOT NULL")).scalar_one()
        assert visited == len(case_ids), visited
        raw.conn.close()
        cipher.conn.close()
        vault.lock()
    v, b = median(app_times) * 1000, median(raw_times) * 1000
    log(f"save: app median {v:.2f} ms p95 {p95(app_times) * 1000:.2f} ms; "
        f"raw median {b:.2f} ms; the same rows on SQLCipher {median(cipher_times) * 1000:.2f} ms; "
        f"{median(row_counts)} rows per visit")
    emit("save", value=v, unit="ms", baseline=b, target=f"ratio <= {TARGET:g}", met=v / b <= TARGET,
         p95_ms=round(p95(app_times) * 1000, 3), baseline_p95_ms=round(p95(raw_times) * 1000, 3),
         saves=len(app_times), rows_per_visit=median(row_counts),
         sqlcipher_same_rows_ms=round(median(cipher_times) * 1000, 3))


if __name__ == "__main__":
    main()
