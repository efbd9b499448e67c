"""Short versions of the reliability suite (``make reliability`` runs the long ones), so CI sees
a regression: kills during an import, the plaintext scan after a scripted day, hypothesis on the
forms and on imports, and the audit-chain tamper check."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import rel_audit, rel_crash, rel_day, rel_props  # noqa: E402


def test_kill_during_import_keeps_whole_batches_and_rerun_completes(tmp_path: Path) -> None:
    report = rel_crash.imports(tmp_path, runs=5, rows=1_500, batch=250)
    assert report["runs"] == 5
    for key in ("integrity_failures", "records_lost", "orphans", "missing_ops", "missing_audit",
                "stray_ops", "partial_batches", "broken_chains", "incomplete_reruns", "duplicates"):
        assert report[key] == 0, (key, report)


def test_kill_during_saves_loses_nothing(tmp_path: Path) -> None:
    report = rel_crash.saves(tmp_path, runs=3)
    assert report["runs"] == 3 and report["records_lost"] == 0 and report["integrity_failures"] == 0
    assert report["outbox_mismatches"] == 0


def test_no_plaintext_after_a_scripted_day(tmp_path: Path) -> None:
    report = rel_day.run(tmp_path)
    assert report["scan_sees_control_marker"]
    assert report["wal_present_when_scanned"]
    assert report["error_with_personal_data_logged"]
    assert report["marker_bytes_found"] == 0, report["files_with_marker"]
    assert report["user_files_with_forbidden_data"] == []
    assert {"vault/fieldapp.db", "vault/fieldapp.db-wal", "vault/logs/fieldapp.log",
            "config/settings.json"} <= set(report["scanned"])


def test_forms_refuse_bad_input_only_with_record_invalid() -> None:
    report = rel_props.forms("reliability-ci")
    assert report["inputs_tried"] >= 200
    assert report["crashes"] == 0, report["crash_kinds"]
    assert report["values_echoed"] == 0


def test_random_tracker_rows_are_imported_or_rejected_with_a_reason(tmp_path: Path) -> None:
    report = rel_props.imports("reliability-ci", tmp_path)
    assert report["crashes"] == 0, report["crash_kinds"]
    assert report["unaccounted_rows"] == 0
    assert report["rejections_without_reason"] == 0 and report["values_echoed"] == 0


def test_audit_tamper_is_found_at_the_right_row(tmp_path: Path, sample_tracker: Path) -> None:
    report = rel_audit.run(tmp_path, incidents=10, positions=4, sample=sample_tracker)
    assert report["clean_chain_ok"]
    assert report["checks"] >= 12
    assert report["wrong"] == []
