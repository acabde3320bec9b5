"""The Simulator: SimCity's state (power, scenario, simulated time) and every series of the contract.

Counts are exact and deterministic. Each counter child accumulates its expected events A (rate × seconds, per
scenario) and exports floor(phase + A): the fraction carries over from one advance to the next, so the count
is a whole number that never goes down. A histogram child exports floor(phase + A·F(le)) per bucket with the
same phase, so buckets are cumulative and the +Inf bucket equals _count. The HTTP counter and histogram share
their phases and rates: a route's requests_total equals its duration _count.

Phases are drawn from the seed in [0, 0.5): a rare stream (a healthy route's 5xx) sees its first event no
sooner than half its mean interval, so a fresh Prometheus never starts with one error among ten requests.
"""

import math
import random
import threading
from collections.abc import Iterable

from . import contract as c
from .exposition import render_text
from .scenarios import scenario as lookup
from .traffic import Drift, Key, Plan, plan

# The one case the double_charge scenario finds: a user's booking.
DOUBLE_CHARGE: Key = ("bookiji_payments_double_charge_total", (c.USER,))
JITTER_PERIOD = 60.0  # seconds of simulated time between two seeded jitter draws of a gauge

Value = int | float | tuple[list[int], float]  # counter/gauge value, or (cumulative buckets incl. +Inf, sum)
Snapshot = list[tuple[c.Family, list[tuple[c.Labels, Value]]]]


