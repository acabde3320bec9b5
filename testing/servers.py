"""Real Prometheus, Alertmanager, VictoriaMetrics and vmalert processes, and a webhook server that captures what
they send, on 127.0.0.1.

Everything here waits on a condition with a deadline and stops what it started: a process gets SIGTERM,
then SIGKILL if it has not exited within its timeout. A wait that runs out says what did not happen and
shows the last thing it saw, plus the tail of the process's log when a process is involved.
"""

import contextlib
import copy
import json
import os
import shutil
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, TypeVar

import yaml

from generator.tools import ToolMissing

T = TypeVar("T")
HOST = "127.0.0.1"
INSTALL_HINT = (
    "install them with `make tools` (runs .ci/install-tools.sh: `apt-get install prometheus "
    "prometheus-alertmanager victoria-metrics`), or put the upstream binaries on PATH, or set {env}=/path/to/binary"
)
STOP_TIMEOUT = 10.0
READY_TIMEOUT = 30.0


def binary(env: str, *names: str) -> str:
    """The executable from $env or the first of names on PATH; missing is an error, never a skip."""
    found = os.environ.get(env) or next(filter(None, map(shutil.which, names)), None)
    if not found or not Path(found).exists():
        raise ToolMissing(f"{' or '.join(names)} not found; {INSTALL_HINT.format(env=env)}")
    return found


