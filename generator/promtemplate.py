"""The few Prometheus template functions whose output generated tests must predict, ported exactly.

Prometheus (template/template.go) formats with Go's %.4g; Python's %.4g agrees for finite floats.
"""

import math
import re


def humanize(value: float) -> str:
    if value == 0 or math.isnan(value) or math.isinf(value):
        return _g4(value)
    prefix = ""
    if abs(value) >= 1:
        for candidate in ("k", "M", "G", "T", "P", "E", "Z", "Y"):
            if abs(value) < 1000:
                break
            prefix, value = candidate, value / 1000
        return _g4(value) + prefix
    for candidate in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(value) >= 1:
            break
        prefix, value = candidate, value * 1000
    return _g4(value) + prefix


def humanize_percentage(value: float) -> str:
    return _g4(value * 100) + "%"


def humanize_duration(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return _g4(value)
    if value == 0:
        return _g4(value) + "s"
    if abs(value) >= 1:
        sign = "-" if value < 0 else ""
        whole = int(abs(value))
        seconds, minutes = whole % 60, (whole // 60) % 60
        hours, days = (whole // 3600) % 24, whole // 86400
        if days:
            return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
        if hours:
            return f"{sign}{hours}h {minutes}m {seconds}s"
        if minutes:
            return f"{sign}{minutes}m {seconds}s"
        return f"{sign}{_g4(abs(value))}s"
    prefix = ""
    for candidate in ("m", "u", "n", "p", "f", "a", "z", "y"):
        if abs(value) >= 1:
            break
        prefix, value = candidate, value * 1000
    return f"{_g4(value)}{prefix}s"


def _g4(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return f"{value:.4g}"


# One Go template action: a string literal or a pipeline without quotes, with Go's optional trim markers ("{{- "
# and " -}}" trim the whitespace of the text beside them).
_ACTION = re.compile(
    r'\{\{(?P<left>-[ \t\r\n])?[ \t\r\n]*(?P<body>"[^"\\\n]*"|[^"]*?)[ \t\r\n]*(?P<right>[ \t\r\n]-)?\}\}'
)
_LABEL = re.compile(r"(?:\$labels|\.Labels)\.([a-zA-Z_][a-zA-Z0-9_]*)")
_VALUE = re.compile(r"(?:\$value|\.Value)[ \t]*\|[ \t]*(humanize|humanizePercentage|humanizeDuration)")
_FUNCTIONS = {"humanize": humanize, "humanizePercentage": humanize_percentage, "humanizeDuration": humanize_duration}
_GO_SPACE = " \t\r\n"


def expand(text: str, labels: dict[str, str], value: float | None) -> str | None:
    """The text Prometheus prints for an alert whose expression returned a series with `labels` and sample `value`
    (None: unknown), or None where that cannot be predicted exactly. Raw $value is not predicted: Go prints the
    float with %v, and the float noise of a rate decides its last digits."""
    printed, rest = [], text
    while "{{" in rest:
        before, _, after = rest.partition("{{")
        action = _ACTION.match("{{" + after)
        if action is None:
            return None
        result = _evaluate(action["body"], labels, value)
        if result is None:
            return None
        printed += [before.rstrip(_GO_SPACE) if action["left"] else before, result]
        rest = ("{{" + after)[action.end() :]
        if action["right"]:
            rest = rest.lstrip(_GO_SPACE)
    return "".join(printed) + rest


def _evaluate(body: str, labels: dict[str, str], value: float | None) -> str | None:
    if body.startswith('"'):
        return body[1:-1]
    label = _LABEL.fullmatch(body)
    if label:
        return labels.get(label[1]) or None  # Go prints "<no value>" for a label the series lacks
    function = _VALUE.fullmatch(body)
    if function and value is not None:
        return _FUNCTIONS[function[1]](value)
    return None
