"""What a team copies into its own CI: the pre-commit hooks (.pre-commit-hooks.yaml) and README.md's GitHub Actions
workflow. Both must name commands and options the CLI accepts, so a rename cannot silently break them."""

import re
import shlex
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import main

ROOT = Path(__file__).parents[1]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
README = ROOT / "README.md"


def hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}


def accepted(command: str) -> None:
    """`slogen ...` parses: the command exists and takes these options (its --help runs nothing else)."""
    words = shlex.split(command)
    assert words[0] == "slogen", command
    result = CliRunner().invoke(main, [*words[1:], "--help"])
    assert result.exit_code == 0, (command, result.output)


def readme_ci_blocks() -> list[dict]:
    """The YAML blocks of README.md's CI section: the workflow, then the .pre-commit-config.yaml entry."""
    section = README.read_text(encoding="utf-8").split("\n## CI\n", 1)[1].split("\n## ", 1)[0]
    return [yaml.safe_load(block) for block in re.findall(r"```yaml\n(.*?)```", section, re.DOTALL)]


# --- pre-commit -------------------------------------------------------------------------------------


def test_hooks_run_slogen_validate_and_check_as_python_hooks():
    found = hooks()
    assert sorted(found) == ["slogen-check", "slogen-validate"]
    for hook in found.values():
        assert hook["language"] == "python"
        accepted(hook["entry"])
    assert found["slogen-check"]["pass_filenames"] is False


@pytest.mark.parametrize(
    "path, validated",
    [
        ("slo_specs/checkout.yaml", True),
        ("slo_specs/team/search.yml", True),
        ("slo_specs/bookiji.jsonnet", True),
        ("slo_specs/lib/bookiji.libsonnet", False),  # a library, not a spec: loading it alone would fail
        ("slo_specs/README.md", False),
        (".github/workflows/ci.yml", False),
        ("output/prometheus/rules/checkout.rules.yml", False),
    ],
)
def test_validate_hook_sees_spec_files_only(path, validated):
    assert bool(re.search(hooks()["slogen-validate"]["files"], path)) is validated


@pytest.mark.parametrize(
    "path, checked",
    [("slo_specs/lib/bookiji.libsonnet", True), ("output/grafana/dashboards/x.json", True), ("src/app.py", False)],
)
def test_check_hook_runs_when_specs_or_output_change(path, checked):
    assert bool(re.search(hooks()["slogen-check"]["files"], path)) is checked


# --- the README's GitHub Actions workflow -------------------------------------------------------------


def test_readme_workflow_sets_up_and_runs_slogen():
    steps = readme_ci_blocks()[0]["jobs"]["slogen"]["steps"]
    uses = [step["uses"].split("@")[0] for step in steps if "uses" in step]
    assert uses == ["actions/checkout", "actions/setup-python"]
    runs = "\n".join(step["run"] for step in steps if "run" in step)
    assert "pip install" in runs
    assert "apt-get install" in runs and "prometheus prometheus-alertmanager" in runs
    commands = [line.strip() for line in runs.splitlines() if line.strip().startswith("slogen ")]
    assert [c.split()[1] for c in commands] == ["validate", "check", "test"]
    assert "--format github" in commands[0]
    for command in commands:
        accepted(command)


def test_readme_pre_commit_config_names_the_hooks_this_repository_defines():
    [repo] = readme_ci_blocks()[1]["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == sorted(hooks(), reverse=True)
