"""Lint rule duplicate-slo-name (generator/lint/slo_names.py)."""

from pathlib import Path

from .helpers import DUPLICATE_SLO, PERCENTILE_COLLISION, VALID, check, check_text, only, write


def test_duplicate_slo_name_in_one_file():
    finding = only(check_text(DUPLICATE_SLO), "duplicate-slo-name")
    assert finding.text() == (
        "spec.yaml:8:11: slos[1].name: SLO 'avail' of service 'checkout' is already declared "
        "at spec.yaml:4:5; rename one of them"
    )


def test_distinct_slo_names_pass():
    assert (
        check_text(
            DUPLICATE_SLO.replace("  - name: avail\n    objective: 99\n", "  - name: avail-loose\n    objective: 99\n")
        )
        == []
    )


def test_duplicate_slo_name_across_two_files_of_one_service():
    one = VALID
    write("specs/a.yaml", one)
    write("specs/b.yaml", one.replace("objective: 99.9", "objective: 99"))
    finding = only(check(Path("specs")), "duplicate-slo-name")
    assert finding.text() == (
        "specs/b.yaml:4:11: slos[0].name: SLO 'avail' of service 'checkout' is already "
        "declared at specs/a.yaml:4:5; rename one of them"
    )


def test_same_slo_name_in_two_services_passes():
    write("specs/a.yaml", VALID)
    write("specs/b.yaml", VALID.replace("service: checkout", "service: search"))
    assert check(Path("specs")) == []


def test_duplicate_slo_name_from_percentiles_expansion():
    finding = only(check_text(PERCENTILE_COLLISION), "duplicate-slo-name")
    assert finding.text() == (
        "spec.yaml:9:11: slos[1].name: SLO 'pay-latency-p99' of service 'checkout' is already "
        "declared at spec.yaml:8:36; rename one of them"
    )


def test_dotted_percentile_expands_with_a_dash_and_collides():
    text = PERCENTILE_COLLISION.replace("p99: 1.2s", "p99.9: 1.2s").replace(
        "name: pay-latency-p99", "name: pay-latency-p99-9"
    )
    finding = only(check_text(text), "duplicate-slo-name")
    assert "SLO 'pay-latency-p99-9'" in finding.message


def test_percentiles_expansion_without_collision_passes():
    assert check_text(PERCENTILE_COLLISION.replace("name: pay-latency-p99", "name: pay-latency-max")) == []
