"""prometheus-operator objects: a PrometheusRule per service (per SLO where one would be too big), an
AlertmanagerConfig from `routing`, and a kustomization.yaml that lists them.

The AlertmanagerConfig is alertmanager.yml (render/alertmanager.py) translated field by field. How the operator turns
it back into Alertmanager configuration (pkg/alertmanager/amcfg.go, prometheus-operator/prometheus-operator at
004fb32fec187b8c0c961797a26955eff411ba5e): it adds `namespace="<the object's namespace>"` to the object's top route
(namespaceEnforcer.processRoute) and to both sides of every inhibit rule (processInhibitRule), forces `continue: true`
on the top route (continueToNextRoute), prefixes receiver and time interval names with `<namespace>/<name>/`
(convertRoute, convertReceiver: makeNamespacedString), and reads each URL from its Secret (convertSlackConfig,
convertWebhookConfig, convertDiscordConfig: store.GetSecretKey). `operator_alertmanager_config` repeats that, so
amtool can check what the Alertmanager will run.

slogen's SLO alerts aggregate away the workload's `namespace` label, so the PrometheusRules' alerting rules carry a
static `namespace: <settings.namespace>` label; without it no alert would match the object's top route.
"""

import json
import re
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import yaml

from .. import amtool, kubernetes, promtool, testplan
from ..deploy import PrometheusOperator
from ..document import Document
from ..fleet import Fleet, Part
from ..lint import operator_namespace
from ..model import Project, Service
from ..render.alertmanager import SecretInOutput, render_alertmanager
from ..render.rules import render_rules, slo_group_name
from ..routing import Routing
from ..write import OutputFile
from . import alertmanager
from .base import RenderError, RenderOptions

JSON = dict[str, Any]
NAME = "prometheus-operator"
DIR = "kubernetes/prometheus-operator"
RULE_API, RULE_KIND = "monitoring.coreos.com/v1", "PrometheusRule"
AMCFG_API, AMCFG_KIND = "monitoring.coreos.com/v1alpha1", "AlertmanagerConfig"
AMCFG_NAME = "slogen"
AMCFG_FILE = f"{AMCFG_NAME}.alertmanagerconfig.yaml"
KUSTOMIZATION = "kustomization.yaml"
NAMESPACE_LABEL = "namespace"
# Client-side `kubectl apply` copies the whole object, as compact JSON, into its last-applied-configuration
# annotation, and the API server refuses an object whose annotations pass 256 KiB. A quarter of that is left for the
# object's own annotations and metadata, so a service's object is split per SLO above 192 KiB; both client-side and
# server-side apply then work, and every object stays far below the 1 MiB limit.
SIZE_BUDGET = kubernetes.MAX_ANNOTATIONS_BYTES * 3 // 4
SYMPTOM_PART = "alerts"
MANAGED_BY_KEY = kubernetes.MANAGED_BY[0]


def settings_of(options: RenderOptions) -> PrometheusOperator | None:
    settings = options.deploy.get(NAME)
    return settings if isinstance(settings, PrometheusOperator) else None


def service_files(service: Service, options: RenderOptions) -> list[OutputFile]:
    settings = settings_of(options)
    if settings is None:
        return []
    overwritten = next(operator_namespace.findings(service.documents), None)
    if overwritten is not None:
        raise RenderError(overwritten)
    return [OutputFile(f"{DIR}/{file}", obj, service.spec_files) for file, obj in prometheus_rules(service, settings)]


def service_part(service: Service, sections: Project, options: RenderOptions) -> Part:
    """The names of the service's PrometheusRule files, which the kustomization lists (None without the target)."""
    settings = settings_of(options)
    return [file for file, _obj in prometheus_rules(service, settings)] if settings else None


def project_files(fleet: Fleet, options: RenderOptions) -> list[OutputFile]:
    settings = settings_of(options)
    if settings is None:
        return []
    files = [file for _service, part in fleet.parts(NAME) for file in part]
    sources = tuple(sorted(set(fleet.spec_files)))
    out = []
    routing = fleet.sections.routing
    if routing is not None:
        routing_spec = fleet.sections.routing_documents[0]
        sources = tuple(sorted({*sources, routing_spec.output_name}))
        parts = [part for _service, part in fleet.parts(alertmanager.NAME)]
        out.append(
            OutputFile(f"{DIR}/{AMCFG_FILE}", alertmanager_config(routing, parts, routing_spec, settings), sources)
        )
        files.append(AMCFG_FILE)
    out.append(OutputFile(f"{DIR}/{KUSTOMIZATION}", kustomization(files), sources))
    return out


