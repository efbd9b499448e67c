"""``fieldapp-hub serve``: the sync API under uvicorn, TLS 1.3 only.

TLS is always on, with the hub's own server certificate and a context that refuses anything
below TLS 1.3. ``--plain-http`` is accepted only on a loopback address (development and tests);
on any other address it is refused before anything is opened.

The listening socket is bound here, before uvicorn starts, so ``--port 0`` works (the real port
is printed) and a port in use is a clear message rather than a log line. Once uvicorn has started
the app (lifespan included) one line goes to stdout, flushed::

    fieldapp-hub serving on https://127.0.0.1:8443

SIGTERM and SIGINT stop it gracefully: no new connections, requests in progress finish (up to
:data:`GRACE_SECONDS`), the database pool is closed, exit status 0.
"""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.hub import config as hub_config
from sync.hub import keys as hub_keys
from sync.hub import logs, tls
from sync.hub.logs import AccessLog

GRACE_SECONDS = 10
log = logging.getLogger("sync.hub.serve")


class ServeRefused(Exception):
    """Refused before anything was opened; ``usage`` tells a bad option from a refusal."""

    def __init__(self, message: str, *, usage: bool = False) -> None:
        super().__init__(message)
        self.usage = usage


def is_loopback(host: str) -> bool:
    """True when every address ``host`` stands for is a loopback address."""
    text = host.strip().strip("[]")
    try:
        return ipaddress.ip_address(text).is_loopback
    except ValueError:
        pass
    if text.lower() == "localhost":
        return True
    try:
        infos = socket.getaddrinfo(text, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(ipaddress.ip_address(a.split("%")[0]).is_loopback
                                   for a in addresses)


def check_plain_http(host: str, plain_http: bool) -> None:
    if plain_http and not is_loopback(host):
        raise ServeRefused(
            f"plain HTTP is only allowed on a loopback address (127.0.0.1, ::1 or localhost), "
            f"not {host}: laptops reach the hub over TLS. Leave out --plain-http to serve HTTPS "
            "with the hub's certificate.", usage=True)


def bind(host: str, port: int) -> socket.socket:
    """A listening-ready TCP socket on ``host:port`` (port 0: the system picks one)."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise ServeRefused(f"{host} is not an address or a name this machine can resolve",
                           usage=True) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
        sock.set_inheritable(True)
    except OSError as exc:
        sock.close()
        why = "is already in use" if exc.errno in (98, 48, 10048) else f"cannot be used ({exc.strerror})"
        raise ServeRefused(f"port {port} on {host} {why}; choose another with --port") from None
    return sock


def url_for(host: str, port: int, *, plain: bool) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"{'http' if plain else 'https'}://{shown}:{port}"


@dataclass
class Prepared:
    """Everything serve needs, made before the socket is bound (so errors come first)."""

    config: hub_config.HubConfig
    keys: Any
    database: Any
    app: Any
    ssl_context: Any
    ca_pem: str


def prepare(data_dir: Path, *, plain_http: bool) -> Prepared:
    from sync.hub.store.db import Database

    config = hub_config.load(data_dir)
    keys = hub_keys.load(data_dir)
    ca_pem = tls.ca_pem(config, data_dir)
    ssl_context = None
    if not plain_http:
        ssl_context = tls.server_ssl_context(config, data_dir)
        _check_expiry(tls.server_certificate_info(config, data_dir))
    database = Database(hub_config.database_url(config, data_dir))
    try:
        database.upgrade()  # a newer fieldapp-hub brings its migrations; a no-op otherwise
        from sync.hub.api.app import create_app

        app = create_app(config=config, keys=keys, database=database, ca_pem=ca_pem)
    except BaseException:
        database.dispose()
        raise
    return Prepared(config=config, keys=keys, database=database, app=app,
                    ssl_context=ssl_context, ca_pem=ca_pem)


def _check_expiry(info: tls.CertificateInfo) -> None:
    days = info.days_left()
    if days < 0:
        raise ServeRefused(f"the hub's server certificate expired on {info.not_after:%Y-%m-%d}; "
                           "run 'fieldapp-hub cert renew' first (laptops keep their pinned CA)")
    if days < tls.RENEW_WARNING_DAYS:
        log.warning("server certificate expires soon", extra={"days_left": days})
        print(f"fieldapp-hub: warning: the server certificate expires in {days} days; run "  # noqa: T201
              "'fieldapp-hub cert renew' and restart", file=sys.stderr, flush=True)


def _server_class() -> type:
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, telling us once it has started (lifespan done, socket listening)."""

        on_started: Callable[[], None] = staticmethod(lambda: None)

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if self.started and not self.should_exit:
                self.on_started()

    return Server


def run(data_dir: Path, *, host: str | None = None, port: int | None = None,
        plain_http: bool = False, announce: Callable[[str], None] | None = None,
        debug: bool = False) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status (0 after a graceful stop)."""
    import uvicorn

    config = hub_config.load(data_dir)
    host = host or config.host
    port = config.port if port is None else port
    check_plain_http(host, plain_http)
    prepared = prepare(data_dir, plain_http=plain_http)
    try:
        sock = bind(host, port)
    except BaseException:
        prepared.database.dispose()
        raise
    bound_port = sock.getsockname()[1]
    url = url_for(host, bound_port, plain=plain_http)

    ucfg = uvicorn.Config(
        AccessLog(prepared.app), host=host, port=bound_port, log_config=None, access_log=False,
        server_header=False, date_header=True, proxy_headers=False, lifespan="on",
        timeout_graceful_shutdown=GRACE_SECONDS, timeout_keep_alive=30,
        h11_max_incomplete_event_size=64 * 1024)
    ucfg.load()
    ucfg.ssl = prepared.ssl_context  # our own context: TLS 1.3 minimum (uvicorn's has none)

    server = _server_class()(ucfg)
    logs.setup(data_dir, stderr=True, debug=debug)  # from here on the log lines go to stderr too

    def started() -> None:
        log.info("serving", extra={"host": host, "port": bound_port, "tls": not plain_http})
        if announce is not None:
            announce(url)

    server.on_started = started
    # uvicorn re-raises the signal it caught once it has stopped; with these no-op handlers
    # underneath, that ends the process normally (status 0) instead of by the signal.
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server.run(sockets=[sock])
    except SystemExit as exc:  # uvicorn exits when the app's lifespan startup fails
        log.error("startup failed", extra={"code": exc.code})
        raise ServeRefused("the hub could not start its API (see logs/hub.log in the data "
                           "folder)") from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
        prepared.database.dispose()
    log.info("stopped", extra={"port": bound_port})
    return 0


def announce_stdout(url: str) -> None:
    print(f"fieldapp-hub serving on {url}", flush=True)  # noqa: T201 - the line tests wait for
    sys.stdout.flush()
