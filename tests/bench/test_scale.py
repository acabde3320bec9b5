"""The synthetic fleet behind the fleet-scale benchmark: the right number of SLOs, valid specs, every output kind."""

from pathlib import Path

import pytest

from bench import phases, scale, stages
from generator import pipeline
from generator.model import LatencySLI, RatioSLI
from generator.targets import alertmanager as alertmanager_target
from generator.targets import grafana as grafana_target
from generator.targets import prometheus as prometheus_target


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> tuple[Path, pipeline.Outcome]:
    specs = tmp_path_factory.mktemp("fleet")
    scale.write_fleet(specs, 25)
    return specs, pipeline.generate([specs])


def test_fleet_specs_validate_without_findings(fleet):
    _, outcome = fleet
    assert outcome.ok
    assert outcome.findings == []


def test_n_slos_in_gives_n_slos_in_the_model(fleet):
    specs, outcome = fleet
    assert sum(len(s.slos) for s in outcome.project.services) == 25
    assert [len(s.slos) for s in outcome.project.services] == [10, 10, 5]
    assert len(list(specs.glob("*.yaml"))) == 3


def test_mostly_ratio_slis_with_some_latency(fleet):
    _, outcome = fleet
    slis = [slo.sli for slo in outcome.project.slos()]
    ratios = sum(isinstance(s, RatioSLI) for s in slis)
    latencies = sum(isinstance(s, LatencySLI) for s in slis)
    assert ratios + latencies == len(slis)
    assert 0 < latencies < ratios


def test_every_service_has_symptom_alerts_and_a_dashboard_row(fleet):
    _, outcome = fleet
    for service in outcome.project.services:
        assert 1 <= len(service.alerts) <= 2
        assert service.dashboard_rows


def test_fleet_produces_every_output_kind(fleet):
    _, outcome = fleet
    paths = {f.path for f in outcome.files}
    assert alertmanager_target.CONFIG in paths
    assert alertmanager_target.ROUTE_TESTS in paths
    assert grafana_target.PROVISIONING in paths
    for index in range(3):
        name = scale.service_name(index)
        assert f"{prometheus_target.RULES_DIR}/{name}.rules.yml" in paths
        assert f"{prometheus_target.TESTS_DIR}/{name}.test.yml" in paths
        assert f"{grafana_target.DASHBOARDS_DIR}/{name}.json" in paths


def test_only_the_first_service_holds_routing():
    assert "routing" in scale.service_spec(0, 10)
    assert "routing" not in scale.service_spec(1, 10)


def test_rewriting_a_smaller_fleet_leaves_no_stale_specs(tmp_path):
    scale.write_fleet(tmp_path, 30)
    assert scale.write_fleet(tmp_path, 10) == 1
    assert len(list(tmp_path.glob("*.yaml"))) == 1


def test_growth_calls_linear_within_tolerance():
    rows = [{"slos": 1_000, "ms_per_slo": 10.0}, {"slos": 10_000, "ms_per_slo": 14.0}]
    assert scale.growth(rows) == {"per_slo_factor_1k_to_10k": 1.4, "linear": True}
    rows[1]["ms_per_slo"] = 20.0
    assert scale.growth(rows)["linear"] is False


def test_the_incremental_edit_changes_one_spec_only(tmp_path):
    scale.write_fleet(tmp_path, 30)
    before = {p.name: p.read_text() for p in tmp_path.glob("*.yaml")}
    scale.change_one_spec(tmp_path)
    after = {p.name: p.read_text() for p in tmp_path.glob("*.yaml")}
    assert [name for name in before if before[name] != after[name]] == [f"{scale.service_name(0)}.yaml"]
    assert "objective: 99.6" in after[f"{scale.service_name(0)}.yaml"]


def test_the_report_has_the_incremental_and_before_after_tables():
    rows = [
        {
            "slos": n,
            "services": n // 10,
            "runs": [n / 1000],
            "wall": n / 1000,
            "peak_mib": n / 20,
            "files": n,
            "output_mib": n / 100,
            "floor": n / 2000,
            "ratio": 2.0,
            "ms_per_slo": 1.0,
            "incremental": {"generate": 0.5, "generate_peak_mib": 50, "check": 3.0, "check_peak_mib": 60},
        }
        for n in scale.SIZES
    ]
    result = {
        "sizes": rows,
        "growth": scale.growth(rows),
        "goals": scale.goals(rows),
        "stages": {
            "slos": 10_000,
            "cpu": 50.0,
            "wall": 52.0,
            "peak_mib": 900.0,
            "stages": {  # as benchmarks.json keeps them: sorted by name
                "plan": 0.004,
                "rendered per service: prometheus": 12.5,
                "rendered per service: thanos": 0.003,
                stages.REST: 3.0,
                "written to disk": 2.0,
            },
        },
        "profile_before": scale.PROFILE_BEFORE,
        "before": scale.BEFORE,
        "cpus": 2,
    }
    assert result["goals"]["incremental"] == 3.0 and not result["goals"]["incremental_met"]
    assert result["goals"]["memory_met"]
    text = scale.markdown(result)
    assert "| 10,000 | 0.50 | 50 MiB | 3.00 | 60 MiB | 10.00 |" in text
    assert "| 10,000 | 124.78 | 2247 MiB | 3,005 files, 477.0 MiB | 10.00 | 500 MiB |" in text
    assert "generate and check 10,000 SLOs in ≤ 2 s — not met: 3.0 s" in text
    assert (
        "| rendered per service: prometheus | 12.50 | 25.0 % |\n| written to disk | 2.00 | 4.0 % |\n"
        "| the rest: interpreter, imports, CLI, cache keys, the tree | 3.00 | 6.0 % |\n| all | 50.00 | 100 % |"
    ) in text
    assert "Under 0.01 s each: plan; rendered per service by thanos." in text
    assert "at most 20 CPU-s, 2.5× less than this, and no one stage holds the 30.0 CPU-s too many" in text
    summaries = {goal: met for goal, _, met in scale.summary(result)}
    assert summaries["generate 10,000 SLOs in ≤ 1024 MiB"] is True


def test_the_incremental_edit_goes_back_and_forth(tmp_path):
    scale.write_fleet(tmp_path, 30)
    spec = tmp_path / f"{scale.service_name(0)}.yaml"
    original = spec.read_text()
    scale.change_one_spec(tmp_path)
    changed = spec.read_text()
    scale.change_one_spec(tmp_path)
    assert changed != original and spec.read_text() == original


def test_the_report_shows_the_phases_and_what_more_cores_could_give():
    spent = [(0.4, 0.4), (2.0, 3.0), (16.0, 30.0), (1.0, 1.0), (1.6, 2.4)]  # wall, CPU of each phase in run order
    measured = {phase: {"wall": wall, "cpu": cpu} for phase, (wall, cpu) in zip(phases.PHASES, spent, strict=True)}
    projected = {str(cores): round(phases.projected(measured, cores), 2) for cores in phases.PROJECTED_CORES}
    text = scale._phases_part(
        {"slos": 10_000, "wall": 21.0, "cpu": 36.8, "phases": measured, "projected": projected}, cpus=2
    )
    assert "| services built, linted, rendered and serialised | 16.00 | 30.00 | 1.9 | yes |" in text
    assert "| findings across services; files spanning services | 1.00 | 1.00 | 1.0 | no |" in text
    assert "the others (3.0 s here) run mostly on one" in text
    assert "no less than 19.5 s on 2, 11.2 s on 4, 7.1 s on 8 cores" in text
