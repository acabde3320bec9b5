"""Lint rule service-conflict (generator/lint/service_conflict.py)."""

from pathlib import Path

from .helpers import BAD_DURATION, VALID, at, check, only, write


def test_service_conflict_across_files():
    write("specs/a.yaml", BAD_DURATION.replace("30days", "30d"))
    write("specs/b.yaml", BAD_DURATION.replace("30days", "28d").replace("name: avail", "name: latency"))
    finding = only(check(Path("specs")), "service-conflict")
    assert finding.text() == (
        "specs/b.yaml:3:9: period: service 'checkout' sets period differently in specs/a.yaml; set it in one file only"
    )


def test_service_labels_conflict():
    write("specs/a.yaml", VALID.replace("slos:", "labels: {team: payments}\nslos:"))
    write("specs/b.yaml", VALID.replace("slos:", "labels: {team: search}\nslos:").replace("name: avail", "name: other"))
    finding = only(check(Path("specs")), "service-conflict")
    assert (at(finding), finding.path) == ("specs/b.yaml:3:9", "labels")


def test_identical_or_single_service_settings_pass():
    write("specs/a.yaml", BAD_DURATION.replace("30days", "30d"))
    write("specs/b.yaml", BAD_DURATION.replace("30days", "30d").replace("name: avail", "name: latency"))
    write("specs/c.yaml", VALID.replace("name: avail", "name: third"))
    assert check(Path("specs")) == []
