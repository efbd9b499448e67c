"""``fieldapp-hub init`` as a subprocess, on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from hub_process import explain, init_hub, postgres_database, run_cli

HUB_FILES = ["hub.json", "hub-keys.bin", "tls/ca.pem", "tls/ca-key.pem", "tls/server.pem",
             "tls/server-key.pem"]


def _sha256_colon(der: bytes) -> str:
    digest = hashlib.sha256(der).hexdigest().upper()
    return ":".join(digest[i:i + 2] for i in range(0, 64, 2))


def _server_cert(data_dir) -> x509.Certificate:
    return x509.load_pem_x509_certificate((data_dir / "tls" / "server.pem").read_bytes())


def test_init_creates_private_files_and_prints_the_ca_fingerprint(made_hub):
    folder = made_hub.data_dir
    expected = HUB_FILES + (["hub.db"] if made_hub.backend == "sqlite" else [])
    for name in expected:
        mode = stat.S_IMODE((folder / name).stat().st_mode)
        assert mode == 0o600, f"{name} is {oct(mode)}"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "tls").stat().st_mode) == 0o700

    ca = x509.load_pem_x509_certificate(made_hub.ca_file.read_bytes())
    fingerprint = _sha256_colon(ca.public_bytes(serialization.Encoding.DER))
    assert made_hub.ca_fingerprint == fingerprint
    assert made_hub.init_output.splitlines()[-1].endswith(fingerprint)

    settings = json.loads((folder / "hub.json").read_text())
    assert settings["db_url"] == (made_hub.db_url or "")
    assert settings["names"][-1] == "127.0.0.1"  # default: the host name and 127.0.0.1

    # the database is at the schema's head: commands run on it straight away
    assert made_hub.ok("upgrade").stdout.startswith("The hub's database is already")


def test_init_makes_the_certificate_for_the_names_given(tmp_path):
    made = init_hub(tmp_path / "hub", names=["hub.station.local", "10.20.30.40", "::1"])
    san = _server_cert(made.data_dir).extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["hub.station.local"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("10.20.30.40"),
                                                        ipaddress.ip_address("::1")]
    settings = json.loads((made.data_dir / "hub.json").read_text())
    assert settings["names"] == ["hub.station.local", "10.20.30.40", "::1"]


def test_init_refuses_to_overwrite_a_hub(made_hub):
    folder = made_hub.data_dir
    before = {name: (folder / name).read_bytes() for name in HUB_FILES}
    result = made_hub.cli("init")
    assert result.returncode == 1, explain(result)
    assert "already a hub" in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert {name: (folder / name).read_bytes() for name in HUB_FILES} == before


@pytest.mark.postgres
def test_init_refuses_a_database_that_already_holds_a_hub(tmp_path):
    with postgres_database() as url:
        init_hub(tmp_path / "first", "postgres", db_url=url)
        result = run_cli(tmp_path / "second", "init", "--db", url)
        assert result.returncode == 1, explain(result)
        assert "already holds a hub" in result.stderr
        assert not (tmp_path / "second" / "hub-keys.bin").exists()
        assert not (tmp_path / "second" / "hub.json").exists()


def test_init_usage_errors_write_nothing(tmp_path):
    cases = ((["--name", "not a host"], "--name"), (["--db", "mysql://hub@db/hub"], "sqlite"),
             (["--name", "10.0.0.1:8443"], "--name"))
    for i, (args, words) in enumerate(cases):
        folder = tmp_path / f"hub{i}"
        result = run_cli(folder, "init", *args)
        assert result.returncode == 2, explain(result)
        assert words in result.stderr and "Traceback" not in result.stderr
        assert not (folder / "hub-keys.bin").exists() and not (folder / "hub.json").exists()


def test_init_with_an_unreachable_postgresql_exits_5_and_leaves_no_keys(tmp_path):
    folder = tmp_path / "hub"
    result = run_cli(folder, "init", "--db", "postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert result.returncode == 5, explain(result)
    assert "could not be reached" in result.stderr and "Traceback" not in result.stderr
    assert not (folder / "hub-keys.bin").exists() and not (folder / "tls").exists()
    assert not (folder / "hub.json").exists()
    init_hub(folder)  # and the folder can still be used


def test_init_json(tmp_path):
    result = run_cli(tmp_path / "hub", "init", "--json", "--name", "127.0.0.1")
    assert result.returncode == 0, explain(result)
    document = json.loads(result.stdout)
    assert document["names"] == ["127.0.0.1"]
    ca = x509.load_pem_x509_certificate((tmp_path / "hub" / "tls" / "ca.pem").read_bytes())
    assert document["ca_fingerprint"] == _sha256_colon(ca.public_bytes(serialization.Encoding.DER))


def test_commands_without_a_hub_are_usage_errors(tmp_path):
    for args in (["status"], ["devices", "--json"], ["serve", "--port", "0"],
                 ["enrol-code", "--user", "A", "--role", "coordinator"]):
        result = run_cli(tmp_path / "nothing", *args)
        assert result.returncode == 2, explain(result)
        assert "no hub" in result.stderr and "fieldapp-hub init" in result.stderr
        assert "Traceback" not in result.stderr


def test_data_folder_from_the_environment(tmp_path):
    folder = tmp_path / "from-env"
    result = run_cli(folder, "init", "--name", "127.0.0.1", data=False,
                     env={"FIELDAPP_HUB_DATA": str(folder)})
    assert result.returncode == 0, explain(result)
    assert (folder / "hub.json").is_file()
    result = run_cli(folder, "devices", "--json", data=False,
                     env={"FIELDAPP_HUB_DATA": str(folder)})
    assert json.loads(result.stdout) == {"devices": []}
