"""Work shared among forked worker processes, one per idle core, when a run has enough of it to pay.

Forked, a worker inherits the function and the items from the run rather than receiving them pickled, which for a
fleet's model would cost more than the work; only the results travel back. Leaving the pool ends its workers, also
when the run is stopped at a limit (generator/budget.py counts their memory once)."""

import multiprocessing
import multiprocessing.pool
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_WORKERS = 4
CHUNKS_PER_WORKER = 8  # small enough that one slow chunk does not leave the other cores idle at the end
SAMPLE_SECONDS = 0.1  # how long idle_cores() watches the machine: 10 ticks of the kernel's clock per core
_PROC_STAT = "/proc/stat"


def count(items: int, least: int) -> int:
    """How many workers share `items` items: idle_cores() from `least` items on, else only the run itself."""
    return idle_cores() if items >= least else 1


def forked_map(
    function: Callable[[Item], Result],
    items: Sequence[Item],
    workers: int,
    progress: Callable[[Iterable[Item]], Iterable[Item]] = iter,
) -> list[Result]:
    """[function(item) for item in items], shared among `workers` worker processes when that is two or more; the
    results must pickle. `progress` wraps the items in one process (the CLI's progress bar)."""
    if workers < 2 or len(items) < 2:
        return [function(item) for item in progress(items)]
    chunk = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
    with _forked_pool(workers, function, items) as pool:
        return pool.map(_run_adopted, range(len(items)), chunksize=chunk)


@contextmanager
def forked_map_later(
    function: Callable[[Item], Result], items: Sequence[Item], workers: int
) -> Iterator[Callable[[], list[Result]]]:
    """forked_map in `workers` worker processes forked now, while the run goes on with other work; yields what
    waits for the results. Leaving ends the workers, also when the run stops before it asked for them. With no
    workers, or no items, the run itself maps the items when it asks."""
    if workers < 1 or not items:
        yield lambda: [function(item) for item in items]
        return
    with _forked_pool(min(workers, len(items)), function, items) as pool:
        chunk = max(1, len(items) // (workers * CHUNKS_PER_WORKER))
        yield pool.map_async(_run_adopted, range(len(items)), chunksize=chunk).get


def _forked_pool(workers: int, function: Callable[[Any], Any], items: Sequence[Any]) -> multiprocessing.pool.Pool:
    """Worker processes forked now, each holding `function` and `items` (_adopt)."""
    return multiprocessing.get_context("fork").Pool(workers, _adopt, (function, items))


def idle_cores() -> int:
    """The cores this run can have now: those the machine leaves idle while the run watches it for SAMPLE_SECONDS
    (the run itself sleeps meanwhile, so its own core counts as idle), at least its own. Forking costs about 15 %
    more CPU in all, so on a machine whose cores are busy (a shared CI runner) workers only slow the run. Without
    /proc/stat, the 1-minute load average decides, which lags: it still counts a run that ended a minute ago."""
    cores = len(os.sched_getaffinity(0))
    idle = _idle_now()
    if idle is None:
        idle = 1 + cores - max(os.getloadavg()[0], 1.0)  # this run itself is one of the processes the load counts
    return max(1, min(cores, MAX_WORKERS, round(idle)))


def _idle_now() -> float | None:
    """How many cores' worth of time went idle while the run slept for SAMPLE_SECONDS; None without /proc/stat."""
    before = _cpu_times()
    if before is None:
        return None
    time.sleep(SAMPLE_SECONDS)
    after = _cpu_times()
    if after is None:
        return None
    spent = [now - then for now, then in zip(after, before, strict=True)]
    total = sum(spent)
    if total <= 0:
        return None
    idle = spent[3] + spent[4]  # idle and iowait: a core waiting for the disk would run a worker
    return idle / total * (os.cpu_count() or 1)


def _cpu_times() -> list[int] | None:
    """The first line of /proc/stat: all cores' user, nice, system, idle, iowait, irq, softirq and steal ticks."""
    try:
        with open(_PROC_STAT, encoding="ascii") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    if len(fields) < 9 or fields[0] != "cpu":
        return None
    return [int(field) for field in fields[1:9]]


# A worker's function and items, set once as it starts.
_adopted: list[tuple[Callable[[Any], Any], Sequence[Any]]] = []


def _adopt(function: Callable[[Any], Any], items: Sequence[Any]) -> None:
    _adopted[:] = [(function, items)]


def _run_adopted(index: int) -> Any:
    function, items = _adopted[0]
    return function(items[index])
