"""Seeds and mutations: the valid fixture specs, changed the ways a careless or hostile pull request changes them.

A case is a function of (seed, index) alone, so any case can be rebuilt from the two numbers in a report.
Data mutations edit the parsed spec and dump it again; text mutations edit the YAML text itself (indentation,
tabs, anchors, raw tokens) where a parse-and-dump round trip would hide the problem.
"""

import copy
import json
import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FIXTURES = Path(__file__).parents[1] / "fixtures"
# maintenance.yaml's placeholders are filled in by its e2e test; any valid times make it a valid seed.
PLACEHOLDERS = {"$OTHER_START": "06:00", "$OTHER_END": "07:00"}
DEEP = "@@slogen-fuzz-deep@@"  # replaced after dumping: PyYAML's emitter recurses, and would fail first

Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class Seed:
    name: str
    text: str
    data: Any


@dataclass(frozen=True)
class Case:
    seed: int
    index: int
    origin: str  # the fixture it started from
    mutations: tuple[str, ...]
    text: str
    suffix: str  # ".yaml" or ".jsonnet"

    @property
    def label(self) -> str:
        return f"seed {self.seed} case {self.index} ({self.origin}: {', '.join(self.mutations)})"


def seeds() -> list[Seed]:
    found = []
    for path in sorted(FIXTURES.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        for placeholder, value in PLACEHOLDERS.items():
            text = text.replace(placeholder, value)
        found.append(Seed(path.name, text, yaml.safe_load(text)))
    return found


# ---------------------------------------------------------------------------------------------------- values

EXTREME_NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    1,
    0.0,
    -0.0,
    1e308,
    -1e308,
    1e-308,
    5e-324,
    10**30,
    2**63,
    2**64 + 1,
    -(2**63),
    10**400,
    float("nan"),
    float("inf"),
    float("-inf"),
    99.99999999999999,
    100,
    100.0000001,
    1.0000000001,
    True,
)
YAML_NUMBER_TEXT = (
    ".nan",
    ".NaN",
    ".inf",
    "-.inf",
    "+.inf",
    "1e999",
    "-1e999",
    "0x7fffffffffffffffff",
    "0o777",
    "1_000",
)
CONTROL = (
    "\x00",
    "\x07",
    "\x08",
    "\x1b[31m",
    "\x1b]8;;http://x\x07",
    "\x7f",
    "\x85",
    "\r",
    "\n",
    "\r\n",
    "\t",
    "\u2028",
    "\u2029",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\ud7ff",
    "\U0001f525",
    "e\u0301\u0301\u0301",
    "İ",
    "ß",
    '"',
    "'",
    "\\",
    "`",
    "$(id)",
    "${HOME}",
    "%s%n",
)
REGEX = (
    "(a+)+$",
    "[z-a]",
    "\\",
    "(",
    ")",
    "[",
    "a{1000000}",
    "a{2,1}",
    "(?P<x>a)",
    "(?=a)",
    "(a)\\1",
    "\\p{Greek}",
    "\\C",
    "(?i)x",
    ".*" * 50,
    "|",
    "^$",
    "\\Q.*\\E",
    "x{0}",
    "[[:alpha:]]",
)
TEMPLATE = (
    "{{",
    "}}",
    "{{ $value | x }}",
    "{{ $value | humanizeDuration }}",
    "{{ $labels.route }}",
    '{{ template "x" }}',
    '{{ define "x" }}{{ end }}',
    "{{ .Foo.Bar }}",
    "{{ range . }}",
    "{{/* c */}}",
    '{{ printf "%s" }}',
    "{{ $x := 1 }}",
    "{{- -}}",
    '{{ query "up" }}',
    "$value",
    "{{{{}}}}",
)
DURATIONS = (
    "0s",
    "0",
    "0m",
    "300y",
    "99999999999999999999y",
    "292y",
    "1ms",
    "999ms",
    "1s",
    "59s",
    "61s",
    "1.5h",
    "-5m",
    "5m5m",
    "1h30",
    "1h1d",
    "garbage",
    "",
    "5",
    "5M",
    "1w1w",
    "1y2w3d4h5m6s7ms",
    "10000d",
    "P1D",
)
KEYWORDS = (
    "sum",
    "by",
    "without",
    "on",
    "ignoring",
    "offset",
    "bool",
    "and",
    "or",
    "unless",
    "inf",
    "nan",
    "Inf",
    "NaN",
    "group_left",
    "atan2",
    "start",
    "end",
    "__name__",
    "topk",
    "count_values",
    "avg_over_time",
    "absent",
    "time",
    "le",
    "ALERTS",
)
LABEL_NAMES = (
    "__name__",
    "__tmp",
    "le",
    "quantile",
    "severity",
    "service",
    "slo",
    "alertname",
    "0abc",
    "a-b",
    "a.b",
    "a b",
    "ünï",
    "",
    "a" * 300,
    "job",
    "__meta_x",
    "{{ $labels.x }}",
)
SECRETS = (
    "https://hooks.slack.com/services/T000/B000/XXXXXXXX",
    "https://discord.com/api/webhooks/1/abc",
    "xoxb-1234-abcd",
    "https://user:pass@example.com/x",
    "https://example.com/hook?token=abc",
)
MAINTENANCE = {
    "weekdays": ("monday:sunday", "funday", "sunday:", ":", "8", "monday:monday:monday", ""),
    "days_of_month": ("31:1", "0", "-1", "32", "-31:-1", "1:7:9", "x", "-32"),
    "months": ("febuary", "13", "0", "december:january", "1:12", "-1"),
    "years": ("0", "-1", "99999", "2030:2020", "x", "1:2"),
    "times": (
        [{"start": "25:00", "end": "26:00"}],
        [{"start": "04:00", "end": "02:00"}],
        [{"start": "00:00", "end": "00:00"}],
        [{"start": "00:00", "end": "24:01"}],
        [{"start": "2:00", "end": "3:00"}],
        [{"start": "02:00"}],
        [],
        "02:00-04:00",
    ),
    "location": ("Mars/Olympus", "../../etc/passwd", "UTC", "Local", ""),
}
JSONNET_INJECTIONS = (
    "import '/etc/passwd'",
    "importstr '../../../../etc/hostname'",
    "importstr '/proc/self/environ'",
    "std.extVar('x')",
    "error 'fuzz'",
    "(local f(n) = f(n + 1); f(0))",
    "std.length(std.range(1, 100000000))",
    "std.repeat('a', 100000000)",
    "std.native('x')",
    "{ a: self.a }.a",
    "import 'spec.jsonnet'",
)


