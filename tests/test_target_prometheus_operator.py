"""The prometheus-operator target (generator/targets/prometheus_operator.py): Bookiji's PrometheusRules and
AlertmanagerConfig against the operator's CRD schemas, promtool on the rule groups, amtool on the Alertmanager
configuration the operator makes of the AlertmanagerConfig, the split of a big service, secrets and determinism."""

import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import amtool, kubernetes, pipeline, promtool
from generator.cli import main
from generator.render.alertmanager import UNKNOWN_ALERT
from generator.render.rules import render_rules
from generator.targets import RenderOptions
from generator.targets import prometheus_operator as po
from generator.write import render_tree, write

ROOT = Path(__file__).parents[1]
SPECS = ROOT / "slo_specs"
NAMESPACE = "monitoring"  # the default: Bookiji's specs configure no target
PREFIX = f"{NAMESPACE}/{po.AMCFG_NAME}/"


def generate_cli(out: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "--target", "prometheus-operator", "--out", str(out), str(SPECS)])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def bookiji(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Bookiji's real specs generated with --target prometheus-operator; the output directory."""
    out = tmp_path_factory.mktemp("bookiji") / "output"
    generate_cli(out)
    return out


def target_dir(out: Path) -> Path:
    return out / po.DIR


def objects(out: Path) -> list[tuple[Path, dict]]:
    return po.load_objects(target_dir(out))


def step(out: Path, tool: str):
    return next(s for s in po.checks(out) if s.tool == tool)


# ---- schema ---------------------------------------------------------------------------------------------------


def test_every_bookiji_object_validates_against_the_vendored_crds(bookiji: Path):
    found = objects(bookiji)
    kinds = sorted({obj["kind"] for _path, obj in found})
    assert kinds == ["AlertmanagerConfig", "PrometheusRule"]
    checked, problems = po.validate_directory(target_dir(bookiji))
    assert (checked, problems) == (len(found), [])
    kustomization = yaml.safe_load((target_dir(bookiji) / po.KUSTOMIZATION).read_text())
    assert kustomization["resources"] == sorted(path.name for path, _obj in found)
    for path, obj in found:
        assert obj["metadata"]["namespace"] == NAMESPACE, path.name
        assert obj["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "slogen"
        assert kubernetes.compact_size(obj) <= po.SIZE_BUDGET < kubernetes.MAX_OBJECT_BYTES


def test_bookiji_is_split_per_slo_because_one_object_would_pass_the_budget(bookiji: Path):
    """Bookiji's rules as one object are over the client-side apply budget, so each SLO gets its own object and
    the symptom alerts another; together they hold exactly the groups of the plain rule file."""
    project = pipeline.check([SPECS]).project
    service = next(s for s in project.services if s.name == "bookiji")
    names = sorted(path.name for path, obj in objects(bookiji) if obj["kind"] == "PrometheusRule")
    assert f"{service.name}.prometheusrule.yaml" not in names
    assert f"{service.name}.{po.SYMPTOM_PART}.prometheusrule.yaml" in names
    assert {f"{service.name}.{slo.name}.prometheusrule.yaml" for slo in service.slos} <= set(names)
    parts = [obj for path, obj in objects(bookiji) if path.name.startswith(f"{service.name}.")]
    whole = sum(kubernetes.compact_size(obj) for obj in parts)
    assert whole > po.SIZE_BUDGET
    groups = [group["name"] for obj in parts for group in obj["spec"]["groups"]]
    assert sorted(groups) == sorted(g["name"] for g in render_rules(service)["groups"])


def test_the_schema_check_fails_on_broken_objects(bookiji: Path, tmp_path: Path):
    """Each mutation breaks one thing the API server would refuse; the validator names it, and the `slogen test`
    step fails."""
    found = dict((path.name, obj) for path, obj in objects(bookiji))
    rule = next(obj for name, obj in found.items() if name.endswith(".prometheusrule.yaml"))
    amcfg = found[po.AMCFG_FILE]

    def broken(obj: dict, mutate) -> list[str]:
        changed = copy.deepcopy(obj)
        mutate(changed)
        return kubernetes.problems(changed)

    assert kubernetes.problems(rule) == [] and kubernetes.problems(amcfg) == []
    assert any("does not match" in p for p in broken(rule, lambda o: o["spec"]["groups"][0].update(interval="1 min")))
    assert any("duplicate" in p for p in broken(rule, lambda o: o["spec"]["groups"].append(o["spec"]["groups"][0])))
    assert any("Additional properties" in p for p in broken(rule, lambda o: o["spec"].update(group=[])))
    assert any(
        "'expr' is a required" in p for p in broken(rule, lambda o: o["spec"]["groups"][0]["rules"][0].pop("expr"))
    )
    assert any("metadata.name" in p for p in broken(rule, lambda o: o["metadata"].update(name="Slogen_Rules")))
    assert any("label value" in p for p in broken(rule, lambda o: o["metadata"]["labels"].update(team="a b")))
    assert any("over the" in p for p in broken(rule, lambda o: o["metadata"].update(annotations={"x": "y" * 2**20})))
    # A child route is checked as a Route although the CRD leaves it open (x-kubernetes-preserve-unknown-fields).
    assert any(
        "'soon' does not match" in p
        for p in broken(amcfg, lambda o: o["spec"]["route"]["routes"][0].update(groupWait="soon"))
    )
    assert any(
        "'~'" in p
        for p in broken(amcfg, lambda o: o["spec"]["route"]["routes"][0]["matchers"][0].update(matchType="~"))
    )
    assert any("Additional properties" in p for p in broken(amcfg, lambda o: o["spec"]["receivers"][0].update(url="x")))
    assert any(
        "weekdays" in p
        for p in broken(amcfg, lambda o: o["spec"]["muteTimeIntervals"][0]["timeIntervals"][0].update(weekdays=["sun"]))
    )

    copied = tmp_path / "output"
    shutil.copytree(bookiji, copied)
    path = target_dir(copied) / po.AMCFG_FILE
    data = yaml.safe_load(path.read_text())
    data["spec"]["route"]["groupWait"] = "half a minute"
    path.write_text(yaml.safe_dump(data))
    outcome = step(copied, "jsonschema").run()
    assert not outcome.passed
    assert "slogen.alertmanagerconfig.yaml: spec.route.groupWait: 'half a minute' does not match" in outcome.report


def test_the_months_and_weekdays_patterns_keep_go_s_scoped_case_insensitivity():
    """RE2's `((?i)a|b)`: Python refuses a global flag there; the translation keeps the flag inside the group."""
    assert kubernetes.go_pattern("^((?i)sun|mon)day(?:x|$)") == "^((?i:sun|mon))day(?:x|$)"
    assert kubernetes.go_pattern("^(?i)(abort|warn)?$") == "^(?i:(abort|warn)?$)"


# ---- promtool --------------------------------------------------------------------------------------------------


def test_promtool_checks_every_prometheusrule_s_groups(bookiji: Path, tmp_path: Path):
    promtool.version()
    outcome = step(bookiji, "promtool").run()
    rules = [obj for _path, obj in objects(bookiji) if obj["kind"] == "PrometheusRule"]
    assert outcome.passed, outcome.report
    assert outcome.checked == len(rules)
    assert outcome.report.count("SUCCESS") == len(rules)

    copied = tmp_path / "output"
    shutil.copytree(bookiji, copied)
    path = next(target_dir(copied).glob("*.prometheusrule.yaml"))
    data = yaml.safe_load(path.read_text())
    data["spec"]["groups"][0]["rules"][0]["expr"] = "sum(rate(x[5m])"
    path.write_text(yaml.safe_dump(data))
    broken = step(copied, "promtool").run()
    assert not broken.passed and "FAILED" in broken.report


def test_only_the_prometheusrules_alerting_rules_carry_the_namespace(bookiji: Path):
    for _path, obj in objects(bookiji):
        if obj["kind"] != "PrometheusRule":
            continue
        for group in obj["spec"]["groups"]:
            for rule in group["rules"]:
                assert ("alert" in rule) == (rule.get("labels", {}).get("namespace") == NAMESPACE), rule
    plain = (bookiji / "prometheus" / "rules" / "bookiji.rules.yml").read_text()
    assert "namespace:" not in plain


# ---- amtool ----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def operator_config(bookiji: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    obj = yaml.safe_load((target_dir(bookiji) / po.AMCFG_FILE).read_text())
    return po.write_operator_config(obj, tmp_path_factory.mktemp("operator-config"))


def route_cases(bookiji: Path) -> list[amtool.RouteCase]:
    _config, cases = amtool.route_file(bookiji / "alertmanager" / "routes.test.yml")
    return cases


def rule_alert_labels(bookiji: Path) -> list[dict[str, str]]:
    """alertname plus the static labels of every alerting rule in the PrometheusRules."""
    return [
        {"alertname": rule["alert"], **rule["labels"]}
        for _path, obj in objects(bookiji)
        if obj["kind"] == "PrometheusRule"
        for group in obj["spec"]["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def test_amtool_accepts_the_configuration_the_operator_makes(bookiji: Path, operator_config: Path):
    amtool.version()
    outcome = step(bookiji, "amtool").run()
    assert outcome.passed, outcome.report
    passed, output = amtool.check_config(operator_config)
    assert passed, output
    config = yaml.safe_load(operator_config.read_text())
    top = config["route"]["routes"][0]
    assert top["continue"] is True and top["matchers"][-1] == f'namespace="{NAMESPACE}"'
    assert all(r["name"] == "null" or r["name"].startswith(PREFIX) for r in config["receivers"])
    for rule in config["inhibit_rules"]:
        assert f'namespace="{NAMESPACE}"' in rule["source_matchers"]
        assert f'namespace="{NAMESPACE}"' in rule["target_matchers"]


def test_amtool_check_config_fails_when_the_config_is_broken(bookiji: Path, tmp_path: Path):
    obj = yaml.safe_load((target_dir(bookiji) / po.AMCFG_FILE).read_text())
    obj["spec"]["route"]["routes"][0]["receiver"] = "nobody"  # a receiver the object does not define
    passed, output = amtool.check_config(po.write_operator_config(obj, tmp_path))
    assert not passed and "nobody" in output


def test_every_alert_with_the_rule_labels_reaches_the_plain_config_s_receivers(bookiji: Path, operator_config: Path):
    """routes.test.yml's cases (the plain alertmanager.yml's expectations), with the labels the PrometheusRules give
    each alert, namespace included: amtool routes each to the same receivers, under the operator's names."""
    from_rules = rule_alert_labels(bookiji)
    cases: list[amtool.RouteCase] = []
    for case in route_cases(bookiji):
        labels = {**case["labels"], "namespace": NAMESPACE}
        # The one case no rule fires: a new service's page, which no team routes (render_route_tests).
        assert labels in from_rules or case["alert"] == UNKNOWN_ALERT, case["alert"]
        cases.append({**case, "labels": labels, "receivers": [PREFIX + r for r in case["receivers"]]})
    assert len(cases) > 100
    failed = [result.text() for result in amtool.test_routes(operator_config, cases) if not result.passed]
    assert failed == []


def test_without_the_namespace_label_no_alert_reaches_a_slogen_receiver(bookiji: Path, operator_config: Path):
    """The same alerts as the plain rule files label them: the operator's namespace matcher sends every one to the
    base configuration's `null` receiver, which is why the PrometheusRules add the label."""
    cases = [{**case, "receivers": [po.NULL_RECEIVER]} for case in route_cases(bookiji)]
    results = amtool.test_routes(operator_config, cases)
    assert {result.resolved for result in results} == {(po.NULL_RECEIVER,)}
    assert all(result.passed for result in results)


# ---- secrets, determinism, the split ---------------------------------------------------------------------------

ROUTED = """\
apiVersion: slogen/v1
service: shop
slos:
  - name: availability
    objective: 99.9
    sli: {ratio: {errors: 'http_requests_total{code=~"5.."}', total: http_requests_total}}
routing:
  alertmanager_version: "0.27"
  default_receiver: tickets
  receivers:
    - {name: tickets, type: slack, url_file: URL_DIR/tickets, channel: '#tickets'}
    - {name: hook, type: webhook, url_file: URL_DIR/hook}
    - {name: chat, type: discord, url_file: URL_DIR/chat}
  routes:
    - {severity: page, receivers: [chat, hook]}
    - {severity: ticket, receivers: [tickets]}
targets:
  prometheus-operator:
    namespace: observability
    labels: {release: kube-prometheus-stack}
    secrets: {hook: {name: alerting-hooks, key: webhook}}
"""
SECRET_URL = "https://hooks.slack.com/services/T0000/B0000/notarealsecretvalue"


def generate(spec: Path, out: Path) -> None:
    outcome = pipeline.generate([spec], options=RenderOptions())
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(out, render_tree(outcome.files))


def test_urls_stay_in_their_files_and_the_objects_name_secrets(tmp_path: Path):
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    for name in ("tickets", "hook", "chat"):
        (secrets / name).write_text(f"{SECRET_URL}{name}\n")
    spec = tmp_path / "shop.yaml"
    spec.write_text(ROUTED.replace("URL_DIR", str(secrets)))
    generate(spec, tmp_path / "output")
    texts = {p: p.read_text() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    assert not [p for p, text in texts.items() if "hooks.slack.com" in text or "notarealsecretvalue" in text]
    amcfg = yaml.safe_load((tmp_path / "output" / po.DIR / po.AMCFG_FILE).read_text())
    assert amcfg["metadata"] == {
        "name": "slogen",
        "namespace": "observability",
        "labels": {
            "app.kubernetes.io/component": "alert-routing",
            "app.kubernetes.io/managed-by": "slogen",
            "release": "kube-prometheus-stack",
        },
    }
    receivers = {r["name"]: r for r in amcfg["spec"]["receivers"]}
    assert receivers["tickets"]["slackConfigs"][0]["apiURL"] == {"name": "slogen-tickets", "key": "url"}
    assert receivers["hook"]["webhookConfigs"][0] == {
        "urlSecret": {"name": "alerting-hooks", "key": "webhook"},
        "sendResolved": True,
    }
    assert receivers["chat"]["discordConfigs"][0]["apiURL"] == {"name": "slogen-chat", "key": "url"}
    assert str(secrets) not in json.dumps(amcfg)
    assert kubernetes.problems(amcfg) == []
    passed, output = amtool.check_config(po.write_operator_config(amcfg, tmp_path / "operator"))
    assert passed, output


def test_output_is_deterministic(bookiji: Path, tmp_path: Path):
    again = tmp_path / "output"
    generate_cli(again)
    first = {p.name: p.read_bytes() for p in target_dir(bookiji).iterdir()}
    second = {p.name: p.read_bytes() for p in target_dir(again).iterdir()}
    assert first == second


def big_service(slos: int) -> str:
    entries = "".join(
        f"""  - name: endpoint-{i:02d}
    objective: 99.9
    group_by: [region, route]
    sli: {{latency: {{histogram: 'http_request_duration_seconds{{job="api", handler="/v1/endpoint/{i}"}}', threshold: 300ms}}}}
"""
        for i in range(slos)
    )
    alerts = """alerts:
  - name: QueueStuck
    zero_tolerance: {counter: 'queue_stuck_total{job="api"}'}
    severity: page
"""
    return f"apiVersion: slogen/v1\nservice: big\nslos:\n{entries}{alerts}targets:\n  prometheus-operator: {{}}\n"


def test_a_big_service_is_split_per_slo_and_each_part_is_valid(tmp_path: Path):
    spec = tmp_path / "big.yaml"
    spec.write_text(big_service(30))
    out = tmp_path / "output"
    generate(spec, out)
    found = objects(out)
    names = sorted(path.name for path, _obj in found)
    assert names == sorted(
        [*(f"big.endpoint-{i:02d}.prometheusrule.yaml" for i in range(30)), "big.alerts.prometheusrule.yaml"]
    )
    service = pipeline.check([spec]).project.services[0]
    whole = po._rule_object("slogen-big", render_rules(service)["groups"], po.PrometheusOperator(), "big")
    assert kubernetes.compact_size(whole) > po.SIZE_BUDGET
    sizes = [kubernetes.compact_size(obj) for _path, obj in found]
    assert max(sizes) <= po.SIZE_BUDGET
    assert po.validate_directory(target_dir(out)) == (31, [])
    alerts = dict(found)[target_dir(out) / "big.alerts.prometheusrule.yaml"]
    assert [g["name"] for g in alerts["spec"]["groups"]] == ["slogen:big:alerts"]
    assert alerts["metadata"]["name"] == "slogen-big-alerts"
    assert step(out, "promtool").run().passed


def test_a_small_service_stays_one_object(tmp_path: Path):
    spec = tmp_path / "big.yaml"
    spec.write_text(big_service(2))
    generate(spec, tmp_path / "output")
    assert [p.name for p, _obj in objects(tmp_path / "output")] == ["big.prometheusrule.yaml"]
    kustomization = yaml.safe_load((target_dir(tmp_path / "output") / po.KUSTOMIZATION).read_text())
    assert kustomization["resources"] == ["big.prometheusrule.yaml"]


def test_no_directory_no_checks(tmp_path: Path):
    assert po.checks(tmp_path) == []


def test_a_maintenance_window_outside_utc_is_refused(tmp_path: Path):
    """AlertmanagerConfig v1alpha1 time intervals have no location (read as UTC): slogen says so rather than shift
    the window by the zone's offset."""
    windows = "  maintenance_windows:\n    - {name: nightly, times: [{start: '02:00', end: '04:00'}], location: Europe/Berlin}\n"
    text = ROUTED.replace("URL_DIR", str(tmp_path)).replace(
        "    - {severity: ticket, receivers: [tickets]}\n",
        "    - {severity: ticket, receivers: [tickets], mute: [nightly]}\n" + windows,
    )
    for name in ("tickets", "hook", "chat"):
        (tmp_path / name).write_text(f"{SECRET_URL}{name}\n")
    spec = tmp_path / "shop.yaml"
    spec.write_text(text)
    outcome = pipeline.generate([spec], options=RenderOptions())
    messages = [f.message for f in outcome.findings if f.rule == "prometheus-operator"]
    assert messages == [
        "maintenance window location Europe/Berlin: AlertmanagerConfig v1alpha1 time intervals have no location and "
        "are read as UTC; write the window's times in UTC"
    ]
