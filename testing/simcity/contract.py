"""The Bookiji instrumentation contract (slo_specs/README.md §2) as data: every metric family SimCity
exports, its type, label names, its label values (all exported from start-up but synthetic traffic's), and its
bucket boundaries.

The names and buckets repeat slo_specs/lib/bookiji.libsonnet; tests/test_simcity.py checks both against the
library and the README table, so a change there that is not made here fails the tests.
"""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass

APP = "app"  # scraped by the `bookiji` job on /metrics
PROBE = "probe"  # the synthetic checkers, job `bookiji-synthetics`, on /probe/metrics
TARGETS = (APP, PROBE)
JOBS = {APP: "bookiji", PROBE: "bookiji-synthetics"}
# The deployment stage, a target label the scrape config sets (README §2: the label `env` on every series). Each
# stage's spec scopes its selectors to its own (`scope: {env: …}`); SimCity is scraped once per stage, so one
# simulator feeds both.
STAGES = ("launch", "pilot")
STAGE_LABELS = tuple({"env": stage} for stage in STAGES)

COUNTER, GAUGE, HISTOGRAM = "counter", "gauge", "histogram"

# (route template, method). "unmatched" is what the middleware records for paths no route matches.
ROUTES = (
    ("/api/search", "GET"),
    ("/api/quote", "POST"),
    ("/api/providers/{id}", "GET"),
    ("/api/bookings/{id}", "GET"),
    ("/api/rum", "POST"),
    ("/api/payments/create-payment-intent", "POST"),
    ("/api/bookings/confirm", "POST"),
    ("/api/uploads", "POST"),
    ("unmatched", "GET"),
)
CODES = ("200", "400", "404", "429", "500", "503")
ERROR_CODES = ("500", "503")
RATE_LIMITED = "429"
REGIONS = ("us-east", "eu-west")
CHECKS = ("health", "admin_guard", "calendar_links")
EVENT_TYPES = ("payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded")
WEBHOOK_OUTCOMES = ("success", "failure", "idempotent_skip")
OUTBOX_STATES = ("queued", "in_flight", "committed")
PAYMENT_OUTCOMES = ("succeeded", "failed", "refunded")
FLOW_OUTCOMES = ("confirmed", "failed", "abandoned")
PRIVACY_KINDS = ("export", "delete")
PROVIDERS = ("primary", "fallback")
ROLLBACK_OUTCOMES = ("success", "failure")
DRILL = ("true", "false")  # `bkctl rollback --drill` or a real rollback
# Pilot settings (README §3.2): payments.outbox ON, beta.public_directory OFF, ops.force_cancel ON.
FLAGS = {"payments.outbox": 1, "beta.public_directory": 0, "ops.force_cancel": 1}
PAGES = ("home", "search", "provider", "booking", "payment", "confirmation", "other")
DEVICES = ("mobile", "tablet", "desktop")
OPERATIONS = ("select", "insert", "update", "delete", "transaction")
DEPENDENCIES = ("stripe", "map_primary", "map_fallback", "email", "calendar")
SIZE_CLASSES = ("le_1mb", "le_5mb", "gt_5mb")
POOL_STATES = ("idle", "in_use")
CACHES = ("quotes", "providers", "sessions")
CACHE_RESULTS = ("hit", "miss")
FUNNEL_STEPS = ("search", "quote", "payment_screen", "confirmed")
FEATURES = ("search_filters", "calendar_sync", "map_view", "reviews")
# README §2.1: what SimCity, k6 and the synthetic checkers send is "synthetic", everything else "user". The label
# comes last on every bookiji_* counter and histogram but the DB pool's and the cache's, and on the gauges that
# count work waiting or done (outbox, DLQ, open double charges, privacy queue); never on flag, health or pool gauges.
TRAFFIC_LABEL = "traffic"
USER, SYNTHETIC = "user", "synthetic"
TRAFFIC = (USER, SYNTHETIC)

Labels = tuple[str, ...]


def _ms(*values: float) -> tuple[float, ...]:
    return tuple(round(v / 1000, 6) for v in values)


def _s(*values: float) -> tuple[float, ...]:
    return tuple(float(v) for v in values)


