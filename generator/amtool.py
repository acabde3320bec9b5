"""The amtool wrapper: find it, check its version, run `check-config` and `config routes test` with
timeouts, and report results as data."""

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import yaml

from .tools import Tool, ToolError, ToolMissing

TIMEOUT_SECONDS = 60
MINIMUM_VERSION = (0, 25)  # `config routes test --verify.receivers` and time_intervals
INSTALL_HINT = (
    "install amtool: `apt-get install prometheus-alertmanager` (Debian/Ubuntu), or download "
    "Alertmanager and set AMTOOL=/path/to/amtool"
)


AMTOOL = Tool("amtool", "AMTOOL", INSTALL_HINT, MINIMUM_VERSION, TIMEOUT_SECONDS)
AmtoolMissing, AmtoolError = ToolMissing, ToolError
executable, version = AMTOOL.executable, AMTOOL.version


class RouteCase(TypedDict):
    """One test of a generated routes.test.yml: an alert's labels and the receivers it must reach."""

    alert: str
    labels: dict[str, str]
    receivers: list[str]


@dataclass(frozen=True)
class RouteResult:
    alert: str
    labels: dict[str, str]
    expected: tuple[str, ...]
    resolved: tuple[str, ...]
    verified: bool  # amtool's own --verify.receivers verdict

    @property
    def passed(self) -> bool:
        return self.verified and self.expected == self.resolved

    def text(self) -> str:
        return (
            f"{self.alert} {' '.join(_matchers(self.labels))}: expected receivers {','.join(self.expected)}, "
            f"amtool resolved {','.join(self.resolved) or '(none)'}"
        )


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    return AMTOOL.run(args)


def check_config(path: Path) -> tuple[bool, str]:
    """`amtool check-config`: (passed, output)."""
    result = _run(["check-config", str(path)])
    return result.returncode == 0, result.stdout + result.stderr


def _matchers(labels: dict[str, str]) -> list[str]:
    return [f'{name}="{value}"' for name, value in sorted(labels.items())]


def route(config: Path, labels: dict[str, str], expected: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
    """`amtool config routes test --verify.receivers`: (verified, the receivers the routing tree picked)."""
    result = _run(
        [
            "config",
            "routes",
            "test",
            f"--config.file={config}",
            f"--verify.receivers={','.join(expected)}",
            *_matchers(labels),
        ]
    )
    # amtool prints the receivers comma-separated on stdout, and the verification warning after them.
    lines = [line.strip() for line in result.stdout.splitlines() if line.strip()]
    if not lines or " " in lines[0]:
        raise AmtoolError(f"amtool config routes test gave no receivers: {(result.stdout + result.stderr).strip()}")
    return result.returncode == 0, tuple(lines[0].split(","))


def test_routes(config: Path, cases: list[RouteCase]) -> list[RouteResult]:
    """Resolve every case's labels with amtool and verify the receivers it expects."""
    results = []
    for case in cases:
        expected = tuple(case["receivers"])
        verified, resolved = route(config, case["labels"], expected)
        results.append(RouteResult(case["alert"], case["labels"], expected, resolved, verified))
    return results


def route_file(test_file: Path) -> tuple[Path, list[RouteCase]]:
    """A generated routes.test.yml: the config it tests (relative to the test file) and its cases."""
    data = yaml.safe_load(test_file.read_text(encoding="utf-8"))
    return test_file.parent / data["config"], data["tests"]


def run_route_file(test_file: Path) -> list[RouteResult]:
    """Run a generated routes.test.yml, one case after another."""
    return test_routes(*route_file(test_file))
