"""Sloth's rule shape: the rule file Sloth v0.16 (github.com/slok/sloth, commit 0e395d8) writes for a
`prometheus/v1` spec.

`sloth_rules(spec)` takes the dict a Sloth user writes (events or raw SLIs, page/ticket alerts, either may be
disabled) and returns the rule-file document, group for group and rule for rule. `check_against_anchor()` proves
the reproduction against Sloth's own generated example in bench/anchors/sloth/ (data only, not code).

Known limits: only the default 30-day period (Sloth's 28-day catalogue and custom periods are not modelled), no
plugin SLIs, no OpenSLO or Kubernetes inputs, and the `cmd` label that Sloth's example script adds is not emitted.
Numbers are printed with Python's shortest repr, which matches Go's for the values SLO objectives take.
"""

import difflib
import re
from pathlib import Path

import yaml

SLOTH_VERSION = "v0.16.0"
ANCHORS = Path(__file__).resolve().parents[1] / "anchors" / "sloth"  # copied from ../shared/anchors/sloth

SLI_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
PERIOD_DAYS = 30
# Sloth's 30-day alert catalogue: each severity ORs two (short, long, burn factor) pairs.
ALERT_PAIRS = {
    "page": (("5m", "1h", 14.4), ("30m", "6h", 6)),
    "ticket": (("2h", "1d", 3), ("6h", "3d", 1)),
}

SHAPE_DESCRIPTION = """\
**Sloth's shape** (v0.16, reproduced exactly from Sloth's own generated example in the same run). Per SLO, three
groups with no `interval:`, so they run at the global evaluation interval (1m here). The SLI group holds seven
`slo:sli_error:ratio_rate<W>` rules for W = 5m, 30m, 1h, 2h, 6h, 1d and 3d; each runs the user's error and total
queries over the raw series with `rate(...[W])`, so every minute the 3d rule reads three days of raw samples of
every matched series, and the 1d rule one day. An eighth rule, `ratio_rate30d`, is
`sum_over_time(ratio_rate5m[30d]) / count_over_time(ratio_rate5m[30d])`: it reads 30 days of the one recorded
5m-ratio series (43,200 samples) and averages ratios, unweighted by traffic. The meta group holds seven cheap
rules (objective, error budget, period, current and period burn rate, budget remaining, info), and the alert
group two alerts (page: 5m/1h at 14.4× or 30m/6h at 6×; ticket: 2h/1d at 3× or 6h/3d at 1×) that read only the
recorded ratios."""


def sloth_rules(spec: dict, version: str = SLOTH_VERSION) -> dict:
    """The rule-file document Sloth generates for a prometheus/v1 spec, SLOs in spec order."""
    if spec.get("version") != "prometheus/v1":
        raise ValueError("only Sloth's prometheus/v1 spec is modelled")
    groups = []
    for slo in spec["slos"]:
        groups.extend(_slo_groups(spec, slo, version))
    return {"groups": groups}


def _slo_groups(spec: dict, slo: dict, version: str) -> list[dict]:
    service, name = spec["service"], slo["name"]
    slo_id = f"{service}-{name}"
    ids = {"sloth_id": slo_id, "sloth_service": service, "sloth_slo": name}
    base = _strings(spec.get("labels")) | _strings(slo.get("labels")) | ids
    selector = ", ".join(f'{key}="{value}"' for key, value in ids.items())
    objective = float(slo["objective"])
    groups = [
        {"name": f"sloth-slo-sli-recordings-{slo_id}", "rules": _sli_rules(slo["sli"], base, selector)},
        {"name": f"sloth-slo-meta-recordings-{slo_id}", "rules": _meta_rules(objective, base, selector, version)},
    ]
    alerts = _alert_rules(slo.get("alerting") or {}, objective, selector)
    if alerts:  # Sloth writes no alert group when both alerts are disabled
        groups.append({"name": f"sloth-slo-alerts-{slo_id}", "rules": alerts})
    return groups


def _sli_rules(sli: dict, base: dict, selector: str) -> list[dict]:
    rules = []
    for window in SLI_WINDOWS:
        rules.append(
            {
                "record": f"slo:sli_error:ratio_rate{window}",
                "expr": _sli_expr(sli, window),
                "labels": _sorted(base | {"sloth_window": window}),
            }
        )
    ratio5m = f"slo:sli_error:ratio_rate5m{{{selector}}}[{PERIOD_DAYS}d]"
    rules.append(
        {
            "record": f"slo:sli_error:ratio_rate{PERIOD_DAYS}d",
            "expr": f"sum_over_time({ratio5m})\n/ ignoring (sloth_window)\ncount_over_time({ratio5m})\n",
            "labels": _sorted(base | {"sloth_window": f"{PERIOD_DAYS}d"}),
        }
    )
    return rules


def _sli_expr(sli: dict, window: str) -> str:
    if "events" in sli:
        errors = _with_window(sli["events"]["error_query"], window)
        total = _with_window(sli["events"]["total_query"], window)
        return f"({errors})\n/\n({total})\n"
    if "raw" in sli:
        return f"({_with_window(sli['raw']['error_ratio_query'], window)})"
    raise ValueError("only events and raw SLIs are modelled (no plugins)")


def _with_window(query: str, window: str) -> str:
    return re.sub(r"\{\{\s*\.window\s*\}\}", window, query)