def free_port() -> int:
    """A port nothing listens on now; the child binds it a moment later (the kernel rarely reuses it that fast)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for(
    predicate: Callable[[], T],
    timeout: float,
    what: str,
    interval: float = 0.2,
    detail: Callable[[], str] | None = None,
) -> T:
    """Poll predicate until it returns something truthy; fail with `what` when the deadline passes.

    Connection errors count as "not yet": servers refuse connections while they start.
    """
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        try:
            last = predicate()
        except (OSError, urllib.error.URLError) as err:
            last = err
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            extra = f"\n{detail()}" if detail else ""
            raise AssertionError(f"{what}: not within {timeout:g}s (last seen: {str(last)[:2000]}){extra}")
        time.sleep(interval)


def http(
    url: str, method: str = "GET", body: Any = None, timeout: float = 10.0, raw: bytes | None = None
) -> tuple[int, bytes]:
    """One request; `body` is sent as JSON, `raw` as it is."""
    data = raw if raw is not None else json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def http_json(url: str, method: str = "GET", body: Any = None, timeout: float = 10.0) -> Any:
    status, payload = http(url, method, body, timeout)
    if status >= 300:
        raise AssertionError(f"{method} {url} answered {status}: {payload[:500]!r}")
    return json.loads(payload or b"null")


def prometheus_api(server: str, url: str, path: str, params: dict[str, Any]) -> Any:
    """The `data` of a Prometheus-compatible HTTP API call (Prometheus, VictoriaMetrics); None params are left out."""
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    answer = http_json(f"{url}/api/v1/{path}?{query}")
    if answer.get("status") != "success":
        raise AssertionError(f"{server} {path} {params}: {answer}")
    return answer["data"]


class Process:
    """One child process with its output in a log file; a context manager that always stops it."""

    def __init__(self, name: str, args: list[str], log: Path):
        self.name, self.args, self.log = name, args, log
        self._popen: subprocess.Popen | None = None

    def start(self) -> "Process":
        with open(self.log, "ab") as out:
            self._popen = subprocess.Popen(self.args, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        return self

    def running(self) -> bool:
        return self._popen is not None and self._popen.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        if self._popen is None or self._popen.poll() is not None:
            return
        self._popen.terminate()
        try:
            self._popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self._popen.kill()
            self._popen.wait(timeout=timeout)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- last lines of {self.log} ---\n" + "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, url: str, timeout: float = READY_TIMEOUT) -> None:
        def ready() -> bool:
            if not self.running():
                raise AssertionError(f"{self.name} exited while starting\n{self.log_tail()}")
            return http(url, timeout=2)[0] == 200

        wait_for(ready, timeout, f"{self.name} answering 200 on {url}", detail=self.log_tail)

    def __enter__(self) -> "Process":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class Prometheus(Process):
    """`prometheus` on a free port with the given config and data directory."""

    def __init__(self, config: Path, data_dir: Path, port: int | None = None, *extra: str):
        self.port = port or free_port()
        self.url = f"http://{HOST}:{self.port}"
        super().__init__(
            "prometheus",
            [
                binary("PROMETHEUS", "prometheus"),
                f"--config.file={config}",
                f"--storage.tsdb.path={data_dir}",
                f"--web.listen-address={HOST}:{self.port}",
                *extra,
            ],
            data_dir.parent / f"prometheus-{self.port}.log",
        )

    def start(self) -> "Prometheus":
        super().start()
        self.wait_ready(f"{self.url}/-/ready")
        return self

    def api(self, path: str, **params: Any) -> Any:
        return prometheus_api("Prometheus", self.url, path, params)

    def query(self, expr: str, at: float | None = None) -> list[dict]:
        return self.api("query", query=expr, time=at)["result"]

    def firing(self, **labels: str) -> list[dict]:
        matchers = ", ".join(f'{k}="{v}"' for k, v in {"alertstate": "firing", **labels}.items())
        return self.query(f"ALERTS{{{matchers}}}")


class Alertmanager(Process):
    """`alertmanager` on a free port, gossip off, debug log (it is the only place muting shows)."""

    def __init__(self, config: Path, data_dir: Path):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        data_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(
            "alertmanager",
            [
                binary("ALERTMANAGER", "prometheus-alertmanager", "alertmanager"),
                f"--config.file={config}",
                f"--storage.path={data_dir}",
                f"--web.listen-address={HOST}:{self.port}",
                "--cluster.listen-address=",
                "--log.level=debug",
            ],
            data_dir.parent / f"alertmanager-{self.port}.log",
        )

    def start(self) -> "Alertmanager":
        super().start()
        self.wait_ready(f"{self.url}/-/ready")
        return self

    def alerts(self) -> list[dict]:
        return http_json(f"{self.url}/api/v2/alerts")

    def post(self, alerts: list[dict]) -> None:
        http_json(f"{self.url}/api/v2/alerts", "POST", alerts)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


class VictoriaMetrics(Process):
    """Single-node `victoria-metrics` on a free port, storage in `data_dir`, response cache off
    (`-search.disableCache`: tests import history after queries ran).

    `latency_offset` is `-search.latencyOffset`: an instant query for a time less than this far from now is
    answered as of now − offset (VictoriaMetrics' default 30s, so a point is not read half-ingested). vmalert's
    queries go through it; the tests' own reads (`query`, `query_range`) pass `nocache=1`, which turns it off.

    `flush_every` (seconds) starts a thread that calls /internal/force_flush that often while the process runs.
    VictoriaMetrics 1.79 makes an ingested point searchable about a second after it arrives and a new series up
    to ~10 s after (measured). Rule groups evaluated every second (the e2e) would see that as one to ten
    evaluations, where at the generated 1m it is less than one; the flushes keep it under one. Without
    `flush_every` VictoriaMetrics keeps its own timing.
    """

    def __init__(
        self,
        data_dir: Path,
        *extra: str,
        latency_offset: str = "30s",
        retention: str = "1d",
        flush_every: float | None = None,
    ):
        self.port = free_port()
        self.flush_every = flush_every
        self._flusher: threading.Thread | None = None
        self._stop_flusher = threading.Event()
        self.url = f"http://{HOST}:{self.port}"
        data_dir.mkdir(parents=True, exist_ok=True)
        super().__init__(
            "victoria-metrics",
            [
                binary("VICTORIA_METRICS", "victoria-metrics", "victoria-metrics-prod"),
                f"-httpListenAddr={HOST}:{self.port}",
                f"-storageDataPath={data_dir}",
                f"-retentionPeriod={retention}",
                f"-search.latencyOffset={latency_offset}",
                "-search.disableCache",
                *extra,
            ],
            data_dir.parent / f"victoria-metrics-{self.port}.log",
        )

    def start(self) -> "VictoriaMetrics":
        super().start()
        self.wait_ready(f"{self.url}/health")
        if self.flush_every:
            self._flusher = threading.Thread(target=self._flush_loop, name="vm-flusher", daemon=True)
            self._flusher.start()
        return self

    def _flush_loop(self) -> None:
        assert self.flush_every
        while not self._stop_flusher.wait(self.flush_every):
            with contextlib.suppress(OSError):  # stopping, or busy: the next round flushes
                http(f"{self.url}/internal/force_flush", timeout=5)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        self._stop_flusher.set()
        if self._flusher:
            self._flusher.join(timeout)
        super().stop(timeout)

    def api(self, path: str, **params: Any) -> Any:
        return prometheus_api("VictoriaMetrics", self.url, path, params)

    # Tests read what is stored at the time they ask for: `nocache=1` turns the latency offset off for them.
    # vmalert's own queries do not send it, so the rules see the offset.
    def query(self, expr: str, at: float | None = None) -> list[dict]:
        return self.api("query", query=expr, time=at, nocache=1)["result"]

    def query_range(self, expr: str, start: float, end: float, step: str = "1s") -> list[dict]:
        return self.api("query_range", query=expr, start=start, end=end, step=step, nocache=1)["result"]

    def export(self, match: str) -> list[dict]:
        """The raw samples of every series `match` selects, as stored: `metric`, `values`, `timestamps` (ms)."""
        status, payload = http(f"{self.url}/api/v1/export?{urllib.parse.urlencode({'match[]': match})}")
        if status >= 300:
            raise AssertionError(f"VictoriaMetrics export {match} answered {status}: {payload[:500]!r}")
        return [json.loads(line) for line in payload.splitlines() if line.strip()]

    def import_prometheus(self, text: str) -> None:
        """Prometheus text exposition, timestamps in milliseconds, through /api/v1/import/prometheus; then a
        forced flush, so the samples are searchable when this returns."""
        status, payload = http(f"{self.url}/api/v1/import/prometheus", "POST", raw=text.encode())
        if status >= 300:
            raise AssertionError(f"VictoriaMetrics import answered {status}: {payload[:500]!r}\n{self.log_tail()}")
        self.flush()

    def flush(self) -> None:
        status, payload = http(f"{self.url}/internal/force_flush")
        if status >= 300:
            raise AssertionError(f"VictoriaMetrics force_flush answered {status}: {payload[:500]!r}")


class VMAlert(Process):
    """`vmalert` on a free port: reads `datasource` (a VictoriaMetrics URL), writes recorded series and alert
    state back to it by remote write (and restores alert state from it on start), sends alerts to `notifier`.

    `interval` is `-evaluationInterval`, the default of groups without their own `interval`.
    `flush_interval` is `-remoteWrite.flushInterval` (default 5s): how long recorded samples may wait in
    vmalert before they are sent.
    """

    def __init__(
        self,
        rule_files: list[Path],
        datasource: str,
        log_dir: Path,
        *extra: str,
        notifier: str | None = None,
        interval: str = "1m",
        flush_interval: str = "5s",
    ):
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        # vmalert 1.79 does not start with alerting rules and no -notifier.url: pass Alertmanager's URL, or a
        # Capture's where no Alertmanager is wanted (it receives /api/v2/alerts).
        notifiers = [f"-notifier.url={notifier}"] if notifier else []
        super().__init__(
            "vmalert",
            [
                binary("VMALERT", "vmalert", "vmalert-prod"),
                f"-httpListenAddr={HOST}:{self.port}",
                f"-datasource.url={datasource}",
                f"-remoteWrite.url={datasource}",
                f"-remoteRead.url={datasource}",
                f"-remoteWrite.flushInterval={flush_interval}",
                f"-evaluationInterval={interval}",
                f"-external.url={self.url}",  # the alerts' source links; the default names this host
                *notifiers,
                *(f"-rule={path}" for path in rule_files),
                *extra,
            ],
            log_dir / f"vmalert-{self.port}.log",
        )

    def start(self) -> "VMAlert":
        super().start()
        self.wait_ready(f"{self.url}/health")
        return self

    def api(self, path: str) -> Any:
        answer = http_json(f"{self.url}/api/v1/{path}")
        if answer.get("status") != "success":
            raise AssertionError(f"vmalert {path}: {answer}")
        return answer["data"]

    def groups(self) -> list[dict]:
        return self.api("rules")["groups"]

    def alerts(self) -> list[dict]:
        """Every active alert (pending or firing), each with `name`, `state` and `labels`."""
        return self.api("alerts")["alerts"] or []  # null when there are none


class Capture:
    """A webhook server that records every POST body per path (one path per receiver)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[tuple[str, Any]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    parsed: Any = json.loads(body)
                except ValueError:
                    parsed = body.decode(errors="replace")
                with capture._lock:
                    capture._received.append((self.path.strip("/"), parsed))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer((HOST, 0), Handler)
        self.url = f"http://{HOST}:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="capture", daemon=True)
        self._thread.start()

    def received(self, path: str | None = None) -> list[Any]:
        with self._lock:
            return [body for where, body in self._received if path is None or where == path]

    def received_with_paths(self) -> list[tuple[str, Any]]:
        with self._lock:
            return list(self._received)

    def wait_for(self, predicate: Callable[[list[tuple[str, Any]]], T], timeout: float, what: str) -> T:
        """Wait until predicate, given every (path, body) so far, returns something truthy."""
        return wait_for(
            lambda: predicate(self.received_with_paths()),
            timeout,
            what,
            detail=lambda: f"captured: {self.received_with_paths()}",
        )

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=STOP_TIMEOUT)

    def __enter__(self) -> "Capture":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- test-harness transformations of generated files ------------------------------------------------------


def fast_rule_file(source: Path, target: Path, interval: str = "1s") -> Path:
    """The generated rules with every group evaluated every `interval` instead of 1m/5m.

    Only the schedule changes; expressions, labels and group order stay as generated. With fresh data every
    window holds only what the simulator produced since start, so alerts cross their thresholds in seconds.
    """
    document = yaml.safe_load(source.read_text())
    for group in document["groups"]:
        group["interval"] = interval
    target.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000))
    return target


