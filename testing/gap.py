"""A Prometheus outage over synthetic history, measured in a real Prometheus: what the gap removes from the 1h,
3d and period ratios, and what `slogen backfill` gives back. Shared by tests/e2e/test_gap.py and
`python -m bench --only gap`.

The world: DAYS days of raw counters scraped every SCRAPE seconds for one service with two SLOs (SPEC): an
error ratio and a latency SLI over two routes at 5 requests per second each, with 0.2 % errors and 1 % slow
requests. Route /b fails completely (500, and slow) from 10 minutes before the outage until 5 minutes after
it. The outage (`Outage`) lasts `gap_minutes`: kind "prometheus" means Prometheus is down, so no rule is
evaluated and nothing is scraped (the counters keep counting; the first scrape after the restart sees the
jump); "ruler" means only the rules stop (vmalert, or a Thanos or Mimir ruler) and the raw series stay
complete; "none" keeps everything running, for the value the rules reach without any outage.

What the live Prometheus recorded is built the way it would have been: the SLO's base rules
(`generator.backfill.base_rules`, the generated rules) evaluated by `promtool tsdb create-blocks-from rules`
under the generated group names, over the raw data before the outage and after it. The steady days before
the last LIVE_HOURS are written directly (their exact rates), to keep a run to seconds. The exact ratio of a
window is the closed-form count of events in it; `increase()` over the raw series (what Pyrra reads; Sloth's
`rate(raw[W])` is the same ratio) is read beside it.
"""

import itertools
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from generator import naming, pipeline, promtool
from generator.backfill import base_rules
from generator.cli import main as slogen_cli
from generator.model import SLO, LatencySLI, Service
from generator.render.rules import render_rules

from .servers import Prometheus, wait_for, write_yaml

SPEC = """\
apiVersion: slogen/v1
service: gapshop
slos:
  - name: availability
    objective: 99.9
    sli:
      ratio:
        errors: 'gap_http_requests_total{job="gap", code="500"}'
        total: 'gap_http_requests_total{job="gap"}'
  - name: latency
    objective: 99
    sli:
      latency:
        histogram: 'gap_http_request_duration_seconds{job="gap"}'
        threshold: 300ms
"""
DAYS = 4  # more than the 3d window, less than the 30d period: the two differ
LIVE_HOURS = 6  # the last hours go through promtool; the steady days before are written directly
SCRAPE = 15
STEP = 60
ROUTES = {"/a": 5.0, "/b": 5.0}  # requests per second
ERROR_SHARE, SLOW_SHARE = 0.002, 0.01
OUTAGE_ROUTE = "/b"
OUTAGE_BEFORE, OUTAGE_AFTER = 600, 300  # the route fails from 10 min before the gap to 5 min after it
QUERY_AFTER = 600  # the ratios are read 10 minutes after Prometheus is back
WINDOWS = {"1h": 3600, "3d": 3 * 86_400, "period": 30 * 86_400}
SLOS = ("availability", "latency")
LIVE_PHASE = 23.0  # seconds into the minute at which the live groups evaluate
RELOAD_TIMEOUT = 30.0
LIVE_RELOAD_TIMEOUT = 150.0  # Prometheus looks for new blocks once a minute
RETENTION = "--storage.tsdb.retention.time=400d"  # retention counts back from the newest block


KINDS = ("prometheus", "ruler", "none")


@dataclass(frozen=True)
class Outage:
    """`gap_minutes` without rule evaluations. kind "prometheus": nothing scraped either; "ruler": the raw series
    stay complete; "none": no gap at all (the same route outage, for the value the rules reach anyway)."""

    gap_minutes: int
    kind: str = "prometheus"

    @property
    def scrapes_stop(self) -> bool:
        return self.kind == "prometheus"

    @property
    def rules_stop(self) -> bool:
        return self.kind != "none"


