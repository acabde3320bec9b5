"""Traffic maths (pure): a Scenario and a request rate → the expected rate of every counter child, the rate
and latency distribution of every histogram child, and where every gauge is heading.

Healthy distributions end below the strictest threshold that reads them (quote ≤ 400 ms, privacy ≤ 60 s, …)
wherever an SLO or alert would otherwise see a single slow event among the few a fresh Prometheus holds:
a healthy SimCity must fire nothing, even in its first minute. Tails live where budgets are wide (web vitals).
"""

import math
from dataclasses import dataclass, field
from itertools import pairwise

from . import contract as c
from .scenarios import SYNTHETIC_SHARE, Scenario

Key = tuple[str, c.Labels]  # (family name, label values)


@dataclass(frozen=True)
class Latency:
    """A distribution given by knots (seconds, share at or below); the share rises log-linearly between knots."""

    knots: tuple[tuple[float, float], ...]

    def cdf(self, x: float) -> float:
        if x <= self.knots[0][0]:
            return self.knots[0][1]
        for (x0, f0), (x1, f1) in pairwise(self.knots):
            if x <= x1:
                return f0 + (f1 - f0) * math.log(x / x0) / math.log(x1 / x0)
        return 1.0

    def cdfs(self, bounds: tuple[float, ...]) -> list[float]:
        return [self.cdf(bound) for bound in bounds]

    def mean(self, bounds: tuple[float, ...]) -> float:
        """Mean with every observation at its bucket's midpoint (the +Inf bucket at the largest knot)."""
        edges = (0.0, *bounds)
        shares = [*self.cdfs(bounds), 1.0]
        total, below = 0.0, 0.0
        for i, share in enumerate(shares):
            middle = (edges[i] + edges[i + 1]) / 2 if i < len(bounds) else max(bounds[-1], self.knots[-1][0])
            total += (share - below) * middle
            below = share
        return total


@dataclass(frozen=True)
class Drift:
    """Where a gauge goes: `growth` per second if set, else towards `target` with time constant `tau`
    (0 = at once). `jitter` is the relative spread SimCity adds each minute (seeded)."""

    target: float
    growth: float = 0.0
    tau: float = 0.0
    jitter: float = 0.0


@dataclass
class Plan:
    rates: dict[Key, float] = field(default_factory=dict)  # counter children: events per second
    observed: dict[Key, tuple[float, Latency]] = field(default_factory=dict)  # histogram children
    gauges: dict[Key, Drift] = field(default_factory=dict)


def _lat(*knots: tuple[float, float]) -> Latency:
    return Latency(tuple(knots))


