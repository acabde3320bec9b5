"""PromQL series selectors: the one hand-written PromQL piece slogen needs.

Specs give SLIs as selectors (`http_requests_total{job="api", code=~"5.."}`); renderers must add
matchers (`le`), suffixes (`_bucket`) and synthesise matching series for generated tests, so the
selector is parsed into a value rather than pasted as text.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import re2

_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_OPS = ("=~", "!~", "!=", "=")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "`": "`"}
# RE2 errors for syntax that Perl and Python have and Prometheus's RE2 lacks: lookarounds, backreferences, \Z.
_PERL_ONLY = ("invalid perl operator", "invalid escape sequence")


@lru_cache(maxsize=1)
def _re2_options() -> "re2.Options":
    options = re2.Options()
    options.log_errors = False  # RE2 would log every refused pattern to stderr
    return options


def regex_error(pattern: str) -> str | None:
    """Why Prometheus refuses a matcher regex, or None. Prometheus compiles matcher regexes with Go's regexp, RE2
    syntax, so RE2 decides, not Python's re: re accepts lookarounds and backreferences that promtool refuses."""
    go_only = _go_refuses(pattern)
    if go_only:
        return go_only
    try:
        re2.compile(pattern, _re2_options())
    except re2.error as err:
        reason = err.args[0].decode() if err.args and isinstance(err.args[0], bytes) else str(err)
        hint = " (Prometheus regexes are RE2: no lookahead, lookbehind or backreferences)"
        return reason + (hint if reason.startswith(_PERL_ONLY) else "")
    return None


def _go_refuses(pattern: str) -> str | None:
    """The two RE2 syntaxes Go's regexp (Prometheus 2.x, built with Go before 1.22) lacks: `\\C`, any byte, and
    `(?<name>…)` groups (Go takes only `(?P<name>…)`)."""
    pos, in_class = 0, False
    while pos < len(pattern):
        char = pattern[pos]
        if char == "\\":
            if pattern[pos + 1 : pos + 2] == "C":
                return "invalid escape sequence: \\C (Prometheus's Go regexp has no any-byte escape; use .)"
            pos += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif not in_class and pattern.startswith("(?<", pos) and pattern[pos + 3 : pos + 4] not in ("=", "!"):
            return "invalid named capture: (?< (Prometheus's Go regexp names groups as (?P<name>…))"
        pos += 1
    return None


@lru_cache(maxsize=2**16)  # synth tries the same few candidate values against every service's same regexes
def regex_fullmatch(pattern: str, text: str) -> bool:
    """Whether an RE2-valid matcher regex matches all of text, as Prometheus anchors it (^(?:…)$)."""
    return re2.fullmatch(pattern, text, options=_re2_options()) is not None


# Words Prometheus's lexer (case-insensitively) reads as a keyword or a number that its grammar does not take back as a
# metric name: `on{job="x"}` and `rate(nan[5m])` do not parse (promtool 2.42; `by`, `sum`, `offset` and the other
# keywords do parse as metric names).
NOT_METRIC_NAMES = frozenset({"nan", "inf", "on", "ignoring", "bool", "atan2", "group_left", "group_right"})


