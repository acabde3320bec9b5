"""`alerting.absent.expect` names group_by labels, with values the SLI's presence series can have.

A label outside group_by would ticket with a label no other alert of the SLO carries; a value the selector rules
out can never be seen, so its group would ticket forever.
"""

from collections.abc import Iterator

from ..findings import Finding
from ..model import Project

ID = "absent-expect"


def check(project: Project) -> Iterator[Finding]:
    for slo in project.slos():
        source = slo.alerting.absent_source
        if source is None or not slo.alerting.absent_expect:
            continue
        if any(field.parsed is None for field in slo.sli.selectors):
            continue  # promql-selector reports the selector; there is nothing to check the values against
        selector, _suffix = slo.sli.presence_parts
        for label, values in slo.alerting.absent_expect:
            at = ("absent", "expect", label)
            if label not in slo.group_by:
                yield source.finding(
                    at,
                    f"SLO {slo.name} expects values of {label}, which is not in its group_by "
                    f"{list(slo.group_by)}; add {label} to group_by or drop it from absent.expect",
                    ID,
                )
                continue
            for value in values:
                refused = [m.render() for m in selector.matchers if m.label == label and not m.matches(value)]
                if refused:
                    yield source.finding(
                        at,
                        f"SLO {slo.name} expects {label}={value}, but its selector's {refused[0]} never selects it, "
                        "so that group would ticket forever; drop the value or widen the selector",
                        ID,
                    )
