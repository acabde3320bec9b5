"""`slogen backfill`: rebuild the recorded base rates where Prometheus did not record them, from raw data.

Every window and the period are sums of the two recorded base series (docs/rules.md), so the minutes in which
the base rules were not evaluated (Prometheus down, or its ruler) are missing from every window and from the
budget. This module finds those minutes (holes) per SLO in the recorded series, and writes one rule file per
hole with the SLO's base rules as `render.rules` renders them, changed in two ways only:

- the errors rule's zero fallback reads the raw total instead of the recorded one (`promtool tsdb
  create-blocks-from rules` evaluates every rule on its own, against a Prometheus that has no recorded total
  for the hole);
- when the raw counters have no samples either for at least the base window (Prometheus itself was down),
  each counter's increase across that raw gap, which no 5-minute rate can see, is spread evenly over the
  filled minutes of the gap (`GapBridging`).

Then promtool evaluates each file over its hole only, one sample per missing evaluation, at the second of the
minute at which the live group evaluated (`group_name`), so no filled sample lands beside a recorded one.
Everything but `run`, `_evaluate`, `plan` and `PrometheusAPI` is pure.
"""

import contextlib
import itertools
import json
import math
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import yaml

from . import naming, promtool
from .durations import format_duration
from .model import SLO, LatencySLI, Project, RatioSLI, Service
from .promql import PROMETHEUS, PromQL
from .render.rules import SLI_INTERVAL, sli_rules

STEP = SLI_INTERVAL  # the generated SLO group's interval: one filled sample per minute, like the live rules
MARGIN = 600  # how far beyond --from/--to to look for the recorded samples that bound a hole
RAW_STEP = 60  # resolution of the raw-sample scan
MAX_POINTS = 10_000  # Prometheus refuses range queries of more than 11,000 points
HTTP_TIMEOUT = 60.0
LOOKBACK = 600  # the last raw sample before a gap is at most this old at the gap's start
GAP_LABEL = "slogen_backfill_gap"
PHASE_TOLERANCE = 0.05  # seconds between the chosen group's minute phase and the live one
LAST_SECOND = STEP - 1.0  # promtool drops samples after this second of the minute at each 2h block boundary
MAX_NAMES = 100_000  # group names to try for a phase; each is one hash, about 600 are needed on average
# The @ modifier (a fixed evaluation time inside an expression) is on by default from Prometheus 2.33.
AT_MODIFIER = (2, 33)
# Overlapping blocks are merged by default from Prometheus 2.39; before, only with this flag.
OVERLAPPING_DEFAULT = (2, 39)
OVERLAPPING_FLAG = "--storage.tsdb.allow-overlapping-blocks"


class BackfillError(RuntimeError):
    """Something the operator must fix (Prometheus unreachable, promtool failed, blocks left over): one line."""


# --- time ---------------------------------------------------------------------------------------------------

_UNIX = re.compile(r"^[0-9]+(\.[0-9]+)?$")


def parse_time(text: str) -> float:
    """Unix seconds from RFC 3339 (`2024-05-01T12:00:00Z`, `…+02:00`, fractions allowed) or unix seconds."""
    text = text.strip()
    if _UNIX.match(text):
        return float(text)
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"{text!r} is neither RFC 3339 (2024-05-01T12:00:00Z) nor unix seconds (1714564800)") from None
    if "T" not in text.upper() or parsed.tzinfo is None:
        raise ValueError(f"{text!r} needs a date, a time and a UTC offset, as RFC 3339: 2024-05-01T12:00:00Z")
    return parsed.timestamp()


def format_time(seconds: float) -> str:
    """RFC 3339 in UTC, to the second, for what the operator reads."""
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- holes in the recorded base series (pure) ----------------------------------------------------------------


@dataclass(frozen=True)
class Hole:
    """Recorded base samples are missing between `after` and `before` (None: none found within the margin).

    `first` and `last` (whole seconds) are the closed range promtool evaluates, a whole number of steps long.
    promtool evaluates at a fixed second of each minute (a hash of the group's name and file), so it writes one
    sample per step of that length whatever that second is (one more only if it fell on `first` to the
    nanosecond). When both neighbours are known the range starts 30 s after `after` and is exactly as many steps
    long as there are missing evaluations: the filled samples replace exactly those, none beside a recorded one.
    """

    first: int
    last: int
    after: float | None = None
    before: float | None = None

    @property
    def samples(self) -> int:
        """How many samples promtool writes into the hole."""
        return (self.last - self.first) // STEP

    @property
    def phase(self) -> float | None:
        """Seconds into the minute at which the live group evaluated (None: no recorded neighbour)."""
        live = self.after if self.after is not None else self.before
        return None if live is None else live % STEP


