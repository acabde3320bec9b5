"""A 20-minute outage during a total outage of one route, against a real Prometheus (testing/gap.py builds the
history and what the live rules recorded around the gap): the gap removes a large share of the events from the
1h, 3d and period ratios of both SLOs; `slogen backfill` over the outage ± 30 min writes blocks that, once in
the data directory, bring every ratio within 1 % of the exact value; a second run finds no hole.

Two kinds of outage: Prometheus down (no rule evaluations and no scrapes: the counters jump across the raw gap)
and only the rules down (the raw series complete). bench/gap.py measures 5, 20 and 60 minutes.
"""

import math
from pathlib import Path

import pytest

from testing.gap import SLOS, WINDOWS, Outage, World, relative

pytestmark = pytest.mark.e2e

GAP_MINUTES = 20
TOLERANCE = 0.01  # relative, after the repair
LOSS = -0.10  # without the repair every window is at least this far below the exact ratio


@pytest.mark.parametrize("kind", ["prometheus", "ruler"])
def test_backfill_gives_back_what_an_outage_removed(tmp_path: Path, kind: str):
    world = World.build(tmp_path, Outage(GAP_MINUTES, kind))
    exact = world.exact()
    out = tmp_path / "backfill"
    with world.prometheus() as prometheus:
        world.wait_for_ratios(prometheus)
        recorded = world.ratios(prometheus)
        report = world.slogen_backfill(prometheus.url, out).output

    for key in exact:
        assert relative(recorded[key], exact[key]) < LOSS, (
            f"{key}: without a repair {recorded[key]:.5f} against exact {exact[key]:.5f}: the gap should lose events"
        )
    assert report.count("hole(s)") == 1 and "gapshop/availability" in report and "gapshop/latency" in report, report
    assert ("its increase bridged" in report) == (kind == "prometheus"), report
    assert "Next:" in report and "mv DATA/slogen-backfill.tmp/*" in report, report
    blocks = sorted(p.name for p in (out / "blocks").iterdir())
    assert blocks and not any(name.startswith(".") for name in blocks), blocks

    repaired = world.ratios_with(out / "blocks", "repaired")
    for slo in SLOS:
        for window in WINDOWS:
            key = (slo, window)
            assert not math.isnan(repaired[key]), f"{key}: no value after the repair"
            assert abs(relative(repaired[key], exact[key])) <= TOLERANCE, (
                f"{key}: {repaired[key]:.5f} after slogen backfill, exact {exact[key]:.5f} "
                f"({relative(repaired[key], exact[key]):+.2%}; {recorded[key]:.5f} before)"
            )

    with world.prometheus(tmp_path / "data-repaired") as prometheus:
        again = world.slogen_backfill(prometheus.url, tmp_path / "again").output
    assert "no holes" in again, f"a second run over the repaired data still found holes:\n{again}"
