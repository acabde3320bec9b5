"""The vmalert e2e stack: the generated rules on VictoriaMetrics + vmalert, with Prometheus beside them as the
reference, all fed the same samples.

SimCity ──scrape 1s──▶ Prometheus ──remote write (raw samples only)──▶ VictoriaMetrics ◀──query / remote write── vmalert
                        └ evaluates the generated rules itself (the reference)                   └──alerts──▶ Alertmanager ──▶ capture

Prometheus is the only scraper: VictoriaMetrics stores exactly the samples Prometheus scraped (same values, same
timestamps), so the two rulers differ only in how they evaluate. Prometheus' own alerts go nowhere; vmalert's go to
the real Alertmanager with the generated routing, and a capture server stands in for Slack and Discord.

By hand (from the repo root): `.venv/bin/python -m tests.e2e.vmstack --scenario outage` starts it, prints the URLs
and every notification the receivers get, and stops everything after --seconds or on Ctrl-C.
"""

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator import pipeline
from generator.targets import RenderOptions
from generator.targets import vmalert as vmalert_target
from generator.write import render_tree, write
from testing.servers import (
    Alertmanager,
    Capture,
    Prometheus,
    VictoriaMetrics,
    VMAlert,
    capturing_alertmanager_config,
    fast_rule_file,
    http_json,
    prometheus_config,
    wait_for,
    write_yaml,
)
from testing.simcity import contract

from .stack import ALERTMANAGER_CONFIG, RULE_FILES, never_in_maintenance, run_by_hand

# Requests per second. Every SLI here is a ratio of event counts, so the rate changes no alert threshold; a high
# one makes each ratio well determined in the seconds the test has. The healthy 5xx share (0.03 %) is 300 errors a
# second over 18 series, not one every three minutes as at 20 requests per second: a count more or less at the
# edge of one ruler's window is 0.1 %, and the two rulers' ratios can be compared within 1 %.
RPS = 1_000_000.0
# Seconds of simulated history before the first scrape: a service's counters are not born when the ruler looks.
# Without it every series starts near zero, and Prometheus' rate() stops its extrapolation where the counter
# would reach zero, differently for a 5xx counter at 0 than for the request counter (a 1-2 % skew of young ratios).
PRE_AGE = 3600.0
EVALUATION = "1s"  # every group of the generated rules, in both rulers (fast_rule_file), and the scrapes
# VictoriaMetrics answers a query for "now" as of now − latencyOffset (default 30s, with rule groups every 1m). The
# groups here run every 1s, so the offset shrinks with them, staying below one evaluation interval as 30s is below
# 1m: a point vmalert recorded at one evaluation is visible to the next, as in production.
LATENCY_OFFSET = "500ms"
VMALERT_FLUSH = "200ms"  # -remoteWrite.flushInterval (default 5s, a twelfth of 1m)
VM_FLUSH_EVERY = 0.2  # seconds between /internal/force_flush calls (testing/servers.py: VictoriaMetrics)
RAW_TIMEOUT = 30  # seconds for VictoriaMetrics to hold every raw series Prometheus scraped


@dataclass
class VMStack:
    simulator: object  # testing.simcity's server: .url, .simulator, .close()
    prometheus: Prometheus
    victoria: VictoriaMetrics
    vmalert: VMAlert
    alertmanager: Alertmanager
    capture: Capture
    rule_files: list[Path]  # what vmalert evaluates: the vmalert target's files, every group every second
    scraping_since: float  # time.time() when Prometheus started: no sample, raw or recorded, is older

    def scenario(self, name: str) -> None:
        status = http_json(f"{self.simulator.url}/api/simcity/scenario/{name}", "POST")
        assert status["scenario"] == name, f"SimCity did not switch to {name}: {status}"

    def load(self, factor: float, over: float = 0.0) -> None:
        """Ramp every event rate to `factor` × RPS, linearly over `over` seconds."""
        status = http_json(f"{self.simulator.url}/api/simcity/load/{factor}?over={over}", "POST")
        assert status["load_target"] == factor, f"SimCity did not take load {factor}: {status}"


def forwarding_prometheus_config(rule_files: list[Path], simulator_url: str, victoria_url: str) -> dict:
    """Scrape SimCity, evaluate the rules, send no alerts, and forward every raw sample to VictoriaMetrics.

    What Prometheus records (slogen:*) and its alert series stay out of the forward: vmalert writes its own.
    """
    config = prometheus_config(
        rule_files,
        {"bookiji": f"{simulator_url}/metrics", "bookiji-synthetics": f"{simulator_url}/probe/metrics"},
        None,
        interval=EVALUATION,
        target_labels=contract.STAGE_LABELS,
    )
    config["remote_write"] = [
        {
            "url": f"{victoria_url}/api/v1/write",
            "queue_config": {"batch_send_deadline": "100ms", "min_backoff": "50ms", "max_backoff": "1s"},
            "write_relabel_configs": [
                {"source_labels": ["__name__"], "regex": "slogen:.*|ALERTS|ALERTS_FOR_STATE", "action": "drop"}
            ],
        }
    ]
    return config