@dataclass(frozen=True)
class Times:
    start: int  # first raw sample
    end: int  # last raw sample
    down: int  # Prometheus stops: the last evaluation and scrape are at or before this
    back: int  # Prometheus is back: scrapes resume SCRAPE seconds later
    query: int  # when the ratios are read

    @classmethod
    def of(cls, outage: Outage, now: float | None = None) -> "Times":
        end = int(now if now is not None else time.time()) // 3600 * 3600 - 3600  # whole past hours
        down = end - 3 * 3600
        back = down + 60 * outage.gap_minutes
        return cls(end - DAYS * 86_400, end, down, back, back + QUERY_AFTER)

    @property
    def outage(self) -> tuple[int, int]:
        return self.down - OUTAGE_BEFORE, self.back + OUTAGE_AFTER


def _spec_project(work: Path) -> tuple[Path, Service]:
    spec = work / "gap.yaml"
    spec.write_text(SPEC)
    outcome = pipeline.check([spec])
    assert outcome.ok and outcome.project, [f.text() for f in outcome.findings]
    return spec, outcome.project.services[0]


# --- the raw counters, in closed form ------------------------------------------------------------------------


def _rates(times: Times, route: str, t: float) -> tuple[float, float, float]:
    """(requests, errors, slow requests) per second on `route` at t."""
    requests = ROUTES[route]
    failing = route == OUTAGE_ROUTE and times.outage[0] <= t < times.outage[1]
    errors = requests if failing else requests * ERROR_SHARE
    slow = requests if failing else requests * SLOW_SHARE
    return requests, errors, slow


def counts(times: Times, route: str, t: float) -> tuple[float, float, float]:
    """(requests, errors, slow) counted on `route` from times.start to t: piecewise-constant rates, integrated."""
    edges = sorted({times.start, *times.outage, t})
    totals = [0.0, 0.0, 0.0]
    for a, b in itertools.pairwise(edges):
        if b > t:
            break
        for i, rate in enumerate(_rates(times, route, a)):
            totals[i] += rate * (b - a)
    return totals[0], totals[1], totals[2]


def exact_ratio(times: Times, slo: str, window: int, at: int) -> float:
    """Bad events over all events within (at − window, at], from the closed form."""
    since = max(at - window, times.start)
    requests = bad = 0.0
    for route in ROUTES:
        now, then = counts(times, route, at), counts(times, route, since)
        requests += now[0] - then[0]
        bad += (now[1] - then[1]) if slo == "availability" else (now[2] - then[2])
    return bad / requests


def _raw_history(path: Path, times: Times, outage: Outage) -> None:
    scrapes = [
        t
        for t in range(times.start, times.end + 1, SCRAPE)
        if not (outage.scrapes_stop and times.down < t < times.back + SCRAPE)
    ]
    counted = {(route, t): counts(times, route, t) for route in ROUTES for t in scrapes}
    lines = [
        "# TYPE gap_http_requests_total counter",
        *(
            f'gap_http_requests_total{{job="gap",route="{route}",code="{code}"}} {value:.3f} {t}'
            for route in ROUTES
            for code in ("200", "500")
            for t in scrapes
            for value in [_split(counted[route, t], code)]
        ),
        "# TYPE gap_http_request_duration_seconds histogram",
        *(
            f'gap_http_request_duration_seconds_bucket{{job="gap",route="{route}",le="{le}"}} {value:.3f} {t}'
            for route in ROUTES
            for le in ("0.3", "+Inf")
            for t in scrapes
            for value in [_bucket(counted[route, t], le)]
        ),
        *(
            f'gap_http_request_duration_seconds_count{{job="gap",route="{route}"}} {counted[route, t][0]:.3f} {t}'
            for route in ROUTES
            for t in scrapes
        ),
        "# EOF",
    ]
    path.write_text("\n".join(lines) + "\n")


def _split(counted: tuple[float, float, float], code: str) -> float:
    requests, errors, _ = counted
    return errors if code == "500" else requests - errors


def _bucket(counted: tuple[float, float, float], le: str) -> float:
    requests, _, slow = counted
    return requests - slow if le == "0.3" else requests


