"""Team routes, routes by any label and email receivers (issue 16), on tests/fixtures/teams/: the generated
Alertmanager config passes amtool check-config, every alert reaches its team's receivers in amtool's routing tests,
and a service no team names goes to the default receiver with a warning."""

from pathlib import Path

import pytest
import yaml

from generator import amtool, pipeline
from generator.write import render_tree, write
from tests.lint.helpers import at, check_text, of_rule

TEAMS = Path(__file__).parent / "fixtures" / "teams"


@pytest.fixture(scope="module")
def amtool_installed() -> None:
    amtool.version()  # missing is an error with the install hint, as in tests/test_alertmanager.py


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    outcome = pipeline.generate([TEAMS])
    assert outcome.ok, [f.text() for f in outcome.findings]
    folder = tmp_path_factory.mktemp("out")
    write(folder, render_tree(outcome.files))
    return folder / "alertmanager"


def test_a_service_no_team_routes_draws_a_warning_naming_it_and_the_routes():
    [finding] = of_rule(pipeline.check([TEAMS]).findings, "routing-team-unmatched")
    assert (at(finding).endswith("tests/fixtures/teams/search.yaml:3:10"), finding.level) == (True, "warning")
    assert finding.message == (
        "service search: alerts AvailabilityBudgetBurn match no team route (web: severity=page team=web; web: "
        "severity=ticket team=web; ledger: severity=page service=ledger|ledger-batch), so they go to ops-email; add "
        "the service to a team's match (such as service: search)"
    )


def test_team_routes_come_first_with_the_team_s_matchers_and_email_reads_its_password_from_a_file(out):
    config = yaml.safe_load((out / "alertmanager.yml").read_text())
    assert [(r["receiver"], r["matchers"]) for r in config["route"]["routes"]] == [
        ("web-slack", ['severity="page"', 'team="web"']),
        ("web-email", ['severity="page"', 'team="web"']),
        ("web-email", ['severity="ticket"', 'team="web"']),
        ("ledger-slack", ['severity="page"', 'service=~"ledger|ledger-batch"']),
    ]
    [email] = next(r for r in config["receivers"] if r["name"] == "ops-email")["email_configs"]
    assert email == {
        "to": "ops@example.com",
        "from": "alertmanager@example.com",
        "smarthost": "smtp.example.com:587",
        "auth_username": "alertmanager@example.com",
        "auth_password_file": "/run/secrets/smtp-password",
        "send_resolved": False,
    }


@pytest.mark.usefixtures("amtool_installed")
def test_amtool_accepts_the_config_and_routes_every_alert_to_its_team(out):
    passed, output = amtool.check_config(out / "alertmanager.yml")
    assert passed, output
    results = amtool.run_route_file(out / "routes.test.yml")
    assert [r.text() for r in results if not r.passed] == []
    resolved = {(r.labels.get("service"), r.labels.get("severity")): r.resolved for r in results}
    assert resolved == {
        ("shop", "page"): ("web-slack", "web-email"),
        ("shop", "ticket"): ("web-email",),
        ("search", "page"): ("ops-email",),
        ("search", "ticket"): ("ops-email",),
        ("slogen-new-service", "page"): ("ops-email",),
    }


EMAIL = "{name: mail, type: email, to: a@example.com, from: b@example.com, smarthost: 'smtp.example.com:587'"


def _routing(receiver: str, version: str = "0.25") -> str:
    return (
        "apiVersion: slogen/v1\nservice: shop\nslos: []\nrouting:\n"
        f"  alertmanager_version: '{version}'\n  default_receiver: mail\n  receivers:\n    - {receiver}\n"
        "  routes: []\n"
    )


def test_an_email_receiver_with_a_url_file_is_refused(in_tmp):
    [finding] = of_rule(check_text(_routing(EMAIL + ", url_file: /run/x}")), "receiver-version")
    assert finding.message.startswith("email receivers have no URL; give the SMTP server as smarthost")


def test_email_fields_on_a_slack_receiver_are_refused(in_tmp):
    receiver = "{name: mail, type: slack, url_file: /run/x, to: a@example.com}"
    [finding] = of_rule(check_text(_routing(receiver)), "receiver-version")
    assert (finding.path, finding.message) == (
        "routing.receivers[0].to",
        "to applies to email receivers only; drop it from slack receivers",
    )


def test_an_email_receiver_needs_its_smtp_fields(in_tmp):
    findings = of_rule(check_text(_routing("{name: mail, type: email, to: a@example.com}")), "schema")
    assert [f.message for f in findings] == ["missing required field 'from'", "missing required field 'smarthost'"]
