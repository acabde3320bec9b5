"""Reading specs and rendering services in forked worker processes (generator/workers.py): the same bytes and
findings as one process, and memory counted once by the run limit (budget.resident_bytes), though each worker
shares the run's model."""

import multiprocessing
import os
import shutil
import signal
from pathlib import Path

import pytest

from bench import scale
from generator import budget, cache, pipeline, workers


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    specs = tmp_path_factory.mktemp("fleet")
    scale.write_fleet(specs, 6 * scale.SLOS_PER_SERVICE)
    return specs


def test_workers_write_the_bytes_one_process_writes(fleet, monkeypatch):
    monkeypatch.setattr(workers, "idle_cores", lambda: 1)
    _, alone = pipeline.generate_tree([fleet])
    pools = spy_on_pools(monkeypatch)
    monkeypatch.setattr(pipeline, "WORKERS_FROM", 2)
    monkeypatch.setattr(pipeline, "READERS_FROM", 2)
    monkeypatch.setattr(workers, "idle_cores", lambda: 2)
    outcome, shared = pipeline.generate_tree([fleet])
    assert outcome.ok
    assert pools == ["fork", "fork"]  # one to read the specs, one to render the services
    assert list(shared) == list(alone)  # the same files in the same order
    assert shared == alone


def test_workers_find_what_one_process_finds(fleet, tmp_path, monkeypatch):
    broken = tmp_path / "specs"
    shutil.copytree(fleet, broken)
    spec = sorted(broken.glob("*.yaml"))[1]
    spec.write_text(spec.read_text().replace("objective:", "objectiv:", 1))
    monkeypatch.setattr(workers, "idle_cores", lambda: 1)
    alone = pipeline.check([broken])
    pools = spy_on_pools(monkeypatch)
    monkeypatch.setattr(pipeline, "READERS_FROM", 2)
    monkeypatch.setattr(workers, "idle_cores", lambda: 2)
    shared = pipeline.check([broken])
    assert pools == ["fork"]
    assert not shared.ok
    assert shared.findings == alone.findings


def test_a_cached_run_in_workers_finds_and_writes_what_one_process_does(fleet, tmp_path, monkeypatch):
    """The cached path (a cold cache, then one spec changed, then one broken): each worker builds, lints, summarises
    and renders its batch of services, and the run keeps what they return, the cache entries too."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    specs = tmp_path / "specs"
    shutil.copytree(fleet, specs)

    def run(out: str, count: int) -> tuple[list[str], dict[str, bytes]]:
        monkeypatch.setattr(workers, "idle_cores", lambda: count)
        outcome, tree = pipeline.generate_tree([specs], cached=cache.for_output(tmp_path / out))
        return sorted(f.text() for f in outcome.findings), tree

    monkeypatch.setattr(pipeline, "WORKERS_FROM", 2)
    monkeypatch.setattr(pipeline, "READERS_FROM", 2)
    pools = spy_on_pools(monkeypatch)
    first = run("alone", 1)
    assert pools == [] and first[1]
    assert run("shared", 2) == first
    assert pools == ["fork", "fork"]  # one to read the specs, one to build the services
    spec = specs / "svc-0003.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("objective: 99.5", "objective: 99.7", 1), "utf-8")
    changed = run("alone", 1)
    assert changed != first
    assert run("shared", 2) == changed
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("name: availability-1\n", "name: availability-0\n"), "utf-8"
    )
    broken = run("alone", 1)
    assert broken[1] == {} and any("svc-0003.yaml" in finding for finding in broken[0])
    assert run("shared", 2) == broken


def test_what_workers_put_in_the_cache_the_run_keeps(fleet, tmp_path, monkeypatch):
    """Workers write the cache entries of the specs they read and the services they build; the run counts them as
    its own, so pruning after it keeps them."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(pipeline, "WORKERS_FROM", 2)
    monkeypatch.setattr(pipeline, "READERS_FROM", 2)
    monkeypatch.setattr(workers, "idle_cores", lambda: 2)
    pools = spy_on_pools(monkeypatch)
    cached = cache.for_output(tmp_path / "out")
    assert cached is not None
    assert pipeline.generate_tree([fleet], cached=cached)[0].ok
    assert pools == ["fork", "fork"]
    cached.prune()
    for kind in ("documents", "units", "services"):
        assert len(list((cached.directory / kind).glob("*" + cache.ENTRY))) == 6, kind


