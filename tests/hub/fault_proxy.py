"""A fault-injecting proxy on loopback, between a client and the hub, for tests.

Two modes:

``mode="http"`` (default): the proxy reads each HTTP/1.1 request in full, decides what to do
with that exchange (seeded), and then

- ``pass``: forwards the request, reads the whole response, forwards it;
- ``delay``: the same after sleeping up to ``max_delay`` seconds (before the request reaches the
  hub, or before the response reaches the client);
- ``cut_request``: forwards a random number of the request's bytes (0 .. len-1), then drops both
  connections: the hub never sees the whole request;
- ``cut_response``: forwards the whole request, waits for the hub's whole response (so whatever
  the hub does for it has been committed), forwards a random number of its bytes (1 .. len-1) and
  drops both connections;
- ``lost_reply``: as ``cut_response`` with none of the response's bytes: the hub committed, the
  client hears nothing but a dropped connection.

With ``tls_server`` (the context the client talks to, e.g. the hub's own certificate and key) and
``tls_client`` (the context to reach the hub, trusting its CA) the proxy terminates TLS on both
sides, so the cut points are HTTP message offsets while the client still sees a TLS connection
with the hub's certificate. Without them it relays plain HTTP.

``mode="raw"``: a byte relay for any TCP protocol (a TLS stream, an echo server): per
connection it passes, delays each chunk, or cuts one direction after a random byte offset within
``max_offset``. Only faults that actually happened are counted (a cut whose offset was beyond the
end of the stream counts as ``cut_not_reached``).

Bounded: at most ``max_faults`` faults and none after ``duration`` seconds; after that every
exchange passes. ``plan=[...]`` takes the first exchanges from a fixed sequence of actions (after it, the
random choice resumes: give ``fault_rate=0.0`` for ``pass``). ``counts`` says what was done; ``log`` lists ``(exchange number, action, offset)``.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import random
import socket
import ssl
import struct
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HTTP_ACTIONS = ("pass", "delay", "cut_request", "cut_response", "lost_reply")
RAW_ACTIONS = ("pass", "delay", "cut_request", "cut_response")
DEFAULT_WEIGHTS = {"pass": 4, "delay": 1, "cut_request": 2, "cut_response": 2, "lost_reply": 2}
MAX_HEAD = 64 * 1024


class _Closed(Exception):
    """The peer closed before a whole message arrived."""


@dataclass
class Decision:
    action: str
    offset: int | None = None
    delay: float = 0.0
    delay_response: bool = False


@dataclass
class FaultProxy:
    upstream_host: str
    upstream_port: int
    seed: int = 0
    mode: str = "http"
    weights: dict[str, float] | None = None
    """Relative weights of the faults (default :data:`DEFAULT_WEIGHTS`, less what the mode lacks)."""
    fault_rate: float = 0.5
    """Chance that an exchange (http) or connection (raw) gets a fault rather than ``pass``."""
    max_faults: int = 20
    duration: float = 60.0
    max_delay: float = 0.3
    max_offset: int = 4096
    """raw mode: cut offsets are drawn from 0 .. max_offset."""
    plan: Sequence[str] | None = None
    tls_server: ssl.SSLContext | None = None
    tls_client: ssl.SSLContext | None = None
    upstream_server_hostname: str | None = None
    listen_host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        if self.mode not in ("http", "raw"):
            raise ValueError("mode is 'http' or 'raw'")
        allowed = HTTP_ACTIONS if self.mode == "http" else RAW_ACTIONS
        if self.weights is None:
            self.weights = {k: v for k, v in DEFAULT_WEIGHTS.items() if k in allowed}
        for name in list(self.weights) + list(self.plan or []):
            if name not in allowed:
                raise ValueError(f"{name!r} is not a {self.mode} action ({', '.join(allowed)})")
        self._rng = random.Random(self.seed)
        self._plan = collections.deque(self.plan or [])
        self._lock = threading.Lock()
        self.counts: collections.Counter[str] = collections.Counter()
        self.log: list[tuple[int, str, int | None]] = []
        self.port = 0
        self._faults = 0
        self._exchanges = 0
        self._started = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.base_events.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._ready = threading.Event()
        self._error: BaseException | None = None

    # ---- life ----------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        scheme = "https" if self.tls_server is not None else "http"
        return f"{scheme}://{self.listen_host}:{self.port}"

    @property
    def faults(self) -> int:
        return self._faults

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._run, name="fault-proxy", daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the fault proxy did not start within 10 s")
        if self._error is not None:
            raise RuntimeError("the fault proxy could not start") from self._error
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(self._shutdown)
        thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            loop.run_until_complete(self._listen())
        except BaseException as exc:  # reported by start()
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    async def _listen(self) -> None:
        handler = self._http_connection if self.mode == "http" else self._raw_connection
        self._server = await asyncio.start_server(handler, self.listen_host, 0,
                                                  ssl=self.tls_server, limit=MAX_HEAD)
        self.port = self._server.sockets[0].getsockname()[1]
        self._started = time.monotonic()

    def _shutdown(self) -> None:
        assert self._loop is not None
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            _abort(writer)
        self._loop.call_later(0.05, self._loop.stop)

    # ---- decisions -----------------------------------------------------------------------------
    def _decide(self, length: int | None = None) -> Decision:
        """One decision per exchange (http; ``length`` = request bytes) or connection (raw)."""
        with self._lock:
            self._exchanges += 1
            in_budget = (self._faults < self.max_faults
                         and time.monotonic() - self._started < self.duration)
            if self._plan:
                action = self._plan.popleft()
            elif in_budget and self._rng.random() < self.fault_rate:
                weights = self.weights or {}
                names = [n for n, w in weights.items() if w > 0 and n != "pass"]
                action = (self._rng.choices(names, [weights[n] for n in names])[0]
                          if names else "pass")
            else:
                action = "pass"
            decision = Decision(action)
            if action == "delay":
                decision.delay = self._rng.uniform(0.0, self.max_delay)
                decision.delay_response = self._rng.random() < 0.5
            elif action == "cut_request" and self.mode == "http":
                decision.offset = self._rng.randrange(max(length or 1, 1))
            elif action in ("cut_request", "cut_response") and self.mode == "raw":
                decision.offset = self._rng.randint(0, self.max_offset)
            elif action == "cut_response":
                decision.offset = -1  # drawn once the response's length is known
            return decision

    def _draw_response_offset(self, length: int) -> int:
        with self._lock:
            return self._rng.randint(1, length - 1) if length > 1 else 0

    def _record(self, action: str, offset: int | None = None, *, fault: bool = True) -> None:
        with self._lock:
            self.counts[action] += 1
            if fault and action not in ("pass", "cut_not_reached"):
                self._faults += 1
            if fault:
                self.log.append((self._exchanges, action, offset))

    # ---- http mode -----------------------------------------------------------------------------
    async def _open_upstream(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        hostname = None
        if self.tls_client is not None:
            hostname = self.upstream_server_hostname or self.upstream_host
        return await asyncio.open_connection(self.upstream_host, self.upstream_port,
                                             ssl=self.tls_client, server_hostname=hostname,
                                             limit=MAX_HEAD)

    async def _http_connection(self, client_r: asyncio.StreamReader,
                               client_w: asyncio.StreamWriter) -> None:
        self._writers.add(client_w)
        self._record("connections", fault=False)
        upstream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        try:
            while True:
                try:
                    request, method = await _read_request(client_r)
                except _Closed:
                    return
                decision = self._decide(len(request))
                if upstream is None:
                    upstream = await self._open_upstream()
                    self._writers.add(upstream[1])
                up_r, up_w = upstream
                if decision.action == "cut_request":
                    assert decision.offset is not None
                    up_w.write(request[:decision.offset])
                    await up_w.drain()
                    await asyncio.sleep(0.05)  # let the partial request reach the hub
                    self._record("cut_request", decision.offset)
                    return
                if decision.action == "delay" and not decision.delay_response:
                    await asyncio.sleep(decision.delay)
                up_w.write(request)
                await up_w.drain()
                try:
                    response, close = await _read_response(up_r, method)
                except _Closed:
                    self._record("upstream_closed", fault=False)
                    return
                if decision.action == "lost_reply":
                    self._record("lost_reply", 0)
                    return
                if decision.action == "cut_response":
                    offset = self._draw_response_offset(len(response))
                    client_w.write(response[:offset])
                    await client_w.drain()
                    await asyncio.sleep(0.02)
                    self._record("cut_response", offset)
                    return
                if decision.action == "delay":
                    await asyncio.sleep(decision.delay)
                client_w.write(response)
                await client_w.drain()
                self._record(decision.action, None)
                if close:
                    return
        except (ConnectionError, OSError, asyncio.IncompleteReadError, ssl.SSLError):
            self._record("connection_error", fault=False)
        finally:
            _abort(client_w)
            self._writers.discard(client_w)
            if upstream is not None:
                _abort(upstream[1])
                self._writers.discard(upstream[1])

    # ---- raw mode ------------------------------------------------------------------------------
    async def _raw_connection(self, client_r: asyncio.StreamReader,
                              client_w: asyncio.StreamWriter) -> None:
        self._writers.add(client_w)
        self._record("connections", fault=False)
        decision = self._decide()
        try:
            up_r, up_w = await self._open_upstream()
        except OSError:
            self._record("upstream_unreachable", fault=False)
            _abort(client_w)
            self._writers.discard(client_w)
            return
        self._writers.add(up_w)
        done = asyncio.Event()
        cut: list[tuple[str, int]] = []

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, which: str) -> None:
            sent = 0
            limit = decision.offset if decision.action == which else None
            try:
                while not done.is_set():
                    chunk = await src.read(16 * 1024)
                    if not chunk:
                        with contextlib.suppress(OSError, RuntimeError):
                            if dst.can_write_eof():
                                dst.write_eof()
                        return
                    if decision.action == "delay":
                        await asyncio.sleep(decision.delay)
                    if limit is not None and sent + len(chunk) > limit:
                        dst.write(chunk[:limit - sent])
                        with contextlib.suppress(ConnectionError, OSError):
                            await dst.drain()
                        cut.append((which, limit))
                        done.set()
                        _abort(client_w)
                        _abort(up_w)
                        return
                    dst.write(chunk)
                    sent += len(chunk)
                    await dst.drain()
            except (ConnectionError, OSError, ssl.SSLError):
                done.set()
                _abort(client_w)
                _abort(up_w)

        try:
            await asyncio.gather(pump(client_r, up_w, "cut_request"),
                                 pump(up_r, client_w, "cut_response"))
        finally:
            if cut:
                self._record(cut[0][0], cut[0][1])
            elif decision.action in ("cut_request", "cut_response"):
                self._record("cut_not_reached", decision.offset)
            else:
                self._record(decision.action, None)
            for writer in (client_w, up_w):
                _abort(writer)
                self._writers.discard(writer)


# ---- HTTP/1.1 framing --------------------------------------------------------------------------

def _headers(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    fields: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
    return lines[0], fields


async def _read_head(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        raise _Closed from exc
    except asyncio.LimitOverrunError as exc:
        raise _Closed from exc


async def _read_body(reader: asyncio.StreamReader, fields: dict[str, str], *,
                     until_eof: bool) -> tuple[bytes, bool]:
    try:
        if "chunked" in fields.get("transfer-encoding", "").lower():
            parts = []
            while True:
                size_line = await reader.readuntil(b"\r\n")
                parts.append(size_line)
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while True:  # trailers, up to the blank line
                        line = await reader.readuntil(b"\r\n")
                        parts.append(line)
                        if line == b"\r\n":
                            return b"".join(parts), False
                parts.append(await reader.readexactly(size + 2))
        if "content-length" in fields:
            return await reader.readexactly(int(fields["content-length"])), False
        if until_eof:
            return await reader.read(), True
        return b"", False
    except (asyncio.IncompleteReadError, ValueError) as exc:
        raise _Closed from exc


async def _read_request(reader: asyncio.StreamReader) -> tuple[bytes, str]:
    head = await _read_head(reader)
    start, fields = _headers(head)
    body, _ = await _read_body(reader, fields, until_eof=False)
    return head + body, start.split(" ", 1)[0].upper()


async def _read_response(reader: asyncio.StreamReader, method: str) -> tuple[bytes, bool]:
    head = await _read_head(reader)
    start, fields = _headers(head)
    try:
        status = int(start.split(" ")[1])
    except (IndexError, ValueError) as exc:
        raise _Closed from exc
    close = fields.get("connection", "").lower() == "close"
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return head, close
    body, eof = await _read_body(reader, fields, until_eof=True)
    return head + body, close or eof


def _abort(writer: asyncio.StreamWriter) -> None:
    """Drop the connection at once (RST where the socket allows it)."""
    transport = writer.transport
    sock = transport.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(Exception):
        transport.abort()


def faults_in(proxy: FaultProxy, names: Iterable[str] = HTTP_ACTIONS) -> dict[str, int]:
    """The counts of the named actions (zeros included), for assertions and messages."""
    return {name: proxy.counts.get(name, 0) for name in names}
