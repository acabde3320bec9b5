"""The e2e stack: the SimCity simulator, real Prometheus with the generated rules (every group evaluated each
second), real Alertmanager with the generated routing, and a capture server standing in for Slack and Discord.

By hand (from the repo root): `.venv/bin/python -m tests.e2e.stack --scenario outage` starts it, prints the URLs and
every notification the receivers get, and stops everything after --seconds or on Ctrl-C.
"""

import argparse
import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.targets import alertmanager as alertmanager_target
from generator.targets import prometheus as prometheus_target
from testing.servers import (
    Alertmanager,
    Capture,
    Prometheus,
    capturing_alertmanager_config,
    fast_rule_file,
    http_json,
    prometheus_config,
    wait_for,
    write_yaml,
)
from testing.simcity import contract

OUTPUT = Path(__file__).parents[2] / "output"
RULE_FILES = sorted((OUTPUT / prometheus_target.RULES_DIR).glob("*.rules.yml"))
ALERTMANAGER_CONFIG = OUTPUT / alertmanager_target.CONFIG
FIRE_TIMEOUT = 60  # seconds for an incident to fire in Prometheus (observed: 5-15 s)


@dataclass
class Stack:
    simulator: object  # testing.simcity's server: .url, .simulator, .close()
    prometheus: Prometheus
    alertmanager: Alertmanager
    capture: Capture
    rule_files: list[Path]

    def scenario(self, name: str) -> None:
        status = http_json(f"{self.simulator.url}/api/simcity/scenario/{name}", "POST")
        assert status["scenario"] == name, f"SimCity did not switch to {name}: {status}"

    def rule_groups(self) -> list[dict]:
        return self.prometheus.api("rules")["groups"]


def wait_firing(stack: Stack, **labels: str) -> list[dict]:
    return wait_for(
        lambda: stack.prometheus.firing(**labels),
        FIRE_TIMEOUT,
        f"ALERTS firing with {labels}",
        detail=lambda: f"firing now: {[a['metric'] for a in stack.prometheus.firing()]}",
    )


def slo_pairs(rule_files: list[Path]) -> set[tuple[str, str]]:
    """(service, slo) of every SLO in the rule files: each records exactly one slogen:slo:info."""
    return {
        (rule["labels"]["service"], rule["labels"]["slo"])
        for path in rule_files
        for group in yaml.safe_load(path.read_text())["groups"]
        for rule in group["rules"]
        if rule.get("record") == "slogen:slo:info"
    }


@contextlib.contextmanager
def running_stack(tmp: Path, seed: int = 1) -> Iterator[Stack]:
    from testing.simcity import serve  # here, so the modules that do not need it run while it is broken

    with contextlib.ExitStack() as stack:
        simulator = stack.enter_context(serve(host="127.0.0.1", port=0, seed=seed, rps=20.0, tick=1.0))
        capture = stack.enter_context(Capture())
        am_config = capturing_alertmanager_config(
            yaml.safe_load(ALERTMANAGER_CONFIG.read_text()), capture.url, tmp / "secrets"
        )
        never_in_maintenance(am_config)
        alertmanager = stack.enter_context(Alertmanager(write_yaml(tmp / "alertmanager.yml", am_config), tmp / "am"))
        alertmanager.start()
        rules = [fast_rule_file(path, tmp / path.name) for path in RULE_FILES]
        config = prometheus_config(
            rules,
            {"bookiji": f"{simulator.url}/metrics", "bookiji-synthetics": f"{simulator.url}/probe/metrics"},
            alertmanager.url,
            target_labels=contract.STAGE_LABELS,
        )
        prometheus = stack.enter_context(Prometheus(write_yaml(tmp / "prometheus.yml", config), tmp / "prom"))
        prometheus.start()
        yield Stack(simulator, prometheus, alertmanager, capture, rules)


