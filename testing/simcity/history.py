"""Backfill files: SimCity history as OpenMetrics text for `promtool tsdb create-blocks-from openmetrics`,
with the exact ground truth of what was written.

Backfilled series skip the scrape, so the writer adds what the scrape config would: `job` ("bookiji", or
"bookiji-synthetics" for the probe families) and `instance` ("simcity").
"""

import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from . import contract as c
from .exposition import label_text, openmetrics_header, sample_lines
from .model import Simulator
from .scenarios import scenario as lookup

INSTANCE = "simcity"
TRUTH_FAMILIES = ("bookiji_http_requests_total", "bookiji_paid_booking_flows_total")

Schedule = Sequence[tuple[int, str]]


def write_history(
    path: str | os.PathLike,
    start: int,
    end: int,
    step: int = 60,
    seed: int = 1,
    rps: float = 20.0,
    schedule: Schedule = (),
    families: Iterable[str] | None = None,
    target_labels: dict[str, str] | None = None,
) -> dict:
    """Write samples every `step` seconds over [start, end) (unix seconds) to `path`, then return the ground
    truth: counts at the last sample (every counter starts at 0 at `start`).

    `schedule` lists (unix time, scenario) switches; `families` limits the file to these metric families
    (contract names, e.g. ["bookiji_http_requests_total"]) — all of them by default. 30 days at step 60 of
    the HTTP request counter alone is 2.3 M samples (~300 MB); every family for a day is ~15 M samples.
    `target_labels` are added to every series after job and instance, as a scrape config's target labels would be
    (Bookiji's `env`, which each stage's `scope` reads).
    """
    times = _times(start, end, step)
    switches = _switches(schedule)
    chosen = c.resolve(families)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    series = samples = 0
    with open(partial, "w", encoding="utf-8", newline="\n") as out:
        for family in chosen:
            simulator = Simulator(seed, rps, families=[family.name])
            written = _write_family(out, family, simulator, times, switches, target_labels or {})
            series, samples = series + written[0], samples + written[1]
        out.write("# EOF\n")
    os.replace(partial, target)
    return _truth(seed, rps, times, switches, chosen) | {"series": series, "samples": samples}


def truth_until(
    start: int, until: int, step: int = 60, seed: int = 1, rps: float = 20.0, schedule: Schedule = ()
) -> dict:
    """The ground truth write_history(start, …) returns, read at the sample at `until` instead of the last one: the
    difference of two such truths counts the events between them (a calendar period's, since its start)."""
    times = _times(start, until + step, step)
    return _truth(seed, rps, times, _switches(schedule), c.resolve(["bookiji_http_requests_total"]))


def _times(start: int, end: int, step: int) -> range:
    if int(step) != step or step <= 0:
        raise ValueError(f"step must be a whole number of seconds > 0, not {step!r}")
    if int(start) != start or int(end) != end or end <= start:
        raise ValueError(f"need whole unix seconds with start < end, not start={start!r} end={end!r}")
    return range(int(start), int(end), int(step))


def _switches(schedule: Schedule) -> list[tuple[float, str]]:
    for _, name in schedule:
        lookup(name)  # ValueError before anything is written
    return sorted((float(at), name) for at, name in schedule)


def _timeline(simulator: Simulator, times: range, switches: list[tuple[float, str]]) -> Iterator[int]:
    """Advance `simulator` to each sample time in turn, switching scenario at the scheduled instants."""
    pending = iter(switches)
    upcoming = next(pending, None)
    now = float(times[0])
    for at in times:
        while upcoming is not None and upcoming[0] <= at:
            if upcoming[0] > now:
                simulator.advance(upcoming[0] - now)
                now = upcoming[0]
            simulator.set_scenario(upcoming[1])
            upcoming = next(pending, None)
        if at > now:
            simulator.advance(at - now)
            now = at
        yield at


def _write_family(
    out,
    family: c.Family,
    simulator: Simulator,
    times: range,
    switches: list[tuple[float, str]],
    target_labels: dict[str, str],
) -> tuple[int, int]:
    """Writes the family's samples; returns (series, samples) written. Synthetic traffic's series start with the
    first scenario that runs it, so both depend on the schedule."""
    out.write(openmetrics_header(family))
    names = ("job", "instance", *target_labels)
    prefix = label_text(names, (c.JOBS[family.target], INSTANCE, *target_labels.values()))
    per_child = len(family.buckets) + 3 if family.kind == c.HISTOGRAM else 1
    children = samples = 0
    for at in _timeline(simulator, times, switches):
        values = simulator.snapshot()[0][1]
        out.write("\n".join(sample_lines(family, values, prefix, str(at))))
        out.write("\n")
        children, samples = len(values), samples + len(values) * per_child
    return children * per_child, samples


def _truth(
    seed: int, rps: float, times: range, switches: list[tuple[float, str]], chosen: tuple[c.Family, ...]
) -> dict:
    """Replays the same timeline (same advances, so the same floats) and reads the last sample."""
    simulator = Simulator(seed, rps, families=TRUTH_FAMILIES)
    for _ in _timeline(simulator, times, switches):
        pass
    values = dict(simulator.snapshot())
    by_code: dict[str, int] = {}
    for (_route, _method, code, traffic), count in values[c.HTTP_REQUESTS]:
        if traffic == c.USER:  # what the SLIs count (README §2.1)
            by_code[code] = by_code.get(code, 0) + count
    total = sum(count for code, count in by_code.items() if code != c.RATE_LIMITED)
    errors = sum(by_code[code] for code in c.ERROR_CODES)
    flows = dict(values[c.BY_NAME["bookiji_paid_booking_flows_total"]])
    return {
        "start": times[0],
        "last_sample": times[-1],
        "step": times.step,
        "samples_per_series": len(times),
        "families": [family.name for family in chosen],
        "requests_total": total,
        "requests_errors": errors,
        "error_ratio": errors / total if total else 0.0,
        "requests_by_code": dict(sorted(by_code.items())),
        "paid_flows": {outcome: flows[(outcome, c.USER)] for outcome in c.FLOW_OUTCOMES},
    }
