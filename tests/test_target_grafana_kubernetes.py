"""Grafana on Kubernetes: the grafana-sidecar ConfigMaps and the grafana-operator GrafanaDashboards
(generator/targets/grafana_sidecar.py, grafana_operator.py, grafana_kubernetes.py).

Bookiji's objects are generated from slo_specs/ once per module, as `slogen generate --target grafana-sidecar
--target grafana-operator` writes them, and checked against the vendored schemas, the plain dashboards of the
same run, and kubectl itself where it is installed."""

import copy
import json
import shutil
import socket
import subprocess
import sys
import time
from functools import partial
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from generator import kubernetes, pipeline
from generator.cli import main
from generator.targets import RenderOptions, grafana_kubernetes, grafana_operator, grafana_sidecar
from generator.targets.base import RenderError

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"
SIDECAR, OPERATOR = "kubernetes/grafana-sidecar", "kubernetes/grafana-operator"
DASHBOARDS = ["bookiji", "bookiji-pilot", "slogen_overview", "slogen_slo_detail"]
ANNOTATIONS_LIMIT = 262144  # apimachinery TotalAnnotationSizeLimitB


def _generate(workdir: Path, specs: Path, *args: str) -> Path:
    shutil.copytree(specs, workdir / "slo_specs")
    out = workdir / "output"
    result = CliRunner().invoke(main, ["generate", str(workdir / "slo_specs"), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def bookiji(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """output/ of Bookiji with both targets."""
    workdir = tmp_path_factory.mktemp("bookiji")
    return _generate(workdir, ROOT / "slo_specs", "--target", "grafana-sidecar", "--target", "grafana-operator")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _objects(out: Path, directory: str) -> dict[str, Any]:
    return {p.name: _load(p) for p in sorted((out / directory).glob("*.yaml")) if p.name != "kustomization.yaml"}


# --- what is generated ---------------------------------------------------------------------------------


def test_every_bookiji_object_validates_against_the_vendored_schemas(bookiji: Path):
    sidecar, operator = _objects(bookiji, SIDECAR), _objects(bookiji, OPERATOR)
    assert sorted(sidecar) == sorted(f"{d}.configmap.yaml" for d in DASHBOARDS)
    assert sorted(operator) == sorted(f"{d}.grafanadashboard.yaml" for d in DASHBOARDS)
    for name, obj in {**sidecar, **operator}.items():
        assert grafana_kubernetes.object_errors(obj) == [], name
    assert {o["kind"] for o in sidecar.values()} == {"ConfigMap"}
    assert {(o["apiVersion"], o["kind"]) for o in operator.values()} == {
        ("grafana.integreatly.org/v1beta1", "GrafanaDashboard")
    }


def _mutated(obj: dict[str, Any], change: Any) -> dict[str, Any]:
    broken = copy.deepcopy(obj)
    change(broken)
    return broken


def _broken_configmaps(obj: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        ("data", _mutated(obj, lambda o: o["data"].update({"bookiji.json": 42}))),
        ("(object)", _mutated(obj, lambda o: o.update({"spec": {}}))),  # strict: a ConfigMap has no spec
        ("metadata.labels", _mutated(obj, lambda o: o["metadata"].update({"labels": ["grafana_dashboard"]}))),
        ("metadata.name", _mutated(obj, lambda o: o["metadata"].update({"name": "Slogen_Bookiji"}))),
        ("metadata.labels", _mutated(obj, lambda o: o["metadata"]["labels"].update({"grafana_dashboard": "x" * 64}))),
        ("data", _mutated(obj, lambda o: o["data"].update({"bad/key.json": "{}"}))),
        ("data", _mutated(obj, lambda o: o["data"].update({"big.json": " " * (1024 * 1024)}))),
    ]


def _broken_dashboards(obj: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    selector = "spec.instanceSelector.matchLabels"
    return [
        ("spec.json", _mutated(obj, lambda o: o["spec"].update({"json": {"title": "not a string"}}))),
        ("spec", _mutated(obj, lambda o: o["spec"].pop("instanceSelector"))),
        ("spec", _mutated(obj, lambda o: o["spec"].update({"jsn": "typo"}))),
        (selector, _mutated(obj, lambda o: o["spec"]["instanceSelector"].update({"matchLabels": "x"}))),
        ("metadata", _mutated(obj, lambda o: o["metadata"].update({"labelz": {}}))),
        ("(object)", _mutated(obj, lambda o: o["spec"].update({"json": "x" * (1024 * 1024)}))),
    ]


def test_a_broken_object_fails_and_names_where(bookiji: Path):
    configmap = _objects(bookiji, SIDECAR)["bookiji.configmap.yaml"]
    dashboard = _objects(bookiji, OPERATOR)["bookiji.grafanadashboard.yaml"]
    for where, broken in _broken_configmaps(configmap) + _broken_dashboards(dashboard):
        errors = grafana_kubernetes.object_errors(broken)
        assert errors, where
        assert any(e.startswith(where) for e in errors), (where, errors)


def test_the_embedded_dashboards_are_the_plain_files_byte_for_byte(bookiji: Path):
    plain = {d: (bookiji / "grafana/dashboards" / f"{d}.json").read_text(encoding="utf-8") for d in DASHBOARDS}
    for d in DASHBOARDS:
        configmap = _load(bookiji / SIDECAR / f"{d}.configmap.yaml")
        assert configmap["data"] == {f"{d}.json": plain[d]}
        dashboard = _load(bookiji / OPERATOR / f"{d}.grafanadashboard.yaml")
        assert dashboard["spec"]["json"] == plain[d]
        json.loads(plain[d])


def test_the_defaults_are_kube_prometheus_stacks_sidecar_and_the_operators_examples(bookiji: Path):
    configmap = _load(bookiji / SIDECAR / "bookiji.configmap.yaml")
    assert configmap["metadata"] == {
        "name": "slogen-dashboard-bookiji",
        "namespace": "monitoring",
        "labels": {"app.kubernetes.io/managed-by": "slogen", "grafana_dashboard": "1"},
        "annotations": {"k8s-sidecar-target-directory": "Bookiji"},  # Bookiji's spec sets only the folder
    }
    dashboard = _load(bookiji / OPERATOR / "bookiji.grafanadashboard.yaml")
    assert dashboard["metadata"] == {
        "name": "slogen-dashboard-bookiji",
        "namespace": "monitoring",
        "labels": {"app.kubernetes.io/managed-by": "slogen"},
    }
    assert dashboard["spec"]["folder"] == "SLOs"
    assert dashboard["spec"]["instanceSelector"] == {"matchLabels": {"dashboards": "grafana"}}
    assert _load(bookiji / SIDECAR / "slogen_overview.configmap.yaml")["metadata"]["name"] == "slogen-overview"


def test_no_datasource_mapping_is_needed(bookiji: Path):
    """The operator replaces `${inputName}` for each spec.datasources entry (resolver.go resolveDatasources); slogen's
    dashboards import nothing (__inputs is empty) and their `${datasource}` is their own variable, so a mapping
    would only hard-wire it."""
    for d in DASHBOARDS:
        dashboard = _load(bookiji / OPERATOR / f"{d}.grafanadashboard.yaml")
        assert "datasources" not in dashboard["spec"]
        model = json.loads(dashboard["spec"]["json"])
        assert model["__inputs"] == []
        variables = {v["name"]: v for v in model["templating"]["list"]}
        assert variables["datasource"]["type"] == "datasource"


def test_settings_set_labels_annotations_namespace_and_folder(tmp_path: Path):
    spec = FIXTURE.read_text() + (
        "\ntargets:\n"
        "  grafana-sidecar:\n"
        "    namespace: grafana\n"
        "    label: {name: example.com/dashboard, value: slo}\n"
        "    folder_annotation: grafana_folder\n"
        "    folder: Reliability\n"
        "    labels: {team: payments, grafana_dashboard: '0'}\n"
        "    annotations: {example.com/owner: payments}\n"
        "  grafana-operator:\n"
        "    namespace: grafana\n"
        "    instance_selector: {app: grafana, env: prod}\n"
        "    folder: Reliability\n"
        "    labels: {team: payments}\n"
        "    annotations: {example.com/owner: payments}\n"
    )
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "shop.yaml").write_text(spec)
    out = tmp_path / "output"
    result = CliRunner().invoke(main, ["generate", str(tmp_path / "specs"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    configmap = _load(out / SIDECAR / "checkout.configmap.yaml")
    assert configmap["metadata"] == {
        "name": "slogen-dashboard-checkout",
        "namespace": "grafana",
        "labels": {
            "app.kubernetes.io/managed-by": "slogen",
            "example.com/dashboard": "slo",
            "grafana_dashboard": "0",
            "team": "payments",
        },
        "annotations": {"example.com/owner": "payments", "grafana_folder": "Reliability"},
    }
    dashboard = _load(out / OPERATOR / "checkout.grafanadashboard.yaml")
    assert dashboard["metadata"] == {
        "name": "slogen-dashboard-checkout",
        "namespace": "grafana",
        "labels": {"app.kubernetes.io/managed-by": "slogen", "team": "payments"},
        "annotations": {"example.com/owner": "payments"},
    }
    assert dashboard["spec"]["instanceSelector"] == {"matchLabels": {"app": "grafana", "env": "prod"}}
    assert dashboard["spec"]["folder"] == "Reliability"
    for obj in (configmap, dashboard):
        assert grafana_kubernetes.object_errors(obj) == []


def test_the_sidecars_selector_label_wins_over_a_spec_label_of_the_same_name(tmp_path: Path):
    spec = FIXTURE.read_text() + "\ntargets:\n  grafana-sidecar:\n    labels: {grafana_dashboard: '0'}\n"
    (tmp_path / "shop.yaml").write_text(spec)
    outcome = pipeline.generate([tmp_path])
    configmap = next(f.data for f in outcome.files if f.path.endswith("checkout.configmap.yaml"))
    assert configmap["metadata"]["labels"]["grafana_dashboard"] == "1"


def test_without_the_targets_nothing_is_written(tmp_path: Path):
    (tmp_path / "shop.yaml").write_text(FIXTURE.read_text())
    outcome = pipeline.generate([tmp_path])
    assert not [f.path for f in outcome.files if f.path.startswith("kubernetes/grafana")]


def test_output_is_deterministic(bookiji: Path, tmp_path: Path):
    again = _generate(tmp_path, ROOT / "slo_specs", "--target", "grafana-operator", "--target", "grafana-sidecar")
    for directory in (SIDECAR, OPERATOR):
        first = {p.name: p.read_bytes() for p in (bookiji / directory).iterdir()}
        second = {p.name: p.read_bytes() for p in (again / directory).iterdir()}
        assert first == second
        assert all(content.startswith(b"# generated by slogen from ") for content in first.values())


def test_the_kustomizations_list_exactly_the_objects(bookiji: Path):
    for directory in (SIDECAR, OPERATOR):
        kustomization = _load(bookiji / directory / "kustomization.yaml")
        assert kustomization["kind"] == "Kustomization"
        assert kustomization["resources"] == sorted(_objects(bookiji, directory))


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_kustomize_builds_every_object(bookiji: Path):
    for directory in (SIDECAR, OPERATOR):
        built = subprocess.run(
            ["kubectl", "kustomize", str(bookiji / directory)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        objects = list(yaml.safe_load_all(built))
        assert sorted(o["metadata"]["name"] for o in objects) == sorted(
            o["metadata"]["name"] for o in _objects(bookiji, directory).values()
        )


# --- size -------------------------------------------------------------------------------------------------


def _dashboard(size: int) -> grafana_kubernetes.Dashboard:
    outcome = pipeline.check([FIXTURE])
    document = outcome.project.services[0].documents[0]
    finding = partial(document.finding, ("service",))
    return grafana_kubernetes.Dashboard("checkout", "slogen-dashboard-checkout", "x" * size, (), finding)


def test_an_object_of_exactly_one_mib_passes_and_one_byte_more_is_refused():
    grafana_kubernetes.refuse_oversize(
        _dashboard(10), "ConfigMap", kubernetes.MAX_OBJECT_BYTES, "a ConfigMap's data limit"
    )
    with pytest.raises(RenderError) as refused:
        grafana_kubernetes.refuse_oversize(
            _dashboard(10), "ConfigMap", kubernetes.MAX_OBJECT_BYTES + 1, "a ConfigMap's data limit"
        )
    finding = refused.value.finding
    assert finding.rule == "kubernetes-size"
    assert finding.message == (
        "the ConfigMap slogen-dashboard-checkout would hold 1,048,577 bytes, over a ConfigMap's data limit "
        "(1,048,576 bytes), so Kubernetes would refuse it: the dashboard checkout.json is 10 bytes; split the "
        "service's SLOs over two services or drop panels from its `dashboard.rows`"
    )
    assert finding.file.endswith("checkout.yaml") and finding.line > 0


@pytest.mark.parametrize("target", ["grafana-sidecar", "grafana-operator"])
def test_a_dashboard_over_the_limit_is_refused_with_one_finding(target: str, monkeypatch: pytest.MonkeyPatch):
    """Bookiji's launch dashboard (99,845 bytes; 111,712 as a GrafanaDashboard) against a limit of 90,000:
    refused, its pilot (73,636; 82,483) not."""
    monkeypatch.setattr(kubernetes, "MAX_OBJECT_BYTES", 90_000)
    outcome = pipeline.generate([ROOT / "slo_specs"], options=RenderOptions(targets=(target,)))
    refused = [f for f in outcome.findings if f.rule == "kubernetes-size"]
    assert len(refused) == 1, [f.text() for f in refused]
    assert "slogen-dashboard-bookiji would hold" in refused[0].message
    assert "over" in refused[0].message and "(90,000 bytes)" in refused[0].message
    assert refused[0].file.endswith("bookiji.jsonnet")
    written = [f.path for f in outcome.files if f.path.startswith(f"kubernetes/{target}/")]
    assert any("bookiji-pilot" in p for p in written) and not any("/bookiji." in p for p in written)


def test_bookiji_fits_a_configmap_and_client_side_apply(bookiji: Path):
    """The numbers the README's table rests on: every object under 1 MiB, and (no dashboard holding a section per SLO
    any more) under the 256 KiB that client-side `kubectl apply` copies it into."""
    for directory in (SIDECAR, OPERATOR):
        for name, obj in _objects(bookiji, directory).items():
            assert grafana_kubernetes.object_bytes(obj) < kubernetes.MAX_OBJECT_BYTES, name
            assert grafana_kubernetes.last_applied_bytes(obj) < ANNOTATIONS_LIMIT, name


# --- kubectl, for real --------------------------------------------------------------------------------------

DISCOVERY = """
import json, sys
from http.server import BaseHTTPRequestHandler, HTTPServer
DOCS = {
    "/api": {"kind": "APIVersions", "versions": ["v1"],
             "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]},
    "/apis": {"kind": "APIGroupList", "apiVersion": "v1", "groups": [{"name": "grafana.integreatly.org",
              "versions": [{"groupVersion": "grafana.integreatly.org/v1beta1", "version": "v1beta1"}],
              "preferredVersion": {"groupVersion": "grafana.integreatly.org/v1beta1", "version": "v1beta1"}}]},
    "/api/v1": {"kind": "APIResourceList", "groupVersion": "v1", "resources": [{"name": "configmaps",
                "singularName": "configmap", "namespaced": True, "kind": "ConfigMap", "verbs": ["create"]}]},
    "/apis/grafana.integreatly.org/v1beta1": {"kind": "APIResourceList", "apiVersion": "v1",
        "groupVersion": "grafana.integreatly.org/v1beta1", "resources": [{"name": "grafanadashboards",
        "singularName": "grafanadashboard", "namespaced": True, "kind": "GrafanaDashboard", "verbs": ["create"]}]},
}
class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = DOCS.get(self.path.split("?")[0])
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(body or {"kind": "Status", "code": 404}).encode())
    def log_message(self, *args):
        pass
server = HTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


@pytest.fixture
def kubeconfig(tmp_path: Path):
    """kubectl's client-side dry run maps kinds through discovery: a stand-in that serves only discovery, so no
    object ever reaches a server."""
    server = subprocess.Popen([sys.executable, "-c", DISCOVERY], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        config = tmp_path / "kubeconfig"
        config.write_text(
            "apiVersion: v1\nkind: Config\ncurrent-context: stub\n"
            f"clusters: [{{name: stub, cluster: {{server: 'http://127.0.0.1:{port}'}}}}]\n"
            "contexts: [{name: stub, context: {cluster: stub}}]\nusers: []\n"
        )
        yield config
    finally:
        server.kill()
        server.wait()


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kubectl_reads_the_same_dashboards_and_stores_the_annotation_we_measure(bookiji: Path, kubeconfig: Path):
    """`kubectl create --save-config --dry-run=client` writes the annotation client-side apply writes: its size is
    last_applied_bytes exactly, and kubectl's YAML parser reads each dashboard back byte for byte."""
    for directory in (SIDECAR, OPERATOR):
        for name, obj in _objects(bookiji, directory).items():
            create = ["kubectl", "create", "--dry-run=client", "--save-config", "--validate=false", "-o", "json"]
            created = subprocess.run(
                [*create, "-f", str(bookiji / directory / name)],
                capture_output=True,
                text=True,
                timeout=60,
                env={"KUBECONFIG": str(kubeconfig), "PATH": "/usr/bin:/bin"},
            )
            assert created.returncode == 0, created.stderr
            seen = json.loads(created.stdout)
            annotations = seen["metadata"]["annotations"]
            stored = sum(len(k.encode()) + len(v.encode()) for k, v in annotations.items())
            assert stored == grafana_kubernetes.last_applied_bytes(obj), name
            stem = name.split(".")[0]
            plain = (bookiji / "grafana/dashboards" / f"{stem}.json").read_text(encoding="utf-8")
            embedded = seen["data"][f"{stem}.json"] if directory == SIDECAR else seen["spec"]["json"]
            assert embedded == plain, name


# --- `slogen test` checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize("module", [grafana_sidecar, grafana_operator])
def test_checks_pass_on_the_generated_objects(bookiji: Path, module: Any):
    steps = module.checks(bookiji)
    assert len(steps) == 1
    outcome = steps[0].run()
    assert outcome.passed, outcome.report
    assert outcome.checked == len(DASHBOARDS)


@pytest.mark.parametrize("module", [grafana_sidecar, grafana_operator])
def test_checks_find_nothing_to_check_without_the_directory(tmp_path: Path, module: Any):
    assert module.checks(tmp_path) == []


def _tampered(bookiji: Path, tmp_path: Path) -> Path:
    out = tmp_path / "output"
    shutil.copytree(bookiji, out)
    return out


def test_checks_fail_when_an_embedded_dashboard_differs_from_its_plain_file(bookiji: Path, tmp_path: Path):
    out = _tampered(bookiji, tmp_path)
    path = out / "grafana/dashboards/bookiji-pilot.json"
    path.write_text(path.read_text().replace('"title"', '"title" ', 1))
    for module in (grafana_sidecar, grafana_operator):
        outcome = module.checks(out)[0].run()
        assert not outcome.passed and outcome.failed == 1
        assert "bookiji-pilot.json: the dashboard differs from" in outcome.report


def test_checks_fail_on_a_broken_object_and_a_stale_kustomization(bookiji: Path, tmp_path: Path):
    out = _tampered(bookiji, tmp_path)
    path = out / OPERATOR / "slogen_overview.grafanadashboard.yaml"
    path.write_text(path.read_text().replace("  instanceSelector:", "  instanceSelectors:"))
    (out / SIDECAR / "bookiji-pilot.configmap.yaml").unlink()
    operator = grafana_operator.checks(out)[0].run()
    assert not operator.passed
    assert "slogen_overview.grafanadashboard.yaml: spec: 'instanceSelector' is a required property" in operator.report
    sidecar = grafana_sidecar.checks(out)[0].run()
    assert not sidecar.passed
    assert "kustomization.yaml: resources" in sidecar.report


def test_checks_fail_when_an_embedded_dashboard_is_not_json(bookiji: Path, tmp_path: Path):
    out = _tampered(bookiji, tmp_path)
    (out / "grafana/dashboards/slogen_overview.json").unlink()
    path = out / SIDECAR / "slogen_overview.configmap.yaml"
    obj = _load(path)
    obj["data"]["slogen_overview.json"] = obj["data"]["slogen_overview.json"][:-10]
    path.write_text(yaml.safe_dump(obj))
    outcome = grafana_sidecar.checks(out)[0].run()
    assert not outcome.passed
    assert "slogen_overview.json: the dashboard is not valid JSON" in outcome.report
