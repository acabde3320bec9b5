"""A fixture spec generated as `slogen generate` would: the outcome (model, files) and the files written to a
directory, for tests that read the model and run promtool on the output."""

from pathlib import Path

from generator import lint, pipeline
from generator.model import SLO
from generator.pipeline import Outcome
from generator.write import render_tree, write


def generated(fixture: Path) -> Outcome:
    result = pipeline.generate([fixture], lint.RULES)
    assert result.ok, [f.text() for f in result.findings]
    return result


def written(outcome: Outcome, directory: Path) -> Path:
    write(directory, render_tree(outcome.files))
    return directory


def slos(outcome: Outcome) -> dict[str, SLO]:
    return {slo.name: slo for service in outcome.project.services for slo in service.slos}
