"""Alertmanager routing: the routing model, the config renderer, secret hygiene, routing lint rules, and
amtool (check-config, config routes test) on the generated files."""

from pathlib import Path

import pytest
import yaml

from generator import amtool, pipeline
from generator.model import Project
from generator.render.alertmanager import (
    SecretInOutput,
    alert_labels,
    inhibit_rules,
    receiver_config,
    render_alertmanager,
    render_route_tests,
    service_part,
)
from generator.render.rules import render_rules
from generator.routing import Receiver, Routing
from generator.secrets import looks_secret
from generator.targets import RenderOptions
from generator.targets import alertmanager as alertmanager_target
from generator.write import render_tree, serialise, write
from testing.servers import Alertmanager, wait_for

FIXTURE = Path(__file__).parent / "fixtures" / "routing.yaml"
SPECS = Path(__file__).parents[1] / "slo_specs"


def parts_of(built: Project) -> list[dict]:
    """Each service's service_part, as the Alertmanager target reads them from the fleet."""
    return [service_part(service, built.routing) for service in built.services]


def routed(built: Project) -> tuple[Routing, list]:
    """The routing section and each service's part, as render_alertmanager and render_route_tests take them."""
    assert built.routing is not None
    return built.routing, parts_of(built)


@pytest.fixture(scope="module")
def amtool_installed() -> None:
    """amtool at its minimum version (generator.amtool's lookup: $AMTOOL, then PATH). Missing is an error with the
    install hint, never a skip: `make test` installs it."""
    amtool.version()


needs_amtool = pytest.mark.usefixtures("amtool_installed")


