"""installer/linux/fieldapp-hub.service: read with a unit-file parser that always runs, its
command line parsed by the hub's own argument parser, and, where systemd's tools are installed,
``systemd-analyze verify`` and the offline security score as well."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

from sync.hub.cli import build_parser

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "installer" / "linux" / "fieldapp-hub.service"
MAX_EXPOSURE = 2.0  # systemd-analyze security: 0 (locked down) .. 10 (unprotected)


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Sections of a systemd unit as ordered (key, value) lists (keys may repeat, as in
    systemd.syntax(7)); a line outside a section or without '=' is an error."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for number, raw in enumerate(text.replace("\\\n", " ").splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
            continue
        key, sep, value = line.partition("=")
        assert current is not None and sep, f"line {number} is not in a section or has no '='"
        assert re.fullmatch(r"[A-Za-z0-9]+", key.strip()), f"line {number}: bad key {key!r}"
        current.append((key.strip(), value.strip()))
    return sections


def values(section: list[tuple[str, str]], key: str) -> list[str]:
    return [value for name, value in section if name == key]


def one(section: list[tuple[str, str]], key: str) -> str:
    found = values(section, key)
    assert len(found) == 1, f"{key} should be set exactly once, found {found}"
    return found[0]


def test_unit_runs_the_hub_under_its_own_user_with_a_read_only_system():
    unit = parse_unit(UNIT.read_text(encoding="utf-8"))
    assert set(unit) == {"Unit", "Service", "Install"}
    service = unit["Service"]
    user = values(service, "User")
    assert values(service, "DynamicUser") == ["yes"] or (user and user[0] not in ("root", "0"))
    assert one(service, "ProtectSystem") == "strict"
    assert one(service, "NoNewPrivileges") == "yes"
    assert one(service, "Restart") == "on-failure"
    assert one(service, "ProtectHome") in ("yes", "read-only", "tmpfs")
    assert one(service, "PrivateTmp") == "yes"
    assert one(service, "CapabilityBoundingSet") == ""  # no capabilities at all (port 8443)
    assert one(service, "UMask") == "0077"
    assert one(service, "LimitCORE") == "0"  # a core dump could hold the hub's data key
    state = one(service, "StateDirectory")
    assert one(service, "StateDirectoryMode") == "0700"
    assert values(unit["Install"], "WantedBy") == ["multi-user.target"]

    # The command line is one the hub's own parser accepts: `serve`, on the state directory.
    argv = shlex.split(one(service, "ExecStart"))
    assert Path(argv[0]).name == "fieldapp-hub"
    args = build_parser().parse_args(argv[1:])
    assert args.command == "serve"
    data = f"/var/lib/{state}"
    assert args.data == data
    assert f"FIELDAPP_HUB_DATA={data}" in values(service, "Environment")


def test_systemd_analyze_verify_and_security_score(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # the parser test above still checks the unit
        warnings.warn("systemd-analyze is not installed: only the unit parser checked the unit",
                      stacklevel=1)
        return
    # verify checks that ExecStart's program exists: point it at this venv's real fieldapp-hub
    # (installed by the same package), everything else verbatim.
    hub = Path(sys.executable).with_name("fieldapp-hub")
    assert hub.is_file()
    text = UNIT.read_text(encoding="utf-8").replace("/opt/fieldapp-hub/bin/fieldapp-hub", str(hub))
    unit = tmp_path / UNIT.name
    unit.write_text(text, encoding="utf-8")
    verify = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True,
                            timeout=60)
    assert verify.returncode == 0, verify.stderr
    complaints = [line for line in verify.stderr.splitlines() if UNIT.name in line]
    assert not complaints, complaints  # unknown keys and bad values are only warnings there
    security = subprocess.run([analyze, "security", "--offline=yes", str(unit)],
                              capture_output=True, text=True, timeout=60)
    assert security.returncode == 0, security.stderr
    level = re.search(r"Overall exposure level for \S+: ([0-9.]+)", security.stdout)
    assert level, security.stdout[-500:]
    assert float(level.group(1)) <= MAX_EXPOSURE, security.stdout[-2000:]