class SelectorError(ValueError):
    """A syntax error at a 0-based character offset of the selector text."""

    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Matcher:
    label: str
    op: str
    value: str

    def matches(self, value: str) -> bool:
        if self.op == "=":
            return value == self.value
        if self.op == "!=":
            return value != self.value
        hit = regex_fullmatch(self.value, value)
        return hit if self.op == "=~" else not hit

    def render(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'{self.label}{self.op}"{escaped}"'


@dataclass(frozen=True)
class Selector:
    metric: str
    matchers: tuple[Matcher, ...]

    def render(self, suffix: str = "", extra: tuple[Matcher, ...] = ()) -> str:
        inner = ", ".join(m.render() for m in self.matchers + extra)
        return f"{self.metric}{suffix}{{{inner}}}" if inner else f"{self.metric}{suffix}"

    def matches(self, metric: str, labels: dict[str, str]) -> bool:
        return metric == self.metric and all(m.matches(labels.get(m.label, "")) for m in self.matchers)

    def label_equalities(self) -> dict[str, str]:
        return {m.label: m.value for m in self.matchers if m.op == "="}


def parse_selector(text: str) -> Selector:
    """Parse `metric{label="v", ...}`. Raises SelectorError with the offset of the first problem."""
    parser = _Parser(text)
    selector = parser.selector()
    parser.skip_space()
    if parser.pos != len(text):
        raise SelectorError(
            "unexpected text after the selector; give a plain series selector, not an expression", parser.pos
        )
    return selector


def parse_series(text: str) -> Selector:
    """Parse a promtool test's input series, `metric{label="v", ...}`, whose metric may be left out and whose
    matchers are all `=` (a series, not a selector). Raises SelectorError with the offset of the first problem."""
    parser = _Parser(text)
    parser.skip_space()
    if parser.peek() == "{":
        parser.pos += 1
        selector = Selector("", tuple(parser.matchers()))
    else:
        selector = parser.selector()
    parser.skip_space()
    if parser.pos != len(text):
        raise SelectorError('unexpected text after the series; give one series such as x{job="api"}', parser.pos)
    for matcher in selector.matchers:
        if matcher.op != "=":
            raise SelectorError(f"{matcher.label}{matcher.op}: a series gives each label with =", text.find(matcher.op))
    return selector


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def skip_space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def name(self, pattern: re.Pattern[str], what: str) -> str:
        match = pattern.match(self.text, self.pos)
        if not match:
            raise SelectorError(f"expected {what}", self.pos)
        self.pos = match.end()
        return match.group()

    def selector(self) -> Selector:
        self.skip_space()
        start = self.pos
        metric = self.name(_METRIC, "a metric name such as http_requests_total")
        if metric.lower() in NOT_METRIC_NAMES:
            raise SelectorError(
                f"PromQL reads {metric} as a keyword or a number, never as a metric name; "
                "rename the metric or record it under another name",
                start,
            )
        self.skip_space()
        matchers: list[Matcher] = []
        if self.peek() == "{":
            self.pos += 1
            brace = self.pos
            matchers = self.matchers()
            if any(m.label == "__name__" for m in matchers):
                raise SelectorError(
                    f"a __name__ matcher beside the metric name {metric} sets the metric name twice, which "
                    "Prometheus refuses; drop the matcher",
                    self.text.find("__name__", brace),
                )
        return Selector(metric, tuple(matchers))

    def matchers(self) -> list[Matcher]:
        found: list[Matcher] = []
        while True:
            self.skip_space()
            if self.peek() == "}":
                self.pos += 1
                return found
            start = self.pos
            label = self.name(_LABEL, "a label name or '}'")
            self.skip_space()
            op = next((o for o in _OPS if self.text.startswith(o, self.pos)), None)
            if op is None:
                raise SelectorError(f"expected one of = != =~ !~ after label {label}", self.pos)
            self.pos += len(op)
            self.skip_space()
            value = self.string()
            problem = regex_error(value) if op in ("=~", "!~") else None
            if problem:
                raise SelectorError(f"invalid regular expression {value!r}: {problem}", start)
            found.append(Matcher(label, op, value))
            self.skip_space()
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise SelectorError("expected ',' or '}' after a matcher", self.pos)

    def string(self) -> str:
        quote = self.peek()
        if quote not in ('"', "'", "`"):
            raise SelectorError("expected a quoted label value", self.pos)
        start = self.pos
        self.pos += 1
        chars: list[str] = []
        while self.pos < len(self.text):
            char = self.text[self.pos]
            self.pos += 1
            if char == quote:
                return "".join(chars)
            if char == "\\" and quote != "`":
                escaped = self.text[self.pos : self.pos + 1]
                if escaped not in _ESCAPES:
                    raise SelectorError(f"unknown escape sequence \\{escaped}", self.pos - 1)
                chars.append(_ESCAPES[escaped])
                self.pos += 1
            else:
                chars.append(char)
        raise SelectorError("unterminated label value", start)


# PromQL words that are never a metric name where they stand: aggregations, binary and modifier keywords. An
# identifier followed by "(" is a function; these lists are followed by a parenthesised list of label names.
_AGGREGATIONS = frozenset(
    {"sum", "avg", "count", "min", "max", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group"}
    | {"limitk", "limit_ratio"}
)
_KEYWORDS = frozenset({"and", "or", "unless", "atan2", "offset", "bool", "inf", "nan"})
_LABEL_LISTS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
_NUMBER = re.compile(r"[0-9.][0-9a-zA-Z_.]*")  # numbers, hex and durations: 0.5, 0x1f, 1e3, 1h30m


def selectors_in(expr: str) -> tuple[Selector, ...]:
    """Every series selector of a PromQL expression, in order; a selector without a metric name (`{job="x"}`)
    has metric "". Reads identifiers, strings, brackets and braces, not the grammar, so it never misses a
    selector: a label or word it mistakes for a metric only adds a selector. Raises SelectorError on what it
    cannot read (a quoted UTF-8 metric or label name): callers then assume the expression reads everything."""
    return tuple(selector for selector, _at, _braces in _scan(expr))


def with_matchers(expr: str, extra: tuple[Matcher, ...]) -> str:
    """The expression with `extra` added to every selector that has no matcher on their labels (a service's
    `scope`). Raises SelectorError where selectors_in does. A word the scanner mistakes for a metric would get
    braces too; the words it knows (functions, aggregations, keywords, label lists) are left alone."""
    edits = []
    for selector, at, braces in _scan(expr):
        added = [m.render() for m in extra if all(m.label != mine.label for mine in selector.matchers)]
        if not added:
            continue
        if not braces:
            edits.append((at, "{" + ", ".join(added) + "}"))
        else:
            after_comma = not selector.matchers or expr[:at].rstrip().endswith(",")
            edits.append((at, ("" if after_comma else ", ") + ", ".join(added)))
    for at, text in reversed(edits):
        expr = expr[:at] + text + expr[at:]
    return expr


def _scan(expr: str) -> Iterator[tuple[Selector, int, bool]]:
    """Each selector, where a matcher would be inserted (before its `}`, or after a bare metric name), and whether
    it has braces."""
    parser = _Parser(expr)
    while parser.pos < len(expr):
        char = parser.peek()
        if char.isspace():
            parser.skip_space()
        elif char == "#":
            parser.pos = _end_of(expr, "\n", parser.pos)
        elif char in "\"'`":
            parser.string()
        elif char == "[":  # a range or subquery: durations only
            parser.pos = _end_of(expr, "]", parser.pos)
        elif char == "{":
            parser.pos += 1
            matchers = tuple(parser.matchers())
            yield Selector("", matchers), parser.pos - 1, True
        elif _METRIC.match(expr, parser.pos):
            found = _word(parser)
            if found is not None:
                yield found
        else:
            number = _NUMBER.match(expr, parser.pos)
            parser.pos = number.end() if number else parser.pos + 1


def _word(parser: _Parser) -> tuple[Selector, int, bool] | None:
    """The selector an identifier starts, or None for a keyword or function name (skipping a label list)."""
    word = parser.name(_METRIC, "an identifier")
    end = parser.pos
    parser.skip_space()
    lowered = word.lower()
    if lowered in _LABEL_LISTS:
        if parser.peek() == "(":
            parser.pos = _end_of(parser.text, ")", parser.pos)
        return None
    if lowered in _AGGREGATIONS or lowered in _KEYWORDS or parser.peek() == "(":
        return None
    if parser.peek() != "{":
        return Selector(word, ()), end, False
    parser.pos += 1
    matchers = tuple(parser.matchers())
    return Selector(word, matchers), parser.pos - 1, True


def _end_of(text: str, closing: str, pos: int) -> int:
    end = text.find(closing, pos)
    return len(text) if end < 0 else end + 1
