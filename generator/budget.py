"""One run's time and memory limit, whatever the specs hold. Per-file limits (load.MAX_SPEC_BYTES,
inputs/limits.py, the Jsonnet child's) bound each spec, but a thousand files each under them, or one small
spec whose SLOs multiply into thousands of rules, would still take minutes and gigabytes: specs come from many
teams' pull requests, and the CI runner that processes them is shared.

The limit stops the run from inside: SIGALRM at the deadline, and a sampling thread that raises the same
signal when the process and its children (the Jsonnet evaluator, promtool) hold more memory than allowed.
The handler raises RunLimitExceeded in the main thread, so every `finally` runs and a stopped generate
leaves output/ as it was (write.write swaps in a complete directory or nothing)."""

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SECONDS = 30.0
MEMORY_MIB = 1024
SAMPLE_SECONDS = 0.05  # how far past the memory limit a run can get is what it allocates in this long
_PAGE = os.sysconf("SC_PAGE_SIZE")


class RunLimitExceeded(BaseException):
    """A BaseException, like KeyboardInterrupt: no `except Exception` on the way may turn it into a finding."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RunLimits:
    seconds: float = SECONDS  # 0: no time limit
    memory_mib: int = MEMORY_MIB  # 0: no memory limit


def resident_bytes(pid: int | str = "self", forked: bool = False) -> int:
    """Resident memory of a process and of its children, which it waits for (Linux /proc). A child counts only
    the memory it does not share with its parent: a worker forked to render (pipeline.WORKERS_FROM) shares the
    whole model with the run, and counting its resident size would count the model once per worker."""
    total = 0
    try:
        total = _private_bytes(pid) if forked else int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += resident_bytes(child, forked=True)
    except (OSError, ValueError, IndexError):
        pass  # a child that has just exited holds nothing
    return total


def _private_bytes(pid: int | str) -> int:
    """Pages only this process maps (smaps_rollup's Private_Clean and Private_Dirty): for a child that exec'd
    another program (promtool, the Jsonnet evaluator), nearly all of its resident memory."""
    rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    return sum(int(line.split()[1]) * 1024 for line in rollup.splitlines() if line.startswith("Private_"))


@contextmanager
def limited(limits: RunLimits) -> Iterator[None]:
    """Run the body within the limits, or raise RunLimitExceeded naming the one it broke. Signals reach only
    the main thread, so elsewhere (a test runner's worker thread) the body runs unlimited."""
    if threading.current_thread() is not threading.main_thread() or not (limits.seconds or limits.memory_mib):
        yield
        return
    broken: list[str] = []
    done = threading.Event()

    def stop(signum: int, frame: object) -> None:
        if done.is_set():
            return  # the memory watcher's signal arrived after the body had finished
        raise RunLimitExceeded(broken[0] if broken else _too_slow(limits.seconds))

    def watch_memory() -> None:
        ceiling = limits.memory_mib * 2**20
        while not done.wait(SAMPLE_SECONDS):
            if resident_bytes() > ceiling:
                broken.append(_too_big(limits.memory_mib))
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGALRM)
                return

    previous = signal.signal(signal.SIGALRM, stop)
    watcher = threading.Thread(target=watch_memory, name="slogen-memory-limit", daemon=True)
    try:
        if limits.seconds:
            signal.setitimer(signal.ITIMER_REAL, limits.seconds)
        if limits.memory_mib:
            watcher.start()
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        done.set()
        if watcher.is_alive():
            watcher.join()
        signal.signal(signal.SIGALRM, previous)


def _too_slow(seconds: float) -> str:
    return (
        f"stopped after {seconds:g} s, the time limit of one run (--max-seconds); nothing was written. A spec set "
        "this slow holds a spec that generates far more than it should; for a fleet that size, raise the limit"
    )


def _too_big(memory_mib: int) -> str:
    return (
        f"stopped at {memory_mib} MiB, the memory limit of one run (--max-memory); nothing was written. A spec set "
        "this large holds a spec that generates far more than it should; for a fleet that size, raise the limit"
    )