# ---- PrometheusRule ---------------------------------------------------------------------------------------------


def prometheus_rules(service: Service, settings: PrometheusOperator) -> list[tuple[str, JSON]]:
    """(file name, object): one object for the service, or one per SLO plus one for its symptom alerts when the
    service's would pass SIZE_BUDGET."""
    rendered: list[JSON] = render_rules(service)["groups"]  # type: ignore[assignment]
    groups = [_with_namespace(group, settings.namespace) for group in rendered]
    whole = _rule_object(f"slogen-{service.name}", groups, settings, service.name)
    if kubernetes.compact_size(whole) <= SIZE_BUDGET:
        return [(f"{service.name}.prometheusrule.yaml", whole)]
    by_name = {group["name"]: group for group in groups}
    parts: list[tuple[str, list[JSON]]] = []
    for slo in service.slos:
        names = (slo_group_name(service, slo), slo_group_name(service, slo, "period"))
        parts.append((slo.name, [by_name.pop(name) for name in names]))
    if by_name:
        parts.append((SYMPTOM_PART, list(by_name.values())))
    found = []
    for part, part_groups in parts:
        obj = _rule_object(f"slogen-{service.name}-{part}", part_groups, settings, service.name)
        size = kubernetes.compact_size(obj)
        if size > SIZE_BUDGET:
            raise RenderError(
                service.documents[0].finding(
                    ("service",),
                    f"the PrometheusRule of {service.name}'s {part} is {size} bytes as JSON, over the {SIZE_BUDGET} "
                    "byte budget that keeps client-side kubectl apply under its 256 KiB annotation limit; split the "
                    "SLO or the alerts into another service",
                    "kubernetes-size",
                )
            )
        found.append((f"{service.name}.{part}.prometheusrule.yaml", obj))
    return found


def _with_namespace(group: JSON, namespace: str) -> JSON:
    """The group with `namespace` on every alerting rule: the label the AlertmanagerConfig's top route matches."""
    rules = [
        {**rule, "labels": dict(sorted({**rule.get("labels", {}), NAMESPACE_LABEL: namespace}.items()))}
        if "alert" in rule
        else rule
        for rule in group["rules"]
    ]
    return {**group, "rules": rules}


def _labels(settings: PrometheusOperator, service: str | None, component: str) -> dict[str, str]:
    recommended = {
        MANAGED_BY_KEY: kubernetes.MANAGED_BY[1],
        "app.kubernetes.io/component": component,
        **({"app.kubernetes.io/part-of": service} if service else {}),
    }
    return {**recommended, **dict(settings.labels)}


def _rule_object(name: str, groups: list[JSON], settings: PrometheusOperator, service: str) -> JSON:
    meta = kubernetes.metadata(
        name, settings.namespace, _labels(settings, service, "slo-rules"), dict(settings.annotations)
    )
    return kubernetes.kube_object(RULE_API, RULE_KIND, meta, {"groups": groups})


# ---- AlertmanagerConfig -----------------------------------------------------------------------------------------

_ROUTE_KEYS = {
    "receiver": "receiver",
    "group_by": "groupBy",
    "group_wait": "groupWait",
    "group_interval": "groupInterval",
    "repeat_interval": "repeatInterval",
    "continue": "continue",
    "mute_time_intervals": "muteTimeIntervals",
}
_MATCHER = re.compile(r'^([a-zA-Z_][a-zA-Z0-9_]*)(=~|!~|!=|=)"(.*)"$')


class Inexpressible(ValueError):
    """alertmanager.yml holds something AlertmanagerConfig v1alpha1 has no field for."""


def alertmanager_config(
    routing: Routing, parts: list[JSON], routing_spec: Document, settings: PrometheusOperator
) -> JSON:
    """alertmanager.yml (render_alertmanager of the routing and each service's part) as an AlertmanagerConfig."""
    try:
        plain = render_alertmanager(routing, parts)
        spec = _spec(plain, settings)
    except SecretInOutput as err:
        raise RenderError(
            routing_spec.finding(("routing",), f"{err}; use url_file references", "inline-secret")
        ) from None
    except Inexpressible as err:
        raise RenderError(routing_spec.finding(("routing",), f"{err}", "prometheus-operator")) from None
    meta = kubernetes.metadata(
        AMCFG_NAME, settings.namespace, _labels(settings, None, "alert-routing"), dict(settings.annotations)
    )
    return kubernetes.kube_object(AMCFG_API, AMCFG_KIND, meta, spec)


