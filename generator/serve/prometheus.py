"""The Prometheus HTTP API, read-only: instant and range queries with a deadline on every call.

Every query the pages send is built from the model's names and labels (naming.py, SLO.identity), never from a
request: the app looks every id in a URL up in the catalog first. Errors come back as PrometheusError with one
line for the page; the page shows it instead of charts, never a traceback.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

TIMEOUT = 5.0  # seconds per call: a page waits for a few batched queries, so a stuck Prometheus costs seconds
MAX_RESPONSE_BYTES = 256 * 2**20  # a 10,000-SLO fleet's ratio series at every window stay far below this

Labels = dict[str, str]
Sample = tuple[Labels, float]
Points = list[tuple[float, float]]
Series = tuple[Labels, Points]


class PrometheusError(Exception):
    """Prometheus could not answer: unreachable, too slow, or refused the query. The message is for the page."""


class Prometheus(Protocol):
    """What the pages read. The real one is HTTPPrometheus; tests pass a fake."""

    def query(self, expr: str, at: float | None = None) -> list[Sample]: ...

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]: ...


@dataclass
class Counted:
    """A Prometheus that counts the queries one page sends, for the page's footer and the bench."""

    inner: Prometheus
    queries: list[str] = field(default_factory=list)

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        self.queries.append(expr)
        return self.inner.query(expr, at)

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        self.queries.append(expr)
        return self.inner.query_range(expr, start, end, step)


@dataclass(frozen=True)
class HTTPPrometheus:
    url: str  # the server, such as http://127.0.0.1:9090; /api/v1/... is added
    timeout: float = TIMEOUT

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        params = {"query": expr, **({"time": _seconds(at)} if at is not None else {})}
        data = self._get("query", params)
        if data.get("resultType") != "vector":
            raise PrometheusError(f"Prometheus answered a {data.get('resultType')} where a vector was expected")
        return [(item["metric"], _value(item["value"][1])) for item in data["result"]]

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        params = {"query": expr, "start": _seconds(start), "end": _seconds(end), "step": _seconds(step)}
        data = self._get("query_range", params)
        return [(item["metric"], [(float(t), _value(v)) for t, v in item["values"]]) for item in data["result"]]

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        # POST with a form body: a 10,000-SLO selector can outgrow a URL, and Prometheus accepts both.
        body = urllib.parse.urlencode({**params, "timeout": f"{self.timeout:g}s"}).encode()
        request = urllib.request.Request(
            f"{self.url.rstrip('/')}/api/v1/{path}",
            data=body,
            method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                raw = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as err:
            raise PrometheusError(f"Prometheus at {self.url} refused the query: {_api_error(err)}") from None
        except (urllib.error.URLError, OSError) as err:
            reason = getattr(err, "reason", err)
            raise PrometheusError(f"Prometheus at {self.url} is unreachable: {reason}") from None
        if len(raw) > MAX_RESPONSE_BYTES:
            raise PrometheusError(f"Prometheus at {self.url} answered more than {MAX_RESPONSE_BYTES >> 20} MiB")
        try:
            answer = json.loads(raw)
        except ValueError:
            raise PrometheusError(f"{self.url} answered something that is not the Prometheus API (not JSON)") from None
        if not isinstance(answer, dict) or answer.get("status") != "success":
            raise PrometheusError(f"Prometheus at {self.url} failed the query: {_error_text(answer)}")
        data = answer.get("data")
        if not isinstance(data, dict) or not isinstance(data.get("result"), list):
            raise PrometheusError(f"{self.url} answered something that is not the Prometheus API (no data.result)")
        return data


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _value(text: str) -> float:
    """Prometheus sends sample values as strings, NaN and ±Inf included; float() reads them all."""
    return float(text)


def _api_error(err: urllib.error.HTTPError) -> str:
    try:
        return _error_text(json.loads(err.read(65536)))
    except ValueError:
        return f"HTTP {err.code}"


def _error_text(answer: object) -> str:
    if isinstance(answer, dict):
        return f"{answer.get('errorType', 'error')}: {str(answer.get('error', ''))[:300]}"
    return "unexpected answer"
