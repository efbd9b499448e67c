import os
import random

from crash_harness import CrashReport, one_run  # noqa: E402  (same folder, on sys.path via rootdir)

from fieldapp.store import Store
from fieldapp.vault import Vault

RUNS = int(os.environ.get("FIELDAPP_CRASH_RUNS", "30"))


def test_sigkill_during_saves_loses_nothing_committed(tmp_path):
    vault_dir, pass_file = tmp_path / "vault", tmp_path / "pass"
    pass_file.write_text("correct horse battery staple")
    vault = Vault.create(vault_dir, passphrase=bytearray(b"correct horse battery staple"),
                         user="idva1", role="idva")
    Store.open(vault)
    vault.lock()
    report = CrashReport()
    rng = random.Random(20261127)
    for _ in range(RUNS):
        one_run(vault_dir, pass_file, rng, report)
    assert report.runs == RUNS
    assert report.committed > RUNS  # the kills really landed while saves were going on
    assert report.integrity_failures == []
    assert report.lost == 0
    assert report.op_mismatches == []  # T12: exactly one outbox operation per committed change