class Simulator:
    """Bookiji's metrics under a scenario. Thread-safe: the server's ticker and request handlers share one."""

    def __init__(self, seed: int = 1, rps: float = 20.0, *, families: Iterable[str] | None = None) -> None:
        if not (rps >= 0 and math.isfinite(rps)):
            raise ValueError(f"rps must be a finite number ≥ 0, not {rps!r}")
        self.seed = seed
        self.rps = float(rps)
        self.families = c.resolve(families)
        self._lock = threading.RLock()
        self._power = True
        self._scenario = "healthy"
        self._seconds = 0.0
        self._live_seconds = 0.0  # simulated time of the last advance with power on: gauges keep its jitter
        self._double_charge_due = False
        self._synthetic = False  # synthetic traffic's children are exported once a scenario has run it
        # Load: a factor on every event rate, linear from (start, value) to (end, value) in simulated seconds.
        self._load_from = (0.0, 1.0)
        self._load_to = (0.0, 1.0)
        self._phase: dict[Key, float] = {}
        self._acc: dict[Key, list[float]] = {}
        self._extra: dict[Key, int] = {}
        self._gauges: dict[Key, float] = {}
        self._jitter: dict[Key, float] = {}
        self._selected = {family.name for family in self.families}
        self._compiled: dict[str, tuple[list[tuple[list[float], list[float]]], list[tuple[Key, Drift]]]] = {}
        self._start()

    # ---- state -----------------------------------------------------------------------------------------

    @property
    def power(self) -> bool:
        return self._power

    @property
    def scenario(self) -> str:
        return self._scenario

    @property
    def seconds(self) -> float:
        """Simulated seconds since start-up."""
        return self._seconds

    def set_scenario(self, name: str) -> None:
        chosen = lookup(name)  # ValueError for unknown names
        with self._lock:
            if name == "double_charge" and self._scenario != name:
                self._double_charge_due = True
            self._synthetic = self._synthetic or chosen.synthetic is not None
            self._scenario = name

    def set_power(self, on: bool) -> None:
        with self._lock:
            self._power = bool(on)

    @property
    def load(self) -> float:
        """The factor on every event rate now (1 = `rps` requests per second)."""
        with self._lock:
            return self._load_at(self._seconds)

    def set_load(self, factor: float, over: float = 0.0) -> None:
        """Scale every event rate (requests, flows, webhooks, jobs, …) by `factor`, reached linearly over the next
        `over` simulated seconds from the load now: a traffic ramp. Gauges, probe runs and the scenario's shares
        (error ratios, latencies) do not change; counts stay whole and exact, since each advance adds the integral
        of the load over its interval."""
        if not (factor >= 0 and math.isfinite(factor)):
            raise ValueError(f"load must be a finite factor ≥ 0, not {factor!r}")
        if not (over >= 0 and math.isfinite(over)):
            raise ValueError(f"a ramp takes a finite number of seconds ≥ 0, not {over!r}")
        with self._lock:
            self._load_from = (self._seconds, self._load_at(self._seconds))
            self._load_to = (self._seconds + over, float(factor))

    def status(self) -> dict:
        with self._lock:
            return {
                "power": self._power,
                "scenario": self._scenario,
                "seed": self.seed,
                "rps": self.rps,
                "load": self._load_at(self._seconds),
                "load_target": self._load_to[1],
                "simulated_seconds": self._seconds,
            }

    def advance(self, seconds: float) -> None:
        """Move simulated time on by `seconds`; with power on, traffic flows under the current scenario."""
        if not (seconds >= 0 and math.isfinite(seconds)):
            raise ValueError(f"advance() takes a finite number of seconds ≥ 0, not {seconds!r}")
        with self._lock:
            if self._power:
                self._flow(seconds)
                self._live_seconds = self._seconds + seconds
            self._seconds += seconds

    # ---- output ----------------------------------------------------------------------------------------

    def snapshot(self, target: str = "all") -> Snapshot:
        """Every exported family of `target` ("app", "probe" or "all") with the value of each child."""
        if target not in (*c.TARGETS, "all"):
            raise ValueError(f"target must be one of {(*c.TARGETS, 'all')}, not {target!r}")
        with self._lock:
            return [
                (family, [(labels, self._value(family, (family.name, labels))) for labels in self._children(family)])
                for family in self.families
                if target in ("all", family.target)
            ]

    def exposition(self, target: str = "all") -> str:
        """Prometheus text format 0.0.4. /metrics serves target "app", /probe/metrics target "probe"."""
        return render_text(self.snapshot(target))

    # ---- internals -------------------------------------------------------------------------------------

    def _start(self) -> None:
        buckets = {family.name: family.buckets for family in self.families}
        for family in self.families:
            for labels in family.children:
                key = (family.name, labels)
                draw = random.Random(f"{self.seed}|{family.phase_key}|{'|'.join(labels)}").random()
                self._phase[key] = 0.5 * draw
                width = 1 if family.kind == c.COUNTER else len(buckets[family.name]) + 2
                self._acc[key] = [0.0] * width if family.kind != c.GAUGE else []
        for key, drift in self._compile(self._scenario)[1]:
            self._gauges[key] = drift.target
            self._jitter[key] = drift.jitter

    def _children(self, family: c.Family) -> list[c.Labels]:
        """The children exported now: the users' from start-up (README §2.3), synthetic traffic's from the moment
        a scenario first runs it (at 0), and from then on."""
        return family.children if self._synthetic else family.startup_children

    def _compile(self, name: str) -> tuple[list[tuple[list[float], list[float]]], list[tuple[Key, Drift]]]:
        """Per-second increments of every accumulator under scenario `name`, cached per scenario."""
        if name not in self._compiled:
            traffic: Plan = plan(lookup(name), self.rps)
            flows: list[tuple[list[float], list[float]]] = []
            for family in self.families:
                for labels in family.children:
                    key = (family.name, labels)
                    if family.kind == c.COUNTER:
                        flows.append((self._acc[key], [traffic.rates[key]]))
                    elif family.kind == c.HISTOGRAM:
                        rate, latency = traffic.observed[key]
                        per_bucket = [rate * share for share in latency.cdfs(family.buckets)]
                        flows.append((self._acc[key], [rate, *per_bucket, rate * latency.mean(family.buckets)]))
            gauges = [(key, drift) for key, drift in traffic.gauges.items() if key[0] in self._selected]
            self._compiled[name] = (flows, gauges)
        return self._compiled[name]

    def _flow(self, seconds: float) -> None:
        if self._double_charge_due:
            self._double_charge_due = False
            if DOUBLE_CHARGE in self._acc:
                self._extra[DOUBLE_CHARGE] = self._extra.get(DOUBLE_CHARGE, 0) + 1
        flows, gauges = self._compile(self._scenario)
        loaded = self._load_integral(self._seconds, seconds)
        for accumulators, increments in flows:
            for i, increment in enumerate(increments):
                accumulators[i] += increment * loaded
        for key, drift in gauges:
            self._gauges[key] = _drift(self._gauges[key], drift, seconds)
            self._jitter[key] = drift.jitter

    def _load_at(self, at: float) -> float:
        (start, first), (end, last) = self._load_from, self._load_to
        if at >= end or end <= start:
            return last
        return first + (last - first) * max(0.0, at - start) / (end - start)

    def _load_integral(self, start: float, seconds: float) -> float:
        """∫ load dt over [start, start + seconds]: exact, the load is linear up to the ramp's end and constant
        after it. Outside a ramp it is load × seconds, so a load of 1 gives the very floats it always gave."""
        end, last = self._load_to
        if start >= end:
            return last * seconds
        middle = min(start + seconds, end)
        ramped = (self._load_at(start) + self._load_at(middle)) / 2 * (middle - start)
        return ramped + last * max(0.0, start + seconds - middle)

    def _value(self, family: c.Family, key: Key) -> Value:
        if family.kind == c.GAUGE:
            return self._gauge(family, key)
        acc, phase = self._acc[key], self._phase[key]
        if family.kind == c.COUNTER:
            return math.floor(phase + acc[0]) + self._extra.get(key, 0) if family.whole else acc[0]
        count = math.floor(phase + acc[0])
        cumulative, below = [], 0
        for expected in acc[1:-1]:
            # Clamped: float rounding must never put a bucket above _count or below the bucket before it.
            below = min(count, max(below, math.floor(phase + expected)))
            cumulative.append(below)
        cumulative.append(count)
        return cumulative, acc[-1]

    def _gauge(self, family: c.Family, key: Key) -> int | float:
        value, spread = self._gauges[key], self._jitter[key]
        if spread:
            minute = math.floor(self._live_seconds / JITTER_PERIOD)
            draw = random.Random(f"{self.seed}|{key[0]}|{'|'.join(key[1])}|{minute}").random()
            value *= 1 + spread * (2 * draw - 1)
        return math.floor(value) if family.whole else round(value, 6)


def _drift(value: float, drift: Drift, seconds: float) -> float:
    if drift.growth:
        return value + drift.growth * seconds
    if drift.tau > 0:
        return drift.target + (value - drift.target) * math.exp(-seconds / drift.tau)
    return drift.target
