// Bookiji instrumentation contract, as Jsonnet values.
//
// This library holds the metric names, label values, bucket boundaries, runbook and dashboard URLs
// and small helpers that bookiji.jsonnet (launch stage) and bookiji-pilot.jsonnet (MVP pilot stage)
// share. slo_specs/README.md, section "Bookiji instrumentation contract", documents every metric.
// If you change a name or a bucket list here, change the table in the README too.
//
// Everything here is hidden (`::`), so importing the library adds no fields to a spec.

local job = 'bookiji';  // the app's scrape job
local syntheticsJob = 'bookiji-synthetics';  // the synthetic checkers (one sample per run)
local runbookBase = 'https://runbooks.bookiji.com/';
local grafanaBase = 'https://grafana.bookiji.com/d/';

// Metric names. Prometheus conventions: bookiji_ prefix, base units (_seconds), counters end in _total.
local metrics = {
  // HTTP, labels: job, route (route template), method, code
  httpRequests: 'bookiji_http_requests_total',
  httpDuration: 'bookiji_http_request_duration_seconds',
  // Synthetic checks, labels: job="bookiji-synthetics", check, region
  syntheticSuccess: 'bookiji_synthetic_check_success',
  syntheticDuration: 'bookiji_synthetic_check_duration_seconds',
  // Payments
  stripeWebhooks: 'bookiji_stripe_webhooks_total',  // event_type, outcome
  outboxMessages: 'bookiji_outbox_messages',  // gauge, state
  outboxOldestQueuedAge: 'bookiji_outbox_oldest_queued_age_seconds',  // gauge
  outboxDlqDepth: 'bookiji_outbox_dlq_depth',  // gauge
  doubleCharges: 'bookiji_payments_double_charge_total',  // initialised to 0 at start-up
  doubleChargesOpen: 'bookiji_payments_double_charges_open',  // gauge: double charges not yet refunded
  payments: 'bookiji_payments_total',  // outcome
  paidBookingFlows: 'bookiji_paid_booking_flows_total',  // the "$1 flow"; outcome
  // Privacy
  accessLogWrites: 'bookiji_access_log_writes_total',
  accessLogWriteFailures: 'bookiji_access_log_write_failures_total',
  privacyDuration: 'bookiji_privacy_request_duration_seconds',  // kind
  privacyQueueDepth: 'bookiji_privacy_queue_depth',  // gauge, kind
  privacyOldestPendingAge: 'bookiji_privacy_oldest_pending_age_seconds',  // gauge, kind
  // Maps
  mapRequests: 'bookiji_map_adapter_requests_total',  // provider
  mapProviderUp: 'bookiji_map_provider_up',  // gauge, provider
  // Operations
  rollbackDuration: 'bookiji_rollback_duration_seconds',  // outcome, drill
  featureFlag: 'bookiji_feature_flag_enabled',  // gauge, flag
  // User experience (browser beacons, observed by the app's /api/rum handler)
  bookingFlowDuration: 'bookiji_booking_flow_duration_seconds',  // step, device
  pageLoadDuration: 'bookiji_page_load_duration_seconds',  // page, device
  fcp: 'bookiji_web_vitals_fcp_seconds',  // page, device
  lcp: 'bookiji_web_vitals_lcp_seconds',  // page, device
  cls: 'bookiji_web_vitals_cls',  // page, device; unitless score
  sessionDuration: 'bookiji_session_duration_seconds',
  // Server-side budgets
  confirmDuration: 'bookiji_booking_confirm_duration_seconds',  // charged
  dbQueryDuration: 'bookiji_db_query_duration_seconds',  // operation
  externalDuration: 'bookiji_external_request_duration_seconds',  // dependency
  uploadDuration: 'bookiji_upload_duration_seconds',  // size_class
  // Infrastructure (the app's own; node_* and process_* come from node_exporter and the client library)
  dbPoolConnections: 'bookiji_db_pool_connections',  // gauge, state
  dbPoolMax: 'bookiji_db_pool_max_connections',  // gauge
  dbPoolAcquireTimeouts: 'bookiji_db_pool_acquire_timeouts_total',
  cacheRequests: 'bookiji_cache_requests_total',  // cache, result
  // Business
  bookingFunnel: 'bookiji_booking_funnel_total',  // step
  featureUsage: 'bookiji_feature_usage_total',  // feature
};

