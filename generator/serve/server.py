"""uvicorn around the app: in the foreground for `slogen serve`, or in a thread for tests and the bench.

The socket is bound here, before uvicorn starts, so a taken port is one line for the user (not uvicorn's log) and
port 0 reports the port it got.
"""

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import uvicorn

from .app import ASGI

READY_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0


class BindError(Exception):
    """The address cannot be listened on; the message says which and what to do."""


@dataclass(frozen=True)
class Listening:
    url: str


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise BindError(f"cannot listen on {host}:{port}: {err.strerror or err}; pick another --port") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _server(app: ASGI) -> uvicorn.Server:
    # Requests are few and read-only: no access log, and warnings only, so the terminal shows what matters.
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))


def run(app: ASGI, sock: socket.socket) -> None:
    """In the foreground until Ctrl-C (uvicorn handles SIGINT and SIGTERM)."""
    _server(app).run(sockets=[sock])


@contextlib.contextmanager
def running(app: ASGI, host: str = "127.0.0.1", port: int = 0) -> Iterator[Listening]:
    """The app served from a thread while the block runs; stopped and joined when it ends."""
    sock = bind(host, port)
    server = _server(app)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name="slogen-serve")
    thread.start()
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"slogen serve did not start within {READY_TIMEOUT:g}s")
            time.sleep(0.02)
        yield Listening(url_of(sock))
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        sock.close()
