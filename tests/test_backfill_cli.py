"""`slogen backfill`: time parsing, usage and failure exits, hole and raw-gap finding, the rules it writes (checked
by promtool, and evaluated by `promtool test rules` across a raw gap), the promtool phase it picks, and what it
tells the operator. tests/e2e/test_gap.py proves the repair against a real Prometheus."""

import json
import shutil
import socket
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import backfill, naming, pipeline, promtool
from generator.backfill import STEP, Bridge, Fill, GapBridging, Hole, RawGap, Result
from generator.cli import main
from generator.promql import PROMETHEUS
from generator.render.rules import sli_rules
from generator.xxh64 import xxh64

FIXTURE = Path(__file__).parent / "fixtures" / "checkout.yaml"


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "specs").mkdir()
    shutil.copy(FIXTURE, tmp_path / "specs" / "checkout.yaml")
    return tmp_path


@pytest.fixture(scope="module")
def checkout():
    outcome = pipeline.check([FIXTURE])
    assert outcome.ok and outcome.project
    return outcome.project.services[0]


def slogen(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- time --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("2024-05-01T12:00:00Z", 1714564800),
        ("2024-05-01T14:00:00+02:00", 1714564800),
        ("2024-05-01t12:00:00z", 1714564800),
        ("2024-05-01T12:00:00.250Z", 1714564800.25),
        ("1714564800", 1714564800),
        ("1714564800.5", 1714564800.5),
    ],
)
def test_times_are_rfc3339_or_unix_seconds(text, seconds):
    assert backfill.parse_time(text) == seconds


@pytest.mark.parametrize("text", ["yesterday", "2024-05-01", "2024-05-01T12:00:00", "-5", "1e9", ""])
def test_other_times_are_refused_with_the_expected_forms(text):
    with pytest.raises(ValueError, match="RFC 3339"):
        backfill.parse_time(text)


# --- usage (exit 2) and failures (exit 1) --------------------------------------------------------------------


def usage_error(result) -> str:
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if line.startswith("Error:")]
    return line


def test_a_bad_time_is_a_usage_error(project):
    line = usage_error(slogen("backfill", "--from", "last tuesday", "--to", "1714564800", "--url", "http://x:9090"))
    assert "--from" in line and "RFC 3339" in line


def test_from_after_to_is_a_usage_error(project):
    line = usage_error(slogen("backfill", "--from", "1714564800", "--to", "1714560000", "--url", "http://x:9090"))
    assert line == "Error: --from (2024-05-01T12:00:00Z) must be before --to (2024-05-01T10:40:00Z)"


def test_a_url_without_scheme_is_a_usage_error(project):
    line = usage_error(slogen("backfill", "--from", "1714560000", "--to", "1714564800", "--url", "prometheus:9090"))
    assert "http:// or https://" in line


def test_url_and_range_are_required(project):
    usage_error(slogen("backfill", "--from", "1714560000", "--to", "1714564800"))
    usage_error(slogen("backfill", "--url", "http://x:9090"))


def test_unreachable_prometheus_fails_in_one_line(project):
    url = f"http://127.0.0.1:{closed_port()}"
    result = slogen("backfill", "--specs", "specs", "--from", "1714560000", "--to", "1714564800", "--url", url)
    assert result.exit_code == 1
    failures = [line for line in result.stderr.splitlines() if "error(s)" not in line]  # the specs' own summary
    assert failures == [f"slogen: cannot read from Prometheus at {url}: [Errno 111] Connection refused"]
    assert not (project / "backfill" / "blocks").exists()


def test_blocks_left_from_an_earlier_run_are_refused(project):
    (project / "backfill" / "blocks" / "01HXYZ").mkdir(parents=True)
    result = slogen("backfill", "--specs", "specs", "--from", "1714560000", "--to", "1714564800", "--url", "http://x:1")
    assert result.exit_code == 1
    failures = [line for line in result.stderr.splitlines() if "error(s)" not in line]
    assert len(failures) == 1 and "already holds blocks from an earlier run" in failures[0]


def test_invalid_specs_exit_1(project):
    spec = project / "specs" / "checkout.yaml"
    spec.write_text(spec.read_text().replace("objective: 99.9 ", "objective: 120 "))
    result = slogen("backfill", "--specs", "specs", "--from", "1714560000", "--to", "1714564800", "--url", "http://x:1")
    assert result.exit_code == 1
    assert "slogen: specs are invalid; nothing was backfilled" in result.stderr


