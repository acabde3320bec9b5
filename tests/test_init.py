"""`slogen init`: a new team's starting point validates, generates and passes promtool at once, and never
overwrites anything."""

import pytest
from click.testing import CliRunner

from generator import cli
from generator.scaffold import MAKE_SNIPPET

FLAGS = ["--service", "checkout", "--job", "checkout-api", "--no-input"]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli.main, list(args), input=stdin)


def test_init_writes_a_spec_that_validates_generates_and_passes_promtool(workdir):
    result = run("init", *FLAGS)
    assert result.exit_code == 0, result.output
    spec = (workdir / "slo_specs/checkout.yaml").read_text(encoding="utf-8")
    assert spec.startswith("# yaml-language-server: $schema=slogen-v1.schema.json\n")
    assert 'errors: \'http_requests_total{job="checkout-api", code=~"5.."}\'' in spec
    assert "url_file: /etc/alertmanager/secrets/slack-webhook-url" in spec
    assert (workdir / "slo_specs/slogen-v1.schema.json").exists()
    assert "slo-check:" in (workdir / MAKE_SNIPPET).read_text(encoding="utf-8")
    rules = (workdir / "output/prometheus/rules/checkout.rules.yml").read_text(encoding="utf-8")
    assert "CheckoutAvailability" not in rules and "AvailabilityBudgetBurn" in rules
    assert run("validate").exit_code == 0
    tested = run("test")
    assert tested.exit_code == 0, tested.output


def test_the_latency_threshold_becomes_a_bucket_boundary(workdir):
    assert run("init", *FLAGS, "--latency", "350ms").exit_code == 0
    spec = (workdir / "slo_specs/checkout.yaml").read_text(encoding="utf-8")
    assert "[25ms, 50ms, 100ms, 250ms, 350ms, 500ms, 1s, 2.5s, 5s, 10s]" in spec


def test_init_never_overwrites_a_spec(workdir):
    assert run("init", *FLAGS).exit_code == 0
    spec = workdir / "slo_specs/checkout.yaml"
    spec.write_text("# mine\n", encoding="utf-8")
    result = run("init", *FLAGS)
    assert result.exit_code == 1
    assert "never overwrites" in result.output
    assert spec.read_text(encoding="utf-8") == "# mine\n"


def test_a_second_service_keeps_the_shared_files_and_the_one_routing_section(workdir):
    assert run("init", *FLAGS).exit_code == 0
    (workdir / MAKE_SNIPPET).write_text("# edited\n", encoding="utf-8")
    result = run("init", "--service", "payments", "--job", "payments", "--no-input")
    assert result.exit_code == 0, result.output
    assert "left routing out" in result.output
    assert "routing:" not in (workdir / "slo_specs/payments.yaml").read_text(encoding="utf-8")
    assert (workdir / MAKE_SNIPPET).read_text(encoding="utf-8") == "# edited\n"
    assert run("validate").exit_code == 0


def test_a_fraction_objective_is_refused_with_the_percent(workdir):
    result = run("init", *FLAGS, "--objective", "0.999")
    assert result.exit_code == 2
    assert "did you mean 99.9?" in result.output
    assert not (workdir / "slo_specs").exists()


def test_without_a_terminal_service_and_job_are_required(workdir):
    result = run("init", "--no-input")
    assert result.exit_code == 2
    assert result.output.strip() == "slogen: --service is required without a terminal (or without --no-input)"


def test_at_a_terminal_it_asks(workdir, monkeypatch):
    monkeypatch.setattr(cli, "_at_terminal", lambda: True)
    answers = "orders\n\norders-api\n\n\n99.5\n250ms\n\n-\n\n"
    result = run("init", stdin=answers)
    assert result.exit_code == 0, result.output
    spec = (workdir / "slo_specs/orders.yaml").read_text(encoding="utf-8")
    assert "objective: 99.5" in spec and "threshold: 250ms" in spec and "routing:" not in spec
    assert 'job="orders-api"' in spec