@dataclass(frozen=True)
class Family:
    """One metric family. `name` is the name in the contract (counters end in _total)."""

    name: str
    kind: str
    help: str
    labels: tuple[str, ...] = ()
    values: tuple[tuple[str, ...], ...] = ()  # per label: its values (the children are their product)
    buckets: tuple[float, ...] = ()
    target: str = APP
    whole: bool = True  # rendered as an integer (event counts, queue depths); False for seconds and bytes
    stream: str = ""  # families sharing a stream share their random phases (the HTTP counter and histogram)
    pairs: tuple[Labels, ...] = ()  # explicit children where labels are coupled (route and method)

    @property
    def children(self) -> list[Labels]:
        """Every label-value tuple the family can export: synthetic traffic's children included."""
        if self.pairs:
            return list(self.pairs)
        return list(itertools.product(*self.values)) if self.labels else [()]

    @property
    def traffic(self) -> bool:
        """Whether the family carries the `traffic` label (README §2.1); it is always the last label."""
        return self.labels[-1:] == (TRAFFIC_LABEL,)

    def synthetic(self, labels: Labels) -> bool:
        return self.traffic and labels[-1] == SYNTHETIC

    @property
    def startup_children(self) -> list[Labels]:
        """The children exported from start-up (README §2.3): all but synthetic traffic's, which appear when
        SimCity's own synthetic traffic first runs (a scenario with a `synthetic` stream)."""
        return [labels for labels in self.children if not self.synthetic(labels)]

    @property
    def base(self) -> str:
        """The OpenMetrics family name: a counter's name without `_total`."""
        return self.name[: -len("_total")] if self.kind == COUNTER and self.name.endswith("_total") else self.name

    @property
    def phase_key(self) -> str:
        return self.stream or self.name


def _http(name: str, kind: str, help_text: str, buckets: tuple[float, ...] = ()) -> Family:
    # Every route with every code from start-up: a 5xx series born at 1 hides its first error from rate().
    children = tuple(
        (route, method, code, traffic) for route, method in ROUTES for code in CODES for traffic in TRAFFIC
    )
    return Family(
        name,
        kind,
        help_text,
        ("route", "method", "code", TRAFFIC_LABEL),
        pairs=children,
        buckets=buckets,
        stream="http_requests",
    )