def find_holes(recorded: Sequence[float], start: float, end: float) -> list[Hole]:
    """Stretches within [start, end] without recorded samples for more than 1.5 steps.

    `recorded` holds the sample times of an SLO's recorded total over [start − MARGIN, end + MARGIN].
    """
    times = sorted(set(recorded))
    bounds: list[tuple[float | None, float | None]] = []
    if not times:
        bounds.append((None, None))
    else:
        bounds.append((None, times[0]))
        bounds.extend((p, q) for p, q in itertools.pairwise(times) if q - p > 1.5 * STEP)
        bounds.append((times[-1], None))
    holes = []
    for after, before in bounds:
        hole = _fill_range(after, before, start, end)
        if hole is not None:
            holes.append(hole)
    return holes


def _fill_range(after: float | None, before: float | None, start: float, end: float) -> Hole | None:
    half = STEP // 2
    if after is not None and before is not None:
        first = math.ceil(after) + half
        last = first + STEP * (round((before - after) / STEP) - 1)  # one step per missing evaluation
        last = min(last, math.ceil(before) - half)  # only shorter if the live phase changed across the hole
    elif after is not None:  # nothing recorded after the hole: fill up to `end`
        first = math.ceil(after) + half
        last = first + STEP * math.floor((end - first) / STEP)
    elif before is not None:  # nothing recorded before: end half a step before the next sample
        last = math.floor(before) - half
        first = last - STEP * math.floor((last - start) / STEP)
    else:
        first = math.ceil(start)
        last = first + STEP * math.floor((end - first) / STEP)
    # Only what lies within [start, end], on the same steps.
    if first < start:
        first += STEP * math.ceil((start - first) / STEP)
    if last > end:
        last -= STEP * math.ceil((last - end) / STEP)
    if last - first < STEP:
        return None
    return Hole(first, last, after, before)


# --- gaps in the raw series (pure) ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RawGap:
    """No raw sample of the SLI between `last_seen` and `back`, each a scan step: the last raw sample before the
    gap is at or before `last_seen`, the first after it is within the step that ends at `back`."""

    last_seen: float
    back: float

    def spread(self, hole: Hole) -> tuple[float, float] | None:
        """(a, b): the jump is spread over the filled samples between a and b + STEP (see GapBridging)."""
        a = max(self.last_seen, float(hole.first))
        b = min(self.back, float(hole.last)) - STEP
        return (a, b) if b - a >= 1 else None


def find_raw_gaps(present: Sequence[float], scanned: Sequence[float], base_window: int) -> list[RawGap]:
    """Runs of scan steps without raw samples, bounded by steps with samples, at least `base_window` long.

    A shorter gap is (mostly) inside some 5-minute rate window, which already counts the increase across it.
    """
    have = set(present)
    gaps = []
    last_seen: float | None = None
    for t in sorted(scanned):
        if t not in have:
            continue
        if last_seen is not None and t - last_seen >= base_window:
            gaps.append(RawGap(last_seen, t))
        last_seen = t
    return gaps


# --- the rules promtool evaluates (pure) ---------------------------------------------------------------------


def _ms(seconds: float) -> str:
    return f"{round(seconds * 1000)}ms"


def _at(seconds: float) -> str:
    return f"{seconds:.3f}"


@dataclass(frozen=True)
class Bridge:
    """One raw gap: its jump is read at `last_seen` and just after `back`, and spread over [a, b + STEP]."""

    last_seen: float
    back: float
    a: float
    b: float


