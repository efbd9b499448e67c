"""A real hub for tests: ``fieldapp-hub init`` and ``fieldapp-hub serve`` as subprocesses.

``running_hub(tmp_path, backend)`` initialises a hub in ``tmp_path`` (SQLite in the data folder,
or a fresh PostgreSQL database on 127.0.0.1:5432 that is dropped afterwards), starts
``fieldapp-hub serve --host 127.0.0.1 --port 0`` (TLS on), waits for its "serving on" line and
yields a :class:`RunningHub`. On leaving, the hub gets SIGTERM (then SIGKILL after 15 s) and must
have exited with status 0.

PostgreSQL: user ``postgres`` on 127.0.0.1:5432 (``$PGPASSWORD`` or ``~/.pgpass`` if it needs a
password). When it cannot be reached the test is skipped, or fails with the reason under
``CI=true``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

HUB_EXE = Path(sys.executable).with_name("fieldapp-hub")
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
SERVING = "fieldapp-hub serving on "
BACKENDS = ("sqlite", "postgres")


def hub_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "FIELDAPP_HUB_DATA"}
    env.update(extra or {})
    return env


def run_cli(data_dir: Path, *args: str, timeout: float = 120, env: dict[str, str] | None = None,
            data: bool = True) -> subprocess.CompletedProcess[str]:
    """``fieldapp-hub --data DIR ARGS...`` (text output captured, never raises on status)."""
    command = [str(HUB_EXE), *(["--data", str(data_dir)] if data else []), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout,
                          env=hub_env(env), check=False)


def explain(result: subprocess.CompletedProcess[str]) -> str:
    return (f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n"
            f"{result.stderr}")


# ---- PostgreSQL --------------------------------------------------------------------------------

def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not available: {reason}")


@contextlib.contextmanager
def postgres_database(prefix: str = "hubtest") -> Iterator[str]:
    """A new, empty database for one test; its SQLAlchemy URL. Dropped (WITH FORCE) after."""
    try:
        import psycopg
    except ImportError as exc:
        _unavailable(f"psycopg is not installed ({exc})")
    name = f"{prefix}_{secrets.token_hex(6)}"
    try:
        admin = psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres",
                                autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        _unavailable(f"cannot connect to {PG_USER}@{PG_HOST}:{PG_PORT} "
                     f"({type(exc).__name__}: {str(exc).strip()})")
    try:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        admin.close()


@contextlib.contextmanager
def database_for(backend: str) -> Iterator[str | None]:
    """None for SQLite (the hub's own hub.db), a fresh database URL for PostgreSQL."""
    if backend == "sqlite":
        yield None
    elif backend == "postgres":
        with postgres_database() as url:
            yield url
    else:
        raise ValueError(f"unknown backend {backend!r}")


# ---- an initialised hub ------------------------------------------------------------------------

@dataclass
class InitialisedHub:
    data_dir: Path
    backend: str
    db_url: str | None
    ca_fingerprint: str
    init_output: str

    @property
    def ca_file(self) -> Path:
        return self.data_dir / "tls" / "ca.pem"

    @property
    def ca_pem(self) -> str:
        return self.ca_file.read_text(encoding="ascii")

    def cli(self, *args: str, timeout: float = 120,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """``fieldapp-hub --data DIR ARGS...``."""
        return run_cli(self.data_dir, *args, timeout=timeout, env=env)

    def ok(self, *args: str, **kw: Any) -> subprocess.CompletedProcess[str]:
        """As :meth:`cli`, failing the test unless the exit status is 0."""
        result = self.cli(*args, **kw)
        assert result.returncode == 0, f"fieldapp-hub {' '.join(args)}: {explain(result)}"
        return result

    def ssl_context(self) -> ssl.SSLContext:
        """A client context trusting only this hub's station CA, TLS 1.3 only."""
        ctx = ssl.create_default_context(cadata=self.ca_pem)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_3
        return ctx


def init_hub(data_dir: Path, backend: str = "sqlite", *, db_url: str | None = None,
             names: Sequence[str] = ()) -> InitialisedHub:
    args = ["init"]
    if db_url:
        args += ["--db", db_url]
    for name in names:
        args += ["--name", name]
    result = run_cli(data_dir, *args)
    assert result.returncode == 0, f"fieldapp-hub init: {explain(result)}"
    line = [ln for ln in result.stdout.splitlines() if "fingerprint" in ln.lower()][-1]
    return InitialisedHub(data_dir=data_dir, backend=backend, db_url=db_url,
                          ca_fingerprint=line.split()[-1], init_output=result.stdout)


@contextlib.contextmanager
def initialised_hub(tmp_path: Path, backend: str = "sqlite", *,
                    names: Sequence[str] = ()) -> Iterator[InitialisedHub]:
    """A hub made by ``fieldapp-hub init`` (not serving), with its own database."""
    with database_for(backend) as url:
        yield init_hub(tmp_path / f"hub-{backend}", backend, db_url=url, names=names)


# ---- a serving hub -----------------------------------------------------------------------------

class _Drain(threading.Thread):
    """Reads a pipe to the end so the hub never blocks on a full pipe; keeps the text."""

    def __init__(self, stream: Any, on_line: Any = None) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.on_line = on_line
        self.lines: list[str] = []
        self._lock = threading.Lock()

    def run(self) -> None:
        for line in iter(self.stream.readline, ""):
            with self._lock:
                self.lines.append(line)
            if self.on_line is not None:
                self.on_line(line)

    def text(self) -> str:
        with self._lock:
            return "".join(self.lines)


@dataclass
class RunningHub(InitialisedHub):
    url: str = ""
    process: subprocess.Popen[str] | None = None
    stdout: _Drain | None = None
    stderr: _Drain | None = None
    returncode: int | None = None
    _clients: list[httpx.Client] = field(default_factory=list)

    @property
    def host(self) -> str:
        return self.url.split("://", 1)[1].rsplit(":", 1)[0]

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def client(self, **kw: Any) -> httpx.Client:
        """An httpx client for this hub that trusts only its CA (closed when the hub stops)."""
        kw.setdefault("verify", self.ssl_context())
        kw.setdefault("timeout", 30)
        client = httpx.Client(base_url=kw.pop("base_url", self.url), **kw)
        self._clients.append(client)
        return client

    def proxy(self, **kw: Any):  # noqa: ANN201 - fault_proxy.FaultProxy
        """A fault proxy in front of this hub (not started), terminating TLS with the hub's own
        certificate so laptops pinning the station CA connect to it unchanged."""
        from fault_proxy import FaultProxy

        if self.url.startswith("https://"):
            server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server.minimum_version = ssl.TLSVersion.TLSv1_3
            server.load_cert_chain(self.data_dir / "tls" / "server.pem",
                                   self.data_dir / "tls" / "server-key.pem")
            kw.setdefault("tls_server", server)
            kw.setdefault("tls_client", self.ssl_context())
        return FaultProxy(self.host, self.port, **kw)

    def logs(self) -> str:
        return self.stderr.text() if self.stderr else ""

    def stop(self) -> int:
        for client in self._clients:
            client.close()
        self._clients.clear()
        proc = self.process
        if proc is None or self.returncode is not None:
            return self.returncode if self.returncode is not None else 0
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
                self.returncode = proc.returncode
                pytest.fail(f"the hub did not stop within {STOP_TIMEOUT:.0f} s of SIGTERM "
                            f"(killed)\n--- stderr\n{self.logs()}")
        for drain in (self.stdout, self.stderr):
            if drain is not None:
                drain.join(5)
        self.returncode = proc.returncode
        return proc.returncode


def start_hub(hub: InitialisedHub, *, host: str = "127.0.0.1", port: int = 0,
              plain_http: bool = False, extra: Sequence[str] = ()) -> RunningHub:
    command = [str(HUB_EXE), "--data", str(hub.data_dir), "serve", "--host", host,
               "--port", str(port), *(["--plain-http"] if plain_http else []), *extra]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=hub_env(), bufsize=1)
    serving = threading.Event()
    found: list[str] = []

    def on_line(line: str) -> None:
        if line.startswith(SERVING):
            found.append(line[len(SERVING):].strip())
            serving.set()

    out, err = _Drain(proc.stdout, on_line), _Drain(proc.stderr)
    out.start()
    err.start()
    running = RunningHub(data_dir=hub.data_dir, backend=hub.backend, db_url=hub.db_url,
                         ca_fingerprint=hub.ca_fingerprint, init_output=hub.init_output,
                         process=proc, stdout=out, stderr=err)
    deadline = time.monotonic() + START_TIMEOUT
    while not serving.wait(0.1):
        if proc.poll() is not None or time.monotonic() > deadline:
            exited = proc.poll()
            if exited is None:
                proc.kill()
            proc.wait(10)
            out.join(5)
            err.join(5)
            why = (f"exited with status {exited}" if exited is not None
                   else f"did not say it was serving within {START_TIMEOUT:.0f} s (killed)")
            pytest.fail(f"fieldapp-hub serve {why}\n--- stdout\n{out.text()}\n--- stderr\n"
                        f"{err.text()}")
    running.url = found[0]
    return running


@contextlib.contextmanager
def running_hub(tmp_path: Path, backend: str = "sqlite", *, names: Sequence[str] = (),
                plain_http: bool = False) -> Iterator[RunningHub]:
    """An initialised hub serving on 127.0.0.1 (any free port), TLS on unless ``plain_http``."""
    with initialised_hub(tmp_path, backend, names=names) as hub:
        running = start_hub(hub, plain_http=plain_http)
        try:
            yield running
        finally:
            status = running.stop()
        assert status == 0, (f"fieldapp-hub serve exited with status {status} after SIGTERM\n"
                             f"--- stderr\n{running.logs()}")
