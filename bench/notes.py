"""The analysis behind each measure, written into docs/benchmarks.md under the table.

Kept beside the code so that it is reviewed with it; the figures above it are regenerated on
every run, these paragraphs are not.
"""

BEFORE_AFTER = """
Each engineer measured the code before their change and after it alternating, in the same session
on this machine, at the sizes shown (the "What was profiled" sections below say how).

| measure | session 1: before | session 1: after | session 2: before | session 2: after |
|---|---|---|---|---|
| save one complete visit | 39-40 ms, 69 SQL statements | 27-33 ms, 54 statements | ~55 ms under load (ORM) | ~2 ms, 5 reads and ~12 writes; 1.7-3.2x the baseline |
| start to unlock window | 2.9x a bare window | unchanged | 2.8-3.1x | 1.38-1.47x |
| board, 50,000 cases, p95 per keystroke | 743 ms | 139-189 ms | 65-199 ms | 10-15 ms |
| tracker import, 100,000 rows | 119 s | 50-54 s | 28.0-28.3 s (faster machine) | 20.1-21.3 s |
| KPI report PDF, 100,000 visits | over a minute (extrapolated) | 6.3-8.2 s | 6.6-7.7 s | 1.3-2.1 s |
"""

NOTES = {
    "save": """
First pass (session 1): cProfile over 50 saves and every SQL statement of one save listed
(`before_cursor_execute`): 69 statements, five re-reads of the audit chain head and ten of the two
`meta` rows; caching both per transaction took it to 54 statements and 27-33 ms.

Second pass (this session): the profile was then all SQLAlchemy unit-of-work machinery (19
flushes, identity-map loads of the case 5 times, lazy loads of offers and risk, re-reading the
whole case after saving) around 23 rows. Changed: the case page is written by one lean writer
(`services/visit_write.py`): the case is read whole once with 8 plain SELECTs on the DB-API
cursor of the unit of work's own transaction (`services/case_state.py`, also used to open a case,
so what a save returns is what opening the case shows), each section compares the form with what
is stored and writes only changed rows in stored form (the same text the column types write; a
test reads them back through the ORM), and the six audit entries and outbox operations are
written with one executemany each at the end. The audit chain head, the device id and the hybrid
logical clock are read and written on the same cursor instead of ORM objects
(`store/audit.py`, `store/outbox.py`), and `insert_tuples` goes straight to the DB-API. The pool
now hands back the most recently used connection, whose decrypted page cache is still valid (a
write by another connection empties it). Behaviour change, on purpose: saving a section
unchanged no longer writes it again or logs a false "alteration" (risk, safe contact, outcome).
Per save, on this machine: ~55 ms -> ~2 ms (phases: read the case 0.2 ms, sections 0.2 ms,
audit + outbox 0.23 ms, build the record 0.05 ms, commit with fsync ~1 ms).

The run also times the same rows written by hand on SQLCipher with the vault's pragmas
(`sqlcipher_same_rows_ms`): encryption (AES-256 and an HMAC per page) and `secure_delete` alone
cost 1.3-1.6x the plain sqlite3 baseline, so the app's own code has about 0.4x of the 2x budget
left. On a busy machine fsync time dominates both and the ratio moves a lot between runs: 1.7x
in a full run while other benchmarks loaded the disk, 3.2-3.4x on a quiet machine (2.7 ms against
0.85 ms; the same rows on SQLCipher 1.36 ms).

What stands in the way of 2x on a quiet machine: with the baseline at ~0.85 ms, the app may
spend ~0.35 ms beyond SQLCipher's own cost, and its Python spends ~0.8 ms: reading the case
(5 statements, ~0.15-0.2 ms; the diffs, the 24-hour rule and the returned record need it), the
sections (~0.2 ms: comparing and writing 23 rows), the audit chain and outbox (~0.25 ms: six
SHA-256 chain links and canonical JSON payloads) and building the returned record (~0.05 ms).
What would remove most of it is not doing that work inside the call the user waits for: return
once the rows are committed and build the record from the form, or move audit/outbox assembly
into SQL. Neither changes what a user waits for on a real laptop, where an fsync alone costs
1-5 ms and the ratio falls towards the encryption's 1.3-1.6x.
""",
    "startup": """
Timeline of the app child (offscreen; event filter timestamps): importing `fieldapp.ui.app`
takes ~320 ms of the ~360 ms to the first paint; the bare child needs ~130 ms in all.
`python -X importtime`: the app's imports cost ~355 ms against ~167 ms for the bare window's
PySide6 imports (the shiboken signature loader, ~45 ms, is in both). The ~190 ms difference:
pydantic and pydantic_core (~80 ms), imported by `fieldapp.settings`; `fieldapp.vault`
(`cryptography`, the HPKE recovery code; ~40 ms), imported by `fieldapp.settings` only for
`atomic_write`; the `unlock_window` module itself (26 ms, class creation with Qt signals);
and the rest of `fieldapp.ui`. The main window's modules are imported in a worker (`_warm_up`),
but that worker starts before the first paint and competes with it for the GIL (15-45 ms
between Show and Paint).

Second pass (this session), with `python -X importtime`, per-module CPU timings, cProfile, perf
and the event-filter timeline. Taken off the path to the first paint: pydantic (settings are now a
checked dataclass with the same file, version, migration and fallback to defaults; values of
unexpected types such as `"5"` still go through pydantic's rules, loaded only then; tests check
every such file loads exactly as the old model did); `cryptography` and the HPKE recovery code
(imported on first unlock; `Vault.open` reads JSON only); `importlib.metadata` (qt_compat reads
PySide6's own version, ~50 ms); PySide6's `Qt` namespace (~90 enum classes, ~15 ms: alignments
set by key name, field messages built on first use); `uuid`/`datetime`/the roles (vault creation
only); `QMessageBox`; and `logging.handlers` (socket and pickle, ~8 ms: a plain file handler until
the first paint, then the rotating one). The main window's warm-up worker and the back-off read
start after the first paint instead of competing with it for the GIL.

Measurement fix: the shell here sets `PYTHONDONTWRITEBYTECODE`, so every timed app start
recompiled the app's ~20 modules (~20 ms of CPU that no installed copy spends, and that the bare
child, with no modules of its own, never paid). Both children now cache bytecode in the bench's
work folder, filled by the untimed warm-up run; without this fix the same code measures ~1.50x.

After: 1.38-1.47x (median 1.42x) over five runs, against 2.8-3.1x before in the same session.
At the first paint the app has loaded 37 modules more than the bare window (its own 22, `ctypes`
to block core dumps, `dataclasses`, `platformdirs`, a few small ones). What remains is mostly
intrinsic: font database setup, SVG icons and painting ~20 widgets (~13 ms against ~2 ms for a
bare QWidget), the bench's event filter seeing 199 events against 28, PySide's QStyle wrapper for
the focused passphrase field (~5 ms), and PySide6's import hook reading the source of every module
imported after it (~7 ms). The margin under 1.5x is thin on a busy machine, where the longer child
is pre-empted more (single runs ranged 1.2-1.7x under two CPU-bound jobs).
""",
    "board": """
Profiled the page query with SQLite's EXPLAIN QUERY PLAN on the vault and on a plain copy. With
a search typed, `board_page`'s visited-cases query walks `ix_cases_police_visit_at` in order and
looks every row up in the table to test the LIKE on `police_ref`/`pseudonym`: 44,000 row lookups
for a reference that matches one case. With SQLite's default 2 MiB page cache the cases table did
not fit, so each keystroke read and decrypted (AES + HMAC) most of it again: p95 ~740 ms.
Changed (`store/engine.py`): a 32 MiB page cache per connection (`PRAGMA cache_size`): p95
140-190 ms, the same as the plain-sqlite3 baseline running the same queries; peak RSS unchanged (~210 MB, most
of it Qt). Trade-off: more decrypted pages held in the process's memory (never on disk).

Second pass (this session): profiled the whole keystroke (time inside `board_page` against time
to the model's `page_loaded`, cProfile of `board_page`, EXPLAIN QUERY PLAN for every filter
combination). Three things: with a search, the page query scanned the whole cases table (or every
pending case's row) to test the LIKE; the count ran beside the page, but every transaction began
`BEGIN IMMEDIATE`, so the page queued behind the count's full scan; and building 200 rows through
the ORM decoded four timestamps per row with `strptime`, which cost more than the query for short
searches. Without statistics, SQLite chose between walking an index in page order and scanning
then sorting every match according to the LIMIT: a visited page completing a nearly full pending
page took the scan and sort (~45 ms against ~5 ms).

Changed: migration 0004 replaces `ix_cases_board`, `ix_cases_police_visit_at` and
`ix_cases_bcu` with two indexes carrying every column the filters and the search test:
`ix_cases_board_by_time` (police visit time, first IDVA visit time, reference, pseudonym,
allocated IDVA, BCU, status) and `ix_cases_board_pending`, the same made partial (cases still
awaiting their first IDVA visit). Every filter and the search are tested on index entries, and a
page stops at its last match. The board queries are plain SQL naming their index (`INDEXED BY`),
so the plan no longer follows the LIMIT; counts read index entries only. The search is a plain
LIKE (SQLite's LIKE ignores case for ASCII letters only, exactly as its `lower()` does; tested on
non-ASCII values). Rows are read as stored text and timestamps parsed with `fromisoformat`. The
board model reads the count after the first page, and a short first page's length is the count.
Results are identical to the old query for every filter combination, search and page size (the
pre-0004 query is kept as `tests/services/board_reference.py` and compared), including on a vault
upgraded from 0003 with data. Same-session figures: p95 65-199 ms before, 10-15 ms after over
eight runs; peak RSS 208 MB either way.

Not chosen: an FTS5 trigram index. The SQLCipher build has FTS5 and the trigram tokenizer, but
inserting 100,000 cases with only its insert trigger took 5.9 s against 3.0 s (15,142 pages
against 12,576), it does not order matches, and one- or two-letter searches fall back to a scan.
Making the pending index partial instead of a second full-width index kept the tracker import's
index cost where it was (the full-width version cost +1 s and +23 % pages per 100,000 cases).
""",
    "import": """
Profiled with cProfile/pyinstrument and a per-phase process-time split (reading, Python row
building, each table's executemany, commit). Before: 15-18 s for 20,000 rows, 119 s for
100,000 (table above); SQLAlchemy's per-parameter bind processing (strftime on every timestamp, str() on every UUID,
ORM `AuditEntry` objects for the chain) cost more than SQLite. Changed:
- `store/engine.py`: `insert_tuples` (one executemany of rows already in stored form) with
  `utc_text`/`json_text`, exact equivalents of the column types' conversions.
- `services/tracker_import.py`: rows built as tuples, each UUID/timestamp converted once per row
  (the stamp once per batch); existing rows found with one primary-key probe instead of the full
  tracker projection; 5,000-row batches (was 1,000) with a 64 MiB page cache while a batch is
  written, put back before the commit. Large batches matter because every batch rewrites (and
  re-encrypts) most leaf pages of the random-key indexes.
- `store/audit.py`, `store/outbox.py`: chained audit rows and outbox operations built as tuples
  (no ORM objects), identical hashes and HLC stamps.

Second pass (this session), profiled with cProfile on both threads (and the writer run inline),
per-thread `thread_time` and wall time per phase, replays of the recorded insert tuples against
SQLCipher and plain SQLite, and variants with indexes dropped. Before: reading and validating
4.0 s CPU per 100,000 rows, building the stored rows ~7 s, SQL ~12 s plus the commits. Changed:
- Migration 0005 drops `ix_offers_visit_id`, which the unique (visit_id, offer_type, target)
  index already covers: 400,000 random-key index entries fewer per import. Incident, visit,
  voice entry and outbox ids are time-ordered (`domain/ids.py`, the UUIDv7 layout), so their index
  inserts append. Case ids stay random, because the pseudonym is a case id's first hex digits.
- The reader reads cells in plain canonical spelling by table look-up and builds the row without
  pydantic's second pass when every check is known to pass (`tracker/fast_row.py`); anything else
  takes the general path, so rows, values and rejections are unchanged (tested against
  `cells.build_row` on the sample, a generated sheet and hypothesis): 4.0 -> 1.9 s CPU.
- New rows go in as one JSON array per batch and one `INSERT ... SELECT FROM json_each` per table
  (`services/tracker_bulk.py`, `engine.insert_json`), which runs inside SQLite without the GIL, on a
  second thread, while the first thread reads and checks the next batch and does every batch's
  Python (look-ups, updates, outbox and audit rows). Batches grow from 2,500 rows (writing starts
  early) to 20,000 (each batch rewrites the random-key index pages, so fewer batches write far
  less), with a 128 MiB page cache while a batch is written. Cancel is honoured between batches and
  while one is written; a cancelled or failing batch leaves nothing behind (tested).
- Found on the way: an `executemany` on one thread while another runs Python waits up to the
  5 ms switch interval for every row (50,000 outbox rows took 183 s beside a busy thread, 0.8 s
  as one statement). `append_many`/`enqueue_many` now insert more than 64 rows with one
  `json_each` statement and keep `executemany` for a save's few rows; the ids' random bytes are
  drawn 4 KiB at a time and the CSV read through a 1 MiB buffer, since both gave up the GIL per row.
Result, old and new in the same session: 28.0-28.3 s -> 20.1-21.3 s (the board's partial index,
b6bb843, is in the "after" figure too).

What stands in the way of 10 s (100,000 rows, per thread): the reading thread needs ~13 s of CPU
(reading and validating 2-3 s; the stored form 3.5-5 s: row JSON, outbox payloads and their
canonical JSON, ids; the outbox and audit rows with the hash chain 3.5 s). The writer needs ~10 s
of CPU inside SQLite, mostly inserting ~1.1 million rows with ~2.2 million index entries, plus
~3.5 s of commits, and still waits ~5 s more than it computes (not yet explained). Plain,
unencrypted SQLite needs ~7 s for the same rows and indexes, so perfect overlap of the two threads
would give ~14 s. What would remove it: fewer stored rows per tracker row (offers as four indexed
rows per visit; an outbox payload repeating the whole row; one audit row per imported row, where
one row per import naming the file would meet DPA s.62). Time-ordered case ids (with the
pseudonym drawn separately) were tried and measured: 21.2 s against 21.8 s, within the noise, so
not a lever. 5x the csv parse (~0.9 s) is out
of reach with any schema that stores these rows in SQLite: SQLite alone needs over 5 s for them.
""",
    "kpi_pdf": """
Profiled with cProfile and per-phase timers. Before: 90 % of the time was
`services/tracker_rows.py` building ORM objects (Visit, Case, four Offers, extras...) for every
visit, with `strptime` on 17 timestamps per visit through the column types: 10,000 visits took
6.6 s. Changed (`services/tracker_rows.py`): the projection reads only the columns a tracker row
needs, as plain tuples from the DBAPI cursor, and decodes the stored text itself
(`fromisoformat`); for every visit (export, KPIs) each table is read in one sequential scan and
the visits are streamed in police-visit order, instead of primary-key probes per 2,000 visits
into random-UUID indexes (at 100,000 visits the probes alone took 6.7 s); per-visit details are
shared tuples, so memory stays at tens of MB. Every row still goes through `TrackerRow`
validation. 10,000 visits: 6.6 s -> 0.6 s; 100,000: 11.3 s with the first change alone ->
6.3-8.2 s with the sequential scans.

Second pass (this session), profiled with cProfile and per-phase timers at 100,000 visits:
building and validating 100,000 `TrackerRow`s, with every offer, risk and extra read for them,
was ~60 % of the time, and the per-row KPI pass (time-zone conversions for each row's band, hour
band and quarter; ~650,000 tally calls) most of the rest. Changed: the one KPI engine
(`tracker/kpi.py`) now makes every figure from counts per distinct key (`tracker/kpi_counts.py`:
a few hundred combinations of band, hour band, decisions, quarter, BCU and outcome);
`compute_kpis` counts them from TrackerRows, and the vault counts them straight from its stored
values (`tracker/kpi_stored.py`, `services/kpi.py`), so dashboard, PDF and CLI still share one
engine. The vault path makes three plain reads: offers in one table scan folded in SQL to one
integer per visit (three bits per decision), outcomes per case, and visits joined to their cases;
times are parsed from the stored text and rounded to whole seconds as TrackerRow rounds them, and
the Europe/London facts (local date, quarter, hour band) are worked out once per UTC hour, since
the offset only changes on the hour. Unknown statuses, BCUs and outcome codes, and an IDVA visit
before the police visit, still raise as validation did; export still validates every row. Tests
compare the counted engine with the per-row engine it replaced (kept as
`tests/tracker/kpi_reference.py`) with hypothesis around clock changes, and the stored-value path
with validated tracker rows on generated data. Result, old and new alternating in one session:
6.6-7.7 s -> 1.3-2.1 s; Python peak memory 47 -> 30 MB. The baseline (`compute_kpis` over the
same rows in memory) also fell, from ~1.6 s to 0.6-0.8 s, as it now counts by key.

What remains (100,000 visits): the offers scan and fold (~0.75 s: 420,000 rows, larger than the
32 MiB page cache, so decrypted on every report), visits joined to cases (~0.4-0.6 s), the
counting loop (~0.4 s) and reportlab (~0.15-0.3 s). If it is ever needed, a small KPI summary
kept up to date as visits are saved and imported would remove most of it.
""",
}