# --- holes in the recorded series ----------------------------------------------------------------------------


def test_a_complete_series_has_no_hole():
    recorded = [1000.5 + 60 * i for i in range(200)]
    assert backfill.find_holes(recorded, 2000, 9000) == []


def test_a_hole_between_recorded_samples_gets_one_sample_per_missing_minute():
    live = [1000.5 + 60 * i for i in range(100)]
    recorded = [t for t in live if not 3000 < t < 4300]  # 21 evaluations missing
    [hole] = backfill.find_holes(recorded, 2000, 5000)
    assert (hole.after, hole.before) == (2980.5, 4300.5)
    assert hole.samples == 21
    assert (hole.last - hole.first) % STEP == 0
    # The range begins and ends about half a step from the recorded neighbours: whatever minute phase promtool
    # evaluates at, exactly 21 of its points fall inside, and none within 29 s of a recorded sample.
    assert hole.after + 29 <= hole.first < hole.after + 31
    assert hole.before - 31 < hole.last <= hole.before - 29
    for phase in (0.001, 17.3, 30.5, 59.999):
        points = [t for t in (hole.first - 60 + phase + 60 * i for i in range(30)) if hole.first <= t <= hole.last]
        assert len(points) == 21


def test_one_missing_evaluation_is_a_hole():
    recorded = [60.0 * i for i in range(50) if i != 20]
    [hole] = backfill.find_holes(recorded, 0, 3000)
    assert hole.samples == 1 and hole.first == 1170 and hole.last == 1230


def test_without_any_recorded_sample_the_whole_range_is_filled_on_whole_steps():
    [hole] = backfill.find_holes([], 1000.2, 5000.7)
    assert hole.first == 1001 and (hole.last - hole.first) % STEP == 0 and hole.last <= 5000.7
    assert hole.after is None and hole.before is None and hole.phase is None


def test_holes_at_the_edges_of_the_range_stop_at_it():
    recorded = [5000.5 + 60 * i for i in range(20)]
    [before, after] = backfill.find_holes(recorded, 4000, 7000)
    assert before.after is None and before.before == 5000.5 and before.first >= 4000 and before.last == 4970
    assert after.after == recorded[-1] and after.last <= 7000 and (after.last - after.first) % STEP == 0


# --- gaps in the raw series ----------------------------------------------------------------------------------


def test_raw_gaps_are_runs_of_empty_minutes_at_least_the_base_window_long():
    scanned = [60.0 * i for i in range(40)]
    present = [t for t in scanned if not 600 < t < 1000 and not 1500 < t < 1700]  # 6 and 3 empty minutes
    assert backfill.find_raw_gaps(present, scanned, 300) == [RawGap(600, 1020)]


def test_a_jump_is_spread_inside_the_hole_and_the_raw_gap():
    hole = Hole(1030, 2230, 1000.0, 2260.0)
    assert RawGap(1020, 2200).spread(hole) == (1030, 2140)
    assert RawGap(1000, 1060).spread(hole) is None  # too short to spread inside the hole


# --- the rules -----------------------------------------------------------------------------------------------


def test_base_rules_are_the_generated_ones_reading_the_raw_total(checkout):
    for slo in checkout.slos:
        generated = {r["record"]: r for r in sli_rules(slo, checkout) if "record" in r}
        total, errors = backfill.base_rules(slo, checkout)
        assert total == generated[naming.total_rate(slo.base_window)]
        assert errors["record"] == naming.errors_rate(slo.base_window)
        assert errors["labels"] == generated[errors["record"]]["labels"]
        assert "slogen:" not in str(total["expr"]) + str(errors["expr"])
        assert str(errors["expr"]) == str(generated[errors["record"]]["expr"]).replace(
            PROMETHEUS.series(naming.total_rate(slo.base_window), slo.identity), f"({total['expr']})"
        )


def test_rule_files_pass_promtool_check(checkout, tmp_path):
    hole = Hole(1_700_000_030, 1_700_001_230, 1_700_000_000.0, 1_700_001_260.0)
    gaps = [RawGap(1_700_000_020.0, 1_700_001_200.0)]
    files = []
    for slo in checkout.slos:
        path = tmp_path / f"{slo.name}.yml"
        path.write_text(yaml.safe_dump(backfill.rule_file(slo, checkout, hole, gaps, f"g:{slo.name}"), width=10**6))
        files.append(path)
        expr = str(yaml.safe_load(path.read_text())["groups"][0]["rules"][0]["expr"])
        assert ("@ 1700000020.000" in expr) == backfill.counts_events(slo), expr  # probes have no counters
    passed, _problems, output = promtool.check_rules(files)
    assert passed, output


