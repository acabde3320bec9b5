"""Alertmanager configuration and its routing tests: model → plain data.

Secrets never pass through here: receivers name the file that holds a URL, and the receiver shape is
chosen by the target Alertmanager version so that every version reads the URL from that file.
"""

import re

from .. import naming
from ..durations import format_duration
from ..model import LatencySLI, Project, QuantileCondition, Service
from ..routing import PASSWORD_FILE_SINCE, URL_FILE_SINCE, Email, MaintenanceWindow, Receiver, Route, Routing
from ..secrets import find_secrets
from ..selector import Matcher
from . import JSON

CONFIG_FILE = "alertmanager.yml"
# The routing test case of a new service that no team routes yet (render_route_tests).
UNKNOWN_SERVICE, UNKNOWN_ALERT = "slogen-new-service", "NewServicePage"
SERVICE_DOWN = "P0"  # launch document: "P0 – Critical (Service Down)"
# Slack's message format: Discord's /slack endpoint reads the same fields, and the launch document asks
# for "JSON with text field".
TITLE = (
    "[{{ .Status | toUpper }}] {{ .CommonLabels.priority }} {{ .CommonLabels.severity }}: "
    "{{ .GroupLabels.service }}{{ if .GroupLabels.slo }}/{{ .GroupLabels.slo }}{{ end }}"
)
TEXT = (
    "{{ range .Alerts }}{{ .Labels.alertname }}: {{ .Annotations.summary }}"
    "{{ if .Annotations.runbook_url }}\nrunbook: {{ .Annotations.runbook_url }}{{ end }}\n{{ end }}"
)


class SecretInOutput(ValueError):
    """Raised instead of returning a config that holds something secret-looking."""


def service_part(service: Service, routing: Routing | None) -> JSON:
    """What alertmanager.yml and its route tests read of one service (targets/alertmanager.py keeps it in the
    service's summary, generator/fleet.py): the labels its SLOs group by, whether it has an uncomputable-SLI ticket,
    its probes' inhibit rules, and a route test case per alert (when there is routing)."""
    return {
        "group_by": sorted({label for slo in service.slos for label in slo.group_by} - {"service", "slo"}),
        "uncomputable": any(alert.kind == "uncomputable" for slo in service.slos for alert in slo.alerts),
        "inhibit_rules": _probe_silences_latency(service),
        "cases": [_case(name, labels, routing) for name, labels in service.alert_labels()] if routing else [],
    }


def render_alertmanager(routing: Routing, parts: list[JSON]) -> JSON:
    """alertmanager.yml from the routing section and each service's service_part."""
    config: JSON = {
        "route": _root(routing),
        "receivers": [receiver_config(r, routing.version) for r in routing.receivers],
        "inhibit_rules": inhibit_rules(parts),
    }
    if routing.maintenance_windows:
        config["time_intervals"] = [_time_interval(w) for w in routing.maintenance_windows]
    _refuse_secrets(config)
    return config


def _refuse_secrets(data: JSON) -> None:
    # The inline-secret lint rule stops secrets in specs; this guard makes the promise hold for the
    # output whatever path a string took to get here.
    found = next(find_secrets(data), None)
    if found:
        raise SecretInOutput(f"refusing to write a secret-looking value at {'.'.join(map(str, found[0]))}")


def _root(routing: Routing) -> JSON:
    return {
        "receiver": routing.default_receiver,
        "group_by": list(routing.group_by),
        "group_wait": _duration(routing.group_wait),
        "group_interval": format_duration(routing.group_interval),
        "repeat_interval": format_duration(routing.repeat_interval),
        "routes": [child for route in routing.routes for child in route_configs(route, routing.group_by)],
    }


def _duration(seconds: int) -> str:
    """format_duration, and the 0s a group_wait (so an escalate.after) may be: send a new group at once."""
    return format_duration(seconds) if seconds else "0s"


def route_configs(route: Route, group_by: tuple[str, ...]) -> list[JSON]:
    """The route's escalations, then one Alertmanager route per receiver. All but the last continue, so every
    receiver is notified: Alertmanager tries no sibling after a matching route without `continue`."""
    matchers = [_matcher(key, values) for key, values in route.conditions]
    children = _escalation_configs(route, matchers, group_by)
    for index, receiver in enumerate(route.receivers):
        child = _child(receiver, matchers, route, route.group_wait)
        if index < len(route.receivers) - 1:
            child["continue"] = True
        children.append(child)
    return children