def _meta_rules(objective: float, base: dict, selector: str, version: str) -> list[dict]:
    ratio = _number(objective / 100)

    def burn(sli_record: str) -> str:
        return (
            f"{sli_record}{{{selector}}}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\n"
            f"slo:error_budget:ratio{{{selector}}}\n"
        )

    rules = [
        ("slo:objective:ratio", f"vector({ratio})"),
        ("slo:error_budget:ratio", f"vector(1-{ratio})"),
        ("slo:time_period:days", f"vector({PERIOD_DAYS})"),
        ("slo:current_burn_rate:ratio", burn("slo:sli_error:ratio_rate5m")),
        ("slo:period_burn_rate:ratio", burn(f"slo:sli_error:ratio_rate{PERIOD_DAYS}d")),
        ("slo:period_error_budget_remaining:ratio", f"1 - slo:period_burn_rate:ratio{{{selector}}}"),
    ]
    document = [{"record": record, "expr": expr, "labels": _sorted(base)} for record, expr in rules]
    info = base | {
        "sloth_mode": "cli-gen-prom",
        "sloth_objective": _number(objective),
        "sloth_spec": "prometheus/v1",
        "sloth_version": version,
    }
    document.append({"record": "sloth_slo_info", "expr": "vector(1)", "labels": _sorted(info)})
    return document


def _alert_rules(alerting: dict, objective: float, selector: str) -> list[dict]:
    budget = _number((100 - objective) / 100)
    rules = []
    for severity, pairs in ALERT_PAIRS.items():
        alert = alerting.get(f"{severity}_alert") or {}
        if alert.get("disable"):
            continue
        if not alerting.get("name"):
            raise ValueError("Sloth needs alerting.name for an SLO whose page or ticket alert is enabled")
        annotations = {
            "title": f"({severity}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn "
            "rate is too fast.",
            "summary": "{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.",
        }
        annotations |= _strings(alerting.get("annotations")) | _strings(alert.get("annotations"))
        labels = _strings(alerting.get("labels")) | _strings(alert.get("labels")) | {"sloth_severity": severity}
        rules.append(
            {
                "alert": alerting["name"],
                "expr": "\nor\n".join(_pair_expr(pair, selector, budget) for pair in pairs) + "\n",
                "labels": _sorted(labels),
                "annotations": _sorted(annotations),
            }
        )
    return rules


def _pair_expr(pair: tuple, selector: str, budget: str) -> str:
    short, long, factor = pair
    lines = [
        f"    max(slo:sli_error:ratio_rate{window}{{{selector}}} > ({_number(factor)} * {budget}))"
        " without (sloth_window)"
        for window in (short, long)
    ]
    return f"(\n{lines[0]}\n    and\n{lines[1]}\n)"


def _number(value: float) -> str:
    """Go's shortest float text: 30.0 → '30', 0.1 → '0.1'."""
    value = float(value)
    return str(int(value)) if value.is_integer() else repr(value)


def _strings(mapping: dict | None) -> dict:
    return {str(key): str(value) for key, value in (mapping or {}).items()}


def _sorted(mapping: dict) -> dict:
    return dict(sorted(mapping.items()))  # Go marshals maps with sorted keys


class _SlothDumper(yaml.SafeDumper):
    pass


def _represent_string(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = None
    if "\n" in text:
        style = "|"  # multi-line exprs as literal blocks, like go-yaml
    elif dumper.resolve(yaml.ScalarNode, text, (True, False)) != "tag:yaml.org,2002:str":
        style = '"'  # go-yaml double-quotes strings that would read as numbers or booleans: tier: "2"
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_SlothDumper.add_representer(str, _represent_string)


def dump(document: dict, version: str = SLOTH_VERSION) -> str:
    """The document as YAML in Sloth's layout: header comment, unindented sequences, literal-block exprs."""
    header = f"\n---\n# Code generated by Sloth ({version}): https://github.com/slok/sloth.\n# DO NOT EDIT.\n\n"
    return header + yaml.dump(document, Dumper=_SlothDumper, sort_keys=False, default_flow_style=False, width=80)


def without_labels(document, names: tuple[str, ...] = ("cmd", "sloth_version")):
    """A copy with the given labels removed wherever they occur (for comparing with Sloth's own output)."""
    if isinstance(document, dict):
        return {
            key: without_labels(value, names)
            for key, value in document.items()
            if not (key in names and isinstance(value, str))
        }
    if isinstance(document, list):
        return [without_labels(item, names) for item in document]
    return document


def check_against_anchor() -> None:
    """Raise AssertionError with a diff unless getting-started.input.yml reproduces Sloth's output exactly."""
    spec = yaml.safe_load((ANCHORS / "getting-started.input.yml").read_text())
    expected = without_labels(yaml.safe_load((ANCHORS / "getting-started.sloth-output.yml").read_text()))
    actual = without_labels(sloth_rules(spec))
    if actual != expected:
        diff = difflib.unified_diff(
            yaml.safe_dump(expected, sort_keys=True).splitlines(),
            yaml.safe_dump(actual, sort_keys=True).splitlines(),
            "sloth getting-started output",
            "bench.shapes.sloth",
            lineterm="",
        )
        raise AssertionError("Sloth shape drifted from Sloth's own output:\n" + "\n".join(diff))
