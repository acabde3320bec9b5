"""The SimCity daemon: a Simulator advanced in real time, served over HTTP on one host (127.0.0.1 by default).

GET  /metrics                       app series (scrape job `bookiji`)
GET  /probe/metrics                 synthetic check series (scrape job `bookiji-synthetics`); each scrape
                                    reads the last run, so the job's scrape_interval is the run interval
POST /api/simcity/power/on|off      start or stop traffic (counters freeze, gauges stay)
POST /api/simcity/scenario/<name>   switch failure mode
POST /api/simcity/load/<factor>     scale every event rate by factor; ?over=<seconds> ramps to it linearly
GET  /api/simcity/status            power, scenario, seed, rps, load, simulated seconds
"""

import json
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .exposition import TEXT_CONTENT_TYPE
from .model import Simulator
from .scenarios import SCENARIOS

ENDPOINTS = (
    ("GET", "/metrics", "app metrics (scrape job bookiji)"),
    ("GET", "/probe/metrics", "synthetic checks (scrape job bookiji-synthetics)"),
    ("POST", "/api/simcity/power/on", "start traffic"),
    ("POST", "/api/simcity/power/off", "stop traffic: counters freeze, gauges stay"),
    ("POST", "/api/simcity/scenario/<name>", "switch scenario: " + ", ".join(SCENARIOS)),
    ("POST", "/api/simcity/load/<factor>?over=<seconds>", "scale every event rate, ramping linearly over seconds"),
    ("GET", "/api/simcity/status", "power, scenario, seed, rps, load, simulated seconds"),
)
JOIN_TIMEOUT = 5.0


class _Handler(BaseHTTPRequestHandler):
    server: "_HTTPServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass  # Prometheus scrapes every second; a line per scrape would drown the terminal

    def do_GET(self) -> None:
        simulator = self.server.simulator
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(HTTPStatus.OK, simulator.exposition("app"), TEXT_CONTENT_TYPE)
        elif path == "/probe/metrics":
            self._send(HTTPStatus.OK, simulator.exposition("probe"), TEXT_CONTENT_TYPE)
        elif path == "/api/simcity/status":
            self._json(HTTPStatus.OK, simulator.status())
        elif path == "/":
            self._json(
                HTTPStatus.OK,
                {"endpoints": [f"{method} {route}" for method, route, _ in ENDPOINTS], "scenarios": SCENARIOS},
            )
        else:
            self._not_found(path)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        simulator = self.server.simulator
        path, _, query = self.path.partition("?")
        if path in ("/api/simcity/power/on", "/api/simcity/power/off"):
            simulator.set_power(path.endswith("/on"))
            self._json(HTTPStatus.OK, simulator.status())
        elif path.startswith("/api/simcity/scenario/"):
            self._scenario(path.removeprefix("/api/simcity/scenario/"))
        elif path.startswith("/api/simcity/load/"):
            self._load(path.removeprefix("/api/simcity/load/"), urllib.parse.parse_qs(query).get("over", ["0"])[-1])
        else:
            self._not_found(path)

    def _scenario(self, name: str) -> None:
        if name not in SCENARIOS:
            self._json(HTTPStatus.NOT_FOUND, {"error": f"unknown scenario {name!r}", "scenarios": list(SCENARIOS)})
            return
        self.server.simulator.set_scenario(name)
        self._json(HTTPStatus.OK, self.server.simulator.status())

    def _load(self, factor: str, over: str) -> None:
        try:
            self.server.simulator.set_load(float(factor), float(over))
        except ValueError as err:
            self._json(HTTPStatus.BAD_REQUEST, {"error": f"load {factor!r} over {over!r} seconds: {err}"})
            return
        self._json(HTTPStatus.OK, self.server.simulator.status())

    def _not_found(self, path: str) -> None:
        self._json(
            HTTPStatus.NOT_FOUND,
            {
                "error": f"no endpoint {self.command} {path}",
                "endpoints": [f"{method} {route}" for method, route, _ in ENDPOINTS],
            },
        )

    def _json(self, status: HTTPStatus, body: dict) -> None:
        self._send(status, json.dumps(body, sort_keys=True) + "\n", "application/json")

    def _send(self, status: HTTPStatus, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], simulator: Simulator) -> None:
        self.simulator = simulator
        super().__init__(address, _Handler)


class SimCityServer:
    """A running SimCity: `.url`, `.port`, `.simulator`; `close()` (idempotent) or use it as a context manager."""

    def __init__(self, host: str, port: int, simulator: Simulator, tick: float) -> None:
        if not tick > 0:
            raise ValueError(f"tick must be > 0 seconds, not {tick!r}")
        self.simulator = simulator
        self._tick = tick
        self._stop = threading.Event()
        self._closed = threading.Lock()
        self._httpd = _HTTPServer((host, port), simulator)
        self.host, self.port = self._httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self._threads = [
            threading.Thread(
                target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1}, name="simcity-http", daemon=True
            ),
            threading.Thread(target=self._run_clock, name="simcity-clock", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _run_clock(self) -> None:
        # Advance by the wall time that really passed, so simulated rates match what Prometheus measures
        # even when a tick is late.
        last = time.monotonic()
        while not self._stop.wait(self._tick):
            now = time.monotonic()
            self.simulator.advance(now - last)
            last = now

    def wait(self, timeout: float | None = None) -> bool:
        """Block until close() (or `timeout`); True once closed."""
        return self._stop.wait(timeout)

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def close(self) -> None:
        if not self._closed.acquire(blocking=False):
            return
        self._stop.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        for thread in self._threads:
            thread.join(JOIN_TIMEOUT)

    def __enter__(self) -> "SimCityServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(host: str = "127.0.0.1", port: int = 0, seed: int = 1, rps: float = 20.0, tick: float = 1.0) -> SimCityServer:
    """Start SimCity in background threads; port 0 picks a free port (see `.url`)."""
    return SimCityServer(host, port, Simulator(seed, rps), tick)
