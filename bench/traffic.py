"""Synthetic request counters with a closed-form value at any instant, so backfilled history and a live
exporter serve one continuous series: a scrape after the backfill continues the same counter.

Every series follows rate(t) = base × (1 + depth·cos(2π(t − origin)/day + phase)): a diurnal curve whose
integral is exact, so the ground truth over any range is a subtraction, not a sum over samples.
"""

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

DAY = 86_400
OMEGA = 2 * math.pi / DAY


@dataclass(frozen=True)
class Series:
    labels: str  # the `{...}` label text, e.g. '{api="a01",code="200"}'
    base: float  # mean events per second
    error: bool  # counted in the SLI's error selector
    phase: float = 0.0
    depth: float = 0.6

    def count(self, t: float, origin: float) -> float:
        """Events since `origin` (the counter's value at t ≥ origin)."""
        return self.counts([t - origin])[0]

    def counts(self, elapsed: Sequence[float]) -> list[float]:
        """The counter at each of `elapsed` seconds since its origin; one list for a whole history is much
        faster than a call per sample."""
        base, phase, sin = self.base, self.phase, math.sin
        swing, offset = self.depth / OMEGA, sin(phase)
        return [base * (e + swing * (sin(OMEGA * e + phase) - offset)) for e in elapsed]


@dataclass(frozen=True)
class Fleet:
    """`apis` SLOs, each over routes × codes × instances raw series of one counter family."""

    metric: str = "bench_http_requests_total"
    job: str = "bench"
    apis: int = 20
    routes: int = 5
    instances: int = 25
    ok_codes: tuple[str, ...] = ("200", "201")
    error_codes: tuple[str, ...] = ("500", "503")
    rps_per_series: float = 2.0
    error_share: float = 0.0004  # 0.4× the budget of a 99.9 % SLO: healthy, nothing fires

    def api(self, index: int) -> str:
        return f"a{index + 1:02d}"

    def series(self) -> Iterator[Series]:
        codes = self.ok_codes + self.error_codes
        for a in range(self.apis):
            phase = 2 * math.pi * a / self.apis  # each API peaks at its own hour
            for route in range(self.routes):
                for code in codes:
                    error = code in self.error_codes
                    share = self.error_share if error else 1.0
                    for instance in range(self.instances):
                        labels = (
                            f'{{job="{self.job}",api="{self.api(a)}",route="/r{route}",code="{code}",'
                            f'instance="i{instance:02d}"}}'
                        )
                        yield Series(labels, self.rps_per_series * share, error, phase)

    @property
    def series_per_api(self) -> int:
        return self.routes * self.instances * (len(self.ok_codes) + len(self.error_codes))

    def slos(self) -> list[tuple[str, str, str]]:
        """(name, errors selector, total selector) of each API's SLO."""
        slos = []
        for index in range(self.apis):
            api = f'{self.metric}{{job="{self.job}", api="{self.api(index)}"'
            slos.append((self.api(index), f'{api}, code=~"5.."}}', f"{api}}}"))
        return slos
