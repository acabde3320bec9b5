"""OpenMetrics history files for `promtool tsdb create-blocks-from openmetrics`, and the promtool calls that
turn history and recording rules into TSDB blocks.

promtool accepts each series' samples contiguously (one series after another, each in time order), which
lets a series be written as one string. Counter values are whole numbers: the floor of an increasing
function stays increasing, and integers format several times faster than floats.
"""

import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import repeat
from operator import add
from pathlib import Path
from typing import TextIO

import click

from generator.promtool import PROMTOOL

from .traffic import Series

# promtool 2.42 hides this flag, but honours it. Without it promtool re-reads the whole input once per 2h
# block; with it, once per block of up to 486h (2h × 3^5, the largest such duration ≤ 720h).
MAX_BLOCK_DURATION = "--max-block-duration=720h"
# Backfilling gigabytes takes minutes; the project's wrapper (PATH or $PROMTOOL, install hint) with a longer limit.
BACKFILL_PROMTOOL = replace(PROMTOOL, timeout=900)
# Retention counts back from the newest block; the default 15d would delete half of 30 days of history.
RETENTION_FLAG = "--storage.tsdb.retention.time=400d"


@contextmanager
def openmetrics_file(path: Path) -> Iterator[TextIO]:
    """A file of metric families for promtool, written beside `path` and renamed into place once complete."""
    partial = path.with_name(path.name + ".partial")
    with open(partial, "w", encoding="ascii", newline="\n") as out:
        yield out
        out.write("# EOF\n")
    os.replace(partial, path)


def write_counters(
    out: TextIO, metric: str, series: Sequence[Series], times: range, origin: float, label: str = "history"
) -> int:
    """One counter family: every series' samples at `times`; returns how many samples were written."""
    elapsed = [t - origin for t in times]
    rows = ((one.labels, list(map(int, one.counts(elapsed)))) for one in series)
    return write_family(out, metric, "counter", rows, times, len(series), label)


def write_family(
    out: TextIO,
    metric: str,
    kind: str,
    rows: Iterable[tuple[str, Sequence]],
    times: range,
    count: int,
    label: str = "history",
) -> int:
    """One metric family: rows are (label text, values at `times`); `count` rows, for the progress bar."""
    suffixes = [f" {t}\n" for t in times]
    written = 0
    out.write(f"# HELP {metric} synthetic\n# TYPE {metric} {kind}\n")
    with click.progressbar(rows, length=count, label=label, file=sys.stderr) as bar:
        for labels, values in bar:
            out.write("".join(map(add, map(add, repeat(metric + labels + " "), map(str, values)), suffixes)))
            written += len(values)
    return written


def promtool(*args: str) -> str:
    result = BACKFILL_PROMTOOL.run(list(args))
    if result.returncode != 0:
        raise RuntimeError(f"promtool {' '.join(args)} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return result.stdout


def blocks_from_openmetrics(history: Path, blocks: Path) -> None:
    promtool("tsdb", "create-blocks-from", "openmetrics", MAX_BLOCK_DURATION, "--quiet", str(history), str(blocks))


def blocks_from_rules(rule_files: Iterable[Path], url: str, start: int, end: int, blocks: Path, step: int = 60) -> None:
    promtool(
        "tsdb",
        "create-blocks-from",
        "rules",
        "--quiet",
        f"--url={url}",
        f"--start={start}",
        f"--end={end}",
        f"--eval-interval={step}s",
        f"--output-dir={blocks}",
        *map(str, rule_files),
    )


def move_blocks(blocks: Path, data: Path) -> int:
    """Move every block directory into a TSDB data directory (whole directories: a rename each)."""
    data.mkdir(parents=True, exist_ok=True)
    moved = 0
    for block in sorted(blocks.iterdir()):
        if block.is_dir():
            os.replace(block, data / block.name)
            moved += 1
    return moved


def write_recorded(out: TextIO, recorded: Sequence, times: range) -> int:
    """What base recording rules record at `times` (RecordedSeries from fleet_rules), one gauge family per
    record name."""
    by_name: dict[str, list] = {}
    for one in recorded:
        by_name.setdefault(one.name, []).append(one)
    for name, family in sorted(by_name.items()):
        out.write(f"# TYPE {name} gauge\n")
        for one in family:
            labels = ",".join(f'{key}="{value}"' for key, value in sorted(one.labels.items()))
            out.write("".join(f"{name}{{{labels}}} {one.value(t)!r} {t}\n" for t in times))
    return len(recorded) * len(times)
