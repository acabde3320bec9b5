"""`python -m bench` (what `make bench` runs): run every benchmark on this machine, keep the raw results in
docs/benchmarks.json and rewrite docs/benchmarks.md (and its chart) from them.

`--only NAME` reruns some benchmarks and keeps the others' last results; `--render` only rewrites the page.
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import click

from . import accuracy, detection, gap, rules_cost, scale, serve

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
RESULTS, PAGE, CHART = DOCS / "benchmarks.json", DOCS / "benchmarks.md", DOCS / "benchmarks-scaling.png"
MACHINE = ("CPU", "memory", "OS", "Python", "Prometheus", "promtool")  # the JSON keeps keys sorted; the page does not
BENCHMARKS = {
    "rules_cost": rules_cost,
    "accuracy": accuracy,
    "detection": detection,
    "scale": scale,
    "gap": gap,
    "serve": serve,
}


@click.command()
@click.option("--only", "only", multiple=True, type=click.Choice(sorted(BENCHMARKS)), help="Run just these.")
@click.option("--render", is_flag=True, help="Rewrite docs/benchmarks.md from docs/benchmarks.json; run nothing.")
@click.option("--keep-work", is_flag=True, help="Keep the scratch directory (it can hold several GB).")
def main(only: tuple[str, ...], render: bool, keep_work: bool) -> None:
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    if not render:
        started = time.monotonic()
        work = Path(tempfile.mkdtemp(prefix="slogen-bench-"))
        try:
            for name in only or BENCHMARKS:
                click.echo(f"bench: {name}", err=True)
                scratch = work / name
                scratch.mkdir()
                began = time.monotonic()
                result = BENCHMARKS[name].run(scratch)
                result["wall_seconds"] = round(time.monotonic() - began, 1)
                results[name] = result
                click.echo(f"bench: {name} took {result['wall_seconds']} s", err=True)
        finally:
            if not keep_work:
                shutil.rmtree(work, ignore_errors=True)
        results["run"] = {
            "machine": machine(),
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "benchmarks": list(only or BENCHMARKS),
            "wall_seconds": round(time.monotonic() - started, 1),
        }
        DOCS.mkdir(exist_ok=True)
        RESULTS.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    PAGE.write_text(page(results))
    if "scale" in results and (render or "scale" in (only or BENCHMARKS)):  # unchanged results, unchanged chart
        scale.chart(results["scale"], CHART)
    click.echo(f"bench: wrote {PAGE.relative_to(ROOT)}", err=True)


def page(results: dict) -> str:
    run = results.get("run", {})
    lines = [
        "# Benchmarks",
        "",
        "Measured by `make bench` (`python -m bench`), which rewrites this page and `benchmarks.json` beside it.",
        "Nothing here is asserted by a test; the tests prove behaviour, this page records cost and accuracy.",
        "",
        f"Last run: {run.get('date', 'never')}, {run.get('wall_seconds', '?')} s for "
        f"{', '.join(run.get('benchmarks', []))}.",
        "",
    ]
    lines += ["## Goals", "", "| goal | measured | met |", "|---|---:|---|"]
    for name, module in BENCHMARKS.items():
        if name in results and hasattr(module, "summary"):
            lines += [
                f"| {goal} | {measured} | {'yes' if met else '**no**'} |"
                for goal, measured, met in module.summary(results[name])
            ]
    described = run.get("machine", {})
    lines += ["", "## Machine", "", *[f"- {key}: {described[key]}" for key in MACHINE if key in described], ""]
    for number, (name, module) in enumerate(BENCHMARKS.items(), start=1):
        lines += [f"## {number}. {module.TITLE}", ""]
        if name in results:
            lines += [
                module.markdown(results[name]).rstrip(),
                "",
                f"_This section took {results[name].get('wall_seconds', '?')} s of wall time._",
                "",
            ]
        else:
            lines += ["Not run yet: `make bench`.", ""]
    return "\n".join(lines)


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    memory = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.MULTILINE)
    os_release = Path("/etc/os-release").read_text() if Path("/etc/os-release").exists() else ""
    pretty = re.search(r'^PRETTY_NAME="?([^"\n]+)"?', os_release, re.MULTILINE)
    return {
        "CPU": f"{model.group(1) if model else platform.processor() or '?'}, {_cores()} cores available",
        "memory": f"{int(memory.group(1)) / 2**20:.1f} GiB" if memory else "?",
        "OS": f"{pretty.group(1) if pretty else platform.system()}, kernel {platform.release()}",
        "Python": platform.python_version(),
        "Prometheus": _version("prometheus"),
        "promtool": _version("promtool"),
    }


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 0


def _version(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        return "not found"
    done = subprocess.run([found, "--version"], capture_output=True, text=True, timeout=30)
    first = (done.stdout or done.stderr).splitlines()[0] if (done.stdout or done.stderr) else "?"
    return first.strip()


if __name__ == "__main__":
    sys.exit(main())
