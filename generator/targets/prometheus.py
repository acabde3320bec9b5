"""Prometheus rule files and the promtool unit tests that prove them, one pair per service."""

from ..fleet import Fleet
from ..model import Service
from ..render.period_tests import render_period_tests
from ..render.promtool_tests import (
    render_freshness_tests,
    render_sparse_alert_tests,
    render_sparse_probe_tests,
    render_tests,
)
from ..render.rules import render_rules
from ..render.timeslice_tests import render_timeslice_tests
from ..synth import SynthesisError
from ..write import OutputFile
from .base import RenderError, RenderOptions

RULES_DIR = "prometheus/rules"
TESTS_DIR = "prometheus/tests"


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    rule_file = f"{service.name}.rules.yml"
    try:
        tests = render_tests(service, f"../rules/{rule_file}")
        sparse = render_sparse_probe_tests(service, f"../rules/{rule_file}")
        sparse_alerts = render_sparse_alert_tests(service, f"../rules/{rule_file}")
        freshness = render_freshness_tests(service, f"../rules/{rule_file}")
        periods = render_period_tests(service, f"../rules/{rule_file}")
        timeslices = render_timeslice_tests(service, f"../rules/{rule_file}")
    except SynthesisError as err:
        raise RenderError(
            service.documents[0].finding(("service",), f"cannot generate tests: {err}", "synthesis")
        ) from None
    return [
        OutputFile(f"{RULES_DIR}/{rule_file}", render_rules(service), service.spec_files),
        OutputFile(f"{TESTS_DIR}/{service.name}.test.yml", tests, service.spec_files),
        # A sparse probe's strike test runs at an evaluation interval of its own, so it needs a file of its own
        # (render/promtool_tests.py, DENSE_PROBE_TEST).
        *(
            OutputFile(f"{TESTS_DIR}/{service.name}.{slo.name}.test.yml", doc, service.spec_files)
            for slo, doc in sparse
        ),
        # Likewise an expr alert whose test samples are sparser than a minute (a weekly drill's, hourly).
        *(
            OutputFile(f"{TESTS_DIR}/{service.name}.{alert.name}.test.yml", doc, service.spec_files)
            for alert, doc in sparse_alerts
        ),
        # A freshness gap spans `every` (hours, days), evaluated a dozen times per `every`.
        *(
            OutputFile(f"{TESTS_DIR}/{service.name}.{slo.name}.test.yml", doc, service.spec_files)
            for slo, doc in freshness
        ),
        # A calendar boundary is days of promtool time away, and so may be an exclusion (render/period_tests.py).
        *(
            OutputFile(f"{TESTS_DIR}/{service.name}.{slo.name}.{what}.test.yml", doc, service.spec_files)
            for slo, what, doc in periods
        ),
        # A slice is judged over its own samples, fed every 15s (render/timeslice_tests.py).
        *(
            OutputFile(f"{TESTS_DIR}/{service.name}.{slo.name}.test.yml", doc, service.spec_files)
            for slo, doc in timeslices
        ),
    ]


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    return []