@dataclass(frozen=True)
class GapBridging(PromQL):
    """Rates that also count each counter's increase across the given raw gaps.

    Per raw series, the jump is `min_over_time` after the gap (the first sample after it, counters only grow)
    minus `last_over_time` at its start; after a counter reset, the value after the gap. A series that first
    appears after the gap has no jump, as for rate() and increase(). The jump is spread over the filled
    samples with a trapezoid weight h(t) (0 before a, rising to 1 over one step, 1 until b, falling to 0 over
    one step): for any minute phase, the weights of samples one step apart sum to exactly (b − a) / STEP, so
    the filled samples add up to the whole jump wherever promtool's minutes fall.
    """

    bridges: tuple[Bridge, ...] = field(default=())
    base_window: int = 300

    def rate(self, selector: str, window: int | str) -> str:
        plain = super().rate(selector, window)
        if not self.bridges:
            return plain
        parts = [plain] + [self._spread_jump(selector, i, bridge) for i, bridge in enumerate(self.bridges, 1)]
        return "(" + " or ".join(parts) + ")"

    def _spread_jump(self, selector: str, index: int, bridge: Bridge) -> str:
        after_gap = bridge.back + 2 * STEP  # every series has scraped again by then
        first = f"min_over_time({selector}[{_ms(after_gap - bridge.last_seen - 0.001)}] @ {_at(after_gap)})"
        last = f"last_over_time({selector}[{_ms(LOOKBACK)}] @ {_at(bridge.last_seen)})"
        jump = f"({first} - {last} >= 0 or {first} and {last})"
        # rate() extrapolates half a scrape interval into the gap on both sides: the filled rates before it and
        # the live rates after it already count that much of the jump. Half the last increment before the gap
        # and half the first one after it.
        increments = [
            f"clamp_min(idelta({selector}[{format_duration(self.base_window)}] @ {_at(at)}), 0)"
            for at in (bridge.last_seen, after_gap)
        ]
        uncounted = f"(clamp_min({jump} - ({increments[0]} + {increments[1]}) / 2, 0) or {jump})"
        now = "vector(time() - {})"
        weight = (
            f"(clamp({now.format(_at(bridge.a))}, 0, {STEP}) - clamp({now.format(_at(bridge.b))}, 0, {STEP})) / {STEP}"
        )
        spread = f"{uncounted} * on () group_left () ({weight}) / {_at(bridge.b - bridge.a)}"
        return f'label_replace({spread}, "{GAP_LABEL}", "{index}", "", "")'


def bridges(hole: Hole, gaps: Iterable[RawGap]) -> tuple[Bridge, ...]:
    found = []
    for gap in gaps:
        spread = gap.spread(hole)
        if spread is not None:
            found.append(Bridge(gap.last_seen, gap.back, *spread))
    return tuple(found)


def base_rules(slo: SLO, service: Service, ql: PromQL = PROMETHEUS) -> list[dict[str, object]]:
    """The SLO's two base recording rules as generated, with every read of the recorded total (the errors
    rule's `or 0 * total` fallback) reading the raw total instead: promtool evaluates each rule alone, against
    data without the recorded total, where the fallback would otherwise leave a never-incremented error counter
    without an errors sample."""
    total_name, errors_name = naming.total_rate(slo.base_window), naming.errors_rate(slo.base_window)
    rules = {str(rule.get("record")): dict(rule) for rule in sli_rules(slo, service, ql) if "record" in rule}
    total, errors = rules[total_name], rules[errors_name]
    recorded_total = ql.series(total_name, slo.identity)
    errors["expr"] = str(errors["expr"]).replace(recorded_total, f"({total['expr']})")
    return [total, errors]


def counts_events(slo: SLO) -> bool:
    """Whether the SLI reads counters, whose increase across a raw gap is still there after it (probes: no)."""
    return isinstance(slo.sli, RatioSLI | LatencySLI)


def rule_file(slo: SLO, service: Service, hole: Hole, gaps: Sequence[RawGap], name: str) -> dict[str, object]:
    ql = GapBridging(bridges=bridges(hole, gaps), base_window=slo.base_window) if counts_events(slo) else PROMETHEUS
    group = {
        "name": name,
        "interval": format_duration(STEP),
        "rules": base_rules(slo, service, ql),
    }
    return {"groups": [group]}


# --- talking to Prometheus -----------------------------------------------------------------------------------


class Source(Protocol):
    def query(self, expr: str, at: float) -> list[dict[str, Any]]: ...

    def query_range(self, expr: str, start: float, end: float, step: int) -> list[dict[str, Any]]: ...