def _spec(plain: JSON, settings: PrometheusOperator) -> JSON:
    spec: JSON = {
        "route": _route(plain["route"]),
        "receivers": [_receiver(r, settings) for r in plain["receivers"]],
        "inhibitRules": [_inhibit_rule(rule) for rule in plain["inhibit_rules"]],
    }
    if "time_intervals" in plain:
        spec["muteTimeIntervals"] = [_mute_interval(interval) for interval in plain["time_intervals"]]
    unknown = set(plain) - {"route", "receivers", "inhibit_rules", "time_intervals"}
    if unknown:
        raise Inexpressible(f"alertmanager.yml's {', '.join(sorted(unknown))} has no AlertmanagerConfig translation")
    return spec


def _route(route: JSON) -> JSON:
    out: JSON = {}
    for key, value in route.items():
        if key == "matchers":
            out["matchers"] = [matcher(text) for text in value]
        elif key == "routes":
            out["routes"] = [_route(child) for child in value]
        elif key in _ROUTE_KEYS:
            out[_ROUTE_KEYS[key]] = value
        else:
            raise Inexpressible(f"route field {key} has no AlertmanagerConfig translation")
    return out


def matcher(text: str) -> JSON:
    """A matcher as render/alertmanager.py writes it (`name="value"`, =, !=, =~ or !~) as a v1alpha1 Matcher."""
    found = _MATCHER.match(text)
    if found is None:
        raise Inexpressible(f"matcher {text} is not name, operator and a double-quoted value")
    name, op, value = found.groups()
    return {"name": name, "matchType": op, "value": json.loads(f'"{value}"')}


_CONFIGS: dict[str, tuple[str, str, dict[str, str]]] = {
    # alertmanager.yml key → (AlertmanagerConfig key, its Secret key selector field, other fields renamed)
    "slack_configs": (
        "slackConfigs",
        "apiURL",
        {"send_resolved": "sendResolved", "channel": "channel", "title": "title", "text": "text"},
    ),
    "webhook_configs": ("webhookConfigs", "urlSecret", {"send_resolved": "sendResolved"}),
    "discord_configs": (
        "discordConfigs",
        "apiURL",
        {"send_resolved": "sendResolved", "title": "title", "message": "message"},
    ),
    # The SMTP password is the Secret key here (EmailConfig.authPassword, a SecretKeySelector).
    "email_configs": (
        "emailConfigs",
        "authPassword",
        {
            "to": "to",
            "from": "from",
            "smarthost": "smarthost",
            "auth_username": "authUsername",
            "send_resolved": "sendResolved",
        },
    ),
}
# The fields that name a secret's file: a URL's, or an email receiver's SMTP password's.
_URL_FILE_KEYS = ("api_url_file", "url_file", "webhook_url_file", "auth_password_file")


def _receiver(receiver: JSON, settings: PrometheusOperator) -> JSON:
    out: JSON = {"name": receiver["name"]}
    secret = settings.secret_for(receiver["name"])
    for key, configs in receiver.items():
        if key == "name":
            continue
        if key not in _CONFIGS:
            raise Inexpressible(f"receiver {receiver['name']}: {key} has no AlertmanagerConfig translation")
        kind, secret_field, renamed = _CONFIGS[key]
        out[kind] = [_receiver_config(config, secret_field, renamed, secret.name, secret.key) for config in configs]
    return out


def _receiver_config(config: JSON, secret_field: str, renamed: dict[str, str], name: str, key: str) -> JSON:
    out: JSON = {}
    for field, value in config.items():
        if field in _URL_FILE_KEYS:
            out[secret_field] = {"name": name, "key": key}  # the secret stays in the Secret; only its name is written
        elif field in renamed:
            out[renamed[field]] = value
        else:
            raise Inexpressible(f"receiver field {field} has no AlertmanagerConfig translation")
    return out


def _inhibit_rule(rule: JSON) -> JSON:
    return {
        "sourceMatch": [matcher(text) for text in rule["source_matchers"]],
        "targetMatch": [matcher(text) for text in rule["target_matchers"]],
        "equal": list(rule["equal"]),
    }


def _mute_interval(interval: JSON) -> JSON:
    return {"name": interval["name"], "timeIntervals": [_time_interval(t) for t in interval["time_intervals"]]}


