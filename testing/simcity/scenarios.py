"""SimCity's failure modes, as data. traffic.py turns a Scenario into rates and latency distributions.

Each knob is named after what the SLO or alert it exercises measures, so a scenario reads as the incident it
stages. Shares are of the events of that stream (HTTP 5xx share is of non-429 requests, as the error-rate
and availability SLIs count them).
"""

from dataclasses import dataclass

from . import contract as c

# 5xx share of non-429 requests when healthy: 0.06× the 0.5 % budget of the launch error-rate SLO.
HEALTHY_5XX = 0.0003
# slow_burn: burn ×2 on the launch error-rate SLO (99.5 %: 1 % errors = 2 × 0.5 %); the pilot availability
# SLO (99 %) reads the same requests and burns at ×1. No single ratio burns both at ×2.
SLOW_BURN_5XX = 0.01
# slow_burn: burn ×2 on dollar-flow-1d (99.9 %: 0.2 % failed flows = 2 × 0.1 %).
SLOW_BURN_FLOW_FAILURES = 0.002
# SimCity's own synthetic traffic (traffic="synthetic"), when a scenario runs it: as many requests, flows and jobs
# as the users', a load test's worth, so that the synthetic share of every SLI is as large as the users'.
SYNTHETIC_SHARE = 1.0


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    http_5xx: float = HEALTHY_5XX  # share of non-429 requests answered 5xx
    http_429: float = 0.005  # share of all requests rate-limited
    slow_routes: tuple[str, ...] = ()  # routes whose latency regresses beyond their p95/p99 thresholds
    failing_regions: tuple[str, ...] = ()  # synthetic checks fail in these regions
    webhook_failures: float = 0.0  # share of Stripe webhook deliveries that fail
    dlq_growth: bool = False  # failed webhooks dead-letter outbox messages; the queue backs up
    flow_failures: float = 0.0  # share of paid ($1) flows that end failed (of confirmed + failed)
    double_charge: bool = False  # one double charge found on entering, open (not refunded) until the scenario ends
    privacy_slow: bool = False  # export/delete take minutes (p95 > 60 s); the queue and its oldest request age
    map_primary_down: bool = False  # the map adapter serves from the fallback provider
    # SimCity's own synthetic traffic, SYNTHETIC_SHARE of the users' and labelled traffic="synthetic", behaving as
    # this scenario's knobs say. None: no synthetic traffic (SimCity plays the production app's users only).
    synthetic: "Scenario | None" = None


_DEFINITIONS = (
    Scenario("healthy", "Normal traffic: 0.03 % 5xx, every latency under its threshold, probes green."),
    Scenario(
        "outage",
        "Total outage: every HTTP request answers 5xx, synthetic checks fail in every region, "
        "paid flows and webhooks fail.",
        http_5xx=1.0,
        http_429=0.0,
        failing_regions=("us-east", "eu-west"),
        webhook_failures=1.0,
        flow_failures=1.0,
    ),
    Scenario(
        "slow_burn",
        "Slow burn: 1 % of non-429 requests 5xx (error-rate burns ×2, pilot availability ×1) "
        "and 0.2 % of paid flows fail (dollar-flow-1d burns ×2).",
        http_5xx=SLOW_BURN_5XX,
        flow_failures=SLOW_BURN_FLOW_FAILURES,
    ),
    Scenario(
        "latency_regression",
        "/api/quote regresses: p95 ≈ 3 s and p99 ≈ 8 s, beyond every quote threshold (400/500 ms p95, 800 ms/1 s p99).",
        slow_routes=("/api/quote",),
    ),
    Scenario(
        "stripe_dlq_growth",
        "Incident-001: 30 % of Stripe webhooks fail, the outbox DLQ and queue grow, 2 % of paid flows fail.",
        webhook_failures=0.3,
        dlq_growth=True,
        flow_failures=0.02,
    ),
    Scenario(
        "double_charge",
        "The ledger reconciliation finds one double charge: the counter goes up by exactly 1 when the scenario starts, "
        "and the open double charges are 1 until it ends (the refund).",
        double_charge=True,
    ),
    Scenario(
        "privacy_export_slow",
        "Incident-003: PII export/delete take 1-10 min (p95 ≈ 5 min > 60 s), the privacy queue grows and its oldest "
        "pending request waits ever longer.",
        privacy_slow=True,
    ),
    Scenario(
        "map_provider_down",
        "Incident-002: the primary map provider is down; 98 % of map requests go to the fallback provider.",
        map_primary_down=True,
    ),
    Scenario(
        "probe_failures_region",
        "Synthetic checks fail in eu-west only; us-east and the app stay healthy.",
        failing_regions=("eu-west",),
    ),
    Scenario(
        "synthetic_failures",
        "SimCity's own synthetic traffic (traffic=\"synthetic\", as much as the users') fails hard: 80 % of its API "
        "requests 5xx, all of them slow (p95 ≈ 3 s), every paid flow failed. The users' traffic stays healthy: "
        "nothing may page.",
        synthetic=Scenario(
            "synthetic_failures:synthetic",
            "SimCity's synthetic traffic in synthetic_failures.",
            http_5xx=0.8,
            slow_routes=tuple(route for route, _ in c.ROUTES if route.startswith("/api/")),
            flow_failures=1.0,
        ),
    ),
)

BY_NAME: dict[str, Scenario] = {scenario.name: scenario for scenario in _DEFINITIONS}
SCENARIOS: dict[str, str] = {scenario.name: scenario.description for scenario in _DEFINITIONS}


def scenario(name: str) -> Scenario:
    if name not in BY_NAME:
        raise ValueError(f"unknown SimCity scenario {name!r}; known: {', '.join(BY_NAME)}")
    return BY_NAME[name]