@dataclass(frozen=True)
class PrometheusAPI:
    url: str
    timeout: float = HTTP_TIMEOUT

    def _get(self, path: str, params: dict[str, str]) -> Any:
        address = f"{self.url.rstrip('/')}/api/v1/{path}?{urllib.parse.urlencode(params)}"
        try:
            with urllib.request.urlopen(address, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")
            with contextlib.suppress(ValueError):
                detail = json.loads(detail).get("error", detail)
            raise BackfillError(f"Prometheus at {self.url} answered {err.code} to {path}: {detail}") from None
        except urllib.error.URLError as err:
            raise BackfillError(f"cannot read from Prometheus at {self.url}: {err.reason}") from None
        except (OSError, ValueError) as err:
            raise BackfillError(f"cannot read from Prometheus at {self.url}: {err}") from None
        if answer.get("status") != "success":
            raise BackfillError(f"Prometheus at {self.url} refused {path}: {answer.get('error', answer)}")
        return answer["data"]

    def query(self, expr: str, at: float) -> list[dict[str, Any]]:
        return list(self._get("query", {"query": expr, "time": _at(at)})["result"])

    def query_range(self, expr: str, start: float, end: float, step: int) -> list[dict[str, Any]]:
        params = {"query": expr, "start": _at(start), "end": _at(end), "step": str(step)}
        return list(self._get("query_range", params)["result"])

    def version(self) -> tuple[int, int] | None:
        try:
            text = str(self._get("status/buildinfo", {}).get("version", ""))
        except BackfillError:
            return None
        match = re.match(r"v?(\d+)\.(\d+)", text)
        return (int(match.group(1)), int(match.group(2))) if match else None


def recorded_times(source: Source, slo: SLO, start: float, end: float) -> list[float]:
    """Times of the SLO's recorded total samples (any of its series) over [start − MARGIN, end + MARGIN]."""
    series = PROMETHEUS.series(naming.total_rate(slo.base_window), slo.identity)
    span = end - start + 2 * MARGIN
    result = source.query(f"{series}[{_ms(span)}]", end + MARGIN)
    return sorted({float(t) for one in result for t, _ in one.get("values", [])})


def raw_gaps(source: Source, slo: SLO, hole: Hole) -> list[RawGap]:
    """Gaps of at least the base window in the SLI's raw series around a hole, at one-minute resolution."""
    if not counts_events(slo):
        return []
    expr = f"count(count_over_time({slo.sli.presence}[{format_duration(RAW_STEP)}]))"
    scan_from, scan_to = hole.first - MARGIN, hole.last + MARGIN
    scanned: list[float] = []
    present: list[float] = []
    chunk = RAW_STEP * (MAX_POINTS - 1)
    at = float(scan_from)
    while at <= scan_to:
        until = min(at + chunk, scan_to)
        scanned.extend(at + RAW_STEP * i for i in range(int((until - at) // RAW_STEP) + 1))
        for one in source.query_range(expr, at, until, RAW_STEP):
            present.extend(float(t) for t, _ in one.get("values", []))
        at = until + RAW_STEP
    return find_raw_gaps(present, scanned, slo.base_window)


# --- the plan and the run ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    service: Service
    slo: SLO
    hole: Hole
    gaps: tuple[RawGap, ...]
    shift: float = 0.0  # seconds between promtool's minute phase and the live group's, when they differ
    written: int = 0  # samples promtool wrote (0: no raw data in the hole)

    @property
    def name(self) -> str:
        return f"{self.service.name}/{self.slo.name}"

    @property
    def bridged(self) -> int:
        return len(bridges(self.hole, self.gaps)) if counts_events(self.slo) else 0


def plan(project: Project, source: Source, start: float, end: float) -> list[Fill]:
    fills = []
    for service in project.services:
        for slo in service.slos:
            for hole in find_holes(recorded_times(source, slo, start, end), start, end):
                fills.append(Fill(service, slo, hole, tuple(raw_gaps(source, slo, hole))))
    return fills


@dataclass(frozen=True)
class Result:
    fills: list[Fill]
    blocks: Path
    rules: Path
    url: str
    version: tuple[int, int] | None
    start: float
    end: float


def run(project: Project, url: str, start: float, end: float, out: Path) -> Result:
    """Find the holes, write one rule file per hole under out/rules, and promtool's blocks into out/blocks."""
    blocks, rules_dir = out / "blocks", out / "rules"
    if blocks.exists() and any(blocks.iterdir()):
        raise BackfillError(
            f"{blocks} already holds blocks from an earlier run; copying them twice would count their events "
            "twice: move them away or pass another --out"
        )
    promtool.version()
    api = PrometheusAPI(url)
    version = api.version()
    fills = plan(project, api, start, end)
    if any(fill.bridged for fill in fills) and version is not None and version < AT_MODIFIER:
        raise BackfillError(
            f"Prometheus {version[0]}.{version[1]} at {url} does not evaluate the @ modifier by default, which "
            f"bridging a raw gap needs; upgrade to {AT_MODIFIER[0]}.{AT_MODIFIER[1]} or later, or start it with "
            "--enable-feature=promql-at-modifier"
        )
    rules_dir.mkdir(parents=True, exist_ok=True)
    blocks.mkdir(parents=True, exist_ok=True)
    encoding = promtool.LABEL_ENCODINGS[0]
    done = []
    for number, fill in enumerate(fills, 1):
        path = (rules_dir / f"{number:04d}-{fill.service.name}-{fill.slo.name}.rules.yml").resolve()
        shift, written, encoding = _evaluate(fill, path, url, blocks, encoding)
        done.append(replace(fill, shift=shift, written=written))
    return Result(done, blocks, rules_dir, url, version, start, end)


def group_name(fill: Fill, path: Path, encoding: str) -> str:
    """A name for the fill's group at which promtool evaluates in the live group's second of the minute.

    promtool places a group's evaluations by a hash of its name and file, as Prometheus does; evaluating at
    another second than the live group would put the filled minutes up to 30 s off the recorded ones and move
    that many seconds of events from one end of the hole to the other. promtool also never writes a sample
    in the last second before a 2h block boundary (it cuts each block's range to whole seconds), so no phase
    in the minute's last second: there the fill runs up to a second early.
    """
    base = f"slogen-backfill:{fill.service.name}:{fill.slo.name}"
    target = fill.hole.phase
    for suffix in range(MAX_NAMES):
        name = f"{base}:{suffix}" if suffix else base
        phase = promtool.group_phase(name, str(path), STEP, encoding)
        if phase > LAST_SECOND:
            continue
        if target is None or _apart(phase, min(target, LAST_SECOND - PHASE_TOLERANCE)) < PHASE_TOLERANCE:
            return name
    return base


def _evaluate(fill: Fill, path: Path, url: str, blocks: Path, encoding: str) -> tuple[float, int, str]:
    """promtool over one hole, into a staging directory, then its blocks into `blocks`:
    (shift, samples written, encoding).

    If promtool evaluated at another second than predicted and the other label layout explains it, this
    promtool hashes that way: evaluate once more with a name chosen for it, and keep that layout for the rest.
    """
    staging = blocks / f".{path.stem}"
    target = fill.hole.phase
    actual: float | None = None
    for attempt in range(2):
        name = group_name(fill, path, encoding)
        document = rule_file(fill.slo, fill.service, fill.hole, fill.gaps, name)
        path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000), encoding="utf-8")
        shutil.rmtree(staging, ignore_errors=True)
        passed, output = promtool.create_blocks_from_rules([path], url, fill.hole.first, fill.hole.last, staging, STEP)
        if not passed:
            last = next((line for line in reversed(output.strip().splitlines()) if line.strip()), "no output")
            raise BackfillError(f"promtool tsdb create-blocks-from rules failed for {fill.name} ({path}): {last}")
        actual = _first_phase(staging)
        if actual is None or target is None or _apart(actual, target) < 1 or attempt:
            break
        layouts = [
            other
            for other in promtool.LABEL_ENCODINGS
            if other != encoding and _apart(promtool.group_phase(name, str(path), STEP, other), actual) < 0.01
        ]
        if not layouts:
            break
        encoding = layouts[0]
    written = sum(json.loads(meta.read_text())["stats"]["numSamples"] for meta in staging.glob("*/meta.json"))
    for block in sorted(staging.iterdir()) if staging.exists() else []:
        block.rename(blocks / block.name)
    shutil.rmtree(staging, ignore_errors=True)
    shift = 0.0 if actual is None or target is None else (actual - target + STEP / 2) % STEP - STEP / 2
    return shift, written, encoding


def _first_phase(blocks: Path) -> float | None:
    """Seconds into the minute of the first sample promtool wrote (each block's meta.json has its minTime)."""
    times = []
    for meta in blocks.glob("*/meta.json") if blocks.exists() else []:
        times.append(json.loads(meta.read_text())["minTime"] / 1000)
    return min(times) % STEP if times else None


def _apart(a: float, b: float) -> float:
    """Distance between two phases within the minute."""
    d = abs(a - b) % STEP
    return min(d, STEP - d)


# --- what the operator does next (pure) ----------------------------------------------------------------------


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.0f} min"


def report(result: Result) -> str:
    span = f"{format_time(result.start)} – {format_time(result.end)}"
    if not result.fills:
        return f"slogen backfill: no holes in the recorded base rates of any SLO between {span}; nothing to do.\n"
    lines = [f"slogen backfill: {len(result.fills)} hole(s) in the recorded base rates between {span}:"]
    for fill in result.fills:
        hole = fill.hole
        if not fill.written:
            lines.append(
                f"  {fill.name}: {format_time(hole.first)} to {format_time(hole.last)}: no raw data, nothing written"
            )
            continue
        note = f"; raw counters had a gap too, its increase bridged ({fill.bridged})" if fill.bridged else ""
        if abs(fill.shift) >= 1:
            note += f"; filled {abs(fill.shift):.0f} s {'after' if fill.shift > 0 else 'before'} the live minutes"
        lines.append(
            f"  {fill.name}: {hole.samples} minute(s) filled from {format_time(hole.first)} to "
            f"{format_time(hole.last)}{note}"
        )
    if not any(fill.written for fill in result.fills):
        return "\n".join([*lines, "", "Nothing to copy: no raw data in any hole."]) + "\n"
    lines += ["", f"Rule files: {result.rules}/   Blocks: {result.blocks}/", "", "Next:"]
    lines += _next_steps(result)
    return "\n".join(lines) + "\n"


def _next_steps(result: Result) -> list[str]:
    version = result.version
    shown = f"Prometheus {version[0]}.{version[1]}" if version else "Prometheus (version unknown)"
    if version is None:
        overlap = (
            f"   Prometheus 2.39 and later merge overlapping blocks by default; before 2.39 it must run with "
            f"{OVERLAPPING_FLAG} (a restart), or it refuses them."
        )
    elif version >= OVERLAPPING_DEFAULT:
        overlap = f"   {shown} merges overlapping blocks by default: no restart, no flag."
    else:
        overlap = (
            f"   {shown} refuses blocks that overlap its own unless it runs with {OVERLAPPING_FLAG}: add the flag "
            "and restart it before step 2 (2.39 and later need no flag)."
        )
    oldest = min(fill.hole.first for fill in result.fills if fill.written)
    return [
        "1. Do not stop Prometheus. Check that its retention (--storage.tsdb.retention.time) reaches back to",
        f"   {format_time(oldest)}: blocks older than the retention are deleted.",
        overlap,
        "2. Copy the blocks next to Prometheus's data directory (--storage.tsdb.path, DATA below), on the same",
        "   filesystem, then move each into it: a move is atomic, so Prometheus never reads half a block.",
        f"     mkdir DATA/slogen-backfill.tmp && cp -r {result.blocks}/* DATA/slogen-backfill.tmp/",
        "     mv DATA/slogen-backfill.tmp/* DATA/ && rmdir DATA/slogen-backfill.tmp",
        "   (Kubernetes: kubectl cp into the pod's volume, then the same mv inside the pod.)",
        "   Prometheus reads new blocks within a minute and merges them at its next compaction.",
        "3. Verify: after a minute, run this same command again with another --out: it finds no hole where",
        "   minutes were filled. slogen:sli_error:ratio_period and slogen:error_budget_remaining:ratio include the",
        "   outage at their next evaluation (within 5 minutes); values recorded before the repair stay as they were.",
        "4. Copy the blocks once only: a second copy counts the filled minutes twice. Delete "
        f"{result.blocks}/ when done.",
    ]
