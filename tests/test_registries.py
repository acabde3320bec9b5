"""The two seams: spec formats (generator.inputs.FORMATS) and output targets (generator.targets.all_targets).

A new format or target is one module plus one registry line; these tests register throwaway ones and
check that the pipeline picks them up with no other change.
"""

import types
from pathlib import Path

from generator import inputs, pipeline, targets
from generator.document import Document
from generator.load import discover
from generator.targets import RenderError
from generator.write import OutputFile

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"


def test_every_target_contributes_its_files():
    outcome = pipeline.generate([FIXTURE])
    assert outcome.ok, [f.text() for f in outcome.findings]
    assert sorted(f.path for f in outcome.files if not f.path.startswith("docs/")) == [
        "grafana/dashboards/checkout.json",
        "grafana/dashboards/slogen_overview.json",
        "grafana/dashboards/slogen_slo_detail.json",
        "grafana/provisioning/dashboards.yml",
        "prometheus/rules/checkout.rules.yml",
        "prometheus/tests/checkout.test.yml",
    ]
    assert "docs/index.md" in {f.path for f in outcome.files}  # the docs target: tests/test_docs.py


def test_a_registered_target_is_rendered_per_service_and_per_project(monkeypatch):
    seen: list[str] = []

    def service_files(service, options):
        seen.append(service.name)
        return [OutputFile(f"extra/{service.name}.txt.yml", {"slos": [s.name for s in service.slos]})]

    extra = types.SimpleNamespace(
        service_files=service_files, project_files=lambda project, options: [OutputFile("extra/all.yml", {})]
    )
    monkeypatch.setattr(pipeline, "all_targets", lambda: (*targets.all_targets(), extra))
    outcome = pipeline.generate([FIXTURE])
    assert seen == ["checkout"]
    assert {"extra/checkout.txt.yml", "extra/all.yml"} <= {f.path for f in outcome.files}


def test_a_target_that_cannot_render_reports_a_finding_and_the_run_fails(monkeypatch):
    def refuse(service, options):
        raise RenderError(service.documents[0].finding(("service",), "cannot render this", "extra-target"))

    extra = types.SimpleNamespace(service_files=refuse, project_files=lambda project, options: [])
    monkeypatch.setattr(pipeline, "all_targets", lambda: (*targets.all_targets(), extra))
    outcome = pipeline.generate([FIXTURE])
    assert not outcome.ok
    assert [(f.rule, f.message) for f in outcome.findings if f.level == "error"] == [
        ("extra-target", "cannot render this")
    ]


def test_a_registered_format_is_discovered_and_loaded(tmp_path, monkeypatch):
    def load(path: Path, display: str, root: Path, text: str) -> Document:
        service, objective = text.split()
        return Document(
            display,
            {
                "apiVersion": "slogen/v1",
                "service": service,
                "slos": [
                    {
                        "name": "availability",
                        "objective": float(objective),
                        "sli": {"ratio": {"errors": 'x_total{code="500"}', "total": "x_total"}},
                    }
                ],
            },
            {(): (1, 1)},
        )

    plain = types.SimpleNamespace(SUFFIXES=(".slo",), load=load)
    monkeypatch.setattr(inputs, "FORMATS", (*inputs.FORMATS, plain))
    (tmp_path / "shop.slo").write_text("shop 99.5\n")
    (tmp_path / "notes.txt").write_text("not a spec\n")
    assert discover([tmp_path]) == [tmp_path / "shop.slo"]
    outcome = pipeline.check([tmp_path])
    assert outcome.ok and outcome.project is not None
    assert [(s.service, s.name, str(s.objective_percent)) for s in outcome.project.slos()] == [
        ("shop", "availability", "99.5")
    ]