API = _lat((0.002, 0), (0.02, 0.3), (0.06, 0.75), (0.15, 0.95), (0.3, 0.995), (0.39, 1.0))
API_REGRESSED = _lat((0.1, 0), (0.4, 0.2), (1.0, 0.6), (1.5, 0.8), (3, 0.95), (10, 1.0))
ROUTE_LATENCY = {
    "/api/payments/create-payment-intent": _lat((0.05, 0), (0.15, 0.4), (0.3, 0.85), (0.5, 0.98), (0.69, 1.0)),
    "/api/bookings/confirm": _lat((0.03, 0), (0.1, 0.4), (0.25, 0.9), (0.4, 0.99), (0.49, 1.0)),
    "/api/uploads": _lat((0.1, 0), (0.5, 0.5), (1.5, 0.95), (3, 0.99), (10, 1.0)),
}
ROUTE_SHARE = {
    "/api/search": 0.22,
    "/api/quote": 0.20,
    "/api/providers/{id}": 0.14,
    "/api/bookings/{id}": 0.12,
    "/api/rum": 0.12,
    "/api/payments/create-payment-intent": 0.08,
    "/api/bookings/confirm": 0.08,
    "/api/uploads": 0.02,
    "unmatched": 0.02,
}
CLIENT_CODES = {"200": 0.99, "400": 0.006, "404": 0.004}  # shares of the requests that are neither 429 nor 5xx
PAGE_SHARE = {
    "home": 0.3,
    "search": 0.25,
    "provider": 0.15,
    "booking": 0.1,
    "payment": 0.07,
    "confirmation": 0.06,
    "other": 0.07,
}
DEVICE_SHARE = {"mobile": 0.5, "tablet": 0.1, "desktop": 0.4}
BROWSER = {
    "bookiji_booking_flow_duration_seconds": _lat((0.2, 0), (0.5, 0.4), (0.9, 0.9), (1.4, 1.0)),
    "bookiji_page_load_duration_seconds": _lat((0.3, 0), (0.8, 0.5), (1.4, 0.9), (1.9, 1.0)),
    "bookiji_web_vitals_fcp_seconds": _lat((0.2, 0), (0.6, 0.5), (1.2, 0.82), (1.5, 0.9), (3, 0.98), (10, 1.0)),
    "bookiji_web_vitals_lcp_seconds": _lat((0.4, 0), (1.0, 0.5), (2.0, 0.85), (2.5, 0.9), (5, 0.98), (20, 1.0)),
    "bookiji_web_vitals_cls": _lat((0.001, 0), (0.02, 0.6), (0.1, 0.9), (0.25, 0.97), (1, 0.995), (3, 1.0)),
}
PRIVACY = {
    "export": _lat((1, 0), (8, 0.5), (30, 0.97), (50, 1.0)),
    "delete": _lat((0.5, 0), (3, 0.6), (20, 0.99), (40, 1.0)),
}
PRIVACY_SLOW = _lat((10, 0), (60, 0.04), (120, 0.5), (300, 0.95), (600, 1.0))
ROLLBACK_SUCCESS = _lat((3, 0), (10, 0.6), (30, 0.97), (55, 1.0))
ROLLBACK_FAILURE = _lat((5, 0), (20, 0.9), (50, 1.0))
# How often operators run `bkctl rollback --drill` (README §4: weekly). Users only: synthetic traffic runs no drill.
DRILLS_PER_SECOND = 1 / (7 * 86400)
# The map adapter's own health checks of the primary provider: the app's work, counted with the users' traffic.
MAP_HEALTH_CHECKS_PER_SECOND = 0.1
IDLE = Scenario("idle", "No synthetic traffic: every synthetic rate 0, the synthetic gauges drain.")


def plan(scenario: Scenario, rps: float) -> Plan:
    """Everything SimCity does per second under `scenario` at `rps` HTTP requests per second: the users' traffic
    (traffic="user") and SimCity's own synthetic traffic (traffic="synthetic", `scenario.synthetic`). Synthetic
    traffic feeds only the families that carry the traffic label; the others count the users' alone."""
    users = _stream(scenario, rps)
    _operators(users)
    synthetic = _stream(scenario.synthetic or IDLE, rps * SYNTHETIC_SHARE if scenario.synthetic else 0.0)
    result = Plan()
    for stream, traffic in ((users, c.USER), (synthetic, c.SYNTHETIC)):
        for source, target in (
            (stream.rates, result.rates),
            (stream.observed, result.observed),
            (stream.gauges, result.gauges),
        ):
            for (name, labels), value in source.items():
                if c.BY_NAME[name].traffic:
                    target[(name, (*labels, traffic))] = value
                elif traffic == c.USER:
                    target[(name, labels)] = value
    return result


def _operators(users: Plan) -> None:
    """What the app and its operators do whatever the traffic, labelled with the users' (README §2.1: all but
    synthetic requests, flows and jobs): rollback drills and the map adapter's health checks."""
    users.observed[("bookiji_rollback_duration_seconds", ("success", "true"))] = (DRILLS_PER_SECOND, ROLLBACK_SUCCESS)
    primary = ("bookiji_external_request_duration_seconds", ("map_primary",))
    rate, latency = users.observed[primary]
    users.observed[primary] = (rate + MAP_HEALTH_CHECKS_PER_SECOND, latency)