def _steady_recorded(path: Path, times: Times, service: Service, until: int) -> None:
    """The base samples a live Prometheus records on the steady days before the outage: the exact rates."""
    requests = sum(ROUTES.values())
    bad = {"availability": requests * ERROR_SHARE, "latency": requests * SLOW_SHARE}
    stamps = range(times.start + 300, until, STEP)
    families: dict[str, list[str]] = {}
    for slo in service.slos:
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(slo.series_labels.items()))
        for name, value in (
            (naming.total_rate(slo.base_window), requests),
            (naming.errors_rate(slo.base_window), bad[slo.name]),
        ):
            families.setdefault(name, []).extend(f"{name}{{{labels}}} {value} {t}" for t in stamps)
    text = "".join(f"# TYPE {name} gauge\n" + "\n".join(rows) + "\n" for name, rows in families.items())
    path.write_text(text + "# EOF\n")


def _promtool(*args: str) -> None:
    passed = promtool.PROMTOOL.run(list(args))
    if passed.returncode != 0:
        raise AssertionError(f"promtool {' '.join(args)} failed:\n{passed.stdout[-2000:]}{passed.stderr[-2000:]}")


def _blocks_from_openmetrics(source: Path, data: Path) -> None:
    _promtool(
        "tsdb", "create-blocks-from", "openmetrics", "--max-block-duration=720h", "--quiet", str(source), str(data)
    )


def _blocks_from_rules(rule_file: Path, url: str, start: int, end: int, blocks: Path) -> None:
    passed, output = promtool.create_blocks_from_rules([rule_file], url, start, end, blocks, STEP)
    if not passed:
        raise AssertionError(f"promtool create-blocks-from rules {rule_file} failed:\n{output[-3000:]}")


def _live_rule_path(work: Path, group: str) -> Path:
    """A rule file path at which `group` is evaluated LIVE_PHASE seconds into each minute."""
    for number in range(100_000):
        path = (work / f"live-{number}.rules.yml").resolve()
        if abs(promtool.group_phase(group, str(path), STEP) - LIVE_PHASE) < 0.05:
            return path
    raise AssertionError(f"no rule file name puts {group} at {LIVE_PHASE} s")


def move_blocks(blocks: Path, data: Path) -> int:
    moved = 0
    for block in sorted(blocks.iterdir()) if blocks.exists() else []:
        if block.is_dir():
            shutil.move(str(block), data / block.name)
            moved += 1
    return moved


# --- the world -----------------------------------------------------------------------------------------------


