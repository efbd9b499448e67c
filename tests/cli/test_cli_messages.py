"""What a new user meets at the command line (issue 16, item 7), through the real CLI.

The back-off refusal says when to try again and is not the wrong-passphrase message; no raw
SQLCipher log line reaches stderr; ``fieldapp --debug`` alone prints the help; the README's
``recovery-keygen`` example runs as written.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

from test_cli_vault import run

from fieldapp.store import Store
from fieldapp.vault import Vault

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "correct horse battery staple"


def test_backoff_refusal_says_when_to_try_again(tmp_path: Path):
    vault, good, bad = tmp_path / "vault", tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(PASSPHRASE + "\n")
    bad.write_text("not the passphrase at all\n")
    made = Vault.create(vault, passphrase=bytearray(PASSPHRASE.encode()), user="jo", role="idva")
    Store.open(made)
    made.lock()
    wrong = run("audit", "verify", "--vault", str(vault), "--passphrase-file", str(bad))
    assert wrong.returncode == 3 and "wrong passphrase" in wrong.stderr
    # Pretend more failures happened just now (the record is plaintext by design): a 40 s wait.
    slots = vault / Vault.SLOTS_NAME
    doc = json.loads(slots.read_text())
    doc["backoff"] = {"failures": 6, "next_allowed_at": round(time.time() + 40, 3)}
    slots.write_text(json.dumps(doc))
    refused = run("audit", "verify", "--vault", str(vault), "--passphrase-file", str(good))
    assert refused.returncode == 3
    assert "wrong passphrase" not in refused.stderr
    match = re.search(r"next try is allowed in (\d+) s \(at (\d\d:\d\d:\d\d)\)", refused.stderr)
    assert match, refused.stderr
    assert 30 <= int(match[1]) <= 40
    assert "ERROR CORE" not in refused.stderr


def test_no_sqlcipher_log_line_reaches_stderr(tmp_path: Path):
    """A page that fails its HMAC (here: the wrong key) makes SQLCipher log to stderr unless
    its log level is off; the app's engine turns it off before reading anything."""
    script = f"""
import os
from pathlib import Path
from sqlalchemy import text
from fieldapp.store import schema
from fieldapp.store.engine import close_engine, open_engine
path = Path({str(tmp_path / "x.db")!r})
engine = open_engine(path, os.urandom(32).hex())
schema.upgrade(engine, db_path=path)
close_engine(engine)
wrong = open_engine(path, os.urandom(32).hex())
try:
    with wrong.connect() as conn:
        conn.execute(text("SELECT count(*) FROM sqlite_master"))
except Exception as exc:
    print("refused:", type(exc).__name__)
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=ROOT)
    assert "refused:" in proc.stdout, proc.stderr
    assert "ERROR CORE" not in proc.stderr and "sqlcipher" not in proc.stderr.lower()


def test_debug_alone_prints_the_help():
    out = run("--debug")
    assert out.returncode == 0, out.stderr
    assert "recovery-keygen" in out.stdout and "usage: fieldapp" in out.stdout
    assert "error" not in out.stderr.lower()
    group = run("audit")  # a command group without its action is still a usage error
    assert group.returncode == 2


def test_readme_recovery_keygen_example_runs_as_written(tmp_path: Path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(text for text in readme.splitlines() if text.startswith("fieldapp recovery-keygen"))
    command = shlex.split(line.split("#")[0])
    assert command[:3] == ["fieldapp", "recovery-keygen", "--out"]
    following = readme[readme.index(line):].splitlines()[1:3]
    assert any("passphrase" in text for text in following)  # says that it asks, and the flag
    assert any("--passphrase-file" in text for text in following)
    secret = tmp_path / "key-pass.txt"
    secret.write_text("two keyholders share this one\n")
    proc = subprocess.run([sys.executable, "-m", "fieldapp", *command[1:],
                           "--passphrase-file", str(secret)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          env={**os.environ})
    assert proc.returncode == 0, proc.stderr
    assert {p.name for p in (tmp_path / "keys").iterdir()} == {"recovery-public.pem",
                                                               "recovery-private.pem"}
    init = next(text for text in readme.splitlines() if text.startswith("fieldapp init"))
    assert "keys/recovery-public.pem" in init  # the file the next README line uses exists


def test_readme_links_stay_inside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)#\s]+)", readme)
    assert targets
    for target in targets:
        assert not re.match(r"[a-z]+:", target), target  # no URL, no outside path
        resolved = (ROOT / target).resolve()
        assert resolved.is_relative_to(ROOT) and resolved.exists(), target