def _time_interval(interval: JSON) -> JSON:
    location = interval.get("location", "UTC")
    if location != "UTC":
        raise Inexpressible(
            f"maintenance window location {location}: AlertmanagerConfig v1alpha1 time intervals have no location "
            "and are read as UTC; write the window's times in UTC"
        )
    out: JSON = {}
    if "weekdays" in interval:
        out["weekdays"] = list(interval["weekdays"])
    if "days_of_month" in interval:
        out["daysOfMonth"] = [_day_range(text) for text in interval["days_of_month"]]
    if "months" in interval:
        out["months"] = list(interval["months"])
    out["times"] = [{"startTime": t["start_time"], "endTime": t["end_time"]} for t in interval["times"]]
    return out


def _day_range(text: str) -> JSON:
    start, _, end = text.partition(":")
    return {"start": int(start), "end": int(end or start)}


def kustomization(files: list[str]) -> JSON:
    return {
        "apiVersion": "kustomize.config.k8s.io/v1beta1",
        "kind": "Kustomization",
        "resources": sorted(files),
    }


# ---- what the operator makes of the AlertmanagerConfig ----------------------------------------------------------

NULL_RECEIVER = "null"  # the operator's default base configuration routes everything else here


def operator_name(obj: JSON, name: str) -> str:
    """makeNamespacedString: a receiver or time interval name as the operator writes it into alertmanager.yaml."""
    meta = obj["metadata"]
    return f"{meta['namespace']}/{meta['name']}/{name}"


def operator_alertmanager_config(obj: JSON, secret_value: Callable[[str, str], str]) -> JSON:
    """alertmanager.yaml as the operator generates it from this AlertmanagerConfig alone: the default base (a root
    route to the `null` receiver), then the object's top route first among its children. `secret_value(name, key)`
    stands for a Secret key's value, which the operator writes inline (api_url, url, webhook_url)."""
    spec, namespace = obj["spec"], obj["metadata"]["namespace"]
    ns_matcher = f'{NAMESPACE_LABEL}="{namespace}"'
    top = {**_plain_route(obj, spec["route"]), "continue": True}
    top["matchers"] = [*top.get("matchers", []), ns_matcher]
    config: JSON = {
        "route": {"receiver": NULL_RECEIVER, "routes": [top]},
        "receivers": [{"name": NULL_RECEIVER}, *(_plain_receiver(obj, r, secret_value) for r in spec["receivers"])],
        "inhibit_rules": [
            {
                "source_matchers": [*map(_matcher_text, rule["sourceMatch"]), ns_matcher],
                "target_matchers": [*map(_matcher_text, rule["targetMatch"]), ns_matcher],
                "equal": rule["equal"],
            }
            for rule in spec.get("inhibitRules", [])
        ],
    }
    if spec.get("muteTimeIntervals"):
        config["time_intervals"] = [_plain_interval(obj, i) for i in spec["muteTimeIntervals"]]
    return config


def _matcher_text(m: JSON) -> str:
    return f"{m['name']}{m.get('matchType', '=')}{json.dumps(m.get('value', ''))}"


def _plain_route(obj: JSON, route: JSON) -> JSON:
    back = {camel: plain for plain, camel in _ROUTE_KEYS.items()}
    out: JSON = {}
    for key, value in route.items():
        if key == "receiver":
            out["receiver"] = operator_name(obj, value)
        elif key == "muteTimeIntervals":
            out["mute_time_intervals"] = [operator_name(obj, v) for v in value]
        elif key == "matchers":
            out["matchers"] = [_matcher_text(m) for m in value]
        elif key == "routes":
            out["routes"] = [_plain_route(obj, child) for child in value]
        else:
            out[back[key]] = value
    return out


def _plain_receiver(obj: JSON, receiver: JSON, secret_value: Callable[[str, str], str]) -> JSON:
    out: JSON = {"name": operator_name(obj, receiver["name"])}
    url_keys = {
        "slackConfigs": "api_url",
        "webhookConfigs": "url",
        "discordConfigs": "webhook_url",
        "emailConfigs": "auth_password",
    }
    for kind, (plain_kind, secret_field, renamed) in {c[0]: (k, c[1], c[2]) for k, c in _CONFIGS.items()}.items():
        back = {camel: plain for plain, camel in renamed.items()}
        if kind in receiver:
            out[plain_kind] = [
                _plain_config(config, back, secret_field, url_keys[kind], secret_value) for config in receiver[kind]
            ]
    return out