def trapezoid(t: float, a: float, b: float) -> float:
    """GapBridging's weight, as its PromQL computes it: (clamp(t − a, 0, 60) − clamp(t − b, 0, 60)) / 60."""
    return (min(max(t - a, 0), STEP) - min(max(t - b, 0), STEP)) / STEP


@pytest.mark.parametrize("phase", [0.0, 0.001, 13.7, 29.999, 30.0, 44.945, 59.0])
def test_the_jump_weights_of_one_minute_samples_add_up_whatever_the_phase(phase):
    """The filled samples carry jump × weight / (b − a) per second, 60 s each: they add up to the whole jump
    wherever promtool's minutes fall. (promtool test rules cannot show it: its storage holds no sample later than
    the evaluation, and the jump is read after the gap.)"""
    a, b = 1030.0, 2140.0
    weights = [trapezoid(phase + STEP * k, a, b) for k in range(60)]
    assert sum(weights) * STEP / (b - a) == pytest.approx(1.0, abs=1e-12)
    assert all(0 <= w <= 1 for w in weights)
    assert all(w == 0 for k, w in enumerate(weights) if not a < phase + STEP * k < b + STEP)


def test_bridging_changes_only_the_rates(checkout):
    slo = checkout.slos[0]
    bridge = Bridge(1000.0, 2200.0, 1030.0, 2140.0)
    plain = PROMETHEUS.rate('x{a="b"}', 300)
    bridged = GapBridging(bridges=(bridge,)).rate('x{a="b"}', 300)
    assert bridged.startswith(f"({plain} or label_replace(") and "@ 1000.000" in bridged
    assert GapBridging().rate('x{a="b"}', 300) == plain
    assert GapBridging(bridges=(bridge,)).sum("y") == PROMETHEUS.sum("y")
    assert slo.sli.kind == "ratio"


# --- the minute phase of promtool's evaluations --------------------------------------------------------------


def test_xxh64_matches_the_reference_vectors():
    assert xxh64(b"") == 0xEF46DB3751D8E999
    assert xxh64(b"a") == 0xD24EC4F1A98C6E5B
    assert xxh64(b"abc") == 0x44BC2CF5AD770999


def test_group_phase_is_where_promtool_2_42_evaluated_a_group():
    # Observed: promtool 2.42 wrote this group's samples at :44.945 of each minute.
    phase = promtool.group_phase(
        "slogen-backfill:gapshop:latency", "/tmp/gapx/d20/bf/rules/0002-gapshop-latency.rules.yml", 60
    )
    assert phase == pytest.approx(44.945233158, abs=1e-6)


def fill(checkout, hole: Hole) -> Fill:
    return Fill(checkout, checkout.slos[0], hole, ())


@pytest.mark.parametrize("live", [2980.5, 3019.97, 3059.6])
def test_group_name_puts_promtool_on_the_live_second_but_never_the_last_of_the_minute(checkout, live):
    hole = Hole(3010, 4210, live, live + 1320)
    name = backfill.group_name(fill(checkout, hole), Path("/srv/backfill/rules/0001.rules.yml"), "slice")
    phase = promtool.group_phase(name, "/srv/backfill/rules/0001.rules.yml", 60)
    assert phase <= 59
    assert backfill._apart(phase, min(live % 60, 59 - backfill.PHASE_TOLERANCE)) < backfill.PHASE_TOLERANCE


def test_first_phase_reads_the_blocks_meta(tmp_path):
    for name, first in (("01A", 1_700_000_084_945), ("01B", 1_700_000_144_945)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "meta.json").write_text(json.dumps({"minTime": first}))
    assert backfill._first_phase(tmp_path) == pytest.approx(44.945)
    assert backfill._first_phase(tmp_path / "none") is None


