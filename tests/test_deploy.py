"""The project-wide `targets` section and --target (generator/deploy.py): which deploy targets a run renders,
with which settings, and the findings for a section that is wrong."""

from pathlib import Path

import pytest

from generator import deploy, pipeline
from generator.targets import RenderOptions

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"

TARGETS = """
targets:
  prometheus-operator:
    namespace: observability
    labels: {release: kube-prometheus-stack}
    secrets: {oncall: {name: alertmanager-oncall, key: slack}}
  mimir: {tenant: shop, max_rules_per_group: 15, source_tenants: [edge, core]}
  thanos: {partial_response_strategy: warn}
  vmalert:
"""


def _project(tmp_path: Path, extra: str = TARGETS, name: str = "shop.yaml"):
    (tmp_path / name).write_text(FIXTURE.read_text() + extra)
    outcome = pipeline.check([tmp_path])
    return outcome


def test_the_section_sets_each_target_it_names(tmp_path: Path):
    outcome = _project(tmp_path)
    assert outcome.ok, [f.text() for f in outcome.findings]
    project = outcome.project
    assert [name for name, _settings in project.deploy.targets] == ["mimir", "prometheus-operator", "thanos", "vmalert"]
    operator = project.deploy.get("prometheus-operator")
    assert operator == deploy.PrometheusOperator(
        namespace="observability",
        labels=(("release", "kube-prometheus-stack"),),
        secrets=(("oncall", deploy.SecretRef("alertmanager-oncall", "slack")),),
    )
    assert operator.secret_for("oncall") == deploy.SecretRef("alertmanager-oncall", "slack")
    assert operator.secret_for("tickets") == deploy.SecretRef("slogen-tickets", "url")
    assert project.deploy.get("mimir") == deploy.Mimir("shop", 15, 70, ("edge", "core"))
    assert project.deploy.get("thanos") == deploy.Thanos("warn")
    assert project.deploy.get("vmalert") == deploy.VMAlert()
    assert project.deploy.get("grafana-sidecar") is None


def test_without_a_section_no_target_is_rendered(tmp_path: Path):
    outcome = _project(tmp_path, extra="")
    assert outcome.project.deploy.targets == ()


def test_the_command_line_picks_targets_and_keeps_the_specs_settings(tmp_path: Path):
    configured = _project(tmp_path).project.deploy
    picked = configured.selected(("mimir", "grafana-sidecar", "prometheus"))
    assert picked.targets == (
        ("grafana-sidecar", deploy.GrafanaSidecar()),  # not in the specs: its defaults
        ("mimir", deploy.Mimir("shop", 15, 70, ("edge", "core"))),
    )
    assert configured.selected(("prometheus",)).targets == ()  # the plain files only
    assert configured.selected(None) is configured


def test_the_run_renders_the_targets_it_selected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "shop.yaml").write_text(FIXTURE.read_text() + TARGETS)
    seen: list[tuple[str, ...]] = []

    def spy(service, options: RenderOptions):
        seen.append(tuple(name for name, _settings in options.deploy.targets))
        return []

    from generator.targets import prometheus

    monkeypatch.setattr(prometheus, "service_files", spy)
    pipeline.generate([tmp_path], options=RenderOptions(targets=("thanos",)))
    pipeline.generate([tmp_path])
    assert seen == [("thanos",), ("mimir", "prometheus-operator", "thanos", "vmalert")]


def test_a_second_section_is_refused_where_it_is(tmp_path: Path):
    _project(tmp_path)  # shop.yaml: the section at line 51
    other = FIXTURE.read_text().replace("service: checkout", "service: other") + "targets:\n  thanos: {}\n"
    (tmp_path / "other.yaml").write_text(other)  # sorts first, so its section is the project's
    found = [f for f in pipeline.check([tmp_path]).findings if f.rule == "targets-single"]
    assert len(found) == 1
    assert (Path(found[0].file).name, found[0].line, found[0].column) == ("shop.yaml", 51, 3)
    assert found[0].message == (
        f"targets are already set in {found[0].file.replace('shop.yaml', 'other.yaml')}; a project has one targets "
        "section, so move this one there"
    )


@pytest.mark.parametrize(
    ("section", "hint"),
    [
        ("targets:\n  kubernetes: {}\n", "kubernetes"),
        ("targets:\n  prometheus-operator: {namespace: Monitoring}\n", "Kubernetes name"),
        ("targets:\n  prometheus-operator: {labels: {release: 'a b'}}\n", "Kubernetes label value"),
        ("targets:\n  mimir: {max_rules_per_group: 0}\n", "max_rules_per_group"),
        ("targets:\n  thanos: {partial_response_strategy: skip}\n", "partial_response_strategy"),
    ],
)
def test_a_wrong_section_gets_a_schema_finding(tmp_path: Path, section: str, hint: str):
    outcome = _project(tmp_path, extra=section)
    assert not outcome.ok
    schema = [f for f in outcome.findings if f.rule == "schema"]
    assert len(schema) == 1 and hint in schema[0].text(), [f.text() for f in outcome.findings]