def _plain_config(
    config: JSON, back: dict[str, str], secret_field: str, plain_key: str, secret_value: Callable[[str, str], str]
) -> JSON:
    """One receiver config as the operator writes it: the Secret key's value inline (an email receiver without a
    password has no Secret)."""
    out = {back[f]: v for f, v in config.items() if f != secret_field}
    if secret_field in config:
        out[plain_key] = secret_value(config[secret_field]["name"], config[secret_field]["key"])
    return out


def _plain_interval(obj: JSON, interval: JSON) -> JSON:
    def plain(t: JSON) -> JSON:
        out: JSON = {}
        if "weekdays" in t:
            out["weekdays"] = t["weekdays"]
        if "daysOfMonth" in t:
            out["days_of_month"] = [f"{d['start']}:{d['end']}" for d in t["daysOfMonth"]]
        if "months" in t:
            out["months"] = t["months"]
        out["times"] = [{"start_time": r["startTime"], "end_time": r["endTime"]} for r in t.get("times", [])]
        return out

    return {
        "name": operator_name(obj, interval["name"]),
        "time_intervals": [plain(t) for t in interval["timeIntervals"]],
    }


def placeholder_url(name: str, key: str) -> str:
    """What stands for a Secret's URL in the configuration amtool checks (a reserved, unresolvable domain)."""
    return f"https://secret.invalid/{name}/{key}"


def write_operator_config(obj: JSON, directory: Path) -> Path:
    """The operator's alertmanager.yaml for `obj` in `directory` (never under output/), Secrets as placeholders."""
    directory.mkdir(parents=True, exist_ok=True)
    config = directory / "alertmanager.yaml"
    config.write_text(yaml.safe_dump(operator_alertmanager_config(obj, placeholder_url), sort_keys=False), "utf-8")
    return config


# ---- slogen test ------------------------------------------------------------------------------------------------


def load_objects(directory: Path) -> list[tuple[Path, JSON]]:
    """Every object in the target's directory but the kustomization, in file order."""
    found = []
    for path in sorted(directory.glob("*.yaml")):
        if path.name != KUSTOMIZATION:
            found.append((path, yaml.safe_load(path.read_text(encoding="utf-8"))))
    return found


def checks(out: Path) -> list[testplan.Step]:
    """JSON Schema validation of every object; promtool check rules on every PrometheusRule's groups; amtool
    check-config on the configuration the operator makes of the AlertmanagerConfig."""
    directory = out / DIR
    if not directory.is_dir():
        return []
    steps = [testplan.Step("jsonschema", f"validate {DIR} against the operator's CRDs", partial(_validate, directory))]
    steps.append(testplan.Step("promtool", f"check rules: {DIR} PrometheusRules", partial(_check_rules, directory)))
    if (directory / AMCFG_FILE).exists():
        steps.append(testplan.Step("amtool", f"check-config {DIR}/{AMCFG_FILE}", partial(_check_amcfg, directory)))
    return steps


def validate_directory(directory: Path) -> tuple[int, list[str]]:
    """(objects checked, problems as `file: where: what` lines)."""
    objects = load_objects(directory)
    found = [f"{path.name}: {problem}" for path, obj in objects for problem in kubernetes.problems(obj)]
    return len(objects), found


def _validate(directory: Path) -> testplan.Outcome:
    checked, found = validate_directory(directory)
    return testplan.Outcome(not found, checked, "".join(f"{line}\n" for line in found), len(found))


def _check_rules(directory: Path) -> testplan.Outcome:
    promtool.version()
    rules = [(path, obj) for path, obj in load_objects(directory) if obj.get("kind") == RULE_KIND]
    with tempfile.TemporaryDirectory(prefix="slogen-promrule-") as tmp:
        files = []
        for path, obj in rules:
            rule_file = Path(tmp) / f"{path.stem}.rules.yml"
            rule_file.write_text(yaml.safe_dump({"groups": obj["spec"]["groups"]}, sort_keys=False), "utf-8")
            files.append(rule_file)
        passed, _problems, output = promtool.check_rules(files)
    return testplan.Outcome(passed, len(files), output)


def _check_amcfg(directory: Path) -> testplan.Outcome:
    amtool.version()
    obj = yaml.safe_load((directory / AMCFG_FILE).read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="slogen-amcfg-") as tmp:
        passed, output = amtool.check_config(write_operator_config(obj, Path(tmp)))
    return testplan.Outcome(passed, 1, output)