def test_a_range_across_a_block_boundary_runs_promtool_twice(monkeypatch, tmp_path):
    calls = []

    def run(self, args, cwd=None):
        calls.append([a for a in args if a.startswith(("--start", "--end"))])
        return type("Done", (), {"returncode": 0, "stdout": "", "stderr": ""})()

    monkeypatch.setattr(promtool.Tool, "run", run)
    assert promtool.create_blocks_from_rules([tmp_path / "r.yml"], "http://x", 7190, 7500, tmp_path)[0]
    assert calls == [["--start=7190", "--end=7199"], ["--start=7200", "--end=7500"]]
    calls.clear()
    promtool.create_blocks_from_rules([tmp_path / "r.yml"], "http://x", 7200, 7500, tmp_path)
    assert calls == [["--start=7200", "--end=7500"]]


# --- what the operator reads ---------------------------------------------------------------------------------


def result(checkout, version, fills=True, written=40) -> Result:
    hole = Hole(1_714_564_830, 1_714_566_030, 1_714_564_800.0, 1_714_566_060.0)
    gaps = (RawGap(1_714_564_800.0, 1_714_566_000.0),)
    found = [Fill(checkout, checkout.slos[0], hole, gaps, written=written)] if fills else []
    return Result(found, Path("bf/blocks"), Path("bf/rules"), "http://p:9090", version, 1_714_563_000, 1_714_568_000)


def test_report_lists_each_hole_and_the_steps(checkout):
    text = backfill.report(result(checkout, (2, 45)))
    assert (
        "checkout/requests-availability: 20 minute(s) filled from 2024-05-01T12:00:30Z to 2024-05-01T12:20:30Z" in text
    )
    assert "its increase bridged" in text
    assert "1. Do not stop Prometheus." in text
    assert "Prometheus 2.45 merges overlapping blocks by default: no restart, no flag." in text
    assert "cp -r bf/blocks/* DATA/slogen-backfill.tmp/" in text and "mv DATA/slogen-backfill.tmp/* DATA/" in text
    assert "run this same command again" in text


def test_report_before_2_39_asks_for_the_overlapping_blocks_flag(checkout):
    text = backfill.report(result(checkout, (2, 38)))
    assert "--storage.tsdb.allow-overlapping-blocks" in text and "restart" in text
    unknown = backfill.report(result(checkout, None))
    assert "2.39 and later merge overlapping blocks by default" in unknown


def test_report_of_holes_without_raw_data_has_nothing_to_copy(checkout):
    text = backfill.report(result(checkout, (2, 45), written=0))
    assert "no raw data, nothing written" in text and "Nothing to copy" in text and "Next:" not in text


def test_report_without_holes_says_so(checkout):
    text = backfill.report(result(checkout, (2, 45), fills=False))
    assert text.startswith("slogen backfill: no holes in the recorded base rates of any SLO between")


# --- the plan, from what Prometheus answers ------------------------------------------------------------------


class FakePrometheus:
    """Recorded totals every minute at :23 except a 20-minute hole; raw samples every minute except a raw gap."""

    def __init__(self, raw_gap: bool):
        self.raw_gap = raw_gap
        self.queries: list[str] = []

    def query(self, expr, at):
        self.queries.append(expr)
        live = [[t + 23.0, "1"] for t in range(0, 7200, 60) if not 3000 < t + 23 < 4300]
        return [{"metric": {}, "values": live}]

    def query_range(self, expr, start, end, step):
        self.queries.append(expr)
        times = [start + step * i for i in range(int((end - start) // step) + 1)]
        present = [[t, "1"] for t in times if not (self.raw_gap and 3000 < t < 4260)]
        return [{"metric": {}, "values": present}]


@pytest.mark.parametrize("raw_gap", [True, False])
def test_plan_finds_each_hole_and_whether_the_raw_series_had_a_gap(checkout, raw_gap):
    source = FakePrometheus(raw_gap)
    fills = backfill.plan(pipeline.check([FIXTURE]).project, source, 2000, 5000)
    counters = [f for f in fills if backfill.counts_events(f.slo)]
    assert len(fills) == len(checkout.slos) and counters
    for found in fills:
        assert (found.hole.after, found.hole.before, found.hole.samples) == (2963.0, 4343.0, 22)
        assert found.hole.phase == 23.0
    assert all(bool(f.gaps) == raw_gap for f in counters)
    assert all(not f.gaps for f in fills if f not in counters)
    assert 'slogen:sli_total:rate5m{service="checkout", slo="requests-availability"}[4200000ms]' in source.queries
