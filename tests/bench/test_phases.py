"""The wall-time-by-phase measurement behind the fleet-scale benchmark: its accounting, its projection, a real run."""

from bench import phases, scale


def test_a_phase_lasts_from_its_first_call_to_the_next_phase():
    clock = phases.Clock()
    read = clock.begins(phases.READ, lambda: None)
    render = clock.begins(phases.RENDER, lambda: None)
    read()
    read()  # called again inside its phase: no new mark
    render()
    clock.mark("end")
    assert [name for name, _, _ in clock.marks] == [phases.START, phases.READ, phases.RENDER, "end"]
    spans = clock.phases()
    assert list(spans) == [phases.START, phases.READ, phases.RENDER]
    assert all(span["wall"] >= 0 and span["cpu"] >= 0 for span in spans.values())


def test_the_projection_spreads_only_the_shared_phases_over_the_cores():
    measured = {
        phases.START: {"wall": 0.5, "cpu": 0.5},
        phases.READ: {"wall": 2.0, "cpu": 3.0},
        phases.RENDER: {"wall": 16.0, "cpu": 30.0},
        phases.SPANNING: {"wall": 1.0, "cpu": 1.0},
        phases.WRITTEN: {"wall": 1.5, "cpu": 2.0},
    }
    assert phases.projected(measured, 4) == 0.5 + 3.0 / 4 + 30.0 / 4 + 1.0 + 1.5
    # Never faster than measured: a shared phase that kept fewer cores busy than it could is not stretched.
    assert phases.projected(measured, 1) == 0.5 + 2.0 + 16.0 + 1.0 + 1.5


def test_a_real_run_passes_every_phase_and_they_add_up(tmp_path):
    scale.write_fleet(tmp_path / "specs", 30)
    measured = scale.phase_times(tmp_path / "specs", tmp_path / "out")
    assert list(measured["phases"]) == list(phases.PHASES)
    assert measured["wall"] > 0
    assert abs(sum(p["wall"] for p in measured["phases"].values()) - measured["wall"]) < 0.01
    assert measured["projected"]["8"] <= measured["projected"]["4"] <= measured["projected"]["2"]
    assert (tmp_path / "out" / "prometheus" / "rules").is_dir()