def _leaves(data: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _leaves(value, (*path, index))


def _paths(data: Any, accept: Callable[[Path_, Any], bool]) -> list[Path_]:
    return [path for path, value in _leaves(data) if path and accept(path, value)]


def _set(data: Any, path: Path_, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _is_str(_path: Path_, value: Any) -> bool:
    return isinstance(value, str)


def _is_selector(_path: Path_, value: Any) -> bool:
    return isinstance(value, str) and re.search(r"[a-z_]\{", value) is not None


def _is_duration(_path: Path_, value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"(\d+(ms|s|m|h|d|w|y))+", value) is not None


def _is_number(_path: Path_, value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# ------------------------------------------------------------------------------------------ data mutations
# Each returns False when the spec has nothing it applies to; the caller then picks another.

DataMutation = Callable[[random.Random, Any], bool]


def _pick(rng: random.Random, data: Any, accept: Callable[[Path_, Any], bool]) -> Path_ | None:
    paths = _paths(data, accept)
    return rng.choice(paths) if paths else None


def delete_key(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda p, _v: isinstance(p[-1], str))
    if path is None:
        return False
    del _get(data, path[:-1])[path[-1]]
    return True


def duplicate_item(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda _p, v: isinstance(v, list) and bool(v))
    if path is None:
        return False
    items = _get(data, path)
    items.extend(copy.deepcopy(rng.choice(items)) for _ in range(rng.choice((1, 1, 2, 50))))
    return True


def swap_type(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda _p, _v: True)
    if path is None:
        return False
    _set(data, path, rng.choice((None, True, 0, 1.5, "", "x", [], ["x"], {}, {"x": 1}, [[]], {"": None})))
    return True


def extreme_number(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda p, v: _is_number(p, v) or rng.random() < 0.05)
    if path is None:
        return False
    _set(data, path, rng.choice(EXTREME_NUMBERS))
    return True


def long_string(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, _is_str)
    if path is None:
        return False
    value = _get(data, path)
    length = rng.choice((256, 4096, 65_536, 65_536, 1_000_000))
    _set(data, path, rng.choice((value * (length // max(1, len(value))), "a" * length, value + "x" * length)))
    return True


def _insert(rng: random.Random, value: str, fragment: str) -> str:
    at = rng.randrange(len(value) + 1)
    return rng.choice((value[:at] + fragment + value[at:], fragment + value, value + fragment, fragment))


def unicode_chars(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, _is_str)
    if path is None:
        return False
    _set(data, path, _insert(rng, _get(data, path), "".join(rng.choices(CONTROL, k=rng.randint(1, 3)))))
    return True


def unicode_key(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda _p, v: isinstance(v, dict) and bool(v))
    if path is None:
        return False
    mapping = _get(data, path)
    key = rng.choice(list(mapping))
    mapping[_insert(rng, str(key), rng.choice(CONTROL))] = mapping.pop(key)
    return True


def deep_nesting(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda _p, _v: True)
    if path is None:
        return False
    _set(data, path, DEEP)
    return True


def regex_matcher(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, _is_selector)
    if path is None:
        return False
    value = _get(data, path)
    label = rng.choice(("code", "job", "route", "le", "x", *LABEL_NAMES))
    op = rng.choice(("=~", "!~", "=", "!="))
    regex = rng.choice(REGEX).replace("\\", "\\\\") if rng.random() < 0.5 else rng.choice(REGEX)
    matcher = f'{label}{op}"{regex}"'
    _set(data, path, value.replace("{", "{" + matcher + ", ", 1) if rng.random() < 0.8 else value + matcher)
    return True


def _insert_into_string(rng: random.Random, data: Any, fragments: tuple[str, ...]) -> bool:
    path = _pick(rng, data, _is_str)
    if path is None:
        return False
    _set(data, path, _insert(rng, _get(data, path), rng.choice(fragments)))
    return True


def go_template(rng: random.Random, data: Any) -> bool:
    return _insert_into_string(rng, data, TEMPLATE)


def template_in_text_fields(rng: random.Random, data: Any) -> bool:
    """Summary, description, annotations and labels are where templates are read: aim there."""
    path = _pick(rng, data, lambda p, _v: isinstance(p[-1], int | str) and p[-1] in ("alerts", "slos"))
    if path is None:
        return False
    items = _get(data, path)
    if not items:
        return False
    item = rng.choice(items)
    field = rng.choice(("summary", "description", "labels", "annotations"))
    text = "".join(rng.choices(TEMPLATE, k=rng.randint(1, 3)))
    item[field] = {rng.choice(("team", "x", *LABEL_NAMES)): text} if field in ("labels", "annotations") else text
    return True


def duration(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, _is_duration)
    if path is None:
        return False
    _set(data, path, rng.choice(DURATIONS))
    return True


def keyword_metric(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, _is_selector)
    if path is None:
        return False
    _set(data, path, re.sub(r"^[a-zA-Z_:][a-zA-Z0-9_:]*", lambda _m: rng.choice(KEYWORDS), _get(data, path), count=1))
    return True


def name_label(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, _is_selector)
    if path is None:
        return False
    value = _get(data, path)
    matcher = rng.choice(('__name__="x"', '__name__=~".+"', '__name__!=""', "__name__", '"quoted_name"'))
    _set(data, path, rng.choice((value.replace("{", "{" + matcher + ", ", 1), "{" + matcher + "}")))
    return True


def random_labels(rng: random.Random, data: Any) -> bool:
    path = _pick(rng, data, lambda p, v: isinstance(v, dict) and p[-1] in ("labels", "annotations", "match"))
    if path is None:
        path = _pick(rng, data, lambda _p, v: isinstance(v, dict) and ("name" in v or "service" in v))
        if path is None:
            return False
        target = _get(data, path).setdefault(rng.choice(("labels", "annotations")), {})
    else:
        target = _get(data, path)
    for _ in range(rng.randint(1, 3)):
        target[rng.choice(LABEL_NAMES)] = rng.choice(("x", "", "{{ $value }}", "\x00", "a" * 1000, "1"))
    return True


def group_by(rng: random.Random, data: Any) -> bool:
    slos = data.get("slos") if isinstance(data, dict) else None
    if not isinstance(slos, list) or not slos or not isinstance(slos[0], dict):
        return False
    rng.choice(slos)["group_by"] = rng.sample(LABEL_NAMES, rng.randint(1, 3))
    return True


def maintenance(rng: random.Random, data: Any) -> bool:
    routing = data.get("routing") if isinstance(data, dict) else None
    if not isinstance(routing, dict):
        return False
    windows = routing.setdefault("maintenance_windows", [{"name": "fuzz", "weekdays": ["monday"]}])
    if not isinstance(windows, list) or not windows or not isinstance(windows[0], dict):
        return False
    window = rng.choice(windows)
    field = rng.choice(list(MAINTENANCE))
    value = rng.choice(MAINTENANCE[field])
    window[field] = value if field in ("times", "location") else [value]
    return True


def inline_secret(rng: random.Random, data: Any) -> bool:
    return _insert_into_string(rng, data, SECRETS)


def add_routing(rng: random.Random, data: Any) -> bool:
    if not isinstance(data, dict) or "routing" in data:
        return False
    data["routing"] = copy.deepcopy(ROUTING)
    return True


def expr_test_block(rng: random.Random, data: Any) -> bool:
    alerts = data.get("alerts") if isinstance(data, dict) else None
    if not isinstance(alerts, list) or not alerts or not isinstance(alerts[0], dict):
        return False
    alert = rng.choice(alerts)
    values = rng.choice(("0x1e9", "1+1x", "stale", "a", "_x3", "0x10 3x30", "1-1x5", "0x-1", "1e308x2", "0x100000"))
    alert["test"] = {
        "interval": rng.choice(("1m", *DURATIONS[:8])),
        "series": [{"series": rng.choice(("up", 'x{a="b"}', "{", "sum(x)")), "values": values}],
        "holds_from": rng.choice(("11m", "0s", "-1m", "300y")),
    }
    return True


ROUTING: dict[str, Any] = {}  # set from routing.yaml on first use

DATA_MUTATIONS: tuple[DataMutation, ...] = (
    delete_key,
    delete_key,
    duplicate_item,
    swap_type,
    swap_type,
    extreme_number,
    extreme_number,
    long_string,
    unicode_chars,
    unicode_chars,
    unicode_key,
    deep_nesting,
    regex_matcher,
    regex_matcher,
    go_template,
    template_in_text_fields,
    duration,
    duration,
    keyword_metric,
    name_label,
    random_labels,
    group_by,
    maintenance,
    maintenance,
    inline_secret,
    add_routing,
    expr_test_block,
)

# ------------------------------------------------------------------------------------------ text mutations

TextMutation = Callable[[random.Random, str], str | None]


def _lines(text: str) -> list[str]:
    return text.split("\n")


def tab_indent(rng: random.Random, text: str) -> str | None:
    lines = _lines(text)
    indented = [i for i, line in enumerate(lines) if line.startswith("  ")]
    if not indented:
        return None
    i = rng.choice(indented)
    lines[i] = "\t" + lines[i].lstrip(" ") if rng.random() < 0.5 else lines[i].replace("  ", "\t", 1)
    return "\n".join(lines)


def reindent(rng: random.Random, text: str) -> str | None:
    lines = _lines(text)
    i = rng.randrange(len(lines))
    shift = rng.choice((-2, -1, 1, 2, 4))
    lines[i] = " " * shift + lines[i] if shift > 0 else lines[i][-shift:]
    return "\n".join(lines)


def duplicate_key_line(rng: random.Random, text: str) -> str | None:
    lines = _lines(text)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[A-Za-z_]+:", line)]
    if not keyed:
        return None
    i = rng.choice(keyed)
    lines.insert(i + 1, lines[i])
    return "\n".join(lines)


def anchors(rng: random.Random, text: str) -> str | None:
    choice = rng.randrange(4)
    if choice == 0:  # a billion laughs
        bomb = ['x0: &x0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
        bomb += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]" for i in range(1, rng.randint(4, 9))]
        return "\n".join(bomb) + "\n" + text
    lines = _lines(text)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+: \S", line) and "&" not in line]
    if len(keyed) < 2:
        return None
    first, second = sorted(rng.sample(keyed, 2))
    key, _sep, value = lines[first].partition(": ")
    lines[first] = f"{key}: &a {value}"
    if choice == 1:
        key2, _sep, _value = lines[second].partition(": ")
        lines[second] = f"{key2}: *a"
    elif choice == 2:
        lines[second] = lines[second] + " *undefined"
    else:
        indent = re.match(r"^\s*", lines[second]).group(0)  # type: ignore[union-attr]
        lines.insert(second, f"{indent}<<: *a")
    return "\n".join(lines)


def truncate(rng: random.Random, text: str) -> str | None:
    return text[: rng.randrange(len(text))] if text else None


RAW_TOKENS = (
    *YAML_NUMBER_TEXT,
    "!!python/object/apply:os.system ['id']",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!!timestamp 2020-01-01",
    "2020-01-01",
    "!!int abc",
    "!!null x",
    "!custom x",
    "? [complex, key]",
    "---",
    "...",
    "%YAML 1.1",
    "&a",
    "*b",
    "|",
    ">-",
    "{",
    "[",
    "'unclosed",
    '"\\xZZ"',
    "yes",
    "no",
    "on",
    "~",
    "0777",
    "12:30:00",
)


def raw_token(rng: random.Random, text: str) -> str | None:
    lines = _lines(text)
    keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*-?\s*[a-z_]+: \S", line)]
    if not keyed:
        return None
    i = rng.choice(keyed)
    key, _sep, _value = lines[i].partition(": ")
    lines[i] = f"{key}: {rng.choice(RAW_TOKENS)}"
    return "\n".join(lines)


def encoding(rng: random.Random, text: str) -> str | None:
    return rng.choice(
        (
            "\ufeff" + text,
            text.replace("\n", "\r\n"),
            text.replace("\n", "\r"),
            text + "\x00",
            text.replace(": ", ":\u00a0", 1),
            text + "\n" * 10_000,
            "\n".join(line + " " * 1000 for line in _lines(text)),
            text.replace("\n", "\n\u2028", 1),
        )
    )


def deep_text(rng: random.Random, text: str) -> str | None:
    depth = rng.choice((64, 1000, 10_000, 100_000))
    form = rng.choice(("[", "{a: "))
    close = "]" if form == "[" else "}"
    return text + f"\nextra: {form * depth}{close * depth}\n"


TEXT_MUTATIONS: tuple[TextMutation, ...] = (
    tab_indent,
    reindent,
    duplicate_key_line,
    anchors,
    anchors,
    truncate,
    raw_token,
    raw_token,
    encoding,
    deep_text,
)

# ------------------------------------------------------------------------------------------------- cases


def _dump(rng: random.Random, data: Any) -> str:
    text = yaml.safe_dump(
        data,
        sort_keys=False,
        allow_unicode=rng.random() < 0.7,
        default_flow_style=rng.choice((False, False, None)),
        width=rng.choice((80, 100_000)),
    )
    if DEEP in text:
        depth = rng.choice((10, 100, 1000, 5000, 50_000))
        form = rng.choice((("[", "]"), ("{a: ", "}")))
        text = text.replace(DEEP, form[0] * depth + form[1] * depth)
    return text


def _jsonnet(rng: random.Random, data: Any) -> str:
    text = json.dumps(data, indent=1, ensure_ascii=rng.random() < 0.5)
    if rng.random() < 0.5 and '"' in text:
        # Replace one string value with a hostile Jsonnet expression.
        strings = [m.span() for m in re.finditer(r': "(?:[^"\\]|\\.)*"', text)]
        if strings:
            start, end = rng.choice(strings)
            text = text[:start] + ": " + rng.choice(JSONNET_INJECTIONS) + text[end:]
    return text


def _applies(mutation: DataMutation, rng: random.Random, data: Any) -> bool:
    """Earlier mutations may have changed the shape a later one expects (an SLO that is now a string)."""
    try:
        return mutation(rng, data)
    except (TypeError, KeyError, IndexError, AttributeError, ValueError):
        return False


def make_case(seed: int, index: int, all_seeds: list[Seed]) -> Case:
    rng = random.Random(f"slogen-fuzz:{seed}:{index}")
    if not ROUTING:
        ROUTING.update(next(s.data for s in all_seeds if s.name == "routing.yaml")["routing"])
    origin = rng.choice(all_seeds)
    names: list[str] = []
    data = copy.deepcopy(origin.data)
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
        for _attempt in range(10):
            mutation = rng.choice(DATA_MUTATIONS)
            if _applies(mutation, rng, data):
                names.append(mutation.__name__)
                break
    if rng.random() < 0.1:
        return Case(seed, index, origin.name, (*names, "as_jsonnet"), _jsonnet(rng, data), ".jsonnet")
    text = _dump(rng, data) if names else origin.text
    if rng.random() < 0.3 or not names:
        text_mutation = rng.choice(TEXT_MUTATIONS)
        base = origin.text if rng.random() < 0.5 else text
        try:
            mutated = text_mutation(rng, base)
        except (TypeError, KeyError, IndexError, AttributeError, ValueError):
            mutated = None
        if mutated is not None:
            if base is origin.text:
                names = []
            names.append(text_mutation.__name__)
            text = mutated
    return Case(seed, index, origin.name, tuple(names) or ("none",), text, ".yaml")
