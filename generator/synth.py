"""Synthetic series for generated tests: label values that satisfy (or dodge) selectors, and counters
written in promtool's expanding notation."""

import itertools
import math
import re
import warnings
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    # typeshed types re's parser only under its pre-3.11 names, which still import but warn as deprecated.
    import sre_constants
    import sre_parse
else:
    import re._constants as sre_constants
    import re._parser as sre_parse

from .durations import format_number
from .selector import Matcher, Selector, regex_error, regex_fullmatch

SERIES_SEARCH = 20_000  # label combinations series_labels tries before it gives up
_GENERIC_VALUES = ("200", "500", "ok", "error", "slogen", "x", "1", "0", "a")
# One node of re's parse tree: an opcode and an argument whose shape depends on the opcode.
_Node: TypeAlias = tuple[int, Any]


class SynthesisError(ValueError):
    pass


@lru_cache(maxsize=4096)  # a fleet repeats the same few patterns (code=~"5..") thousands of times
def regex_example(pattern: str) -> str | None:
    """A short string the (fully anchored) regex matches, or None.

    Python's parser proposes the string and RE2, which Prometheus uses, has the last word: the two read some
    patterns differently (`[[:digit:]]`) and Python refuses some RE2 accepts (`\\pN`)."""
    if regex_error(pattern) is not None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible nested set": RE2 reads [[:digit:]] fine
            parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    try:
        text = _emit(parsed.data)
    except (TypeError, ValueError, KeyError):
        return None
    return text if regex_fullmatch(pattern, text) else None


def _emit(items: Iterable[_Node]) -> str:
    out: list[str] = []
    for op, arg in items:
        if op == sre_constants.LITERAL:
            out.append(chr(arg))
        elif op == sre_constants.ANY:
            out.append("x")
        elif op == sre_constants.IN:
            out.append(_first_in(arg))
        elif op == sre_constants.BRANCH:
            out.append(_emit(arg[1][0]))
        elif op == sre_constants.SUBPATTERN:
            out.append(_emit(arg[-1]))
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT):
            low, _high, sub = arg
            out.append(_emit(sub) * max(low, 0))
        elif op == sre_constants.AT:
            continue
        else:
            raise ValueError(op)
    return "".join(out)


def _first_in(items: Iterable[_Node]) -> str:
    for op, arg in items:
        if op == sre_constants.LITERAL:
            return chr(arg)
        if op == sre_constants.RANGE:
            return chr(arg[0])
        if op == sre_constants.CATEGORY:
            return {
                sre_constants.CATEGORY_DIGIT: "0",
                sre_constants.CATEGORY_WORD: "a",
                sre_constants.CATEGORY_SPACE: " ",
            }.get(arg, "a")
    raise ValueError("negated or empty class")


def _candidates(label: str, selectors: tuple[Selector, ...]) -> list[str]:
    # Exact values first, then readable generic ones (code="500" rather than "5xx"), then regex examples.
    matchers = [m for s in selectors for m in s.matchers if m.label == label]
    found = [m.value for m in matchers if m.op == "="] + list(_GENERIC_VALUES)
    found += [e for e in (regex_example(m.value) for m in matchers if m.op == "=~") if e is not None]
    return list(dict.fromkeys(found))


def group_value(label: str, selectors: tuple[Selector, ...]) -> str:
    """A value for a group_by label that every selector's matchers on that label accept."""
    for candidate in [f"{label}-1", *_candidates(label, selectors)]:
        if all(m.matches(candidate) for s in selectors for m in s.matchers if m.label == label):
            return candidate
    raise SynthesisError(
        f"cannot find a value for label {label} that {' and '.join(s.render() for s in selectors)} all accept"
    )


def label_values(label: str, selectors: tuple[Selector, ...], count: int) -> list[str]:
    """Up to `count` distinct values for `label` that every selector's matchers on that label accept, group_value's
    first: the regions of a test that needs several."""
    numbered = [f"{label}-{n}" for n in range(1, count + 1)]
    accepted = (
        candidate
        for candidate in dict.fromkeys([*numbered, *_candidates(label, selectors)])
        if candidate and all(m.matches(candidate) for s in selectors for m in s.matchers if m.label == label)
    )
    return list(itertools.islice(accepted, count))


def series_labels(
    match: tuple[Selector, ...], miss: tuple[Selector, ...] = (), fixed: dict[str, str] | None = None
) -> dict[str, str]:
    """Labels of a series of match[0]'s metric that every `match` selector selects and no `miss` selector does."""
    return dict(_series_labels(match, miss, tuple((fixed or {}).items()), SERIES_SEARCH))


@lru_cache(maxsize=1024)  # each SLO's tests ask again for every traffic phase; callers get dicts of their own
def _series_labels(
    match: tuple[Selector, ...], miss: tuple[Selector, ...], fixed_items: tuple[tuple[str, str], ...], limit: int
) -> tuple[tuple[str, str], ...]:
    metric = match[0].metric
    fixed = dict(fixed_items)
    names = sorted({m.label for s in match + miss for m in s.matchers} - set(fixed) - {"__name__"})
    options = [_candidates(name, match + miss) for name in names]
    # Only the first `limit` combinations of all candidates are tried. Values that some `match` matcher on
    # their label refuses can never be part of an answer, so they are skipped up front (a fleet's subset check of
    # errors against total otherwise tries all 20,000); each kept combination's place in the full product still
    # decides whether it is within the limit, so the answer is the one the full search finds.
    on_label = {n: [m for s in match for m in s.matchers if m.label == n] for n in names}
    accepted = [
        [(i, v) for i, v in enumerate(values) if all(m.matches(v) for m in on_label[n])]
        for n, values in zip(names, options, strict=True)
    ]
    places = [math.prod(len(values) for values in options[k + 1 :]) for k in range(len(options))]
    for combination in itertools.product(*accepted):
        if sum(i * place for (i, _), place in zip(combination, places, strict=True)) >= limit:
            break
        labels = {**fixed, **{n: v for n, (_, v) in zip(names, combination, strict=True) if v != ""}}
        if all(s.matches(metric, labels) for s in match) and not any(s.matches(metric, labels) for s in miss):
            return tuple(labels.items())
    wanted = " and ".join(s.render() for s in match)
    avoided = f" but not {' or '.join(s.render() for s in miss)}" if miss else ""
    raise SynthesisError(f"cannot find label values for a test series matching {wanted}{avoided}")


def series_text(metric: str, labels: dict[str, str]) -> str:
    return _series_text(metric, tuple(sorted(labels.items())))


@lru_cache(maxsize=4096)  # a test writes each of its series and ALERTS samples in several phases and checks
def _series_text(metric: str, labels: tuple[tuple[str, str], ...]) -> str:
    inner = ", ".join(Matcher(k, "=", v).render() for k, v in labels)
    return f"{metric}{{{inner}}}"


def counter_values(phases: list[tuple[int, Decimal]]) -> str:
    """promtool values for a counter starting at 0 that grows by `increment` per step for `steps` steps."""
    return _counter_values(tuple(phases))


# A fleet's SLOs share a few objectives, so their tests' traffic phases repeat. Keyed by values: equal increments
# spelled differently (0.5, 0.50) give the same text, as format_number normalises.
@lru_cache(maxsize=1024)
def _counter_values(phases: tuple[tuple[int, Decimal], ...]) -> str:
    parts, value = ["0"], Decimal(0)
    for steps, increment in phases:
        if steps <= 0:
            continue
        first = value + increment
        parts.append(f"{format_number(first)}+{format_number(increment)}x{steps - 1}")
        value += increment * steps
    return " ".join(parts)
