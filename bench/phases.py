"""Where a full `slogen generate`'s wall-clock time goes, by phase, with as many workers as the machine gives it:
which phases share their work among the cores, and which leave all but one idle.

bench/stages.py counts CPU in one process; a real run forks workers (generator/workers.py), and its wall time is
what the goal counts. Here the real CLI runs in this process as it would on its own, and each phase is read off
the wall clock, this process's CPU and the CPU of the children it reaped: a phase that forks workers joins them
before it ends, so it is charged their CPU. From the phases, how the wall time would go with more cores: a shared
phase no faster than its CPU spread over all of them, the others as measured. That is a bound reasoned from this
run, not a run on such a machine.

Run by bench/scale.py as `python -m bench.phases SPECS OUT` from the repository root; prints one JSON line.
"""

import time

STARTED = time.perf_counter(), time.process_time()  # before slogen's imports, which the first phase holds

import functools  # noqa: E402  (the imports below come after the clock starts: the first phase counts them)
import json  # noqa: E402
import sys  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

from generator import pipeline  # noqa: E402

from .stages import cpu_seconds  # noqa: E402

# In the order a run passes them; each ends where the next begins.
START = "imports, the CLI, the cache's keys"
READ = "specs read, parsed and checked"
RENDER = "services built, linted, rendered and serialised"
SPANNING = "findings across services; files spanning services"
WRITTEN = "the tree, plan, writer, cache record"
SHARED = frozenset({READ, RENDER})  # generator/pipeline.py: READERS_FROM and WORKERS_FROM, on this fleet's size
PHASES = (START, READ, RENDER, SPANNING, WRITTEN)
PROJECTED_CORES = (2, 4, 8)


class Clock:
    """The wall clock and CPU at each phase boundary the run passes."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float, float]] = [(START, *STARTED)]  # (the phase that begins, wall, CPU)

    def mark(self, phase: str) -> None:
        self.marks.append((phase, time.perf_counter(), cpu_seconds()))

    def begins(self, phase: str, function: Callable[..., Any]) -> Callable[..., Any]:
        """`function`, marking `phase` as it is first called."""

        @functools.wraps(function)
        def marked(*args: Any, **kwargs: Any) -> Any:
            if not any(name == phase for name, _, _ in self.marks):
                self.mark(phase)
            return function(*args, **kwargs)

        return marked

    def phases(self) -> dict[str, dict[str, float]]:
        """Each phase's wall and CPU seconds: from its mark to the next one."""
        spans = {}
        for (phase, wall, cpu), (_, next_wall, next_cpu) in zip(self.marks, self.marks[1:], strict=False):
            spans[phase] = {"wall": round(next_wall - wall, 3), "cpu": round(next_cpu - cpu, 3)}
        return spans


def projected(phases: dict[str, dict[str, float]], cores: int) -> float:
    """The least wall time the run could take on `cores` cores: each shared phase's CPU spread over all of them
    (but no faster than on the cores measured), each other phase as long as it took."""
    return sum(min(p["wall"], p["cpu"] / cores) if phase in SHARED else p["wall"] for phase, p in phases.items())


def measure(specs: str, out: str) -> dict[str, Any]:
    clock = Clock()
    pipeline._outlines = clock.begins(READ, pipeline._outlines)
    pipeline._incremental = clock.begins(RENDER, pipeline._incremental)
    pipeline._fleet_findings = clock.begins(SPANNING, pipeline._fleet_findings)
    pipeline.tree_of = clock.begins(WRITTEN, pipeline.tree_of)
    from generator.cli import main

    main(["generate", "--specs", specs, "--out", out], standalone_mode=False)
    clock.mark("end")
    phases = clock.phases()
    return {
        "wall": round(sum(p["wall"] for p in phases.values()), 3),
        "cpu": round(sum(p["cpu"] for p in phases.values()), 3),
        "phases": phases,
        "projected": {str(cores): round(projected(phases, cores), 2) for cores in PROJECTED_CORES},
    }


def main() -> None:
    print(json.dumps(measure(sys.argv[1], sys.argv[2])))


if __name__ == "__main__":
    main()
