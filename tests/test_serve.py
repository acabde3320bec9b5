"""`slogen serve` (generator/serve/): the pages against the Bookiji specs and a fake Prometheus that records every
query it is sent. The browser and a real Prometheus are tests/e2e/test_serve_browser.py's."""

import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from generator import naming, pipeline
from generator.model import Project
from generator.serve import catalog, detail, status
from generator.serve.app import SECURITY_HEADERS, Settings, create_app
from generator.serve.prometheus import HTTPPrometheus, Labels, PrometheusError, Sample, Series

ROOT = Path(__file__).parent.parent
SPECS = ROOT / "slo_specs"
FIXTURES = Path(__file__).parent / "fixtures"
NOW = 1_764_547_200.0  # 2025-12-01 00:00 UTC


def _project(*paths: Path) -> Project:
    outcome = pipeline.check(list(paths))
    assert outcome.ok and outcome.project is not None, [f.text() for f in outcome.findings]
    return outcome.project


@pytest.fixture(scope="module")
def bookiji() -> Project:
    return _project(SPECS)


class FakePrometheus:
    """Answers the selectors slogen serve sends from a list of samples; records every query."""

    def __init__(self, samples: list[Sample] | None = None, series: list[Series] | None = None):
        self.samples = samples or []
        self.series = series or []
        self.queries: list[str] = []

    def _matches(self, expr: str, labels: Labels) -> bool:
        name = labels.get("__name__", "")
        if expr.startswith('{__name__=~"'):
            if not re.fullmatch(re.search(r'__name__=~"([^"]+)"', expr).group(1), name):
                return False
        elif expr.split("{")[0] != name:
            return False
        equal = dict(re.findall(r'(\w+)="([^"]*)"', expr))
        return all(labels.get(k) == v for k, v in equal.items())

    def query(self, expr: str, at: float | None = None) -> list[Sample]:
        self.queries.append(expr)
        return [(labels, value) for labels, value in self.samples if self._matches(expr, labels)]

    def query_range(self, expr: str, start: float, end: float, step: float) -> list[Series]:
        self.queries.append(expr)
        return list(self.series)


def _client(project: Project, fake: FakePrometheus | None = None, grafana: str | None = None) -> TestClient:
    return TestClient(create_app(project, Settings(fake, grafana, clock=lambda: NOW)))


def _identity(service: str, slo: str, **more: str) -> dict[str, str]:
    return {"service": service, "slo": slo, **more}


def _healthy(project: Project) -> list[Sample]:
    """Every SLO's recorded series at a healthy value, every group in `group_by` as `g`."""
    samples: list[Sample] = []
    for slo in project.slos():
        labels = _identity(slo.service, slo.name, **dict.fromkeys(slo.group_by, "g"))
        samples.append(({"__name__": naming.INFO, **_identity(slo.service, slo.name)}, 1.0))
        samples.append(({"__name__": naming.PERIOD_RATIO, **labels}, float(slo.error_budget) / 10))
        samples.append(({"__name__": naming.BUDGET_REMAINING, **labels}, 0.9))
        samples.extend(
            ({"__name__": naming.error_ratio(w), **labels}, float(slo.error_budget) / 10) for w in slo.ratio_windows
        )
    return samples


def _articles(page: str) -> set[tuple[str, str]]:
    return set(re.findall(r'<article class="slo" id="[^"]+" data-service="([^"]+)" data-slo="([^"]+)"', page))