def spec_text(**replace: str) -> str:
    text = FIXTURE.read_text()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Findings name files relative to the working directory: work in tmp_path, so they say shop.yaml."""
    monkeypatch.chdir(tmp_path)


def check(tmp_path: Path, text: str) -> pipeline.Outcome:
    path = tmp_path / "shop.yaml"
    path.write_text(text)
    return pipeline.check([Path("shop.yaml")])


def project(tmp_path: Path, text: str | None = None):
    outcome = check(tmp_path, text or FIXTURE.read_text())
    assert outcome.ok, [f.text() for f in outcome.findings]
    return outcome.project


def errors(outcome: pipeline.Outcome, rule: str) -> list[str]:
    return [f.text() for f in outcome.findings if f.rule == rule]


# --- the renderer, pinned for the fixture ----------------------------------------------------------------


def test_routes_map_severity_and_priority_with_one_route_per_receiver(tmp_path):
    route = render_alertmanager(*routed(project(tmp_path)))["route"]
    assert {k: v for k, v in route.items() if k != "routes"} == {
        "receiver": "tickets",
        "group_by": ["service", "slo"],
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
    }
    assert route["routes"] == [
        {
            "receiver": "pager-slack",
            "matchers": ['severity="page"', 'priority="P0"'],
            "group_wait": "10s",
            "repeat_interval": "15m",
            "continue": True,
        },
        {
            "receiver": "pager-discord",
            "matchers": ['severity="page"', 'priority="P0"'],
            "group_wait": "10s",
            "repeat_interval": "15m",
        },
        {
            "receiver": "escalation-slack",
            "matchers": ['severity="page"'],
            "group_by": ["service", "slo"],
            "group_wait": "1h",
            "repeat_interval": "1h",
            "mute_time_intervals": ["maintenance"],
            "continue": True,
        },
        {
            "receiver": "pager-slack",
            "matchers": ['severity="page"'],
            "repeat_interval": "1h",
            "mute_time_intervals": ["maintenance"],
        },
        {"receiver": "tickets", "matchers": ['severity="ticket"'], "mute_time_intervals": ["maintenance"]},
    ]


def test_maintenance_window_becomes_a_time_interval(tmp_path):
    assert render_alertmanager(*routed(project(tmp_path)))["time_intervals"] == [
        {
            "name": "maintenance",
            "time_intervals": [
                {
                    "weekdays": ["sunday"],
                    "days_of_month": ["1:7"],
                    "times": [{"start_time": "02:00", "end_time": "04:00"}],
                    "location": "UTC",
                }
            ],
        }
    ]


def test_inhibition_page_silences_tickets_and_probe_silences_latency(tmp_path):
    assert inhibit_rules(parts_of(project(tmp_path))) == [
        {
            "source_matchers": ['severity="page"', 'slo=~".+"'],
            "target_matchers": ['severity="ticket"', 'slo=~".+"', 'alertname!~".+SLIUncomputable"'],
            "equal": ["service", "slo", "region"],
        },
        {
            "source_matchers": ['service="shop"', 'alertname=~"AvailabilityProbeFailing"', 'priority="P0"'],
            "target_matchers": ['service="shop"', 'slo=~"latency"'],
            "equal": ["service"],
        },
        {
            "source_matchers": ['service="shop"', 'alertname=~"AvailabilityProbeFailing"', 'priority="P0"'],
            "target_matchers": ['service="shop"', 'alertname=~"CheckoutSlow"'],
            "equal": ["service"],
        },
    ]


def test_no_probe_no_probe_inhibition(tmp_path):
    text = spec_text(
        **{
            "      probe:\n        success: 'probe_success{job=\"shop-probe\"}'\n        interval: 5m\n"
            "        strikes: 2\n": "      ratio: {errors: 'e_total', total: 't_total'}\n"
        }
    )
    assert len(inhibit_rules(parts_of(project(tmp_path, text)))) == 1


def test_only_a_p0_probe_silences_latency(tmp_path):
    """One check failing in one region (P1, P2) does not mean the service is down: its latency pages still count."""
    p1 = spec_text(**{"alerting: {priority: P0}": "alerting: {priority: P1}"})
    assert len(inhibit_rules(parts_of(project(tmp_path, p1)))) == 1
    entries = spec_text(
        **{
            "        strikes: 2\n": "        strikes: 2\n        priorities:\n"
            "          - {match: {check: health}, in_every: region, priority: P0}\n"
            "          - {match: {check: health}, priority: P1}\n",
            "alerting: {priority: P0}": "alerting: {priority: P2}",
        }
    )
    sources = [rule["source_matchers"] for rule in inhibit_rules(parts_of(project(tmp_path, entries)))[1:]]
    assert sources == [['service="shop"', 'alertname=~"AvailabilityProbeFailing"', 'priority="P0"']] * 2


# --- escalation: extra child routes that wait `after` before their first notification ----------------------

P1_PAGE = {"severity": "page", "priority": "P1", "service": "shop", "slo": "latency"}


def test_escalation_is_in_the_model(tmp_path):
    page = project(tmp_path).routing.routes[1]
    assert (page.escalation.after, page.escalation.receivers) == (3600, ("escalation-slack",))
    assert page.all_receivers == ("escalation-slack", "pager-slack")
    assert project(tmp_path).routing.routes[0].escalation is None


def test_immediate_escalation_of_an_unmuted_route_without_overrides(tmp_path):
    text = spec_text(
        **{
            "{severity: ticket, receivers: [tickets], mute: [maintenance]}": "{severity: ticket, receivers: "
            "[tickets], escalate: {after: 0s, receivers: [pager-discord, escalation-slack]}}"
        }
    )
    routes = render_alertmanager(*routed(project(tmp_path, text)))["route"]["routes"]
    assert routes[-3:] == [
        {
            "receiver": receiver,
            "matchers": ['severity="ticket"'],
            "group_by": ["service", "slo"],
            "group_wait": "0s",
            "continue": True,
        }
        for receiver in ("pager-discord", "escalation-slack")
    ] + [{"receiver": "tickets", "matchers": ['severity="ticket"']}]


def test_a_route_group_wait_of_zero_renders_as_0s(tmp_path):
    text = spec_text(**{"group_wait: 10s": "group_wait: 0s"})
    assert render_alertmanager(*routed(project(tmp_path, text)))["route"]["routes"][0]["group_wait"] == "0s"


def test_receivers_for_lists_escalations_first_as_amtool_prints_them(tmp_path):
    routing = project(tmp_path).routing
    assert routing.receivers_for(P1_PAGE) == ("escalation-slack", "pager-slack")
    assert routing.receivers_for({**P1_PAGE, "priority": "P0"}) == ("pager-slack", "pager-discord")
    assert routing.receivers_for({"severity": "ticket", "priority": "P2"}) == ("tickets",)
    assert routing.receivers_for({"severity": "info"}) == ("tickets",)


@pytest.mark.parametrize(
    "escalate, problem",
    [
        ("{receivers: [escalation-slack]}", "missing required field 'after'"),
        ("{after: 1h, receivers: []}", "must not be empty"),
        ("{after: 1hour, receivers: [escalation-slack]}", "use a Prometheus duration"),
        ("{after: 1h, receivers: [escalation-slack, escalation-slack]}", "has duplicate entries"),
        ("{after: 1h, receivers: [escalation-slack], group_wait: 1m}", "unknown field 'group_wait'"),
    ],
)
def test_escalate_of_the_wrong_shape_is_a_schema_error(tmp_path, escalate, problem):
    outcome = check(tmp_path, spec_text(**{"{after: 1h, receivers: [escalation-slack]}": escalate}))
    found = errors(outcome, "schema")
    assert len(found) == 1 and "routing.routes[1].escalate" in found[0] and problem in found[0], found


def test_escalation_receiver_must_be_declared(tmp_path):
    outcome = check(tmp_path, spec_text(**{"receivers: [escalation-slack]}": "receivers: [escalation-slak]}"}))
    assert errors(outcome, "routing-reference") == [
        "shop.yaml:40:42: routing.routes[1].escalate.receivers[0]: receiver 'escalation-slak' is not declared; "
        "declare it under routing.receivers or use one of escalation-slack, pager-discord, pager-slack, tickets"
    ]


def test_escalating_to_a_receiver_the_route_already_notifies_is_refused(tmp_path):
    outcome = check(
        tmp_path,
        spec_text(**{"receivers: [escalation-slack]}": "receivers: [escalation-slack, pager-slack]}"}),
    )
    assert errors(outcome, "routing-escalation") == [
        "shop.yaml:40:60: routing.routes[1].escalate.receivers[1]: receiver 'pager-slack' already gets this "
        "route's alerts from the start, so escalating to it adds nothing; escalate to a receiver the route "
        "does not notify yet"
    ]
    assert not errors(check(tmp_path, spec_text()), "routing-escalation")


# --- receivers per Alertmanager version -------------------------------------------------------------------


def receiver(kind: str, channel: str | None = None) -> Receiver:
    return Receiver("r", kind, "/run/secrets/url", channel, True, None)


@pytest.mark.parametrize(
    "version, kind, config_key, file_key",
    [
        ((0, 25), "slack", "slack_configs", "api_url_file"),
        ((0, 27), "slack", "slack_configs", "api_url_file"),
        ((0, 25), "discord", "slack_configs", "api_url_file"),  # Discord's Slack-compatible endpoint
        ((0, 26), "discord", "slack_configs", "api_url_file"),
        ((0, 27), "discord", "discord_configs", "webhook_url_file"),
        ((0, 26), "webhook", "webhook_configs", "url_file"),
        ((0, 28), "webhook", "webhook_configs", "url_file"),
    ],
)
def test_receiver_shape_reads_the_url_from_a_file_on_each_version(version, kind, config_key, file_key):
    config = receiver_config(receiver(kind), version)
    assert list(config) == ["name", config_key]
    assert config[config_key][0][file_key] == "/run/secrets/url"
    assert not {"api_url", "url", "webhook_url"} & set(config[config_key][0])


def test_webhook_before_0_26_is_a_lint_error(tmp_path):
    text = spec_text(**{"type: discord": "type: webhook"})
    outcome = check(tmp_path, text)
    assert any(
        "webhook receivers read their URL from a file (url_file) only from Alertmanager 0.26" in e
        for e in errors(outcome, "receiver-version")
    )
    assert check(tmp_path, text.replace('"0.25"', '"0.26"')).ok


def test_channel_on_a_discord_receiver_is_refused(tmp_path):
    outcome = check(
        tmp_path,
        spec_text(**{"url_file: /run/secrets/discord-url}": "url_file: /run/secrets/discord-url, channel: '#x'}"}),
    )
    assert errors(outcome, "receiver-version") == [
        "shop.yaml:34:89: routing.receivers[1].channel: channel applies to slack receivers only; "
        "discord webhooks post to the channel they were created for, so drop it"
    ]


# --- secrets never reach the output ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
        "https://discord.com/api/webhooks/123/abcdef",
        "https://discordapp.com/api/webhooks/123/abcdef/slack",
        "https://user:hunter2@relay.example.com/hook",
        "https://relay.example.com/hook?token=abc123",
        "xoxb-1234-abcd",
    ],
)
def test_secret_looking_values(text):
    assert looks_secret(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://runbooks.bookiji.com/synthetic-monitor-failures",
        "https://grafana.bookiji.com/d/bookiji-launch",
        "/etc/alertmanager/secrets/alert-webhook-url",
        "#bookiji-alerts",
        'rate(x{job="a"}[5m])',
    ],
)
def test_ordinary_values_are_not_secrets(text):
    assert not looks_secret(text)


@pytest.mark.parametrize("version", ["0.25", "0.26", "0.27", "0.28"])
def test_generated_config_holds_no_url_on_any_version(tmp_path, version):
    text = spec_text(**{'"0.25"': f'"{version}"'})
    if version >= "0.26":
        text = text.replace("type: discord", "type: webhook")
    config = serialise(
        alertmanager_target.project_files(pipeline.fleet_of(project(tmp_path, text)), RenderOptions())[0]
    ).decode()
    assert "://" not in config and not looks_secret(config)
    assert "/run/secrets/slack-url" in config


def test_inline_secret_in_a_spec_is_an_error_at_its_line(tmp_path):
    outcome = check(tmp_path, spec_text(**{"channel: '#oncall'": "channel: 'https://hooks.slack.com/services/T/B/X'"}))
    assert not outcome.ok
    [message] = errors(outcome, "inline-secret")
    assert message.startswith("shop.yaml:33:83: ")
    assert "routing.receivers[0].channel: looks like a secret" in message and "url_file" in message


def test_inline_secret_anywhere_in_a_spec_is_an_error(tmp_path):
    outcome = check(
        tmp_path,
        spec_text(
            **{
                "severity: ticket\n": "severity: ticket\n    annotations: "
                "{hook: 'https://discord.com/api/webhooks/1/abc'}\n"
            }
        ),
    )
    assert [m.split(": ")[1] for m in errors(outcome, "inline-secret")] == ["alerts[1].annotations.hook"]


def test_a_url_instead_of_a_file_is_a_schema_error(tmp_path):
    outcome = check(
        tmp_path,
        spec_text(**{"url_file: /run/secrets/discord-url": "url_file: https://discord.com/api/webhooks/1/abc"}),
    )
    assert any("routing.receivers[1].url_file" in e for e in errors(outcome, "schema"))
    outcome = check(
        tmp_path, spec_text(**{"url_file: /run/secrets/discord-url": "url: https://discord.com/api/webhooks/1/abc"})
    )
    assert not outcome.ok and not pipeline.generate([tmp_path / "shop.yaml"]).files


def test_renderer_refuses_a_secret_that_bypassed_lint(tmp_path):
    built = project(tmp_path)
    leaky = Receiver("pager-slack", "slack", "/run/secrets/x", "https://hooks.slack.com/services/T/B/X", True, None)
    routing = type(built.routing)(**{**built.routing.__dict__, "receivers": (leaky,)})
    with pytest.raises(SecretInOutput):
        render_alertmanager(routing, parts_of(built))


# --- routing lint rules ---------------------------------------------------------------------------------


def test_unknown_receiver_and_window_are_reported(tmp_path):
    outcome = check(
        tmp_path,
        spec_text(
            **{
                "receivers: [tickets]": "receivers: [ticket]",
                "mute: [maintenance]}\n  maint": "mute: [maintenence]}\n  maint",
            }
        ),
    )
    found = errors(outcome, "routing-reference")
    assert len(found) == 2
    assert "routing.routes[2].receivers[0]: receiver 'ticket' is not declared" in found[0]
    assert "routing.routes[2].mute[0]: maintenance window 'maintenence' is not declared" in found[1]


def test_repeat_shorter_than_the_group_interval_is_refused(tmp_path):
    outcome = check(tmp_path, spec_text(**{"repeat_interval: 15m": "repeat_interval: 1m"}))
    assert any(
        "repeat_interval 1m is shorter than group_interval 5m" in e for e in errors(outcome, "routing-rate-limit")
    )


MAINTENANCE = "{name: maintenance, weekdays: [sunday], days_of_month: ['1:7'], times: [{start: '02:00', end: '04:00'}]}"


@pytest.mark.parametrize(
    "window, problem",
    [
        ("weekdays: [sunday]", "weekdays: ['monday:sunday']"),
        ("days_of_month: ['1:7']", "days_of_month: ['7:1']"),
        ("{start: '02:00', end: '04:00'}", "{start: '04:00', end: '02:00'}"),
    ],
)
def test_backwards_maintenance_ranges_are_refused_before_alertmanager_sees_them(tmp_path, window, problem):
    assert not errors(check(tmp_path, spec_text()), "maintenance-range")
    outcome = check(tmp_path, spec_text(**{MAINTENANCE: MAINTENANCE.replace(window, problem)}))
    found = errors(outcome, "maintenance-range")
    assert len(found) == 1 and ("runs backwards" in found[0] or "is not after start" in found[0])
    assert ".maintenance_windows[0]." in found[0]


def test_a_second_routing_section_is_refused(tmp_path):
    (tmp_path / "other.yaml").write_text(spec_text(**{"service: shop": "service: other"}))
    outcome = check(tmp_path, FIXTURE.read_text())
    outcome = pipeline.check([tmp_path])
    assert any("routing is already set in" in e for e in errors(outcome, "routing-single"))


# --- routing tests: every alert the rules can fire ---------------------------------------------------------


def rule_alerts(built) -> list[tuple[str, dict]]:
    return [
        (rule["alert"], rule["labels"])
        for service in built.services
        for group in render_rules(service)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_route_tests_cover_every_generated_alert_with_its_exact_labels(tmp_path):
    built = project(tmp_path)
    assert alert_labels(built) == rule_alerts(built)


def test_route_test_expectations_follow_first_match(tmp_path):
    cases = {
        (c["alert"], c["labels"]["severity"], c["labels"]["priority"]): c["receivers"]
        for c in render_route_tests(*routed(project(tmp_path)))["tests"]
    }
    assert cases == {
        ("AvailabilityBudgetBurn", "ticket", "P2"): ["tickets"],
        ("AvailabilityProbeFailing", "page", "P0"): ["pager-slack", "pager-discord"],
        ("LatencyBudgetBurn", "page", "P1"): ["escalation-slack", "pager-slack"],
        ("LatencyBudgetBurn", "ticket", "P2"): ["tickets"],
        ("LatencySLIAbsent", "ticket", "P2"): ["tickets"],
        ("LatencySLIUncomputable", "ticket", "P2"): ["tickets"],
        ("CheckoutSlow", "page", "P1"): ["escalation-slack", "pager-slack"],
        ("CartErrors", "ticket", "P2"): ["tickets"],
    }


def test_bookiji_routing_is_in_the_specs():
    outcome = pipeline.check([SPECS])
    routing = outcome.project.routing
    assert routing.version == (0, 25) and routing.group_interval == 300 and routing.group_by == ("service", "slo")
    assert {r.type for r in routing.receivers} == {"slack", "discord"}  # email is "future" in the document
    # Bookiji's routes are its team's: a page of a service no team names opens a ticket, it pages nobody.
    assert routing.teams == ("bookiji",) and all(r.team == "bookiji" for r in routing.routes)
    assert routing.receivers_for({"service": "new", "severity": "page", "priority": "P1"}) == ("tickets-slack",)
    [window] = routing.maintenance_windows
    assert (window.weekdays, window.days_of_month, window.times, window.location) == (
        ("sunday",),
        ("1:7",),
        (("02:00", "04:00"),),
        "UTC",
    )
    p0 = next(r for r in routing.routes if r.priority == "P0")
    assert p0.mute == () and p0.severity == "page"
    # The two-strike synthetics alert pages like any P0 page.
    probe = next(labels for name, labels in alert_labels(outcome.project) if name == "AvailabilityProbeFailing")
    assert routing.receivers_for(probe) == p0.all_receivers


# --- amtool on generated files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bookiji_out(tmp_path_factory) -> Path:
    outcome = pipeline.generate([SPECS])
    assert outcome.ok, [f.text() for f in outcome.findings]
    out = tmp_path_factory.mktemp("out")
    write(out, render_tree(outcome.files))
    return out


@needs_amtool
def test_amtool_check_config_passes_on_the_bookiji_config(bookiji_out):
    passed, output = amtool.check_config(bookiji_out / alertmanager_target.CONFIG)
    assert passed, output


@needs_amtool
def test_every_bookiji_alert_reaches_its_receivers(bookiji_out):
    results = amtool.run_route_file(bookiji_out / alertmanager_target.ROUTE_TESTS)
    assert len(results) > 50
    assert [r.text() for r in results if not r.passed] == []
    # Every priority escalates (P0 at once, P1 after 1h, P2 after 4h): escalation routes come first.
    assert {r.resolved for r in results} == {
        ("escalation-slack", "oncall-slack", "oncall-discord"),
        ("escalation-slack", "tickets-slack"),
        ("tickets-slack",),  # the generated case of a service no team routes
    }


@needs_amtool
def test_a_wrong_expectation_fails(bookiji_out):
    case = {
        "alert": "X",
        "labels": {"severity": "page", "priority": "P0", "service": "bookiji", "team": "bookiji"},
        "receivers": ["tickets-slack"],
    }
    [result] = amtool.test_routes(bookiji_out / alertmanager_target.CONFIG, [case])
    assert not result.passed
    assert result.resolved == ("escalation-slack", "oncall-slack", "oncall-discord")


@needs_amtool
def test_amtool_accepts_escalations_and_routes_a_p1_page_to_them(tmp_path):
    outcome = check(tmp_path, FIXTURE.read_text())
    write(tmp_path / "out", render_tree(pipeline.generate([Path("shop.yaml")]).files))
    config = tmp_path / "out" / alertmanager_target.CONFIG
    passed, output = amtool.check_config(config)
    assert passed, output
    verified, resolved = amtool.route(config, P1_PAGE, ("escalation-slack", "pager-slack"))
    assert verified and resolved == ("escalation-slack", "pager-slack")
    results = amtool.run_route_file(tmp_path / "out" / alertmanager_target.ROUTE_TESTS)
    assert len(results) == len(alert_labels(outcome.project))
    assert [r.text() for r in results if not r.passed] == []


@needs_amtool
def test_amtool_check_config_catches_a_broken_config(tmp_path):
    path = tmp_path / "alertmanager.yml"
    path.write_text(yaml.safe_dump({"route": {"receiver": "missing"}, "receivers": [{"name": "other"}]}))
    passed, output = amtool.check_config(path)
    assert not passed and "missing" in output


# --- inhibition in a real Alertmanager ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def running_alertmanager(bookiji_out, tmp_path_factory):
    config = bookiji_out / alertmanager_target.CONFIG
    with Alertmanager(config, tmp_path_factory.mktemp("am") / "data") as alertmanager:
        alertmanager.start()
        yield alertmanager


def _alert(name: str, **labels: str) -> dict:
    return {"labels": {"alertname": name, "service": "bookiji", **labels}}


@pytest.mark.e2e
def test_generated_inhibition_in_alertmanager(running_alertmanager):
    page, ticket = {"severity": "page", "priority": "P0"}, {"severity": "ticket", "priority": "P2"}
    running_alertmanager.post(
        [
            _alert("AvailabilityBudgetBurn", slo="availability", region="us-east", **page),
            _alert("AvailabilityBudgetBurn", slo="availability", region="us-east", long_window="3d", **ticket),
            _alert("AvailabilityBudgetBurn", slo="availability", region="eu-west", long_window="3d", **ticket),
            _alert("AvailabilityProbeFailing", slo="availability", region="us-east", check="health", **page),
            _alert("ApiLatencyP95BudgetBurn", slo="api-latency-p95", route="/api/quote", **ticket),
            # bookiji-pilot has no probe: only the page rule could silence its uncomputable ticket, and must not.
            _alert("ApiLatencyP95BudgetBurn", service="bookiji-pilot", slo="api-latency-p95", **page),
            _alert("ApiLatencyP95SLIUncomputable", service="bookiji-pilot", slo="api-latency-p95", **ticket),
            _alert("Http5xxBurst", **page),
            _alert("SyntheticChecksMissing", **ticket),
        ]
    )
    # Alertmanager's inhibitor reads posted alerts from a queue, in order, after the POST has returned. A barrier
    # posted afterwards (a page and its own ticket, an SLO of their own so they touch nothing else): once its ticket
    # shows inhibited, the inhibitor has taken in every alert above, so the state read below is final.
    barrier = "E2EInhibitionBarrier"
    running_alertmanager.post(
        [_alert(barrier, slo="e2e-barrier", **page), _alert(barrier, slo="e2e-barrier", **ticket)]
    )
    wait_for(
        lambda: [
            a
            for a in running_alertmanager.alerts()
            if a["labels"]["alertname"] == barrier
            and a["labels"]["severity"] == "ticket"
            and a["status"]["inhibitedBy"]
        ],
        10,
        "Alertmanager marking the barrier ticket inhibited by the barrier page",
    )
    inhibited = {
        (a["labels"]["alertname"], a["labels"]["severity"], a["labels"].get("region", "")): bool(
            a["status"]["inhibitedBy"]
        )
        for a in running_alertmanager.alerts()
        if a["labels"]["alertname"] != barrier
    }
    assert inhibited == {
        ("AvailabilityBudgetBurn", "page", "us-east"): False,
        ("AvailabilityBudgetBurn", "ticket", "us-east"): True,  # the page (and the strike) silence this ticket…
        ("AvailabilityBudgetBurn", "ticket", "eu-west"): False,  # …but not another region's
        ("ApiLatencyP95BudgetBurn", "ticket", ""): True,  # a failing probe silences latency alerts
        ("ApiLatencyP95BudgetBurn", "page", ""): False,
        ("ApiLatencyP95SLIUncomputable", "ticket", ""): False,  # news during a page: the SLI itself is broken
        ("AvailabilityProbeFailing", "page", "us-east"): False,
        ("Http5xxBurst", "page", ""): False,
        ("SyntheticChecksMissing", "ticket", ""): False,  # symptom pages never silence symptom tickets
    }
