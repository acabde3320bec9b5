"""Helpers and specs shared by the lint tests: write a spec into the working directory (the `in_tmp` fixture in
conftest.py makes that a fresh tmp_path), run generator.pipeline.check or the CLI on it, and pick findings."""

import textwrap
from pathlib import Path

from click.testing import CliRunner

from generator import pipeline
from generator.cli import main
from generator.findings import ERROR

FIXTURE = Path(__file__).parents[1] / "fixtures" / "checkout.yaml"


def spec(text: str) -> str:
    return textwrap.dedent(text)


def block(text: str, indent: int) -> str:
    """A YAML fragment to append, placed at an absolute indentation (4 = inside a slos/alerts item)."""
    return textwrap.indent(textwrap.dedent(text), " " * indent)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def check(*paths: Path):
    return pipeline.check(list(paths)).findings


def check_text(text: str, name: str = "spec.yaml"):
    return check(write(name, text))


def of_rule(findings, rule: str):
    return [f for f in findings if f.rule == rule]


def at(finding) -> str:
    return f"{finding.file}:{finding.line}:{finding.column}"


def only(findings, rule: str):
    """The single finding of `rule`, and no other errors (so the spec isolates the rule)."""
    matching = of_rule(findings, rule)
    assert len(matching) == 1, [f.text() for f in findings]
    others = [f for f in findings if f.level == ERROR and f.rule != rule]
    assert not others, [f.text() for f in others]
    return matching[0]


def cli(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


# ==== specs ==========================================================================================
# VALID passes every rule; the others each break one rule and are reused by other rules' tests.

VALID = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 99.9
        sli:
          ratio:
            errors: x{code=~"5.."}
            total: x
    """)


OBJECTIVE_120 = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 120
        sli:
          ratio:
            errors: x{code=~"5.."}
            total: x
    """)


BAD_DURATION = spec("""\
    apiVersion: slogen/v1
    service: checkout
    period: 30days
    slos:
      - name: avail
        objective: 99.9
        sli:
          ratio: {errors: x, total: y}
    """)


LATENCY_NO_UNIT = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: search-latency
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_seconds{job="checkout"}
            threshold: 250
    """)


BAD_SEVERITY = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos: []
    alerts:
      - name: DLQNotEmpty
        zero_tolerance:
          counter: dlq_messages_total{job="checkout"}
        severity: critical
    """)


PROBE = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: homepage-probe
        objective: 99
        period: 1d
        sli:
          probe:
            success: probe_success{check="homepage"}
            interval: 12h
            strikes: 2
        alerting: {ticket: false}
    """)


DUPLICATE_SLO = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: avail
        objective: 99.9
        sli:
          ratio: {errors: x, total: y}
      - name: avail
        objective: 99
        sli:
          ratio: {errors: x, total: y}
    """)


PERCENTILE_COLLISION = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos:
      - name: pay-latency
        sli:
          latency:
            histogram: http_request_duration_seconds{route="/pay"}
        percentiles: {p95: 700ms, p99: 1.2s}
      - name: pay-latency-p99
        objective: 99
        sli:
          latency:
            histogram: http_request_duration_seconds{route="/pay"}
            threshold: 1s
    """)


EXPR_ALERT = spec("""\
    apiVersion: slogen/v1
    service: checkout
    slos: []
    alerts:
      - name: DLQNotEmpty
        expr: max(outbox_dlq_depth{job="checkout"}) > 0
        severity: page
    """)