def _status_rows(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr class="state-[^"]+" data-service="([^"]+)" data-slo="([^"]+)" data-state="([^"]+)"', page)


# --- the catalog -----------------------------------------------------------------------------------------------


def test_the_catalog_lists_every_bookiji_slo_without_prometheus(bookiji: Project):
    page = _client(bookiji).get("/")
    assert page.status_code == 200
    expected = {(slo.service, slo.name) for slo in bookiji.slos()}
    assert len(expected) == 23
    assert _articles(page.text) == expected
    assert "specs only (no --prometheus)" in page.text


def test_the_catalog_shows_objective_period_sli_pairs_detection_times_runbook_and_labels(bookiji: Project):
    text = _client(bookiji).get("/?service=bookiji-pilot&q=availability").text
    article = text[text.index('data-slo="availability"') :]
    assert "99 % over 30d" in article
    assert "errors " in article and "total " in article  # the ratio SLI's selectors
    # `slogen explain`'s numbers for the 1h/5m page pair at 99 %: 14.4× fires at 14.4 % errors, within 14m at 100 %
    assert re.search(r"<td>page</td><td>1h/5m</td><td>14.4×</td><td>14.4 %</td>\s*<td>14m \(3.04 %\)</td>", article)
    assert "https://runbooks.bookiji.com/api-errors" in article
    assert "team=bookiji" in article and "stage=pilot" in article


def test_filters_select_by_service_team_label_and_text_server_side(bookiji: Project):
    client = _client(bookiji)
    pilot = {(s.service, s.name) for s in bookiji.slos() if s.service == "bookiji-pilot"}
    assert _articles(client.get("/?service=bookiji-pilot").text) == pilot
    assert _articles(client.get("/?label=stage%3Dpilot").text) == pilot
    assert _articles(client.get("/?team=bookiji").text) == {(s.service, s.name) for s in bookiji.slos()}
    assert _articles(client.get("/?team=payments").text) == set()
    latency = _articles(client.get("/?q=LATENCY-P99").text)
    assert latency and all(name.endswith("latency-p99") for _service, name in latency)
    assert "No SLO matches these filters." in client.get("/?q=no-such-thing").text


def test_the_pages_work_without_javascript(bookiji: Project):
    client = _client(bookiji, FakePrometheus(_healthy(bookiji)))
    for path in ("/", "/status", "/slo/bookiji/error-rate"):
        assert "<script" not in client.get(path).text
    assert '<form class="filters" method="get" action="/">' in client.get("/").text


def test_a_large_catalog_is_paged(bookiji: Project):
    from generator.serve import app as serve_app

    client = _client(bookiji)
    original = serve_app.PAGE_SIZE
    serve_app.PAGE_SIZE = 10
    try:
        first, third = client.get("/").text, client.get("/?page=3").text
    finally:
        serve_app.PAGE_SIZE = original
    assert len(_articles(first)) == 10 and len(_articles(third)) == 3
    assert "page 1 of 3" in first and 'href="/?page=2"' in first


# --- ids, input and headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/slo/bookiji/no-such-slo", "/slo/no-such-service/availability", "/slo/bookiji", "/nothing"]
)
def test_unknown_ids_are_404_and_send_no_query(bookiji: Project, path: str):
    fake = FakePrometheus(_healthy(bookiji))
    page = _client(bookiji, fake).get(path)
    assert page.status_code == 404
    assert fake.queries == []
    assert "Traceback" not in page.text


def test_no_request_input_reaches_promql(bookiji: Project):
    fake = FakePrometheus(_healthy(bookiji))
    client = _client(bookiji, fake)
    hostile = '"}) or vector(1) #'
    client.get("/status", params={"q": hostile, "service": hostile, "team": hostile, "label": hostile})
    client.get("/slo/bookiji/error-rate", params={"range": hostile})
    assert fake.queries and not any("vector(1)" in q for q in fake.queries)
    assert set(fake.queries[:5]) == set(status.QUERIES.values())


def test_security_headers_on_every_page_and_only_get(bookiji: Project):
    client = _client(bookiji, FakePrometheus(_healthy(bookiji)))
    for path in ("/", "/status", "/slo/bookiji/error-rate", "/serve.css", "/slo/x/y"):
        headers = client.get(path).headers
        for name, value in SECURITY_HEADERS.items():
            if name != "cache-control" or path != "/serve.css":
                assert headers[name] == value, (path, name)
    assert "unsafe-inline" not in SECURITY_HEADERS["content-security-policy"]
    assert "frame-ancestors 'none'" in SECURITY_HEADERS["content-security-policy"]
    assert client.post("/").status_code == 405


# --- status ----------------------------------------------------------------------------------------------------


def test_status_without_prometheus_says_so_and_queries_nothing(bookiji: Project):
    page = _client(bookiji).get("/status")
    assert 'id="no-prometheus"' in page.text and _status_rows(page.text) == []


def test_status_query_count_is_fixed_whatever_the_number_of_slos(bookiji: Project):
    small = _project(FIXTURES / "checkout.yaml")
    counts = []
    for project in (small, bookiji):
        fake = FakePrometheus(_healthy(project))
        page = _client(project, fake).get("/status").text
        counts.append(len(fake.queries))
        assert f'<span id="queries">{len(fake.queries)} PromQL queries</span>' in page
    assert counts == [len(status.QUERIES), len(status.QUERIES)]
    assert len(list(small.slos())) < len(list(bookiji.slos()))


def test_status_lists_every_slo_and_group_worst_first_with_the_firing_pair(bookiji: Project):
    samples = _healthy(bookiji)
    pilot = _identity("bookiji-pilot", "availability")
    firing = {"__name__": "ALERTS", "alertstate": "firing", "alertname": "AvailabilityBudgetBurn", **pilot}
    samples.append(({**firing, "severity": "page", "long_window": "1h", "short_window": "5m"}, 1.0))
    samples.append(({"__name__": naming.BUDGET_REMAINING, **_identity("bookiji", "error-rate")}, -0.5))
    rows = _status_rows(_client(bookiji, FakePrometheus(samples)).get("/status").text)
    assert rows[0] == ("bookiji-pilot", "availability", "page")
    assert rows[1] == ("bookiji", "error-rate", "exhausted")
    assert {(s, n) for s, n, _state in rows} == {(slo.service, slo.name) for slo in bookiji.slos()}
    assert {state for _s, _n, state in rows[2:]} == {"ok"}
    page = _client(bookiji, FakePrometheus(samples)).get("/status").text
    assert "AvailabilityBudgetBurn page 1h/5m" in page


def test_every_group_gets_its_own_row(bookiji: Project):
    samples = _healthy(bookiji)
    for region in ("us-east", "eu-west"):
        labels = _identity("bookiji", "availability", region=region)
        samples.append(({"__name__": naming.PERIOD_RATIO, **labels}, 0.0))
        samples.append(({"__name__": naming.BUDGET_REMAINING, **labels}, 1.0))
    found = status.read(FakePrometheus(samples), [catalog.build(bookiji).by_key[("bookiji", "availability")]])
    assert sorted(row.group for row in found.rows) == [
        (("region", "eu-west"),),
        (("region", "g"),),
        (("region", "us-east"),),
    ]


def test_missing_series_are_reported_as_missing_not_zero(bookiji: Project):
    samples = [s for s in _healthy(bookiji) if s[0]["slo"] != "error-rate" or s[0]["__name__"] == naming.INFO]
    samples = [s for s in samples if s[0]["slo"] != "cls"]
    page = _client(bookiji, FakePrometheus(samples)).get("/status").text
    rows = {(s, n): state for s, n, state in _status_rows(page)}
    assert rows[("bookiji", "error-rate")] == "missing"
    assert rows[("bookiji", "cls")] == "missing"
    error_rate = page[page.index('data-slo="error-rate"') :].split("</tr>")[0]
    assert f"no {naming.PERIOD_RATIO}" in error_rate and "0 %" not in error_rate
    cls = page[page.index('data-slo="cls"') :].split("</tr>")[0]
    assert f"rules not loaded: Prometheus has no {naming.INFO} series for this SLO" in cls


def test_an_unreachable_prometheus_is_a_message_not_a_traceback(bookiji: Project):
    with _silent_server(lambda handler: None) as url:
        pass  # closed again: nothing listens there now
    project = _project(FIXTURES / "checkout.yaml")
    client = TestClient(create_app(project, Settings(HTTPPrometheus(url, timeout=2))))
    for path in ("/status", "/slo/checkout/requests-availability"):
        page = client.get(path)
        assert page.status_code == 200
        assert 'id="prometheus-error"' in page.text and "is unreachable" in page.text
        assert "Traceback" not in page.text and "<svg" not in page.text


# --- the SLO page ----------------------------------------------------------------------------------------------


def test_the_slo_page_draws_the_charts_with_thresholds_objective_and_ideal(bookiji: Project):
    points = [(NOW - 600 + 60 * i, 0.5) for i in range(10)]
    series: list[Series] = [({"window": "1h", "service": "bookiji", "slo": "error-rate"}, points)]
    fake = FakePrometheus(_healthy(bookiji), series)
    page = _client(bookiji, fake, grafana="https://grafana.example.com").get("/slo/bookiji/error-rate?range=1h").text
    for chart in ("burn-down", "sli", "burns", "timeline"):
        assert f'id="chart-{chart}"><svg' in page
    assert re.search(r'class="series c0" data-points="10"', page)
    assert 'class="series ideal dashed" data-points="2"' in page
    assert "objective 99.5 %" in page
    for burn in ("page 1h/5m 14.4×", "page 6h/30m 6×", "ticket 1d/2h 3×", "ticket 3d/6h 1×"):
        assert burn in page
    assert len(fake.queries) == len(status.QUERIES) + 4
    assert f'<span id="queries">{len(fake.queries)} PromQL queries</span>' in page
    assert "https://grafana.example.com/d/slogen_slo_detail?var-service=bookiji&amp;var-slo=error-rate" in page
    assert 'href="https://runbooks.bookiji.com/api-errors"' in page


def test_the_slo_page_queries_name_only_that_slo(bookiji: Project):
    fake = FakePrometheus(_healthy(bookiji))
    _client(bookiji, fake).get("/slo/bookiji-pilot/availability")
    assert fake.queries and all('service="bookiji-pilot", slo="availability"' in q for q in fake.queries)


@pytest.mark.parametrize(
    ("slo", "start", "end"),
    [
        # 2025-11-30 12:00 UTC is Sunday 17:30 at +05:30: its ISO week began on Monday the 24th at 00:00 there
        ("avail-week", "2025-11-23T18:30:00", "2025-11-30T18:30:00"),
        ("avail-month", "2025-11-01T00:00:00", "2025-12-01T00:00:00"),
        ("avail-quarter-brt", "2025-10-01T03:00:00", "2026-01-01T03:00:00"),  # -03:00
    ],
)
def test_calendar_periods_run_from_their_start_to_their_end(slo: str, start: str, end: str):
    project = _project(FIXTURES / "calendar.yaml")
    [found] = [s for s in project.slos() if s.name == slo]
    now = datetime(2025, 11, 30, 12, tzinfo=UTC).timestamp()
    bounds = detail.period_bounds(found, now)
    assert [datetime.fromtimestamp(b, UTC).isoformat() for b in bounds] == [f"{start}+00:00", f"{end}+00:00"]


def test_a_rolling_period_is_the_last_period():
    project = _project(FIXTURES / "checkout.yaml")
    slo = next(project.slos())
    assert detail.period_bounds(slo, NOW) == (NOW - 30 * 86400, NOW)


# --- the HTTP client -------------------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    respond = staticmethod(lambda handler: None)

    def do_POST(self) -> None:
        type(self).respond(self)

    def log_message(self, *args: object) -> None:
        pass


def _silent_server(respond):  # type: ignore[no-untyped-def]
    import contextlib

    @contextlib.contextmanager
    def serving() -> Iterator[str]:
        handler = type("Handler", (_Handler,), {"respond": staticmethod(respond)})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join(10)

    return serving()


def _reply(code: int, body: bytes):  # type: ignore[no-untyped-def]
    def respond(handler: BaseHTTPRequestHandler) -> None:
        handler.rfile.read(int(handler.headers["Content-Length"]))
        handler.send_response(code)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return respond


def test_the_client_reads_vectors_and_matrices():
    vector = b'{"status":"success","data":{"resultType":"vector","result":[{"metric":{"slo":"a"},"value":[1,"NaN"]}]}}'
    with _silent_server(_reply(200, vector)) as url:
        [(labels, value)] = HTTPPrometheus(url).query("up")
    assert labels == {"slo": "a"} and value != value  # NaN stays NaN: no events, not 0
    matrix = (
        b'{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"0.5"],[2,"1"]]}]}}'
    )
    with _silent_server(_reply(200, matrix)) as url:
        assert HTTPPrometheus(url).query_range("up", 0, 2, 1) == [({}, [(1.0, 0.5), (2.0, 1.0)])]


def test_the_client_turns_refusals_and_timeouts_into_one_line():
    refused = b'{"status":"error","errorType":"bad_data","error":"parse error"}'
    with (
        _silent_server(_reply(400, refused)) as url,
        pytest.raises(PrometheusError, match="refused the query: bad_data"),
    ):
        HTTPPrometheus(url).query("up")
    with _silent_server(_reply(200, b"<html>")) as url, pytest.raises(PrometheusError, match="not JSON"):
        HTTPPrometheus(url).query("up")
    stalled = threading.Event()

    def stall(handler: BaseHTTPRequestHandler) -> None:
        stalled.wait(10)  # longer than the client's deadline; released when the test is done

    with _silent_server(stall) as url:
        try:
            with pytest.raises(PrometheusError, match="unreachable: timed out"):
                HTTPPrometheus(url, timeout=0.5).query("up")
        finally:
            stalled.set()


# --- the command -----------------------------------------------------------------------------------------------


def test_a_taken_port_is_one_line_and_exit_1():
    import socket

    from click.testing import CliRunner

    from generator.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), str(SPECS)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"slogen: cannot listen on 127.0.0.1:{port}: Address already in use; pick another --port"
    ]


def test_a_prometheus_url_must_be_http():
    from click.testing import CliRunner

    from generator.cli import main

    result = CliRunner().invoke(main, ["serve", "--prometheus", "localhost:9090", str(SPECS)])
    assert result.exit_code == 2 and "is not an http:// or https:// URL" in result.stderr


def test_the_wheel_holds_the_templates_stylesheet_and_icon():
    """app.py loads them as package data: a wheel without them would serve 500s."""
    from tests.test_packaging import wheel_files

    serve = ROOT / "generator" / "serve"
    shipped = [*(serve / "templates").glob("*.j2"), *(serve / "static").iterdir()]
    assert len(shipped) >= 8
    assert {path.relative_to(ROOT) for path in shipped} <= set(wheel_files())
