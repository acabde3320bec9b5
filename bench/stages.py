"""Where a full `slogen generate` spends its CPU, by stage of the pipeline.

The run is the real CLI's, in one process: no worker is forked (workers.idle_cores answers 1), so every stage's
CPU is this process's. Each stage's function is wrapped by a timer that reads the CPU of the process and of the
children it waited for (a lint rule runs promtool), less what the stages nested in it took; what no stage holds
(the interpreter, imports, the CLI, the cache's keys) is the rest. cProfile would charge its own overhead to every
Python call, which in this flat a profile is most of what it shows.

Run by bench/scale.py as `python -m bench.stages SPECS OUT` from the repository root; prints one JSON line. The
process is the measurement's own: the wrappers stay.
"""

import functools
import json
import resource
import sys
import time
from collections.abc import Callable
from typing import Any

from generator import cache, fleet, lint, model, pipeline, workers, write
from generator.targets import all_targets

REST = "the rest: interpreter, imports, CLI, cache keys, the tree"
PER_SERVICE = "rendered per service: "  # then a target's name: its service_files


def cpu_seconds() -> float:
    """User and system CPU of this process (to the nanosecond: os.times counts in the kernel's ticks, coarser than
    most calls timed) and of the children it has waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class StageTimer:
    """Exclusive CPU per stage: a stage called inside another is charged to itself, not to both."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}
        self._nested: list[float] = []  # per open stage: CPU its nested stages took

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = cpu_seconds()
            self._nested.append(0.0)
            try:
                return function(*args, **kwargs)
            finally:
                took = cpu_seconds() - started
                nested = self._nested.pop()
                self.spent[stage] = self.spent.get(stage, 0.0) + took - nested
                if self._nested:
                    self._nested[-1] += took

        return timed


def stages() -> list[tuple[str, object, str]]:
    """(stage, the module or class holding the function, its name), where the pipeline looks each up when it
    calls it."""
    return [
        ("spec files found, read, parsed, validated", pipeline, "_outlines"),
        ("models built", model, "build_sections"),
        ("models built", model, "build_services"),
        ("lint rules", lint, "lint"),
        ("service summaries, for the files spanning services", fleet, "summarise"),
        *[(f"{PER_SERVICE}{target.__name__.rsplit('.', 1)[-1]}", target, "service_files") for target in all_targets()],
        *[("rendered: files spanning services", target, "project_files") for target in all_targets()],
        ("serialised (YAML, JSON, Markdown to bytes)", pipeline, "serialise_all"),
        ("serialised (YAML, JSON, Markdown to bytes)", pipeline, "serialise"),
        ("cache entries written", cache.Cache, "put"),
        ("cache entries written", cache.Cache, "put_written"),
        ("plan: which files the run owns", write, "plan"),
        ("written to disk", write, "write"),
    ]


def measure(specs: str, out: str) -> dict[str, Any]:
    workers.idle_cores = lambda: 1
    pipeline.WORKERS_FROM = 0  # else a run with fewer services builds them in a worker (pipeline._incremental)
    timer = StageTimer()
    for stage, holder, name in stages():
        setattr(holder, name, timer.wrap(stage, getattr(holder, name)))
    from generator.cli import main

    started = time.perf_counter()
    main(["generate", "--specs", specs, "--out", out], standalone_mode=False)
    wall = time.perf_counter() - started
    total = cpu_seconds()
    spent = {**timer.spent, REST: total - sum(timer.spent.values())}  # ordered by the report (bench/scale.py)
    return {
        "cpu": round(total, 3),
        "wall": round(wall, 3),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "stages": {stage: round(seconds, 3) for stage, seconds in spent.items()},
    }


def main() -> None:
    print(json.dumps(measure(sys.argv[1], sys.argv[2])))


if __name__ == "__main__":
    main()