// Route templates (the `route` label holds the template, never the raw path).
local routes = {
  quote: '/api/quote',
  confirm: '/api/bookings/confirm',
  paymentIntent: '/api/payments/create-payment-intent',
  upload: '/api/uploads',
};

// Bucket boundaries. Every latency threshold in a spec must be one of these, so each bucket list
// contains the thresholds of the seed documents plus a spread around them. Keep ms below 1 s and s
// from 1 s up: the same spelling is used for thresholds.
local clsBuckets = [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1];
local buckets = {
  [metrics.httpDuration]: ['5ms', '10ms', '25ms', '50ms', '100ms', '250ms', '400ms', '500ms', '700ms',
                           '800ms', '1s', '1.2s', '1.5s', '2s', '3s', '5s', '10s'],
  [metrics.confirmDuration]: ['100ms', '250ms', '500ms', '1s', '1.5s', '2s', '3s', '5s', '10s', '30s'],
  [metrics.bookingFlowDuration]: ['250ms', '500ms', '750ms', '1s', '1.5s', '2s', '3s', '5s', '10s'],
  [metrics.pageLoadDuration]: ['500ms', '1s', '1.5s', '2s', '2.5s', '3s', '3.5s', '5s', '10s', '20s'],
  [metrics.fcp]: ['250ms', '500ms', '1s', '1.5s', '1.8s', '2.5s', '3s', '5s', '10s'],
  [metrics.lcp]: ['500ms', '1s', '1.5s', '2s', '2.5s', '3s', '4s', '5s', '10s'],
  [metrics.dbQueryDuration]: ['1ms', '5ms', '10ms', '25ms', '50ms', '100ms', '250ms', '500ms', '1s', '5s'],
  [metrics.externalDuration]: ['50ms', '100ms', '250ms', '500ms', '1s', '2s', '5s', '10s', '30s'],
  [metrics.uploadDuration]: ['250ms', '500ms', '1s', '2s', '5s', '10s', '30s', '60s'],
  [metrics.privacyDuration]: ['1s', '5s', '10s', '30s', '60s', '120s', '300s', '600s'],
  [metrics.rollbackDuration]: ['5s', '10s', '30s', '60s', '120s', '300s'],
  [metrics.sessionDuration]: ['10s', '30s', '60s', '120s', '300s', '600s', '1800s', '3600s'],
  // CLS is a unitless score: its buckets are numbers, and its SLO a `value` SLI with `below`.
  [metrics.cls]: clsBuckets,
};

// `metric{job="<jobName>", <matchers>}`; matchers are PromQL matcher strings such as 'code=~"5.."'.
local selJob(jobName, metric, matchers=[]) =
  metric + '{' + std.join(', ', ['job="%s"' % jobName] + matchers) + '}';

// SimCity, k6 and the synthetic checkers send requests marked as synthetic, and the app labels every
// series those requests touch traffic="synthetic" (README §2.1). Their failure scenarios must not burn the
// production budget or page, so every selector of the app's series leaves them out. `!=` also matches
// series without a traffic label (feature flags, pool gauges), so one helper serves every app metric.
local userTraffic = 'traffic!="synthetic"';
// An app series selector: `metric{job="bookiji", <matchers>, traffic!="synthetic"}`.
local sel(metric, matchers=[]) = selJob(job, metric, matchers + [userTraffic]);

local runbooks = {
  // From the launch document (000), "Runbooks".
  syntheticMonitorFailures: runbookBase + 'synthetic-monitor-failures',
  loadTestFailures: runbookBase + 'load-test-failures',  // CI only, referenced from the README
  visualRegressionFailures: runbookBase + 'visual-regression-failures',  // CI only
  // From the pilot document (001), "Runbooks".
  stripeDlqGrowth: runbookBase + 'incident-001-stripe-dlq-growth',
  providerSlowDown: runbookBase + 'incident-002-provider-slow-down',
  privacySlowness: runbookBase + 'incident-003-privacy-export-delete-slowness',
  latencyRegression: runbookBase + 'incident-004-latency-regression',
  // Not in either document: written for these alerts in runbooks.libsonnet (README §3.3).
  doubleCharge: runbookBase + 'payments-double-charge',
  accessLogWriteFailures: runbookBase + 'access-log-write-failures',
  apiErrors: runbookBase + 'api-errors',
  paidBookingFlow: runbookBase + 'paid-booking-flow-failures',
  rollback: runbookBase + 'rollback',
  featureFlags: runbookBase + 'feature-flags',
  performanceBudgets: runbookBase + 'performance-budgets',
};

