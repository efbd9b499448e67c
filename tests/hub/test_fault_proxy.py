"""The fault proxy on its own, against a local echo server and a small HTTP server (plain and TLS)."""

from __future__ import annotations

import http.server
import socket
import socketserver
import ssl
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fault_proxy import FaultProxy

from sync.hub import tls
from sync.hub.config import HubConfig

# ---- servers -----------------------------------------------------------------------------------


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        received = 0
        try:
            while chunk := self.request.recv(65536):
                received += len(chunk)
                self.request.sendall(chunk)
        except OSError:
            pass
        self.server.received.append(received)  # type: ignore[attr-defined]


class _EchoServer(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Echo)
        self.received: list[int] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.committed.append(body)  # type: ignore[attr-defined]
        reply = b'{"status": "applied", "n": %d}' % len(self.server.committed)  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def do_GET(self) -> None:  # noqa: N802
        reply = b"x" * 5000
        self.send_response(200)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        pass


class _HttpServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.committed: list[bytes] = []
        if context is not None:
            self.socket = context.wrap_socket(self.socket, server_side=True)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # cut connections are the point of these tests


def _serving(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def echo() -> Iterator[_EchoServer]:
    yield from _serving(_EchoServer())  # type: ignore[misc]


@pytest.fixture
def web() -> Iterator[_HttpServer]:
    yield from _serving(_HttpServer())  # type: ignore[misc]


def _port(server: socketserver.BaseServer) -> int:
    return server.server_address[1]  # type: ignore[index]


def _echo_through(proxy: FaultProxy, data: bytes) -> bytes:
    got = bytearray()
    with socket.create_connection(("127.0.0.1", proxy.port), timeout=5) as sock:
        sender = threading.Thread(target=lambda: (sock.sendall(data), sock.shutdown(socket.SHUT_WR)))
        sender.start()
        try:
            while chunk := sock.recv(65536):
                got += chunk
        except OSError:
            pass
        sender.join(5)
    return bytes(got)


def _wait_for(predicate, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


# ---- raw mode ----------------------------------------------------------------------------------


def test_raw_pass_through(echo):
    data = bytes(range(256)) * 400
    with FaultProxy("127.0.0.1", _port(echo), mode="raw", fault_rate=0.0) as proxy:
        assert _echo_through(proxy, data) == data
        assert _wait_for(lambda: proxy.counts["pass"] == 1)
    assert proxy.faults == 0


def test_raw_cut_request_at_offset(echo):
    data = b"a" * 50_000
    with FaultProxy("127.0.0.1", _port(echo), mode="raw", plan=["cut_request"], seed=7,
                    max_offset=20_000) as proxy:
        got = _echo_through(proxy, data)
        assert _wait_for(lambda: proxy.counts["cut_request"] == 1)
        assert _wait_for(lambda: len(echo.received) == 1)
    (_, action, offset), = proxy.log
    assert action == "cut_request" and 0 <= offset <= 20_000
    assert echo.received == [offset]  # the server saw exactly the bytes before the cut
    assert len(got) <= offset


def test_raw_cut_response_after_request_went_through(echo):
    data = b"b" * 30_000
    with FaultProxy("127.0.0.1", _port(echo), mode="raw", plan=["cut_response"], seed=3,
                    max_offset=10_000) as proxy:
        got = _echo_through(proxy, data)
        assert _wait_for(lambda: proxy.counts["cut_response"] == 1)
    offset = proxy.log[0][2]
    assert len(got) <= offset < len(data)


def test_raw_cut_beyond_the_stream_is_not_counted_as_a_fault(echo):
    with FaultProxy("127.0.0.1", _port(echo), mode="raw", plan=["cut_request"], seed=1,
                    max_offset=10**9) as proxy:
        assert _echo_through(proxy, b"short") == b"short"
        assert _wait_for(lambda: proxy.counts["cut_not_reached"] == 1)
    assert proxy.faults == 0 and proxy.counts["cut_request"] == 0


# ---- http mode ---------------------------------------------------------------------------------


def test_http_lost_reply_after_the_server_committed(web):
    with FaultProxy("127.0.0.1", _port(web), plan=["lost_reply", "pass"]) as proxy:
        with httpx.Client(base_url=proxy.url, timeout=5) as client:
            with pytest.raises(httpx.TransportError):
                client.post("/v1/bundles", content=b"bundle-1")
            assert web.committed == [b"bundle-1"]  # the server applied it; the client never heard
            reply = client.post("/v1/bundles", content=b"bundle-1")
    assert reply.status_code == 200 and reply.json()["n"] == 2
    assert proxy.counts["lost_reply"] == 1 and proxy.counts["pass"] == 1


def test_http_cut_request_never_reaches_the_handler(web):
    with FaultProxy("127.0.0.1", _port(web), plan=["cut_request"], seed=11) as proxy:
        with httpx.Client(base_url=proxy.url, timeout=5) as client:
            with pytest.raises(httpx.TransportError):
                client.post("/v1/bundles", content=b"z" * 10_000)
    time.sleep(0.2)
    assert web.committed == []
    assert proxy.counts["cut_request"] == 1
    assert 0 <= proxy.log[0][2] < 10_000 + 200


def test_http_cut_response_part_way(web):
    with FaultProxy("127.0.0.1", _port(web), plan=["cut_response"], seed=5) as proxy:
        with httpx.Client(base_url=proxy.url, timeout=5) as client:
            with pytest.raises(httpx.TransportError):
                client.get("/big")
    assert proxy.counts["cut_response"] == 1
    assert 1 <= proxy.log[0][2] < 5000 + 200


def test_http_delay_passes_the_exchange(web):
    with FaultProxy("127.0.0.1", _port(web), plan=["delay"], max_delay=0.2) as proxy:
        with httpx.Client(base_url=proxy.url, timeout=5) as client:
            assert client.post("/v1/bundles", content=b"x").status_code == 200
    assert proxy.counts["delay"] == 1 and web.committed == [b"x"]


def _run_random(web, seed: int, n: int = 30, **kw) -> FaultProxy:
    with FaultProxy("127.0.0.1", _port(web), seed=seed, max_delay=0.01, **kw) as proxy:
        with httpx.Client(base_url=proxy.url, timeout=5) as client:  # a dropped connection is
            for i in range(n):                                          # replaced by a new one
                try:
                    client.post("/v1/bundles", content=f"op-{i}".encode())
                except httpx.TransportError:
                    pass
    return proxy


def test_http_seeded_and_bounded(web):
    first = _run_random(web, seed=42, fault_rate=0.8, max_faults=6)
    second = _run_random(web, seed=42, fault_rate=0.8, max_faults=6)
    other = _run_random(web, seed=43, fault_rate=0.8, max_faults=6)
    actions = [a for _, a, _ in first.log]
    assert actions == [a for _, a, _ in second.log]  # the same seed, the same faults
    assert actions != [a for _, a, _ in other.log]
    assert first.faults == 6  # bounded in count: everything passes afterwards
    assert actions[-5:] == ["pass"] * 5
    assert sum(first.counts[a] for a in ("delay", "cut_request", "cut_response", "lost_reply")) == 6


def test_http_bounded_in_time(web):
    proxy = _run_random(web, seed=1, n=5, fault_rate=1.0, duration=0.0)
    assert proxy.faults == 0 and proxy.counts["pass"] == 5


def test_unknown_action_refused():
    with pytest.raises(ValueError):
        FaultProxy("127.0.0.1", 1, plan=["explode"])


# ---- TLS on both sides -------------------------------------------------------------------------


def test_tls_terminating_proxy_keeps_the_pinned_ca(tmp_path: Path):
    config = HubConfig()
    paths = tls.create(config, tmp_path, ["127.0.0.1"])
    server_ctx = tls.server_ssl_context(config, tmp_path)
    client_ctx = ssl.create_default_context(cafile=str(paths.ca_cert))
    client_ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    web = _HttpServer(server_ctx)
    for server in _serving(web):
        proxy = FaultProxy("127.0.0.1", _port(server), plan=["lost_reply"],
                           tls_server=server_ctx, tls_client=client_ctx)
        with proxy:
            assert proxy.url.startswith("https://")
            with httpx.Client(base_url=proxy.url, verify=client_ctx, timeout=5) as client:
                with pytest.raises(httpx.TransportError):
                    client.post("/v1/bundles", content=b"sealed")
                assert client.post("/v1/bundles", content=b"sealed").json()["n"] == 2
    assert web.committed == [b"sealed", b"sealed"]
    assert proxy.counts["lost_reply"] == 1
