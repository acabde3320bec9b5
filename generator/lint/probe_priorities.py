"""A probe's `priorities` entries can each fire: their labels are ones the probe's series can carry, and no earlier
entry takes every series an entry matches (first match wins)."""

from collections.abc import Iterator

from ..findings import Finding
from ..model import SLO, ProbePriority, ProbeSLI, Project

ID = "probe-priority"
# Labels the strike alert sets itself (and ALERTS adds): a match on them would not be what the alert carries.
ALERT_LABELS = ("alertname", "alertstate", "priority", "service", "severity", "slo")


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        sli = slo.sli
        if not isinstance(sli, ProbeSLI):
            continue
        for entry in sli.priorities:
            yield from _labels(slo, sli, entry)
            yield from _shadowed(slo, sli, entry)


def _at(entry: ProbePriority, *path: str) -> tuple[str | int, ...]:
    return ("sli", "probe", "priorities", entry.index, *path)


def _labels(slo: SLO, sli: ProbeSLI, entry: ProbePriority) -> Iterator[Finding]:
    selector = sli.success.parsed
    for label, value in entry.match:
        if label.startswith("__"):
            yield slo.spec.finding(
                _at(entry, "match", label),
                f"{label}: labels starting with __ are Prometheus' own (the metric name is the success selector's); "
                "match on the probe's labels, such as check or region",
                ID,
            )
        elif label in ALERT_LABELS:
            yield slo.spec.finding(
                _at(entry, "match", label),
                f"{label} is a label the strike alert sets itself ({', '.join(ALERT_LABELS[2:])}); match on the "
                "probe's own labels, such as check or region",
                ID,
            )
        elif selector and not all(m.matches(value) for m in selector.matchers if m.label == label):
            yield slo.spec.finding(
                _at(entry, "match", label),
                f'the probe selects only {selector.render()}, never {label}="{value}", so this entry can never '
                f"match; fix the value or the success selector",
                ID,
            )
    if entry.in_every in dict(entry.match):
        yield slo.spec.finding(
            _at(entry, "in_every"),
            f"in_every: {entry.in_every} is also a match label, so every {entry.in_every} the entry sees is the one "
            f"it matches; name the label whose values must all fail (such as region), or drop in_every",
            ID,
        )
    elif entry.in_every and selector and any(m.label == entry.in_every and m.op == "=" for m in selector.matchers):
        yield slo.spec.finding(
            _at(entry, "in_every"),
            f"the probe selects one {entry.in_every} only ({selector.render()}), so in every {entry.in_every} means "
            f"in that one; name a label whose values differ between the probe's series, or drop in_every",
            ID,
        )


def _shadowed(slo: SLO, sli: ProbeSLI, entry: ProbePriority) -> Iterator[Finding]:
    """An earlier per-series entry whose match is part of this one's takes every series this one matches; an
    earlier entry equal to this one takes them whenever this one would fire."""
    for earlier in sli.priorities[: entry.index]:
        if (earlier.match, earlier.in_every) == (entry.match, entry.in_every):
            yield slo.spec.finding(
                _at(entry),
                f"this entry never fires: priorities[{earlier.index}] is the same entry and takes its series first; "
                "drop one of them",
                ID,
            )
            return
        if earlier.in_every is None and earlier.covers(entry):
            match = ", ".join(f"{label}: {value}" for label, value in earlier.match)
            yield slo.spec.finding(
                _at(entry),
                f"this entry never fires: priorities[{earlier.index}] ({{{match}}}) takes every series it matches "
                "first; drop it, or move it before that broader entry",
                ID,
            )
            return
