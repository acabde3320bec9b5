"""synth.series_labels skips candidate values that a `match` matcher on their label refuses (for speed); it must
find exactly what trying the first SERIES_SEARCH combinations of all candidates in order finds."""

import itertools
import random

import pytest

from generator import synth
from generator.document import Document
from generator.model import RatioSLI, SelectorField
from generator.selector import Matcher, Selector, parse_selector
from generator.source import Source


def reference(match, miss=(), fixed=None):
    """series_labels before the skip: every combination, in order, up to the limit."""
    metric = match[0].metric
    fixed = dict(fixed or {})
    names = sorted({m.label for s in match + miss for m in s.matchers} - set(fixed) - {"__name__"})
    options = [synth._candidates(name, match + miss) for name in names]
    for combination in itertools.islice(itertools.product(*options), synth.SERIES_SEARCH):
        labels = {**fixed, **{n: v for n, v in zip(names, combination, strict=True) if v != ""}}
        if all(s.matches(metric, labels) for s in match) and not any(s.matches(metric, labels) for s in miss):
            return labels
    return None


MATCHERS = [
    ("job", "=", "api"),
    ("job", "!=", "api"),
    ("job", "=~", "api|web"),
    ("code", "=~", "5.."),
    ("code", "!~", "5.."),
    ("code", "=", "500"),
    ("code", "!=", ""),
    ("route", "=~", "/api/.*"),
    ("route", "=", ""),
    ("region", "=~", "eu-.*"),
    ("region", "!=", "eu-1"),
    ("le", "=", "0.5"),
]


def selector(rng: random.Random) -> Selector:
    chosen = rng.sample(MATCHERS, rng.randint(0, 4))
    return Selector("m", tuple(Matcher(*m) for m in chosen))


@pytest.mark.parametrize("seed", range(300))
def test_the_skip_finds_what_the_full_search_finds(seed):
    rng = random.Random(seed)
    match = tuple(selector(rng) for _ in range(rng.randint(1, 2)))
    miss = tuple(selector(rng) for _ in range(rng.randint(0, 2)))
    fixed = {"le": "0.5"} if rng.random() < 0.2 else None
    expected = reference(match, miss, fixed)
    if expected is None:
        with pytest.raises(synth.SynthesisError):
            synth.series_labels(match, miss, fixed)
    else:
        assert synth.series_labels(match, miss, fixed) == expected


def test_an_answer_beyond_the_limit_is_not_found(monkeypatch):
    """The limit counts places in the full product, skipped ones too: a small limit hides a late answer."""
    match = (Selector("m", (Matcher("a", "=~", "x"), Matcher("b", "=~", "x"), Matcher("c", "=~", "x"))),)
    assert synth.series_labels(match) == {"a": "x", "b": "x", "c": "x"}
    monkeypatch.setattr(synth, "SERIES_SEARCH", 10)
    assert reference(match) is None
    with pytest.raises(synth.SynthesisError):
        synth.series_labels(match)


@pytest.mark.parametrize("seed", range(200))
def test_errors_that_only_add_matchers_to_total_are_a_subset_as_the_search_finds(seed):
    """RatioSLI.errors_can_exceed_total answers False without a search when errors holds all of total's matchers;
    the search, asked for a series errors selects and total does not, finds none either."""
    rng = random.Random(seed)
    total = selector(rng)
    extra = [m for m in rng.sample(MATCHERS, rng.randint(0, 3)) if Matcher(*m) not in total.matchers]
    errors = Selector("m", (*total.matchers, *(Matcher(*m) for m in extra)))
    with pytest.raises(synth.SynthesisError):
        synth.series_labels((errors,), (total,))
    assert not ratio_sli(errors, total).errors_can_exceed_total


@pytest.mark.parametrize(
    ("errors", "total", "can_exceed"),
    [
        ('m{job="api", code=~"5.."}', 'm{job="api"}', False),  # total's matchers and one more
        ('m{job="api"}', 'm{job="api", route="/pay"}', True),  # lacks total's route
        ('errors_total{job="api"}', 'm{job="api"}', True),  # another metric
        ('m{job="api", route="/pay"}', 'm{job="api", route=~"/pay|/cart"}', False),  # narrower, found by the search
    ],
)
def test_errors_can_exceed_total(errors, total, can_exceed):
    assert ratio_sli(parse_selector(errors), parse_selector(total)).errors_can_exceed_total is can_exceed


def ratio_sli(errors: Selector, total: Selector) -> RatioSLI:
    source = Source(Document("spec.yaml", {}, {}))
    return RatioSLI(
        total=SelectorField(total.render(), source, total), errors=SelectorField(errors.render(), source, errors)
    )
