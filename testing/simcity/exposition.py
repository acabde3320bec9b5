"""Rendering (pure): Prometheus text format 0.0.4 for scrapes, and OpenMetrics sample lines with timestamps
for backfilling with `promtool tsdb create-blocks-from openmetrics`."""

from collections.abc import Iterator
from functools import lru_cache

from . import contract as c

TEXT_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


@lru_cache(maxsize=65536)
def label_text(names: tuple[str, ...], values: tuple[str, ...], prefix: str = "") -> str:
    """`a="x",b="y"`, after `prefix` (already rendered labels such as job and instance)."""
    own = ",".join(f'{name}="{_escape_label(value)}"' for name, value in zip(names, values, strict=True))
    return ",".join(part for part in (prefix, own) if part)


def le_text(bound: float) -> str:
    # Python's repr writes 1.0 and 0.005, as client_python and OpenMetrics do; slogen's selectors match it.
    return repr(float(bound))


def number(value: int | float) -> str:
    return str(value) if isinstance(value, int) else repr(float(value))


def _braced(labels: str) -> str:
    return "{" + labels + "}" if labels else ""


def sample_lines(family: c.Family, values: list, prefix: str = "", timestamp: str = "") -> Iterator[str]:
    """One line per sample of the family's children; `timestamp` is appended as is (OpenMetrics: seconds)."""
    suffix = f" {timestamp}" if timestamp else ""
    for labels, value in values:
        own = label_text(family.labels, labels, prefix)
        if family.kind != c.HISTOGRAM:
            yield f"{family.name}{_braced(own)} {number(value)}{suffix}"
            continue
        cumulative, total = value
        separator = "," if own else ""
        # `cumulative` ends with the +Inf bucket, one past the finite bounds: written after the loop.
        for bound, count in zip(family.buckets, cumulative, strict=False):
            yield f'{family.name}_bucket{{{own}{separator}le="{le_text(bound)}"}} {count}{suffix}'
        yield f'{family.name}_bucket{{{own}{separator}le="+Inf"}} {cumulative[-1]}{suffix}'
        yield f"{family.name}_sum{_braced(own)} {number(total)}{suffix}"
        yield f"{family.name}_count{_braced(own)} {cumulative[-1]}{suffix}"


def render_text(snapshot: list) -> str:
    """The Prometheus text exposition format 0.0.4 of a Simulator snapshot."""
    lines: list[str] = []
    for family, values in snapshot:
        lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
        lines.append(f"# TYPE {family.name} {family.kind}")
        lines.extend(sample_lines(family, values))
    return "\n".join(lines) + "\n"


def openmetrics_header(family: c.Family) -> str:
    """HELP and TYPE of a family in OpenMetrics, where a counter's family name has no _total."""
    return f"# HELP {family.base} {_escape_help(family.help)}\n# TYPE {family.base} {family.kind}\n"