def _stream(scenario: Scenario, rps: float) -> Plan:
    """One stream of traffic, without the traffic label."""
    result = Plan()
    for part in (
        _http,
        _payments,
        _privacy,
        _maps,
        _operations,
        _browser,
        _backend,
        _infrastructure,
        _business,
        _probes,
    ):
        part(result, scenario, rps)
    return result


def code_shares(route: str, scenario: Scenario) -> dict[str, float]:
    """Status-code mix of one route: 5xx is `http_5xx` of the non-429 requests, exactly, on every route."""
    limited = scenario.http_429
    answered = 1.0 - limited
    client = {"404": 1.0} if route == "unmatched" else CLIENT_CODES
    shares = {code: 0.0 for code in c.CODES}
    shares[c.RATE_LIMITED] = limited
    shares["500"] = answered * scenario.http_5xx * 2 / 3
    shares["503"] = answered * scenario.http_5xx / 3
    for code, share in client.items():
        shares[code] = answered * (1.0 - scenario.http_5xx) * share
    return shares


def _http(p: Plan, s: Scenario, rps: float) -> None:
    for route, method in c.ROUTES:
        latency = API_REGRESSED if route in s.slow_routes else ROUTE_LATENCY.get(route, API)
        for code, share in code_shares(route, s).items():
            rate = rps * ROUTE_SHARE[route] * share
            p.rates[("bookiji_http_requests_total", (route, method, code))] = rate
            p.observed[("bookiji_http_request_duration_seconds", (route, method, code))] = (rate, latency)


def _split(p: Plan, name: str, total: float, shares: dict[str, float]) -> None:
    for value, share in shares.items():
        p.rates[(name, (value,))] = total * share


def _payments(p: Plan, s: Scenario, rps: float) -> None:
    skip = 0.03 * (1 - s.webhook_failures)
    outcomes = {"success": 1 - s.webhook_failures - skip, "failure": s.webhook_failures, "idempotent_skip": skip}
    for event, event_share in zip(c.EVENT_TYPES, (0.8, 0.15, 0.05), strict=True):
        for outcome, share in outcomes.items():
            p.rates[("bookiji_stripe_webhooks_total", (event, outcome))] = rps * 0.1 * event_share * share
    down = s.http_5xx >= 1.0
    _split(
        p,
        "bookiji_payments_total",
        rps * 0.1,
        {"succeeded": 0.0, "failed": 1.0, "refunded": 0.0}
        if down
        else {"succeeded": 0.93, "failed": 0.05, "refunded": 0.02},
    )
    _split(
        p,
        "bookiji_paid_booking_flows_total",
        rps * 0.05,
        {"confirmed": 0.9 * (1 - s.flow_failures), "failed": 0.9 * s.flow_failures, "abandoned": 0.1},
    )
    p.rates[("bookiji_payments_double_charge_total", ())] = 0.0  # one-shot: see Simulator
    dead_letters = rps * 0.1 * s.webhook_failures * 0.5
    p.gauges[("bookiji_outbox_messages", ("queued",))] = Drift(rps * 0.1, rps * 0.03 if s.dlq_growth else 0.0, 60)
    p.gauges[("bookiji_outbox_messages", ("in_flight",))] = Drift(rps * 0.05, 0.0, 10, jitter=0.2)
    p.gauges[("bookiji_outbox_messages", ("committed",))] = Drift(0.0, 0.0 if down else rps * 0.09)
    # Nothing is queued without traffic: the synthetic stream's age drains to 0 while SimCity runs none.
    queued_age = 2.0 if rps else 0.0
    p.gauges[("bookiji_outbox_oldest_queued_age_seconds", ())] = Drift(queued_age, 1.0 if s.dlq_growth else 0.0, 30)
    p.gauges[("bookiji_outbox_dlq_depth", ())] = Drift(0.0, dead_letters if s.dlq_growth else 0.0, 120)
    p.gauges[("bookiji_payments_double_charges_open", ())] = Drift(1.0 if s.double_charge else 0.0)