RAW_SERIES = 'count({job=~"bookiji|bookiji-synthetics"})'


def raw_series_forwarded(prometheus: Prometheus, victoria: VictoriaMetrics) -> bool:
    """VictoriaMetrics holds as many raw series as Prometheus scraped, and there are some."""
    ours, theirs = prometheus.query(RAW_SERIES), victoria.query(RAW_SERIES)
    return bool(ours) and ours[0]["value"][1] == (theirs[0]["value"][1] if theirs else None)


SPECS = Path(__file__).parents[2] / "slo_specs"


def vmalert_rule_files(specs: Path, tmp: Path) -> list[Path]:
    """The vmalert target's files (`slogen generate --target vmalert`), generated from the specs into `tmp`."""
    outcome = pipeline.generate([specs], options=RenderOptions(targets=("vmalert",)))
    assert outcome.ok, [f.text() for f in outcome.findings]
    write(tmp, render_tree(outcome.files))
    return sorted((tmp / vmalert_target.DIR).glob("*.rules.yml"))


@contextlib.contextmanager
def running_vm_stack(tmp: Path, rule_sources: list[Path] = RULE_FILES, seed: int = 1) -> Iterator[VMStack]:
    """Prometheus evaluates `rule_sources` (the committed plain rule files); vmalert the vmalert target's files,
    generated from the same specs."""
    from testing.simcity import serve  # here, so the modules that do not need it run while it is broken

    with contextlib.ExitStack() as stack:
        # Counters move four times a second, so consecutive 1s scrapes never see the same tick or skip one.
        simulator = stack.enter_context(serve(host="127.0.0.1", port=0, seed=seed, rps=RPS, tick=0.25))
        simulator.simulator.advance(PRE_AGE)
        capture = stack.enter_context(Capture())
        am_config = capturing_alertmanager_config(
            yaml.safe_load(ALERTMANAGER_CONFIG.read_text()), capture.url, tmp / "secrets"
        )
        never_in_maintenance(am_config)
        alertmanager = stack.enter_context(Alertmanager(write_yaml(tmp / "alertmanager.yml", am_config), tmp / "am"))
        alertmanager.start()
        victoria = stack.enter_context(
            VictoriaMetrics(tmp / "vm", latency_offset=LATENCY_OFFSET, flush_every=VM_FLUSH_EVERY)
        )
        victoria.start()
        rules = [fast_rule_file(path, tmp / path.name, EVALUATION) for path in rule_sources]
        vm_rules = [
            fast_rule_file(path, tmp / f"vmalert-{path.name}", EVALUATION)
            for path in vmalert_rule_files(SPECS, tmp / "generated")
        ]
        config = forwarding_prometheus_config(rules, simulator.url, victoria.url)
        prometheus = stack.enter_context(Prometheus(write_yaml(tmp / "prometheus.yml", config), tmp / "prom"))
        scraping_since = time.time()
        prometheus.start()
        # vmalert starts on a VictoriaMetrics that already holds every raw series, as it would in production;
        # started earlier, its first evaluations see no SLI at all and every SLIAbsent alert fires.
        wait_for(
            lambda: raw_series_forwarded(prometheus, victoria),
            RAW_TIMEOUT,
            "VictoriaMetrics holding every raw series Prometheus scraped (remote write)",
            detail=lambda: f"{prometheus.log_tail(10)}\n{victoria.log_tail(10)}",
        )
        vmalert = stack.enter_context(
            VMAlert(
                vm_rules,
                victoria.url,
                tmp,
                notifier=alertmanager.url,
                interval=EVALUATION,
                flush_interval=VMALERT_FLUSH,
            )
        )
        vmalert.start()
        yield VMStack(simulator, prometheus, victoria, vmalert, alertmanager, capture, vm_rules, scraping_since)


def main() -> None:
    run_by_hand(
        "python -m tests.e2e.vmstack",
        __doc__.split("\n\n")[0],
        running_vm_stack,
        lambda stack: (
            f"vmalert      {stack.vmalert.url}/vmalert/home\nVictoriaMetrics {stack.victoria.url}/vmui\n"
            f"Prometheus   {stack.prometheus.url}/alerts\nAlertmanager {stack.alertmanager.url}"
        ),
    )


if __name__ == "__main__":
    main()