@contextlib.contextmanager
def one_spec_stack(tmp: Path, spec: str, rules: tuple | None = None) -> Iterator[tuple[Any, Prometheus]]:
    """SimCity and a Prometheus that evaluates only the rules generated from `spec` (one service, named by the spec's
    `service`), at the e2e's fast schedule; `rules` overrides the lint rules (for seconds-scale specs)."""
    from generator import lint, pipeline  # the generator, not the committed output: the spec is the test's own
    from generator.write import render_tree, write
    from testing.simcity import serve

    spec_file = tmp / "spec.yaml"
    spec_file.write_text(spec)
    outcome = pipeline.generate([spec_file], lint.RULES if rules is None else rules)
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(tmp / "out", render_tree(outcome.files))
    [generated] = sorted((tmp / "out" / prometheus_target.RULES_DIR).glob("*.rules.yml"))
    rule_file = fast_rule_file(generated, tmp / generated.name)
    with serve(host="127.0.0.1", port=0, seed=1, rps=20.0, tick=1.0) as simulator:
        config = prometheus_config([rule_file], {"bookiji": f"{simulator.url}/metrics"}, None)
        with Prometheus(write_yaml(tmp / "prometheus.yml", config), tmp / "prom") as prometheus:
            prometheus.start()
            yield simulator, prometheus


def instant_value(prometheus: Prometheus, expr: str) -> float | None:
    """The first sample's value of an instant query, or None when it returns nothing."""
    result = prometheus.query(expr)
    return float(result[0]["value"][1]) if result else None


def assert_every_rule_loaded_cleanly(ruler: str, loaded_groups: list[dict], rule_files: list[Path]) -> None:
    """The ruler loaded every generated group with all its rules, and none has an error or bad health."""
    loaded = {g["name"]: g for g in loaded_groups}
    generated = {g["name"]: g for path in rule_files for g in yaml.safe_load(path.read_text())["groups"]}
    assert {name: len(g["rules"]) for name, g in loaded.items()} == {
        name: len(g["rules"]) for name, g in generated.items()
    }, f"{ruler} did not load every generated rule"
    broken = [
        f"{name}: {rule.get('name')} health={rule['health']} {rule.get('lastError', '')}"
        for name, group in loaded.items()
        for rule in group["rules"]
        if rule["health"] != "ok" or rule.get("lastError")
    ]
    assert broken == []


def never_in_maintenance(config: dict) -> None:
    """Make every generated maintenance window one that is never active (the year 1999), keeping its name
    and the routes that mute with it. The generated windows are real dates: on the days they cover, P1
    pages and tickets are muted by design, and the alerting tests would depend on the calendar.
    test_maintenance.py proves muting with windows built around the time it runs."""
    for named in config.get("time_intervals", []):
        named["time_intervals"] = [{"years": ["1999"]}]


def run_by_hand(prog: str, description: str, start: Callable[[Path], Any], urls: Callable[[Any], str]) -> None:
    """Start a stack with `start(tmp)` in a scenario, print `urls(stack)`, then every notification the capture
    server receives, until --seconds pass or Ctrl-C (`python -m tests.e2e.stack`, `… .vmstack`)."""
    from testing.simcity import SCENARIOS

    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="healthy")
    parser.add_argument("--seconds", type=float, default=600, help="stop after this long (default 600)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slogen-e2e-") as tmp, start(Path(tmp)) as stack:
        stack.scenario(args.scenario)
        print(
            f"SimCity      {stack.simulator.url}/api/simcity/status  (scenario {args.scenario})\n{urls(stack)}\n"
            f"logs and configs in {tmp}; Ctrl-C stops",
            flush=True,
        )
        shown, deadline = 0, time.monotonic() + args.seconds
        with contextlib.suppress(KeyboardInterrupt):
            while time.monotonic() < deadline:
                received = stack.capture.received_with_paths()
                for path, body in received[shown:]:
                    titles = [a.get("title") for a in body.get("attachments", [])] if isinstance(body, dict) else body
                    print(f"{time.strftime('%H:%M:%S')} {path}: {titles}", flush=True)
                shown = len(received)
                time.sleep(0.5)


def main() -> None:
    run_by_hand(
        "python -m tests.e2e.stack",
        __doc__.split("\n\n")[0],
        running_stack,
        lambda stack: f"Prometheus   {stack.prometheus.url}/alerts\nAlertmanager {stack.alertmanager.url}",
    )


if __name__ == "__main__":
    main()