def _privacy(p: Plan, s: Scenario, rps: float) -> None:
    p.rates[("bookiji_access_log_writes_total", ())] = rps * 0.5
    p.rates[("bookiji_access_log_write_failures_total", ())] = 0.0
    for kind, share in zip(c.PRIVACY_KINDS, (0.002, 0.001), strict=True):
        latency = PRIVACY_SLOW if s.privacy_slow else PRIVACY[kind]
        p.observed[("bookiji_privacy_request_duration_seconds", (kind,))] = (rps * share, latency)
        p.gauges[("bookiji_privacy_queue_depth", (kind,))] = Drift(0.0, rps * 0.0005 if s.privacy_slow else 0.0, 120)
        # Healthy requests finish within a minute and the queue is mostly empty; slow, the oldest one waits on.
        p.gauges[("bookiji_privacy_oldest_pending_age_seconds", (kind,))] = Drift(0.0, 1.0 if s.privacy_slow else 0.0)


def _maps(p: Plan, s: Scenario, rps: float) -> None:
    fallback = 0.98 if s.map_primary_down else 0.005
    _split(p, "bookiji_map_adapter_requests_total", rps * 0.3, {"primary": 1 - fallback, "fallback": fallback})
    p.gauges[("bookiji_map_provider_up", ("primary",))] = Drift(0.0 if s.map_primary_down else 1.0)
    p.gauges[("bookiji_map_provider_up", ("fallback",))] = Drift(1.0)


def _operations(p: Plan, s: Scenario, rps: float) -> None:
    p.observed[("bookiji_rollback_duration_seconds", ("success", "false"))] = (rps * 0.0001, ROLLBACK_SUCCESS)
    p.observed[("bookiji_rollback_duration_seconds", ("failure", "false"))] = (rps * 0.000002, ROLLBACK_FAILURE)
    p.observed[("bookiji_rollback_duration_seconds", ("success", "true"))] = (0.0, ROLLBACK_SUCCESS)  # drills: plan()
    p.observed[("bookiji_rollback_duration_seconds", ("failure", "true"))] = (0.0, ROLLBACK_FAILURE)
    for flag, enabled in c.FLAGS.items():
        p.gauges[("bookiji_feature_flag_enabled", (flag,))] = Drift(float(enabled))


def _browser(p: Plan, s: Scenario, rps: float) -> None:
    for device, device_share in DEVICE_SHARE.items():
        p.observed[("bookiji_booking_flow_duration_seconds", ("payment_screen", device))] = (
            rps * 0.02 * device_share,
            BROWSER["bookiji_booking_flow_duration_seconds"],
        )
        p.observed[("bookiji_session_duration_seconds", (device,))] = (
            rps * 0.005 * device_share,
            _lat((5, 0), (60, 0.3), (300, 0.7), (1800, 0.95), (7200, 1.0)),
        )
        for page, page_share in PAGE_SHARE.items():
            for name in (
                "bookiji_page_load_duration_seconds",
                "bookiji_web_vitals_fcp_seconds",
                "bookiji_web_vitals_lcp_seconds",
                "bookiji_web_vitals_cls",
            ):
                p.observed[(name, (page, device))] = (rps * 0.1 * page_share * device_share, BROWSER[name])