{
  job:: job,
  syntheticsJob:: syntheticsJob,
  runbookBase:: runbookBase,
  runbooks:: runbooks,
  metrics:: metrics,
  routes:: routes,
  // Synthetic checker locations (label `region`) and checks (label `check`).
  regions:: ['us-east', 'eu-west'],
  checks:: ['health', 'admin_guard', 'calendar_links'],
  buckets:: buckets,
  clsBuckets:: clsBuckets,

  // The uids slogen gives the generated dashboards ("slogen-" + service), so alert links open them.
  dashboards:: {
    launch: grafanaBase + 'slogen-bookiji',
    pilot: grafanaBase + 'slogen-bookiji-pilot',
  },

  sel:: sel,
  selJob:: selJob,

  // The `histograms` block of a spec: only the named histograms, so each spec declares what it uses.
  histograms(names):: { [name]: buckets[name] for name in names },

  // route=~"a|b" matcher for a list of route templates.
  routeIn(list):: 'route=~"%s"' % std.join('|', list),
  routeNotIn(list):: 'route!~"%s"' % std.join('|', list),

  // Availability ratio over HTTP responses: 5xx are errors, 429 (deliberate rate limiting) is left
  // out of both sides. `matchers` narrows both selectors (e.g. to a set of routes).
  httpErrors(matchers=[]):: sel(metrics.httpRequests, matchers + ['code=~"5.."']),
  httpTotal(matchers=[]):: sel(metrics.httpRequests, matchers + ['code!="429"']),

  // A latency SLO written with the percentiles shorthand: {p95: '700ms', p99: '1.2s'} expands to
  // <name>-p95 (objective 95, threshold 700ms) and <name>-p99 (objective 99, threshold 1.2s).
  percentileSlo(name, description, histogram, percentiles, alerting={}, group_by=[], labels={}):: {
    name: name,
    description: description,
    percentiles: percentiles,
    sli: { latency: { histogram: histogram } },
    [if group_by != [] then 'group_by']: group_by,
    [if labels != {} then 'labels']: labels,
    [if alerting != {} then 'alerting']: alerting,
  },

  // A symptom alert on a histogram quantile. for_ = null fires on the first evaluation.
  quantileAlert(name, severity, priority, histogram, q, above, window, for_, summary, description,
                runbook, group_by=[], min_events=null):: {
    name: name,
    severity: severity,
    priority: priority,
    quantile: {
      histogram: histogram,
      q: q,
      above: above,
      window: window,
      [if group_by != [] then 'group_by']: group_by,
      [if min_events != null then 'min_events']: min_events,
    },
    [if for_ != null then 'for']: for_,
    summary: summary,
    description: description,
    runbook: runbook,
  },

  // Alerts both stages need (README §3.4). The stages are deployed one at a time, so an alert that only
  // the pilot declared would disappear at launch: payments integrity and the flags that protect it live
  // here, and each stage lists them with `lib.sharedAlerts + [...]`.
  sharedAlerts:: [
    {
      name: 'PaymentsDoubleCharge',
      zero_tolerance: { counter: sel(metrics.doubleCharges), open: sel(metrics.doubleChargesOpen) },
      severity: 'page',
      priority: 'P0',
      summary: 'A customer was charged twice',
      description: 'Ledger reconciliation found a booking with more than one successful charge. Target is 0.0 %. '
                   + 'Refund the extra charge, then find the broken idempotency path.',
      runbook: runbooks.doubleCharge,
    },
    {
      name: 'OutboxDLQNotEmpty',
      expr: 'max(%s) > 0' % sel(metrics.outboxDlqDepth),
      'for': '5m',
      severity: 'page',
      priority: 'P1',
      summary: 'Payments outbox dead-letter queue holds {{ $value }} message(s)',
      description: 'Outbox messages (Stripe confirmations) have been dead-lettered for 5 minutes: paid bookings '
                   + 'may not be confirmed. Follow Incident-001: pause the confirm processor, drain the DLQ with '
                   + 'exponential backoff, verify idempotent skips, reconcile the ledger.',
      runbook: runbooks.stripeDlqGrowth,  // Incident-001
      test: {
        series: [{ series: 'bookiji_outbox_dlq_depth{job="bookiji", instance="app-1"}', values: '0x10 3x30' }],
        holds_from: '11m',
      },
    },
    {
      // A ticket, not a page: Stripe retries a failed delivery for up to three days, and when failures
      // do hurt, OutboxDLQNotEmpty (dead-lettered confirmations) and, at launch, the $1-flow SLOs page.
      name: 'StripeWebhookFailures',
      expr: |||
        (
          sum(increase(%(failed)s[15m])) >= 3
        )
        and
        (
          sum(rate(%(failed)s[15m])) / sum(rate(%(all)s[15m])) > 0.05
        )
      ||| % {
        failed: sel(metrics.stripeWebhooks, ['outcome="failure"']),
        all: sel(metrics.stripeWebhooks),
      },
      'for': '15m',
      severity: 'ticket',
      priority: 'P2',
      summary: 'Stripe webhooks are failing',
      description: 'More than 5 % of Stripe webhook deliveries (and at least 3) failed over 15 minutes, for 15 '
                   + 'minutes. Stripe retries them, but failed webhooks leave payments unconfirmed and feed the '
                   + 'outbox DLQ; see Incident-001.',
      runbook: runbooks.stripeDlqGrowth,
      test: {
        series: [
          { series: 'bookiji_stripe_webhooks_total{job="bookiji", event_type="payment_intent.succeeded", outcome="success"}', values: '0+1x60' },
          { series: 'bookiji_stripe_webhooks_total{job="bookiji", event_type="payment_intent.succeeded", outcome="failure"}', values: '0x20 5+5x40' },
        ],
        holds_from: '21m',
      },
    },
    {
      // A page although it is a flag: "payments.outbox MUST be ON", and without the outbox payment side
      // effects are not idempotent, so the next harm is a double charge (P0). Waiting for it is worse.
      name: 'PaymentsOutboxFlagOff',
      expr: 'min by (flag) (%s) == 0' % sel(metrics.featureFlag, ['flag="payments.outbox"']),
      'for': '5m',
      severity: 'page',
      priority: 'P1',
      summary: 'Feature flag payments.outbox is OFF on at least one instance',
      description: 'payments.outbox MUST be ON: without the outbox, payment side effects are not idempotent and '
                   + 'double charges become possible. Turn it back on.',
      runbook: runbooks.featureFlags,
      test: {
        series: [
          { series: 'bookiji_feature_flag_enabled{job="bookiji", instance="app-1", flag="payments.outbox"}', values: '1x10 0x30' },
          { series: 'bookiji_feature_flag_enabled{job="bookiji", instance="app-2", flag="payments.outbox"}', values: '1x40' },
        ],
        holds_from: '11m',
      },
    },
    {
      // The admin_only guard: ops.force_cancel stays ON, and only admins can use it. The flag is watched
      // here; the guard itself is tested by the launch synthetic check `admin_guard`.
      name: 'ForceCancelFlagOff',
      expr: 'min by (flag) (%s) == 0' % sel(metrics.featureFlag, ['flag="ops.force_cancel"']),
      'for': '15m',
      severity: 'ticket',
      priority: 'P2',
      summary: 'Feature flag ops.force_cancel is OFF on at least one instance',
      description: 'ops.force_cancel must be ON, behind the admin_only guard: operations needs it to cancel '
                   + 'bookings by hand (Incident-002 auto-cancel). Turn it back on and check the guard still holds.',
      runbook: runbooks.featureFlags,
      test: {
        series: [
          { series: 'bookiji_feature_flag_enabled{job="bookiji", instance="app-1", flag="ops.force_cancel"}', values: '1x10 0x30' },
        ],
        holds_from: '11m',
      },
    },
  ],
}
