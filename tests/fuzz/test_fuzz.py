"""The fuzzer's fast profile: 300 mutated specs of a fixed seed through the pipeline, promtool and amtool.

Fails on any crash, hang, malformed finding or rejected output that tests/fuzz/known.py does not list; xfails,
naming each, when every failure found is a known one. `make fuzz` runs the long profile.
"""

import shutil

import pytest

from tests.fuzz import fuzz, known_reason
from tests.fuzz.mutate import Case, make_case, seeds
from tests.fuzz.run import classify

FAST_SEED = 14
FAST_CASES = 300
# Fixtures that are refused on purpose: the lint rule their test proves.
REFUSED_FIXTURES = {"two_strike_probe.yaml": "probe-page-pair"}

needs_tools = pytest.mark.skipif(
    not (shutil.which("promtool") and shutil.which("amtool")), reason="promtool and amtool check the output"
)


def test_cases_are_a_function_of_seed_and_index():
    all_seeds = seeds()
    assert make_case(FAST_SEED, 7, all_seeds) == make_case(FAST_SEED, 7, all_seeds)
    assert make_case(FAST_SEED, 7, all_seeds) != make_case(FAST_SEED + 1, 7, all_seeds)


def test_every_fixture_seed_is_valid_before_mutation(tmp_path):
    """A mutation must start from a spec that generates, or every case would only test the schema."""
    for number, seed in enumerate(seeds()):
        original = Case(FAST_SEED, number, seed.name, ("none",), seed.text, ".yaml")
        work = tmp_path / str(number)
        work.mkdir()
        result = classify(original, work)
        expected = "refused" if seed.name in REFUSED_FIXTURES else "generated"
        assert result.outcome == expected, (seed.name, result.detail)


@needs_tools
def test_fast_profile(tmp_path):
    summary = fuzz(FAST_SEED, FAST_CASES, out=tmp_path, minimise=lambda signature: not known_reason(signature))
    print(summary.text())
    assert summary.cases == FAST_CASES
    assert summary.count("refused") and summary.count("generated"), "the mutations must reach both outcomes"
    unknown = summary.unknown()
    assert not unknown, summary.text()
    if summary.failures:
        reasons: dict[str, list[str]] = {}
        for signature in sorted(summary.failures):
            reasons.setdefault(known_reason(signature), []).append(signature)
        pytest.xfail("; ".join(f"{reason} (as {', '.join(found)})" for reason, found in reasons.items()))
