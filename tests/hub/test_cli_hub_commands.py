"""``fieldapp-hub`` commands on an initialised hub (no server), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import stat

from hub_process import explain

CODE = re.compile(r"^[A-Z2-7]{5}(-[A-Z2-7]{5}){4}$")


def _no_trace(result) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout, explain(result)


def test_enrol_code_prints_the_code_as_the_last_word(made_hub):
    result = made_hub.ok("enrol-code", "--user", "Jo Bloggs", "--role", "idva",
                         "--staff-code", "IDVA01", "--bcu", "west")
    code = result.stdout.strip().splitlines()[-1].split()[-1]
    assert CODE.match(code), result.stdout
    assert made_hub.ca_fingerprint in result.stdout  # to read out beside the code
    again = made_hub.ok("enrol-code", "--user", "Sam Coordinator", "--role", "coordinator")
    assert again.stdout.strip().split()[-1] != code


def test_enrol_code_refusals_and_usage(made_hub):
    refused = made_hub.cli("enrol-code", "--user", "Jo Bloggs", "--role", "idva")
    assert refused.returncode == 1 and "staff code" in refused.stderr, explain(refused)
    _no_trace(refused)
    for args in (["--user", "Jo", "--role", "admin"], ["--role", "idva"],
                 ["--user", "Jo", "--role", "coordinator", "--bcu", "NORTH"]):
        usage = made_hub.cli("enrol-code", *args)
        assert usage.returncode == 2, explain(usage)
        _no_trace(usage)


def test_devices_on_an_empty_hub(made_hub):
    assert json.loads(made_hub.ok("devices", "--json").stdout) == {"devices": []}
    assert "No devices are enrolled" in made_hub.ok("devices").stdout
    for args in (["devices", "show", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG"],
                 ["revoke", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG", "--reason", "lost"]):
        result = made_hub.cli(*args)
        assert result.returncode == 1 and "no device" in result.stderr, explain(result)
        _no_trace(result)


def test_status_json(made_hub):
    status = json.loads(made_hub.ok("status", "--json").stdout)
    assert status["devices"]["total"] == 0 and status["quarantined_ops"] == 0
    assert status["backend"] == ("sqlite" if made_hub.backend == "sqlite" else "postgresql")
    assert status["database_bytes"] > 0
    text = made_hub.ok("status").stdout
    assert "quarantined ops: 0" in text


def test_conflicts_json_on_an_empty_hub(made_hub):
    assert json.loads(made_hub.ok("conflicts", "--json").stdout) == {"conflicts": [], "quarantined": []}


def test_conflicts_in_words_on_an_empty_hub(made_hub):
    result = made_hub.ok("conflicts")
    assert result.stdout.strip() == "No open conflicts."
    _no_trace(result)


def test_tracker_export_and_kpi_on_an_empty_hub(made_hub, tmp_path):
    out = tmp_path / "tracker.csv"
    result = made_hub.ok("tracker", "export", "--out", str(out), "--recipient", "Evaluation team",
                         "--purpose", "quarterly review", "--operator", "Coordinator A")
    assert "Exported 0 rows" in result.stdout
    assert out.is_file() and stat.S_IMODE(out.stat().st_mode) == 0o600
    kpis = json.loads(made_hub.ok("report", "kpi", "--json").stdout)
    for key in ("visits", "within_24h", "idva_support_accepted", "positive_outcomes"):
        assert key in kpis
    pdf = tmp_path / "kpi.pdf"
    made_hub.ok("report", "kpi", "--out", str(pdf), "--from", "2024-04-01", "--bcu", "west")
    assert pdf.read_bytes().startswith(b"%PDF")
    book = tmp_path / "kpi.xlsx"
    made_hub.ok("report", "kpi", "--out", str(book), "--bcu", "west")
    assert book.read_bytes().startswith(b"PK") and stat.S_IMODE(book.stat().st_mode) == 0o600
    other = made_hub.cli("report", "kpi", "--out", str(tmp_path / "kpi.ods"))
    assert other.returncode == 2 and ".xlsx" in other.stderr and not (tmp_path / "kpi.ods").exists()
    assert made_hub.ok("audit", "verify").stdout.startswith("The hub's audit log is intact")

    usage = made_hub.cli("report", "kpi")
    assert usage.returncode == 2 and "--out" in usage.stderr
    usage = made_hub.cli("tracker", "export", "--out", str(tmp_path / "no" / "such" / "t.csv"))
    assert usage.returncode == 2 and "does not exist" in usage.stderr
    usage = made_hub.cli("tracker", "export", "--out", str(tmp_path / "t.txt"))
    assert usage.returncode == 2
    _no_trace(usage)


def test_bundle_import_refusals(made_hub, tmp_path):
    missing = made_hub.cli("bundle", "import", str(tmp_path / "none.json"), "--reply",
                           str(tmp_path / "reply.json"))
    assert missing.returncode == 2, explain(missing)
    junk = tmp_path / "junk.json"
    junk.write_bytes(b"\x00 not json at all")
    refused = made_hub.cli("bundle", "import", str(junk), "--reply", str(tmp_path / "reply.json"))
    assert refused.returncode == 1 and "transfer file" in refused.stderr, explain(refused)
    assert not (tmp_path / "reply.json").exists()
    stranger = tmp_path / "stranger.json"
    stranger.write_text(json.dumps({"format": "fieldapp-transfer", "v": 1,
                                    "device_id": "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG",
                                    "bundles": []}))
    refused = made_hub.cli("bundle", "import", str(stranger), "--reply",
                           str(tmp_path / "reply.json"))
    assert refused.returncode == 1 and "does not know the device" in refused.stderr
    for result in (missing, refused):
        _no_trace(result)
    assert made_hub.cli("bundle").returncode == 2


def test_cert_show_and_renew(made_hub):
    shown = json.loads(made_hub.ok("cert", "show", "--json").stdout)
    assert shown["ca_fingerprint"] == made_hub.ca_fingerprint and shown["days_left"] >= 729
    made_hub.ok("cert", "renew", "--name", "hub.example.org", "--name", "127.0.0.1",
                "--days", "90")
    renewed = json.loads(made_hub.ok("cert", "show", "--json").stdout)
    assert renewed["ca_fingerprint"] == made_hub.ca_fingerprint  # laptops keep their pin
    assert renewed["server_fingerprint"] != shown["server_fingerprint"]
    assert renewed["names"] == ["hub.example.org", "127.0.0.1"] and renewed["days_left"] <= 90
    settings = json.loads((made_hub.data_dir / "hub.json").read_text())
    assert settings["names"] == ["hub.example.org", "127.0.0.1"]
    bad = made_hub.cli("cert", "renew", "--name", "bad name")
    assert bad.returncode == 2 and "--name" in bad.stderr


def test_integrity_failures_exit_4(made_hub, tmp_path):
    keys = made_hub.data_dir / "hub-keys.bin"
    keys.write_bytes(b"fieldapp-hub-keys v1\n" + b"\x00" * 10)
    result = made_hub.cli("tracker", "export", "--out", str(tmp_path / "t.csv"))
    assert result.returncode == 4 and "damaged" in result.stderr, explain(result)
    _no_trace(result)
    (made_hub.data_dir / "tls" / "ca.pem").write_text("-----BEGIN CERTIFICATE-----\nAAAA\n")
    result = made_hub.cli("cert", "show")
    assert result.returncode == 4, explain(result)
    (made_hub.data_dir / "hub.json").write_text("{not json")
    result = made_hub.cli("status")
    assert result.returncode == 4 and "damaged" in result.stderr, explain(result)
    _no_trace(result)


def test_an_unreachable_database_exits_5(made_hub_sqlite):
    settings = made_hub_sqlite.data_dir / "hub.json"
    doc = json.loads(settings.read_text())
    doc["db_url"] = "postgresql+psycopg://postgres@127.0.0.1:1/hub"
    settings.write_text(json.dumps(doc))
    for args in (["status", "--json"], ["devices"]):
        result = made_hub_sqlite.cli(*args)
        assert result.returncode == 5, explain(result)
        assert "could not be reached" in result.stderr and result.stdout == ""
        _no_trace(result)


def test_missing_sqlite_file_is_an_integrity_failure(made_hub_sqlite):
    (made_hub_sqlite.data_dir / "hub.db").unlink()
    result = made_hub_sqlite.cli("devices")
    assert result.returncode == 4 and "hub.db" in result.stderr, explain(result)


def test_debug_shows_the_trace(made_hub_sqlite):
    (made_hub_sqlite.data_dir / "hub.db").unlink()
    result = made_hub_sqlite.cli("devices", "--debug")
    assert result.returncode == 4 and "Traceback" in result.stderr


def test_logs_are_json_lines_without_personal_data(made_hub, tmp_path):
    made_hub.ok("enrol-code", "--user", "Marker Person Zq", "--role", "idva", "--staff-code",
                "STAFFZQ", "--operator", "Operator Zq")
    made_hub.cli("revoke", "NOPE", "--reason", "Reason Zq")
    log = made_hub.data_dir / "logs" / "hub.log"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    lines = log.read_text().splitlines()
    assert lines
    for line in lines:
        entry = json.loads(line)
        assert {"time", "level", "event"} <= set(entry)
    assert "Zq" not in log.read_text()