def spy_on_pools(monkeypatch) -> list[str]:
    pools: list[str] = []
    get_context = multiprocessing.get_context

    def spy(method: str):
        pools.append(method)
        return get_context(method)

    monkeypatch.setattr(workers.multiprocessing, "get_context", spy)
    return pools


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
    ("cores", "idle", "expected"), [(2, 2.0, 2), (2, 1.6, 2), (2, 1.2, 1), (2, 0.1, 1), (8, 7.5, 4), (8, 2.6, 3)]
)
def test_workers_only_on_cores_the_machine_leaves_idle(monkeypatch, cores, idle, expected):
    """Sampled from /proc/stat while the run sleeps (its own core counts as idle): 100 ticks per core in all."""
    ticks = iter([[0, 0, 0, 0, 0, 0, 0, 0], [0, 0, round(100 * (cores - idle)), round(100 * idle), 0, 0, 0, 0]])
    monkeypatch.setattr(workers, "_cpu_times", lambda: next(ticks))
    monkeypatch.setattr(workers.time, "sleep", lambda seconds: None)
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(workers.os, "cpu_count", lambda: cores)
    assert workers.idle_cores() == expected


@pytest.mark.parametrize(("cores", "load", "expected"), [(2, 0.3, 2), (2, 1.2, 2), (2, 1.8, 1), (8, 3.0, 4)])
def test_without_proc_stat_the_load_average_decides(monkeypatch, cores, load, expected):
    monkeypatch.setattr(workers, "_PROC_STAT", "/nonexistent/stat")
    monkeypatch.setattr(workers.os, "sched_getaffinity", lambda pid: set(range(cores)))
    monkeypatch.setattr(workers.os, "getloadavg", lambda: (load, load, load))
    assert workers.idle_cores() == expected


def test_the_sample_reads_this_machines_proc_stat():
    ticks = workers._cpu_times()
    assert ticks is not None and len(ticks) == 8 and sum(ticks) > 0
    assert 0 <= workers._idle_now() <= (os.cpu_count() or 1) + 0.01


def _pid_of(item: int) -> tuple[int, int]:
    if item < 0:
        raise ValueError(f"item {item}")
    return item * item, os.getpid()


def test_work_started_in_a_worker_goes_on_while_the_run_does_other_work():
    with workers.forked_map_later(_pid_of, [1, 2, 3], 1) as results:
        assert len(multiprocessing.active_children()) == 1  # forked before the run asked
        done = results()
    assert [square for square, _pid in done] == [1, 4, 9]
    assert {pid for _square, pid in done} != {os.getpid()}
    assert multiprocessing.active_children() == []


def test_with_no_workers_the_run_maps_the_items_itself_when_it_asks():
    mapped: list[int] = []

    def record(item: int) -> int:
        mapped.append(item)
        return item + 1

    with workers.forked_map_later(record, [1, 2], 0) as results:
        assert mapped == [] and multiprocessing.active_children() == []
        assert results() == [2, 3]
    with workers.forked_map_later(record, [], 2) as results:
        assert results() == [] and multiprocessing.active_children() == []


def test_a_workers_error_is_raised_where_the_run_asks_and_leaving_ends_the_workers():
    with pytest.raises(ValueError, match="item -1"), workers.forked_map_later(_pid_of, [1, -1], 2) as results:
        results()
    with workers.forked_map_later(_pid_of, [1, 2], 2):
        pass  # the run stopped before it asked
    assert multiprocessing.active_children() == []