def _backend(p: Plan, s: Scenario, rps: float) -> None:
    p.observed[("bookiji_booking_confirm_duration_seconds", ("true",))] = (
        rps * 0.03,
        _lat((0.2, 0), (0.6, 0.5), (1.2, 0.95), (1.9, 1.0)),
    )
    p.observed[("bookiji_booking_confirm_duration_seconds", ("false",))] = (
        rps * 0.01,
        _lat((0.05, 0), (0.2, 0.5), (0.6, 0.97), (1.0, 1.0)),
    )
    query = _lat((0.0005, 0), (0.005, 0.5), (0.025, 0.9), (0.1, 0.99), (1, 1.0))
    for operation, share in zip(c.OPERATIONS, (3, 0.3, 0.5, 0.05, 0.4), strict=True):
        p.observed[("bookiji_db_query_duration_seconds", (operation,))] = (rps * share, query)
    fallback = 0.98 if s.map_primary_down else 0.005
    calls = {
        "stripe": (rps * 0.1, _lat((0.1, 0), (0.3, 0.6), (0.5, 0.99), (2, 1.0))),
        # Health checks (_operators) reach the primary even when it is down; they time out at 5 s.
        "map_primary": (
            rps * 0.3 * (1 - fallback),
            _lat((4, 0), (5, 1.0)) if s.map_primary_down else _lat((0.03, 0), (0.1, 0.7), (0.3, 0.97), (0.45, 1.0)),
        ),
        "map_fallback": (rps * 0.3 * fallback, _lat((0.05, 0), (0.15, 0.7), (0.35, 0.97), (0.49, 1.0))),
        "email": (rps * 0.02, _lat((0.05, 0), (0.15, 0.8), (0.4, 1.0))),
        "calendar": (rps * 0.03, _lat((0.05, 0), (0.2, 0.8), (0.45, 1.0))),
    }
    for dependency, flow in calls.items():
        p.observed[("bookiji_external_request_duration_seconds", (dependency,))] = flow
    uploads = {
        "le_1mb": (0.7, _lat((0.1, 0), (0.4, 0.5), (1, 0.95), (1.9, 1.0))),
        "le_5mb": (0.25, _lat((0.3, 0), (0.8, 0.5), (1.5, 0.95), (1.95, 1.0))),
        "gt_5mb": (0.05, _lat((1, 0), (4, 0.5), (10, 0.9), (60, 1.0))),
    }
    for size_class, (share, latency) in uploads.items():
        p.observed[("bookiji_upload_duration_seconds", (size_class,))] = (rps * 0.02 * share, latency)


def _infrastructure(p: Plan, s: Scenario, rps: float) -> None:
    down = s.http_5xx >= 1.0
    p.rates[("process_cpu_seconds_total", ())] = 0.02 + rps * 0.004
    p.gauges[("process_resident_memory_bytes", ())] = Drift(150e6 + rps * 2e6, 0.0, 60, jitter=0.02)
    size = 20.0
    in_use = size if down else min(size, 2 + rps * 0.2)
    p.gauges[("bookiji_db_pool_max_connections", ())] = Drift(size)
    p.gauges[("bookiji_db_pool_connections", ("in_use",))] = Drift(in_use, 0.0, 10)
    p.gauges[("bookiji_db_pool_connections", ("idle",))] = Drift(size - in_use, 0.0, 10)
    p.rates[("bookiji_db_pool_acquire_timeouts_total", ())] = rps * 0.05 if down else 0.0
    for cache, volume, hits in zip(c.CACHES, (1.0, 0.5, 0.8), (0.9, 0.8, 0.95), strict=True):
        p.rates[("bookiji_cache_requests_total", (cache, "hit"))] = rps * volume * hits
        p.rates[("bookiji_cache_requests_total", (cache, "miss"))] = rps * volume * (1 - hits)


def _business(p: Plan, s: Scenario, rps: float) -> None:
    _split(
        p,
        "bookiji_booking_funnel_total",
        rps,
        {"search": 0.1, "quote": 0.05, "payment_screen": 0.02, "confirmed": 0.018 * (1 - s.flow_failures)},
    )
    _split(p, "bookiji_feature_usage_total", rps, dict(zip(c.FEATURES, (0.03, 0.005, 0.02, 0.01), strict=True)))


def _probes(p: Plan, s: Scenario, rps: float) -> None:
    for check, extra in zip(c.CHECKS, (0.0, 0.15, 0.3), strict=True):
        for region, base in zip(c.REGIONS, (0.35, 0.6), strict=True):
            failing = region in s.failing_regions
            p.gauges[("bookiji_synthetic_check_success", (check, region))] = Drift(0.0 if failing else 1.0)
            # A failing check runs into the checker's 10 s timeout.
            p.gauges[("bookiji_synthetic_check_duration_seconds", (check, region))] = Drift(
                10.0 if failing else base + extra, jitter=0.0 if failing else 0.1
            )
