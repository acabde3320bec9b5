"""Rendering services in forked worker processes (pipeline.WORKERS_FROM): the same bytes as one process, and
memory counted once by the run limit (budget.resident_bytes), though each worker shares the run's model."""

import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from bench import scale
from generator import budget, pipeline


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    specs = tmp_path_factory.mktemp("fleet")
    scale.write_fleet(specs, 6 * scale.SLOS_PER_SERVICE)
    return specs


def test_workers_write_the_bytes_one_process_writes(fleet, monkeypatch):
    monkeypatch.setattr(pipeline, "WORKERS_FROM", 10**6)
    _, alone = pipeline.generate_tree([fleet])
    pools: list[str] = []
    get_context = multiprocessing.get_context

    def spy(method: str):
        pools.append(method)
        return get_context(method)

    monkeypatch.setattr(pipeline, "WORKERS_FROM", 2)
    monkeypatch.setattr(pipeline, "_idle_cores", lambda: 2)
    monkeypatch.setattr(pipeline.multiprocessing, "get_context", spy)
    outcome, shared = pipeline.generate_tree([fleet])
    assert outcome.ok
    assert pools == ["fork"]
    assert list(shared) == list(alone)  # the same files in the same order
    assert shared == alone


def test_a_forked_child_is_not_counted_for_the_memory_it_shares():
    held = b"\x01" * 200 * 2**20  # written pages, resident in the parent and shared with the child after fork
    alone = budget.resident_bytes()
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # the child: say it is ready, then wait to be killed
        os.write(writer, b"r")
        signal.pause()
        os._exit(0)
    try:
        assert os.read(reader, 1) == b"r"
        assert len(held) == 200 * 2**20
        assert budget.resident_bytes() < alone + 50 * 2**20  # counted once, not twice
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        os.close(reader)
        os.close(writer)


@pytest.mark.parametrize(
    ("cores", "load", "workers"), [(2, 0.3, 2), (2, 1.2, 2), (2, 1.8, 1), (2, 4.5, 1), (8, 3.0, 4)]
)
def test_workers_only_on_cores_the_load_leaves_idle(monkeypatch, cores, load, workers):
    monkeypatch.setattr(pipeline.os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(pipeline.os, "getloadavg", lambda: (load, load, load))
    assert pipeline._idle_cores() == workers
