"""sync.hub.tls on its own: the station CA, the server certificate, renewal, the TLS context."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import socket
import ssl
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

from sync.hub import tls
from sync.hub.config import HubConfig


def _cert(path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())


def test_names_are_told_apart_and_checked():
    names = tls.general_names(["Hub.Station.local", "10.0.0.5", "::1", "[fe80::1]", "10.0.0.5"])
    assert names == [x509.DNSName("hub.station.local"),
                     x509.IPAddress(ipaddress.ip_address("10.0.0.5")),
                     x509.IPAddress(ipaddress.ip_address("::1")),
                     x509.IPAddress(ipaddress.ip_address("fe80::1"))]
    for bad in ("", "has space", "under_score.local", "-leading.local", "a" * 64 + ".local",
                "http://hub", "10.0.0.5:8443"):
        with pytest.raises(ValueError):
            tls.general_names([bad])
    with pytest.raises(ValueError):
        tls.general_names([])


def test_default_names_are_the_host_name_and_loopback():
    names = tls.default_names()
    assert names[-1] == "127.0.0.1"
    host = socket.gethostname().rstrip(".")
    assert names[:-1] in ([host], [])  # an unusable host name is left out, never mangled


def test_ca_and_server_certificate(tmp_path):
    config = HubConfig()
    paths = tls.create(config, tmp_path, ["hub.station.local", "192.168.1.20", "::1"])
    ca, server = _cert(paths.ca_cert), _cert(paths.server_cert)

    for path in paths.all():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert paths.ca_key.name == "ca-key.pem" and paths.ca_key.parent == paths.ca_cert.parent

    basic = ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca and basic.value.path_length == 0
    usage = ca.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.key_cert_sign
    assert isinstance(ca.public_key(), ec.EllipticCurvePublicKey)
    assert ca.public_key().curve.name == "secp256r1"
    ca_years = (ca.not_valid_after_utc - ca.not_valid_before_utc).days / 365.25
    assert 9.9 < ca_years < 10.1

    server.verify_directly_issued_by(ca)
    assert server.issuer == ca.subject
    assert not server.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    eku = server.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    san = server.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["hub.station.local"]
    assert san.get_values_for_type(x509.IPAddress) == [ipaddress.ip_address("192.168.1.20"),
                                                        ipaddress.ip_address("::1")]
    days = (server.not_valid_after_utc - server.not_valid_before_utc).days
    assert 729 <= days <= 731
    assert server.not_valid_before_utc < dt.datetime.now(dt.UTC)

    der = ca.public_bytes(serialization.Encoding.DER)
    digest = hashlib.sha256(der).hexdigest().upper()
    assert tls.ca_fingerprint(tmp_path) == ":".join(digest[i:i + 2] for i in range(0, 64, 2))


def test_create_refuses_existing_files_and_bad_names(tmp_path):
    config = HubConfig()
    with pytest.raises(ValueError):
        tls.create(config, tmp_path, ["not a name"])
    assert not (tmp_path / "tls").exists() or not any((tmp_path / "tls").iterdir())
    tls.create(config, tmp_path, ["127.0.0.1"])
    before = {p: p.read_bytes() for p in tls.TlsPaths.of(config, tmp_path).all()}
    with pytest.raises(FileExistsError):
        tls.create(config, tmp_path, ["127.0.0.1"])
    assert {p: p.read_bytes() for p in before} == before


def test_renewal_keeps_the_ca_and_the_names(tmp_path):
    config = HubConfig(names=["hub.local", "10.1.1.1"])
    paths = tls.create(config, tmp_path, config.names)
    fingerprint = tls.ca_fingerprint(tmp_path)
    old_server, old_key = paths.server_cert.read_bytes(), paths.server_key.read_bytes()

    info = tls.renew_server_certificate(config, tmp_path, days=30)
    assert tls.ca_fingerprint(tmp_path) == fingerprint
    assert paths.server_cert.read_bytes() != old_server
    assert paths.server_key.read_bytes() != old_key
    assert info.names == ["hub.local", "10.1.1.1"] and 29 <= info.days_left() <= 30
    _cert(paths.server_cert).verify_directly_issued_by(_cert(paths.ca_cert))
    tls.server_ssl_context(config, tmp_path)  # the new key matches the new certificate

    info = tls.renew_server_certificate(config, tmp_path, ["other.local"])
    assert info.names == ["other.local"]


def test_server_context_is_tls13_only_and_checks_its_files(tmp_path):
    config = HubConfig()
    paths = tls.create(config, tmp_path, ["127.0.0.1"])
    ctx = tls.server_ssl_context(config, tmp_path)
    assert ctx.minimum_version == ssl.TLSVersion.TLSv1_3
    assert ctx.verify_mode == ssl.CERT_NONE  # devices prove themselves by request signatures

    other = tmp_path / "other"
    tls.create(config, other, ["127.0.0.1"])
    paths.server_key.write_bytes((other / "tls" / "server-key.pem").read_bytes())
    with pytest.raises(tls.TlsError, match="do not match"):
        tls.server_ssl_context(config, tmp_path)
    paths.server_cert.unlink()
    with pytest.raises(tls.TlsError, match="missing"):
        tls.server_ssl_context(config, tmp_path)
    paths.ca_cert.write_text("not a certificate")
    with pytest.raises(tls.TlsError, match="damaged"):
        tls.ca_fingerprint(tmp_path)


def test_renewal_refuses_a_ca_key_that_is_not_the_cas(tmp_path):
    config = HubConfig()
    paths = tls.create(config, tmp_path, ["127.0.0.1"])
    tls.create(config, tmp_path / "other", ["127.0.0.1"])
    paths.ca_key.write_bytes((tmp_path / "other" / "tls" / "ca-key.pem").read_bytes())
    with pytest.raises(tls.TlsError, match="does not match"):
        tls.renew_server_certificate(config, tmp_path)
