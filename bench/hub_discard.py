"""The floor for a push: uvicorn with the hub's own TLS context and settings, and an ASGI app that
reads the whole body and discards it (200 ``{}``). bench/hub_sync.py posts the same sealed bundles
here and to the hub, so the ratio between them is what the hub's own work costs.

    python -m bench.hub_discard DATA_DIR      (prints "discard serving on https://127.0.0.1:PORT")
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path
from typing import Any

from sync.hub import config as hub_config
from sync.hub import tls
from sync.hub.serve import _server_class


async def discard(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"{}"})


def main() -> None:
    import uvicorn

    data_dir = Path(sys.argv[1])
    config = hub_config.load(data_dir)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    ucfg = uvicorn.Config(discard, host="127.0.0.1", port=port, log_config=None,
                          access_log=False, lifespan="off", timeout_keep_alive=30,
                          h11_max_incomplete_event_size=64 * 1024)
    ucfg.load()
    ucfg.ssl = tls.server_ssl_context(config, data_dir)  # as serve.run does
    server = _server_class()(ucfg)
    server.on_started = lambda: print(f"discard serving on https://127.0.0.1:{port}", flush=True)
    server.run(sockets=[sock])


if __name__ == "__main__":
    main()
