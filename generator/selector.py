"""PromQL series selectors: the one hand-written PromQL piece slogen needs.

Specs give SLIs as selectors (`http_requests_total{job="api", code=~"5.."}`); renderers must add
matchers (`le`), suffixes (`_bucket`) and synthesise matching series for generated tests, so the
selector is parsed into a value rather than pasted as text.
"""

import re
from dataclasses import dataclass

_METRIC = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*")
_LABEL = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_OPS = ("=~", "!~", "!=", "=")
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "`": "`"}


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
        hit = re.fullmatch(self.value, value) is not None  # PromQL regexes are fully anchored
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
        metric = self.name(_METRIC, "a metric name such as http_requests_total")
        self.skip_space()
        matchers: list[Matcher] = []
        if self.peek() == "{":
            self.pos += 1
            matchers = self.matchers()
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
            if op in ("=~", "!~"):
                try:
                    re.compile(value)
                except re.error as err:
                    raise SelectorError(f"invalid regular expression {value!r}: {err}", start) from None
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
