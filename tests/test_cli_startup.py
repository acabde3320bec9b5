"""The CLI starts without importing the pipeline: each command imports the stages it runs (generator/cli.py).

Each check runs in a fresh interpreter, where sys.modules shows what starting slogen imported."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli, render
from generator.targets import RenderOptions

ROOT = Path(__file__).parents[1]
# What only some commands need, and what makes up most of the pipeline's import time.
PIPELINE = (
    "generator.pipeline",
    "generator.model",
    "generator.lint",
    "generator.targets",
    "generator.backfill",
    "generator.serve",
    "generator.inputs.importers",
    "generator.validate",
    "grafanalib",
    "jsonschema",
)


def imported_by(script: str) -> set[str]:
    """The modules of PIPELINE, or inside them, in sys.modules after a fresh interpreter ran `script`."""
    report = "import json, sys; print('\\n' + json.dumps(sorted(sys.modules)))"  # a line of its own, after any output
    result = subprocess.run(
        [sys.executable, "-c", f"{script}\n{report}"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.splitlines()[-1])
    return {name for name in loaded if any(name == m or name.startswith(m + ".") for m in PIPELINE)}


def cli_run(*args: str) -> str:
    """Run slogen with args in-process, as the console script does, stopping at its exit."""
    return f"from generator.cli import main\ntry:\n    main({list(args)!r})\nexcept SystemExit:\n    pass"


@pytest.mark.parametrize(
    "script",
    [
        "import generator.cli",
        cli_run("--version"),
        cli_run("--help"),
        cli_run("generate", "--help"),
        cli_run("import", "--help"),
        cli_run("schema"),
    ],
    ids=["import", "--version", "--help", "generate --help", "import --help", "schema"],
)
def test_starting_the_cli_imports_none_of_the_pipeline(script):
    assert imported_by(script) == set()


def test_the_check_sees_the_pipeline_once_a_command_runs_it(tmp_path):
    """What the test above looks for is what a command that reads specs imports; grafanalib, only one that
    renders (the targets are imported on first use: tests/test_incremental.py); jsonschema, only one that meets an
    invalid spec (valid ones are the schema predicate's: generator/schema_predicate.py)."""
    valid = imported_by(cli_run("validate", "slo_specs"))
    assert valid >= set(PIPELINE) - {"generator.backfill", "generator.serve", "grafanalib", "jsonschema"}
    assert "jsonschema" not in valid
    (tmp_path / "invalid.yaml").write_text("apiVersion: slogen/v1\nservice: 3\nslos: []\n")
    assert "jsonschema" in imported_by(cli_run("validate", str(tmp_path / "invalid.yaml")))


def test_generate_help_shows_the_grafana_schema_version_targets_render_by_default():
    result = CliRunner().invoke(cli.main, ["generate", "--help"], terminal_width=200)
    assert f"[default: {render.DEFAULT_SCHEMA_VERSION};" in result.output
    assert RenderOptions().grafana_schema_version == render.DEFAULT_SCHEMA_VERSION == 39


def test_an_unknown_import_format_is_a_usage_error_naming_the_formats(tmp_path):
    spec = tmp_path / "slo.yml"
    spec.write_text("version: prometheus/v1\n", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["import", "nagios", str(spec), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "Invalid value for 'FORMAT': 'nagios' is not one of 'openslo', 'pyrra', 'sloth'." in result.output
    assert not (tmp_path / "out").exists()


def test_completion_offers_the_import_formats():
    script = Path(sys.executable).parent / "slogen"
    env = {**os.environ, "_SLOGEN_COMPLETE": "bash_complete", "COMP_WORDS": "slogen import ", "COMP_CWORD": "2"}
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.splitlines() == ["plain,openslo", "plain,pyrra", "plain,sloth"]
