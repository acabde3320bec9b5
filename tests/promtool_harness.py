"""Runs hand-written promtool unit tests against rules slogen generates, for the scenario tests."""

from pathlib import Path

import yaml

from generator import lint, pipeline, promtool
from generator.targets import prometheus as prometheus_target
from generator.write import render_tree, write

FIXTURES = Path(__file__).parent / "fixtures"


def generate(spec: Path, out: Path, rules: tuple[lint.Rule, ...] = lint.RULES) -> Path:
    """The rules slogen generates for `spec`, linted by `rules` (leave one out to render what lint refuses)."""
    outcome = pipeline.generate([spec], rules)
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(out, render_tree(outcome.files))
    return out / prometheus_target.RULES_DIR


def run_promtool_test(rules: Path, tests: list[dict], tmp: Path, evaluation_interval: str = "1m") -> tuple[bool, str]:
    path = tmp / "scenario.test.yml"
    document = {
        "rule_files": [str(p) for p in sorted(rules.glob("*.yml"))],
        "evaluation_interval": evaluation_interval,
        "tests": tests,
    }
    path.write_text(yaml.safe_dump(document, sort_keys=False, width=100_000), encoding="utf-8")
    return promtool.test_rules([path])


def counter(increments: list[float]) -> str:
    """Explicit promtool values for a counter that grows by increments[i] at step i+1."""
    values, total = ["0"], 0.0
    for step in increments:
        total += step
        values.append(repr(round(total, 6)))
    return " ".join(values)