FAMILIES: tuple[Family, ...] = (
    # HTTP (application middleware)
    _http("bookiji_http_requests_total", COUNTER, "HTTP responses by route template, method and status code."),
    _http(
        "bookiji_http_request_duration_seconds",
        HISTOGRAM,
        "HTTP request duration, received to last byte.",
        _ms(5, 10, 25, 50, 100, 250, 400, 500, 700, 800) + _s(1, 1.2, 1.5, 2, 3, 5, 10),
    ),
    # Synthetic checks
    Family(
        "bookiji_synthetic_check_success",
        GAUGE,
        "1 if the last synthetic check run passed.",
        ("check", "region"),
        (CHECKS, REGIONS),
        target=PROBE,
    ),
    Family(
        "bookiji_synthetic_check_duration_seconds",
        GAUGE,
        "Duration of the last synthetic check run.",
        ("check", "region"),
        (CHECKS, REGIONS),
        target=PROBE,
        whole=False,
    ),
    # Payments
    Family(
        "bookiji_stripe_webhooks_total",
        COUNTER,
        "Stripe webhook deliveries by event type and outcome.",
        ("event_type", "outcome", TRAFFIC_LABEL),
        (EVENT_TYPES, WEBHOOK_OUTCOMES, TRAFFIC),
    ),
    Family(
        "bookiji_outbox_messages",
        GAUGE,
        "Outbox messages by state.",
        ("state", TRAFFIC_LABEL),
        (OUTBOX_STATES, TRAFFIC),
    ),
    Family(
        "bookiji_outbox_oldest_queued_age_seconds",
        GAUGE,
        "Age of the oldest queued outbox message.",
        (TRAFFIC_LABEL,),
        (TRAFFIC,),
        whole=False,
    ),
    Family(
        "bookiji_outbox_dlq_depth", GAUGE, "Messages in the outbox dead-letter queue.", (TRAFFIC_LABEL,), (TRAFFIC,)
    ),
    Family(
        "bookiji_payments_double_charge_total",
        COUNTER,
        "Bookings found with more than one successful charge.",
        (TRAFFIC_LABEL,),
        (TRAFFIC,),
    ),
    Family(
        "bookiji_payments_double_charges_open",
        GAUGE,
        "Bookings charged more than once whose extra charge is not refunded yet, from the ledger.",
        (TRAFFIC_LABEL,),
        (TRAFFIC,),
    ),
    Family(
        "bookiji_payments_total",
        COUNTER,
        "Stripe payment results by outcome.",
        ("outcome", TRAFFIC_LABEL),
        (PAYMENT_OUTCOMES, TRAFFIC),
    ),
    Family(
        "bookiji_paid_booking_flows_total",
        COUNTER,
        "Paid ($1) booking flows by how they ended.",
        ("outcome", TRAFFIC_LABEL),
        (FLOW_OUTCOMES, TRAFFIC),
    ),
    # Privacy
    Family("bookiji_access_log_writes_total", COUNTER, "Access-log write attempts.", (TRAFFIC_LABEL,), (TRAFFIC,)),
    Family(
        "bookiji_access_log_write_failures_total", COUNTER, "Failed access-log writes.", (TRAFFIC_LABEL,), (TRAFFIC,)
    ),
    Family(
        "bookiji_privacy_request_duration_seconds",
        HISTOGRAM,
        "PII export/delete duration, accepted to done.",
        ("kind", TRAFFIC_LABEL),
        (PRIVACY_KINDS, TRAFFIC),
        _s(1, 5, 10, 30, 60, 120, 300, 600),
    ),
    Family(
        "bookiji_privacy_queue_depth",
        GAUGE,
        "Privacy requests waiting.",
        ("kind", TRAFFIC_LABEL),
        (PRIVACY_KINDS, TRAFFIC),
    ),
    Family(
        "bookiji_privacy_oldest_pending_age_seconds",
        GAUGE,
        "Seconds since the oldest waiting or running privacy request was accepted; 0 when none.",
        ("kind", TRAFFIC_LABEL),
        (PRIVACY_KINDS, TRAFFIC),
        whole=False,
    ),
    # Maps
    Family(
        "bookiji_map_adapter_requests_total",
        COUNTER,
        "Map adapter requests by the provider that served them.",
        ("provider", TRAFFIC_LABEL),
        (PROVIDERS, TRAFFIC),
    ),
    Family(
        "bookiji_map_provider_up", GAUGE, "1 if the map provider's health check passes.", ("provider",), (PROVIDERS,)
    ),
    # Operations
    Family(
        "bookiji_rollback_duration_seconds",
        HISTOGRAM,
        "Duration of bkctl rollback handler runs.",
        ("outcome", "drill", TRAFFIC_LABEL),
        (ROLLBACK_OUTCOMES, DRILL, TRAFFIC),
        _s(5, 10, 30, 60, 120, 300),
    ),
    Family("bookiji_feature_flag_enabled", GAUGE, "1 if the feature flag is on.", ("flag",), (tuple(FLAGS),)),
    # User experience
    Family(
        "bookiji_booking_flow_duration_seconds",
        HISTOGRAM,
        "Book clicked to payment screen rendered.",
        ("step", "device", TRAFFIC_LABEL),
        (("payment_screen",), DEVICES, TRAFFIC),
        _ms(250, 500, 750) + _s(1, 1.5, 2, 3, 5, 10),
    ),
    Family(
        "bookiji_page_load_duration_seconds",
        HISTOGRAM,
        "Navigation start to load event.",
        ("page", "device", TRAFFIC_LABEL),
        (PAGES, DEVICES, TRAFFIC),
        _ms(500) + _s(1, 1.5, 2, 2.5, 3, 3.5, 5, 10, 20),
    ),
    Family(
        "bookiji_web_vitals_fcp_seconds",
        HISTOGRAM,
        "First Contentful Paint.",
        ("page", "device", TRAFFIC_LABEL),
        (PAGES, DEVICES, TRAFFIC),
        _ms(250, 500) + _s(1, 1.5, 1.8, 2.5, 3, 5, 10),
    ),
    Family(
        "bookiji_web_vitals_lcp_seconds",
        HISTOGRAM,
        "Largest Contentful Paint.",
        ("page", "device", TRAFFIC_LABEL),
        (PAGES, DEVICES, TRAFFIC),
        _ms(500) + _s(1, 1.5, 2, 2.5, 3, 4, 5, 10),
    ),
    Family(
        "bookiji_web_vitals_cls",
        HISTOGRAM,
        "Cumulative Layout Shift per page view.",
        ("page", "device", TRAFFIC_LABEL),
        (PAGES, DEVICES, TRAFFIC),
        (0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0),
    ),
    Family(
        "bookiji_session_duration_seconds",
        HISTOGRAM,
        "Session start to last activity.",
        ("device", TRAFFIC_LABEL),
        (DEVICES, TRAFFIC),
        _s(10, 30, 60, 120, 300, 600, 1800, 3600),
    ),
    # Server-side performance budgets
    Family(
        "bookiji_booking_confirm_duration_seconds",
        HISTOGRAM,
        "Confirm request to booking confirmed.",
        ("charged", TRAFFIC_LABEL),
        (("true", "false"), TRAFFIC),
        _ms(100, 250, 500) + _s(1, 1.5, 2, 3, 5, 10, 30),
    ),
    Family(
        "bookiji_db_query_duration_seconds",
        HISTOGRAM,
        "Database statement or transaction duration.",
        ("operation", TRAFFIC_LABEL),
        (OPERATIONS, TRAFFIC),
        _ms(1, 5, 10, 25, 50, 100, 250, 500) + _s(1, 5),
    ),
    Family(
        "bookiji_external_request_duration_seconds",
        HISTOGRAM,
        "Third-party API call duration.",
        ("dependency", TRAFFIC_LABEL),
        (DEPENDENCIES, TRAFFIC),
        _ms(50, 100, 250, 500) + _s(1, 2, 5, 10, 30),
    ),
    Family(
        "bookiji_upload_duration_seconds",
        HISTOGRAM,
        "Upload received to object stored.",
        ("size_class", TRAFFIC_LABEL),
        (SIZE_CLASSES, TRAFFIC),
        _ms(250, 500) + _s(1, 2, 5, 10, 30, 60),
    ),
    # Infrastructure (the app's own; node_* belongs to node_exporter's job="node")
    Family("process_cpu_seconds_total", COUNTER, "CPU time of the process.", whole=False),
    Family("process_resident_memory_bytes", GAUGE, "Resident memory of the process."),
    Family("bookiji_db_pool_connections", GAUGE, "DB pool connections by state.", ("state",), (POOL_STATES,)),
    Family("bookiji_db_pool_max_connections", GAUGE, "DB pool size."),
    Family("bookiji_db_pool_acquire_timeouts_total", COUNTER, "DB pool acquire timeouts."),
    Family(
        "bookiji_cache_requests_total",
        COUNTER,
        "Cache lookups by cache and result.",
        ("cache", "result"),
        (CACHES, CACHE_RESULTS),
    ),
    # Business
    Family(
        "bookiji_booking_funnel_total",
        COUNTER,
        "Booking funnel steps reached.",
        ("step", TRAFFIC_LABEL),
        (FUNNEL_STEPS, TRAFFIC),
    ),
    Family("bookiji_feature_usage_total", COUNTER, "Feature uses.", ("feature", TRAFFIC_LABEL), (FEATURES, TRAFFIC)),
)

BY_NAME: dict[str, Family] = {family.name: family for family in FAMILIES}
HTTP_REQUESTS = BY_NAME["bookiji_http_requests_total"]


def resolve(names: Iterable[str] | None) -> tuple[Family, ...]:
    """Families by contract name (or OpenMetrics name without _total), in contract order; None = all."""
    if names is None:
        return FAMILIES
    wanted = set(names)
    by_base = {family.base: family.name for family in FAMILIES}
    unknown = sorted(n for n in wanted if n not in BY_NAME and n not in by_base)
    if unknown:
        raise ValueError(f"unknown metric families {unknown}; SimCity exports: {', '.join(BY_NAME)}")
    chosen = {by_base.get(n, n) for n in wanted}
    return tuple(family for family in FAMILIES if family.name in chosen)
