"""The CPU-by-stage measurement behind the fleet-scale benchmark: exclusive accounting, and a real run."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bench import scale, stages

REPO = Path(__file__).resolve().parents[2]


def _burn(seconds: float) -> None:
    """Spin until this process has used `seconds` of CPU."""
    until = stages.cpu_seconds() + seconds
    while stages.cpu_seconds() < until:
        pass


def test_a_nested_stage_is_charged_to_itself_not_to_both():
    timer = stages.StageTimer()
    inner = timer.wrap("inner", lambda: _burn(0.05))

    def outer_work():
        _burn(0.02)
        inner()
        inner()

    timer.wrap("outer", outer_work)()
    assert 0.1 <= timer.spent["inner"] < 0.13
    assert 0.02 <= timer.spent["outer"] < 0.05


def test_a_stage_that_raises_is_still_charged():
    timer = stages.StageTimer()

    def fails():
        _burn(0.02)
        raise ValueError("spec")

    with pytest.raises(ValueError, match="spec"):
        timer.wrap("failing", fails)()
    assert timer.spent["failing"] >= 0.02


def test_the_children_a_stage_waited_for_count():
    timer = stages.StageTimer()
    spin = "import time\nend = time.process_time() + 0.1\nwhile time.process_time() < end: pass"
    timer.wrap("promtool", lambda: subprocess.run([sys.executable, "-c", spin], check=True))()
    assert timer.spent["promtool"] >= 0.1


def test_a_real_run_charges_every_stage_and_the_rest_adds_up(tmp_path):
    scale.write_fleet(tmp_path / "specs", 30)
    done = subprocess.run(
        [sys.executable, "-m", "bench.stages", str(tmp_path / "specs"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        check=True,
    )
    measured = json.loads(done.stdout)
    spent = measured["stages"]
    assert 0 <= spent[stages.REST] < measured["cpu"]  # below 0, a nested stage was charged twice
    for stage in (
        "spec files found, read, parsed, validated",
        "models built",
        "lint rules",
        "rendered per service: prometheus",
        "serialised (YAML, JSON, Markdown to bytes)",
        "written to disk",
    ):
        assert spent[stage] > 0, stage
    assert (tmp_path / "out" / "prometheus" / "rules").is_dir()
