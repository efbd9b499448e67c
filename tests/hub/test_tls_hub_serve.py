"""The serving hub's TLS (T20): TLS 1.3 only, trusted through the station CA alone."""

from __future__ import annotations

import socket
import ssl

import httpx
import pytest

from sync.hub import tls


def _handshake(hub, ctx: ssl.SSLContext, server_hostname: str = "127.0.0.1") -> str:
    with socket.create_connection((hub.host, hub.port), timeout=10) as raw:
        with ctx.wrap_socket(raw, server_hostname=server_hostname) as conn:
            return conn.version() or ""


def test_health_over_tls13_trusting_only_the_station_ca(hub):
    with hub.client() as client:
        reply = client.get("/v1/health")
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}
    assert hub.url.startswith("https://127.0.0.1:")

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # no system CAs: only the station CA
    ctx.load_verify_locations(cadata=hub.ca_pem)
    assert _handshake(hub, ctx) == "TLSv1.3"


def test_tls12_only_client_is_refused(hub_sqlite):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cadata=hub_sqlite.ca_pem)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    with pytest.raises(ssl.SSLError):
        _handshake(hub_sqlite, ctx)
    with httpx.Client(verify=ctx, timeout=10) as client, pytest.raises(httpx.ConnectError):
        client.get(f"{hub_sqlite.url}/v1/health")
    # the hub is still fine for a TLS 1.3 client afterwards
    with hub_sqlite.client() as client:
        assert client.get("/v1/health").status_code == 200


def test_a_client_trusting_another_ca_fails_the_handshake(hub_sqlite, tmp_path):
    _, other_ca = tls.make_ca(label="OTHER")
    from cryptography.hazmat.primitives import serialization

    other = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    other.load_verify_locations(cadata=other_ca.public_bytes(serialization.Encoding.PEM).decode())
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(hub_sqlite, other)
    with httpx.Client(verify=other, timeout=10) as client, pytest.raises(httpx.ConnectError):
        client.get(f"{hub_sqlite.url}/v1/health")

    system = ssl.create_default_context()  # the public CAs do not vouch for a station hub
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(hub_sqlite, system)

    pinned = hub_sqlite.ssl_context()  # right CA, name not in the certificate
    with pytest.raises(ssl.SSLCertVerificationError):
        _handshake(hub_sqlite, pinned, server_hostname="elsewhere.example")


def test_plain_http_to_the_tls_port_gets_nothing_useful(hub_sqlite):
    with httpx.Client(timeout=10) as client:
        try:
            reply = client.get(f"http://127.0.0.1:{hub_sqlite.port}/v1/health")
        except httpx.TransportError:
            return
    assert reply.status_code != 200