@dataclass
class World:
    work: Path
    outage: Outage
    times: Times
    spec: Path
    service: Service
    data: Path  # raw series and what the live Prometheus recorded

    @classmethod
    def build(cls, work: Path, outage: Outage, now: float | None = None) -> "World":
        work.mkdir(parents=True, exist_ok=True)
        times = Times.of(outage, now)
        spec, service = _spec_project(work)
        data = work / "data"
        raw = work / "raw.om"
        _raw_history(raw, times, outage)
        _blocks_from_openmetrics(raw, data)
        seam = times.end - LIVE_HOURS * 3600
        steady = work / "steady.om"
        _steady_recorded(steady, times, service, seam)
        _blocks_from_openmetrics(steady, data)
        world = cls(work, outage, times, spec, service, data)
        world._record_live(seam)
        return world

    def _record_live(self, seam: int) -> None:
        """The base rules as the live Prometheus evaluated them: up to the outage, and from its end on.

        Each SLO's group keeps its generated name, in a file whose name puts its evaluations at LIVE_PHASE
        seconds into the minute (promtool places a group by a hash of name and file): every world records at
        the same instants, so the worlds of one gap differ only by the outage.
        """
        blocks = self.work / "live-blocks"
        with self.prometheus() as prometheus:
            for slo in self.service.slos:
                group = {
                    "name": f"slogen:{self.service.name}:{slo.name}",
                    "interval": "1m",
                    "rules": base_rules(slo, self.service),
                }
                rule_file = write_yaml(_live_rule_path(self.work, str(group["name"])), {"groups": [group]})
                ranges = [(seam, self.times.down), (self.times.back, self.times.end)]
                for start, end in ranges if self.outage.rules_stop else [(seam, self.times.end)]:
                    _blocks_from_rules(rule_file, prometheus.url, start, end, blocks)
        move_blocks(blocks, self.data)

    @contextmanager
    def prometheus(self, data: Path | None = None) -> Iterator[Prometheus]:
        config = write_yaml(self.work / "prometheus.yml", {"global": {"scrape_interval": "15s"}})
        with Prometheus(config, data or self.data, None, RETENTION) as prometheus:
            prometheus.start()
            yield prometheus

    def ratios_with(self, blocks: Path, name: str) -> dict[tuple[str, str], float]:
        """The window ratios of a copy of the data with `blocks` added, read by a freshly started Prometheus."""
        data = self.work / f"data-{name}"
        shutil.copytree(self.data, data, ignore=shutil.ignore_patterns("wal", "chunks_head", "lock", "queries.active"))
        for block in sorted(blocks.iterdir()):
            shutil.copytree(block, data / block.name)
        with self.prometheus(data) as prometheus:
            self.wait_for_ratios(prometheus)
            return self.ratios(prometheus)

    def load_live(self, prometheus: Prometheus, blocks: Path, before: dict[tuple[str, str], float]) -> float:
        """Move copies of `blocks` into the running Prometheus's data directory as the printed procedure says
        (copy beside it, then rename each in); seconds until every ratio has changed."""
        staging = self.data / "slogen-backfill.tmp"
        shutil.copytree(blocks, staging)
        started = time.monotonic()
        for block in sorted(staging.iterdir()):
            block.rename(self.data / block.name)
        staging.rmdir()
        wait_for(
            lambda: all(abs(value - before[key]) > 1e-12 for key, value in self.ratios(prometheus).items()),
            LIVE_RELOAD_TIMEOUT,
            "a running Prometheus answering with the backfilled blocks",
            interval=1.0,
            detail=prometheus.log_tail,
        )
        return time.monotonic() - started

    # --- reading the windows -----------------------------------------------------------------------------

    def expressions(self) -> dict[tuple[str, str], str]:
        """(slo, window) → the generated expression of that window's ratio."""
        records = {"1h": naming.error_ratio(3600), "3d": naming.error_ratio(3 * 86_400), "period": naming.PERIOD_RATIO}
        found = {}
        for group in render_rules(self.service)["groups"]:  # type: ignore[union-attr]
            for rule in group["rules"]:  # type: ignore[index]
                for window, record in records.items():
                    slo = rule.get("labels", {}).get("slo")
                    if rule.get("record") == record and slo:
                        found[(slo, window)] = rule["expr"]
        return found

    def ratios(self, prometheus: Prometheus) -> dict[tuple[str, str], float]:
        return {key: _value(prometheus, expr, self.times.query) for key, expr in self.expressions().items()}

    def exact(self) -> dict[tuple[str, str], float]:
        return {
            (slo, window): exact_ratio(self.times, slo, seconds, self.times.query)
            for slo in SLOS
            for window, seconds in WINDOWS.items()
        }

    def increase(self, prometheus: Prometheus) -> dict[tuple[str, str], float]:
        """`increase(raw[W])` ratios, as Pyrra computes them (Sloth's rate(raw[W]) is the same ratio)."""
        found = {}
        for slo in self.service.slos:
            for window, seconds in WINDOWS.items():
                found[(slo.name, window)] = _value(prometheus, _increase_ratio(slo, seconds), self.times.query)
        return found

    def wait_for_ratios(self, prometheus: Prometheus) -> None:
        """Every window ratio answers (Prometheus has opened every block)."""
        wait_for(
            lambda: all(not _nan(v) for v in self.ratios(prometheus).values()),
            RELOAD_TIMEOUT,
            "every window ratio answers",
            interval=0.5,
        )

    # --- repairs -------------------------------------------------------------------------------------------

    def repair_range(self) -> tuple[int, int]:
        """What an operator passes: the outage with half an hour either side."""
        return self.times.down - 1800, self.times.back + 1800

    def slogen_backfill(self, url: str, out: Path) -> Any:
        start, end = self.repair_range()
        args = ["backfill", "--from", str(start), "--to", str(end), "--url", url, "--specs", str(self.spec)]
        result = CliRunner().invoke(slogen_cli, [*args, "--out", str(out)])
        if result.exit_code != 0:
            raise AssertionError(f"slogen backfill failed ({result.exit_code}):\n{result.output}")
        return result

    def plain_backfill(self, url: str, out: Path) -> None:
        """What the issue first proposed: the base rules over the whole repair range, holes or not."""
        start, end = self.repair_range()
        groups = [
            {"name": f"plain:{self.service.name}:{slo.name}", "interval": "1m", "rules": base_rules(slo, self.service)}
            for slo in self.service.slos
        ]
        rule_file = write_yaml(self.work / "plain.rules.yml", {"groups": groups})
        _blocks_from_rules(rule_file, url, start, end, out)


