"""The benchmark page states each goal as met or not met from the numbers, never by default."""

import math

from bench import accuracy, rules_cost


def group(name: str, median: float, interval: float = 60.0, missed: float = 0.0) -> dict:
    return {
        "group": name,
        "rules": 10,
        "interval_s": interval,
        "evaluations": 3,
        "median_s": median,
        "max_s": median,
        "evaluations_per_minute": 60 / interval,
        "seconds_per_minute": median * 60 / interval,
        "iterations_missed": missed,
    }


def cost_result(slogen_seconds: float, sloth_seconds: float, missed: float = 0.0) -> dict:
    sloth_groups = [
        group(f"sloth-slo-{kind}-fleet-a01", sloth_seconds if kind == "sli-recordings" else 0.0)
        for kind in ("sli-recordings", "meta-recordings", "alerts")
    ]
    return {
        "fleet": {"slos": 20, "series_per_slo": 500, "raw_series": 10_000, "raw_days": 3, "recorded_days": 30},
        "history": {
            "raw_samples": 1,
            "raw_file_bytes": 1,
            "raw_write_s": 1,
            "raw_promtool_s": 1,
            "recorded_samples": 1,
            "recorded_s": 1,
            "blocks": 3,
        },
        "compactions_during_measurement": 0,
        "rule_sets": {
            "slogen": {
                "groups": [group("slogen:fleet:sli", slogen_seconds, missed=missed)],
                "rules": 10,
                "seconds_per_minute": slogen_seconds,
            },
            "sloth": {"groups": sloth_groups, "rules": 30, "seconds_per_minute": sloth_seconds},
        },
        "ratio_slogen_to_sloth": slogen_seconds / sloth_seconds,
        "phases": [
            {"phase": "scrape only", "rule_sets": [], "seconds": 20, "cpu_seconds": 0.1, "cpu_seconds_per_minute": 0.3}
        ],
    }


def test_cost_goal_met_only_at_one_twentieth_or_less():
    assert "The goal is ≤ 1/20: met." in rules_cost.markdown(cost_result(0.1, 2.5))
    page = rules_cost.markdown(cost_result(0.2, 2.5))
    assert "**not met** (1/12.5)" in page


def test_cost_page_reports_missed_iterations():
    assert "(goal 0: **not met**)" in rules_cost.markdown(cost_result(0.1, 2.5, missed=2))
    assert "(goal 0: met)" in rules_cost.markdown(cost_result(0.1, 2.5))


def accuracy_result(slogen_error: float) -> dict:
    row = {
        "increase": 0.002,
        "exact_counts": 0.002,
        "slogen": {
            "ratio": 0.002 * (1 + slogen_error),
            "relative_error": slogen_error,
            "median_abs_error": abs(slogen_error) / 2,
            "max_abs_error": abs(slogen_error),
        },
        "sloth": {
            "ratio": math.nan,
            "relative_error": math.nan,
            "median_abs_error": math.nan,
            "max_abs_error": math.nan,
        },
    }
    return {"days": 30, "end": 0, "gap_minutes": 120, "slos": [{"slo": "gap", "windows": {"30d": row}}]}


def test_accuracy_goal_and_nan_are_stated():
    page = accuracy.markdown(accuracy_result(-0.0001))
    assert "- any instant: 0.010%: met (gap 30d)" in page and "| NaN | NaN | NaN |" in page
    assert "- any instant: 0.600%: **not met** (gap 30d)" in accuracy.markdown(accuracy_result(0.006))


def test_goal_summaries_follow_the_numbers():
    [(_, ratio_text, cheap), (_, _, none_missed)] = rules_cost.summary(cost_result(0.2, 2.5, missed=1))
    assert (ratio_text, cheap, none_missed) == ("1/12.5", False, False)
    at_end, median, anywhere = accuracy.summary(accuracy_result(0.006))
    assert (at_end[2], median[2], anywhere[2]) == (False, True, False)