def _matcher(label: str, values: tuple[str, ...]) -> str:
    """`label="value"`, or for several values `label=~"a|b"` (Alertmanager anchors the regex)."""
    if len(values) == 1:
        return Matcher(label, "=", values[0]).render()
    return Matcher(label, "=~", "|".join(re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", v) for v in values)).render()


def _escalation_configs(route: Route, matchers: list[str], group_by: tuple[str, ...]) -> list[JSON]:
    """One continuing route per escalation receiver whose group_wait is escalate.after.

    Every Alertmanager route keeps its own aggregation groups. A new group first flushes group_wait after it is
    created, or at once if its alert's StartsAt + group_wait has already passed (dispatch/dispatch.go:
    newAggrGroup, aggrGroup.insert), so it flushes `after` its first alert started. A group whose alerts have all
    resolved by then sends nothing: the dedup stage notifies a never-notified group only if something fires
    (notify/notify.go: DedupStage.needsUpdate). Once escalated, the group's later changes follow at group_interval.
    The route's grouping, repeat_interval and mute_time_intervals apply: a muted route's escalation is muted too.
    """
    if route.escalation is None:
        return []
    return [
        {**_child(receiver, matchers, route, route.escalation.after, group_by), "continue": True}
        for receiver in route.escalation.receivers
    ]


def _child(
    receiver: str, matchers: list[str], route: Route, group_wait: int | None, group_by: tuple[str, ...] = ()
) -> JSON:
    child: JSON = {"receiver": receiver}
    if matchers:
        child["matchers"] = list(matchers)  # a fresh list each: shared ones would serialise as YAML anchors
    if group_by:
        child["group_by"] = list(group_by)
    if group_wait is not None:
        child["group_wait"] = _duration(group_wait)
    if route.repeat_interval is not None:
        child["repeat_interval"] = format_duration(route.repeat_interval)
    if route.mute:
        child["mute_time_intervals"] = list(route.mute)
    return child


def supports_url_file(kind: str, version: tuple[int, int]) -> bool:
    return version >= URL_FILE_SINCE[kind]


def receiver_config(receiver: Receiver, version: tuple[int, int]) -> JSON:
    if receiver.email is not None:
        return {"name": receiver.name, "email_configs": [_email_config(receiver, receiver.email, version)]}
    if receiver.type == "webhook":
        assert supports_url_file("webhook", version), "lint rule receiver-version refuses webhooks before 0.26"
        return {
            "name": receiver.name,
            "webhook_configs": [{"url_file": receiver.url_file, "send_resolved": receiver.send_resolved}],
        }
    if receiver.type == "discord" and supports_url_file("discord", version):
        return {
            "name": receiver.name,
            "discord_configs": [
                {
                    "webhook_url_file": receiver.url_file,
                    "send_resolved": receiver.send_resolved,
                    "title": TITLE,
                    "message": TEXT,
                }
            ],
        }
    # Slack, and Discord before 0.27: Discord accepts Slack payloads at <webhook URL>/slack, so the
    # secret file of a Discord receiver holds that URL and Slack's api_url_file reads it.
    slack = {"api_url_file": receiver.url_file, "send_resolved": receiver.send_resolved}
    if receiver.channel:
        slack["channel"] = receiver.channel
    slack.update({"title": TITLE, "text": TEXT})
    return {"name": receiver.name, "slack_configs": [slack]}


def _email_config(receiver: Receiver, email: Email, version: tuple[int, int]) -> JSON:
    config: JSON = {"to": email.to, "from": email.from_, "smarthost": email.smarthost}
    if email.auth_username:
        config["auth_username"] = email.auth_username
    if email.password_file:
        assert version >= PASSWORD_FILE_SINCE, "lint rule receiver-version refuses password_file before 0.25"
        config["auth_password_file"] = email.password_file
    config["send_resolved"] = receiver.send_resolved
    return config


def _time_interval(window: MaintenanceWindow) -> JSON:
    interval: JSON = {}
    for key, values in (
        ("weekdays", window.weekdays),
        ("days_of_month", window.days_of_month),
        ("months", window.months),
    ):
        if values:
            interval[key] = list(values)
    interval["times"] = [{"start_time": start, "end_time": end} for start, end in window.times]
    interval["location"] = window.location
    return {"name": window.name, "time_intervals": [interval]}


def inhibit_rules(parts: list[JSON]) -> list[JSON]:
    return [_page_silences_tickets(parts), *(rule for part in parts for rule in part["inhibit_rules"])]


def _page_silences_tickets(parts: list[JSON]) -> JSON:
    """SRE Workbook, "Alert suppression": while an SLO pages, its tickets say nothing new.

    `slo=~".+"` on both sides keeps symptom alerts (no slo label) out: Alertmanager treats an `equal`
    label missing on both sides as equal, so without it any symptom page would mute every symptom ticket
    of its service. The SLOs' group_by labels join `equal` for the same reason in reverse: a page in one
    region leaves another region's ticket alone, and SLOs without that label still compare equal.

    The uncomputable-SLI ticket is news during a page: a good selector that matches nothing pages as a total
    outage, and this ticket is what says the SLI, not the service, is broken.
    """
    grouped = sorted({label for part in parts for label in part["group_by"]})
    targets = ['severity="ticket"', 'slo=~".+"']
    if any(part["uncomputable"] for part in parts):
        targets.append(f'alertname!~".+{naming.UNCOMPUTABLE_SUFFIX}"')
    return {
        "source_matchers": ['severity="page"', 'slo=~".+"'],
        "target_matchers": targets,
        "equal": ["service", "slo", *grouped],
    }


def _probe_silences_latency(service: Service) -> list[JSON]:
    """A probe failing at P0 means the service is down; its latency alerts then only repeat that news. A probe at
    P1 or P2 (one check, or one region, failing) leaves them alone: the service still serves, and its latency counts.
    """
    probes = sorted(
        {
            alert.name
            for slo in service.slos
            for alert in slo.alerts
            if alert.kind == "strike" and dict(alert.labels)["priority"] == SERVICE_DOWN
        }
    )
    # Latencies only: a value SLI (a layout-shift score) measures pages that loaded, not how slow the service is.
    latency_slos = sorted(
        slo.name for slo in service.slos if isinstance(slo.sli, LatencySLI) and slo.sli.kind == "latency"
    )
    latency_alerts = sorted(a.name for a in service.alerts if isinstance(a.condition, QuantileCondition))
    if not probes:
        return []
    source = [f'service="{service.name}"', f'alertname=~"{"|".join(probes)}"', f'priority="{SERVICE_DOWN}"']
    targets = ([f'slo=~"{"|".join(latency_slos)}"'] if latency_slos else []) + (
        [f'alertname=~"{"|".join(latency_alerts)}"'] if latency_alerts else []
    )
    # Target matchers are ANDed, so SLO alerts and symptom alerts each need a rule of their own.
    return [
        {"source_matchers": source, "target_matchers": [f'service="{service.name}"', target], "equal": ["service"]}
        for target in targets
    ]


def alert_labels(project: Project) -> list[tuple[str, dict[str, str]]]:
    """(alert name, labels) of every alert the generated rules can fire, as the rule renderer labels them."""
    return [found for service in project.services for found in service.alert_labels()]


def _case(name: str, labels: dict[str, str], routing: Routing) -> JSON:
    return {"alert": name, "labels": {"alertname": name, **labels}, "receivers": list(routing.receivers_for(labels))}


def render_route_tests(routing: Routing, parts: list[JSON]) -> JSON:
    """One case per alert: its labels (alertname included) and the receivers its route must reach."""
    cases = [case for part in parts for case in part["cases"]]
    if routing.teams:
        # A service no team names must not reach a team's receivers: a page of a service unknown to every spec.
        cases.append(_case(UNKNOWN_ALERT, {"service": UNKNOWN_SERVICE, "severity": "page", "priority": "P1"}, routing))
    return {"config": CONFIG_FILE, "tests": cases}
