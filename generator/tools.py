"""Finding and running the external Prometheus tools (promtool, amtool) with versions and timeouts."""

import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_VERSION = re.compile(r"version (\d+)\.(\d+)\.(\d+)")


class ToolMissing(RuntimeError):
    """The tool is not installed, or too old: the message says how to install it."""


class ToolError(RuntimeError):
    """The tool ran but did something we cannot use (timed out, unreadable output)."""


@dataclass(frozen=True)
class Tool:
    name: str
    env: str  # an environment variable that overrides PATH lookup
    install_hint: str
    minimum: tuple[int, int]
    timeout: int

    def executable(self) -> str:
        found = os.environ.get(self.env) or shutil.which(self.name)
        if not found or not Path(found).exists():
            raise ToolMissing(f"{self.name} not found; {self.install_hint}")
        return found

    def run(
        self, args: list[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run the tool; `env` adds to (not replaces) this process's environment."""
        try:
            return subprocess.run(
                [self.executable(), *args],
                capture_output=True,
                text=True,
                timeout=self.timeout,
                cwd=cwd,
                env={**os.environ, **env} if env else None,
            )
        except subprocess.TimeoutExpired:
            raise ToolError(f"{self.name} {' '.join(args)} did not finish within {self.timeout}s") from None

    def version(self) -> tuple[int, int, int]:
        result = self.run(["--version"])
        output = result.stdout + result.stderr
        match = _VERSION.search(output)
        if not match:
            raise ToolError(f"cannot read {self.name}'s version from {output.strip()!r}")
        major, minor, patch = (int(part) for part in match.groups())
        if (major, minor) < self.minimum:
            raise ToolMissing(
                f"{self.name} {major}.{minor}.{patch} is older than "
                f"{'.'.join(map(str, self.minimum))}; {self.install_hint}"
            )
        return major, minor, patch