def _increase_ratio(slo: SLO, seconds: int) -> str:
    window = f"{seconds}s"
    if isinstance(slo.sli, LatencySLI):
        count = 'gap_http_request_duration_seconds_count{job="gap"}'
        good = 'gap_http_request_duration_seconds_bucket{job="gap", le="0.3"}'
        return f"1 - sum(increase({good}[{window}])) / sum(increase({count}[{window}]))"
    return (
        f'sum(increase(gap_http_requests_total{{job="gap", code="500"}}[{window}])) '
        f'/ sum(increase(gap_http_requests_total{{job="gap"}}[{window}]))'
    )


def _value(prometheus: Prometheus, expr: str, at: int) -> float:
    result = prometheus.query(expr, at=at)
    return float(result[0]["value"][1]) if result else float("nan")


def _nan(value: float) -> bool:
    return value != value


def relative(value: float, exact: float) -> float:
    return (value - exact) / exact


def recorded_minutes(prometheus: Prometheus, service: Service, since: int, until: int) -> dict[str, int]:
    """Samples of each SLO's recorded total within (since, until]."""
    found = {}
    for slo in service.slos:
        series = f'{naming.total_rate(slo.base_window)}{{service="{service.name}", slo="{slo.name}"}}'
        result = prometheus.query(f"count_over_time({series}[{until - since}s])", at=until)
        found[slo.name] = int(float(result[0]["value"][1])) if result else 0
    return found


def measure(work: Path, outage: Outage, plain: bool = False, reload: bool = False) -> dict[str, Any]:
    """Every reading of one outage: exact, as recorded (no repair), increase(), after `slogen backfill` (blocks
    loaded by a restart), and optionally after a plain promtool backfill of the range and the seconds a running
    Prometheus takes to pick the blocks up without a restart. Readings are {(slo, window): ratio}."""
    world = World.build(work, outage)
    found: dict[str, Any] = {"exact": world.exact(), "times": world.times}
    with world.prometheus() as prometheus:
        world.wait_for_ratios(prometheus)
        found["recorded"] = world.ratios(prometheus)
        found["increase"] = world.increase(prometheus)
        if not outage.rules_stop:
            return found
        found["report"] = world.slogen_backfill(prometheus.url, work / "backfill").output
        if plain:
            world.plain_backfill(prometheus.url, work / "plain-blocks")
        if reload:
            found["reload_seconds"] = world.load_live(prometheus, work / "backfill" / "blocks", found["recorded"])
    found["slogen"] = world.ratios_with(work / "backfill" / "blocks", "repaired")
    if plain:
        found["plain"] = world.ratios_with(work / "plain-blocks", "plain")
    return found
