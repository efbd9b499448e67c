"""T04/T28: after a scripted day of use, no file the app wrote holds personal data in plaintext.

Scanned: the vault folder (database, -wal, -shm, key slots, logs, crash log), the temporary
folder (TMPDIR), the settings folder (FIELDAPP_CONFIG_DIR), the XDG and home folders the child
was given: every file, raw bytes, for each marker in UTF-8 and UTF-16. Scanned twice: while the
vault is still open (the WAL is live) and after it is locked. The exports and PDFs the user
asked for are not in that scan (they are meant to hold data), but they are read too: their text
(PDF text extracted, XLSX unzipped) must not hold the victim's voice, safe-contact details,
visit notes or drafts, nor the victim's name or the risk rationale anywhere but the case
summary, which prints those two by design (fieldapp/reports/case_summary.py, the supervisor's
copy).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import zipfile
from pathlib import Path

from bench.common import new_vault

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "data" / "sample-tracker.csv"  # the tracker v1 spec's sample
KINDS = ("NAME", "VOICE", "NOTE", "SAFE", "DRAFT", "RISK")
# What the case summary prints by design (the supervisor's copy): the victim's name and the
# risk checklist's professional-judgement rationale. Never notes, voice (unless asked), contacts.
BY_DESIGN = {"case-summary.pdf": {"NAME", "RISK"}}


def needles(markers: dict[str, str]) -> dict[str, list[bytes]]:
    return {k: [v.encode(), v.encode("utf-16-le"), v.encode("utf-16-be")] for k, v in markers.items()}


def scan(roots: list[Path], markers: dict[str, str], skip: Path | None = None,
         seen: set[str] | None = None) -> tuple[int, list[str], int]:
    """(marker occurrences, files holding one, files scanned) over every file under ``roots``."""
    found, files, scanned = 0, [], 0
    pats = needles(markers)
    for root in roots:
        for path in root.rglob("*"):
            if skip is not None and skip in path.parents:
                continue
            try:
                if not path.is_file():
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            scanned += 1
            if seen is not None:
                seen.add(str(path.relative_to(root.parent)))
            hits = sum(data.count(p) for ps in pats.values() for p in ps)
            if hits:
                found += hits
                files.append(str(path.relative_to(root.parent)))
    return found, files, scanned


def document_text(path: Path) -> str:
    """What a reader of the file sees: PDF text, XLSX cell XML, CSV text."""
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return "\n".join(book.read(n).decode("utf-8", "replace") for n in book.namelist())
    return path.read_bytes().decode("utf-8", "replace")


def run(work: Path) -> dict:
    markers = {k: f"MRK{k[:2]}{secrets.token_hex(6)}" for k in KINDS}
    vault_dir, export_dir = work / "vault", work / "exports"
    homes = {name: work / name for name in ("tmp", "config", "home", "xdg-config", "xdg-data",
                                           "xdg-cache")}
    for folder in (export_dir, *homes.values()):
        folder.mkdir(parents=True, exist_ok=True)
    vault, _store = new_vault(vault_dir)
    vault.lock()
    env = {**os.environ, "TMPDIR": str(homes["tmp"]), "FIELDAPP_CONFIG_DIR": str(homes["config"]),
           "HOME": str(homes["home"]), "XDG_CONFIG_HOME": str(homes["xdg-config"]),
           "XDG_DATA_HOME": str(homes["xdg-data"]), "XDG_CACHE_HOME": str(homes["xdg-cache"]),
           "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path]),
           **{f"MARK_{k}": v for k, v in markers.items()}}
    proc = subprocess.Popen([sys.executable, "-m", "bench.day_child", str(vault_dir),
                             str(export_dir), str(SAMPLE)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            cwd=ROOT)
    first = proc.stdout.readline().strip()  # type: ignore[union-attr]
    if first != "SAVED":
        proc.kill()
        raise RuntimeError(f"the scripted day failed: {proc.stderr.read()[-3000:]}")  # type: ignore[union-attr]
    roots = [vault_dir, *homes.values()]
    seen: set[str] = set()
    open_hits, open_files, open_scanned = scan(roots, markers, seen=seen)
    wal_seen = (vault_dir / "fieldapp.db-wal").exists()
    proc.stdin.write("\n")  # type: ignore[union-attr]
    proc.stdin.flush()  # type: ignore[union-attr]
    second = proc.stdout.readline().strip()  # type: ignore[union-attr]
    proc.wait(timeout=60)
    stderr = proc.stderr.read()  # type: ignore[union-attr]
    locked_hits, locked_files, locked_scanned = scan(roots, markers, seen=seen)
    stderr_hits = sum(stderr.count(v) for v in markers.values())
    # The files the user asked for: meant to hold data, but not these kinds of it.
    user_files = sorted(export_dir.iterdir())
    forbidden: list[str] = []
    for path in user_files:
        text = document_text(path)
        for kind, value in markers.items():
            allowed = kind in BY_DESIGN.get(path.name, set())
            if value in text and not allowed:
                forbidden.append(f"{path.name}: {kind.lower()}")
    log_text = (vault_dir / "logs" / "fieldapp.log").read_text(encoding="utf-8", errors="replace")
    error_logged = "save failed" in log_text and "IntegrityError" in log_text
    summary = document_text(export_dir / "case-summary.pdf")
    by_design = sorted(k.lower() for k in BY_DESIGN["case-summary.pdf"] if markers[k] in summary)
    # The scan can see: a control file with a marker is found.
    control = work / "control"
    control.mkdir()
    (control / "plain.bin").write_bytes(b"x" + markers["NOTE"].encode("utf-16-le") + b"y")
    scan_sees = scan([control], markers)[0] == 1
    return {
        "markers": len(markers), "files_scanned": open_scanned + locked_scanned,
        "marker_bytes_found": open_hits + locked_hits + stderr_hits,
        "files_with_marker": sorted(set(open_files + locked_files)), "scanned": sorted(seen), "wal_present_when_scanned": wal_seen,
        "locked_cleanly": second == "LOCKED", "user_files": [p.name for p in user_files],
        "user_files_with_forbidden_data": forbidden, "in_case_summary_by_design": by_design,
        "scan_sees_control_marker": scan_sees, "error_with_personal_data_logged": error_logged,
    }
