"""One run's limits (generator/budget.py): a spec set that takes longer or more memory than allowed is refused
with one line naming the limit, the Jsonnet child counts, and a stopped generate leaves output/ as it was."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from generator import budget

REPO = Path(__file__).resolve().parent.parent
SLOGEN = [sys.executable, "-c", "from generator.cli import main; main()"]
# A Jsonnet spec that builds a million-element array: about a second and 350 MiB in the Jsonnet child, under
# Jsonnet's own limits (5 s, 1 GiB), so only the run limits stop it.
SLOW_AND_BIG = "local a = std.makeArray(1000000, function(i) i * 2);\n{ service: 'x' + a[999999] }\n"


def _slogen(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*SLOGEN, *args], capture_output=True, text=True, cwd=REPO, timeout=120, env={**os.environ, **(env or {})}
    )


@pytest.fixture
def runaway_specs(tmp_path: Path) -> Path:
    specs = tmp_path / "specs"
    specs.mkdir()
    (specs / "runaway.jsonnet").write_text(SLOW_AND_BIG)
    return specs


def test_a_spec_set_over_the_time_limit_is_refused_in_one_line(runaway_specs: Path):
    done = _slogen("validate", "--max-seconds", "0.5", str(runaway_specs))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "slogen: stopped after 0.5 s, the time limit of one run (--max-seconds); nothing was written. A spec set this "
        "slow holds a spec that generates far more than it should; for a fleet that size, raise the limit"
    ]


def test_the_time_limit_comes_from_the_environment_too(runaway_specs: Path):
    done = _slogen("validate", str(runaway_specs), env={"SLOGEN_MAX_SECONDS": "0.5"})
    assert (done.returncode, "time limit of one run" in done.stderr) == (1, True), done.stdout + done.stderr


def test_the_memory_limit_counts_the_jsonnet_child(runaway_specs: Path):
    # slogen itself holds about 60 MiB here; only the child's few hundred MiB can cross 150 MiB
    done = _slogen("validate", "--max-memory", "150", "--max-seconds", "0", str(runaway_specs))
    assert done.returncode == 1
    assert done.stderr.startswith("slogen: stopped at 150 MiB, the memory limit of one run (--max-memory)")
    assert len(done.stderr.splitlines()) == 1


def test_a_stopped_generate_leaves_the_output_as_it_was(runaway_specs: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.yml").write_text("before\n")
    done = _slogen("generate", "--specs", str(runaway_specs), "--out", str(out), "--max-seconds", "0.5")
    assert done.returncode == 1
    assert "time limit of one run" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "specs"]  # no staging directory left behind
    assert [p.name for p in out.iterdir()] == ["kept.yml"]
    assert (out / "kept.yml").read_text() == "before\n"


def test_lifted_limits_let_the_same_spec_set_through(runaway_specs: Path):
    done = _slogen("validate", "--max-seconds", "0", "--max-memory", "0", str(runaway_specs))
    assert "limit of one run" not in done.stderr
    assert done.returncode == 1  # the document is no spec, and says so in a finding
    assert "runaway.jsonnet:1:1: (document): " in done.stdout


def test_a_limit_must_be_a_number():
    done = _slogen("validate", "--max-seconds", "soon")
    assert done.returncode == 2


def _busy(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def test_limited_stops_a_body_at_its_deadline():
    started = time.monotonic()
    limits = budget.RunLimits(seconds=0.2, memory_mib=0)
    with pytest.raises(budget.RunLimitExceeded, match=r"stopped after 0\.2 s"), budget.limited(limits):
        _busy(10)
    assert time.monotonic() - started < 5


def test_limited_stops_a_body_over_its_memory():
    held = []
    limits = budget.RunLimits(seconds=0, memory_mib=200)
    with pytest.raises(budget.RunLimitExceeded, match="stopped at 200 MiB"), budget.limited(limits):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            held.append(b"\x01" * 16 * 2**20)  # written pages: resident, unlike calloc's untouched zeros
            time.sleep(0.01)
    assert budget.resident_bytes() > 200 * 2**20  # the test process (pytest and all) really crossed the limit
    assert len(held) * 16 < 1024  # and was stopped long before its loop would have taken a GiB


def test_limited_leaves_no_alarm_or_handler_behind():
    before = signal.getsignal(signal.SIGALRM)
    with budget.limited(budget.RunLimits(seconds=30, memory_mib=1024)):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is before


def test_a_body_that_finishes_in_time_is_untouched():
    with budget.limited(budget.RunLimits(seconds=5, memory_mib=1024)):
        result = sum(range(1000))
    assert result == 499500


def test_outside_the_main_thread_the_body_runs_unlimited():
    outcome: list[str] = []

    def body() -> None:
        try:
            with budget.limited(budget.RunLimits(seconds=0.05, memory_mib=0)):
                _busy(0.3)
            outcome.append("finished")
        except budget.RunLimitExceeded:
            outcome.append("stopped")

    worker = threading.Thread(target=body)
    worker.start()
    worker.join(timeout=10)
    assert outcome == ["finished"]


def test_resident_bytes_counts_a_child_process():
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; x = b'1' * 300 * 2**20; sys.stdout.write('ready\\n'); sys.stdout.flush(); "
            "time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        assert budget.resident_bytes() > 300 * 2**20
    finally:
        child.kill()
        child.wait(timeout=10)