def capturing_alertmanager_config(config: dict, capture_url: str, secrets: Path, timing: str | None = "1s") -> dict:
    """The generated Alertmanager config with each receiver's URL file pointing at capture_url/<receiver>,
    and group_wait/group_interval shortened to `timing` (None keeps them: a test of timings, such as an
    escalation's group_wait, writes short ones into its spec). Routes, matchers, mute intervals, inhibit rules and
    time intervals stay as generated: the test proves the generated routing, not a copy of it."""
    config = copy.deepcopy(config)
    secrets.mkdir(parents=True, exist_ok=True)
    for receiver in config["receivers"]:
        for key, integrations in receiver.items():
            for integration in integrations if key.endswith("_configs") else ():
                for file_key in ("api_url_file", "url_file", "webhook_url_file"):
                    if file_key in integration:
                        secret = secrets / receiver["name"]
                        secret.write_text(f"{capture_url}/{receiver['name']}")
                        integration[file_key] = str(secret)
    if timing is not None:
        _shorten(config["route"], timing, root=True)
    return config


def _shorten(route: dict, timing: str, root: bool = False) -> None:
    for key in ("group_wait", "group_interval"):
        if root or key in route:
            route[key] = timing
    for child in route.get("routes", []):
        _shorten(child, timing)


def prometheus_config(
    rule_files: list[Path],
    scrape: dict[str, str],
    alertmanager: str | None,
    interval: str = "1s",
    target_labels: tuple[dict[str, str], ...] = ({},),
) -> dict:
    """scrape: job name → URL of a /metrics-style endpoint on 127.0.0.1. Each endpoint is scraped once per entry of
    `target_labels`, with those labels: one simulator then plays several deployments (Bookiji's env="launch" and
    env="pilot", the stages' `scope`)."""
    jobs = []
    for job, url in scrape.items():
        parsed = urllib.parse.urlsplit(url)
        targets = [{"targets": [parsed.netloc], **({"labels": labels} if labels else {})} for labels in target_labels]
        jobs.append({"job_name": job, "metrics_path": parsed.path or "/metrics", "static_configs": targets})
    timing = {"scrape_interval": interval, "scrape_timeout": interval, "evaluation_interval": interval}
    config: dict = {"global": timing, "rule_files": [str(p) for p in rule_files], "scrape_configs": jobs}
    if alertmanager:
        target = urllib.parse.urlsplit(alertmanager).netloc
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [target]}]}]}
    return config


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, width=100_000))
    return path
