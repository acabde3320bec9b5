// Bookiji, MVP pilot stage (seed: "Bookiji Operational Readiness (MVP Pilot → Staged Beta)").
// slo_specs/README.md maps every line of that document to this file.
//
// Paging policy: the pilot document names its own page and ticket alerts (section "Alerts"), so the
// latency and privacy SLOs here only open tickets from their burn rates; the symptom alerts below page.
// The availability SLO has no symptom alert in the document and pages from its burn rate.
local lib = import 'lib/bookiji.libsonnet';
local m = lib.metrics;
local rb = lib.runbooks;
local sel = lib.sel;

local pilotRoutes = [lib.routes.quote, lib.routes.confirm];
local pilotHttpDuration = sel(m.httpDuration, [lib.routeIn(pilotRoutes)]);

{
  apiVersion: 'slogen/v1',
  service: 'bookiji-pilot',
  description: 'Bookiji booking platform during the MVP pilot: quote and confirm latency, 99 % availability, '
               + 'payments integrity (Stripe webhooks, outbox, double charges), privacy export/delete, map provider '
               + 'fallback and rollback drills.',
  labels: { team: 'bookiji', stage: 'pilot' },
  // Every selector of this stage also matches env="pilot" (README §2): both stages can then share one
  // Prometheus, each reading only its own deployment's series, without double pages.
  scope: { env: 'pilot' },
  period: '30d',

  histograms: lib.histograms([m.httpDuration, m.privacyDuration, m.rollbackDuration]),

  alerting: {
    priority: 'P1',
    // Pilot traffic is thin; fewer events than this in a long window is noise, not a burn.
    min_events: 20,
  },

  slos: [
    lib.percentileSlo(
      'api-latency',
      'Latency of /api/quote and /api/bookings/confirm under pilot load: P95 ≤ 500 ms, P99 ≤ 1 s, per route.',
      pilotHttpDuration,
      { p95: '500ms', p99: '1s' },
      group_by=['route'],
      alerting={
        runbook: rb.latencyRegression,  // Incident-004
        page: false,  // ApiLatencyP99High pages, as the document asks
        absent: '1h',
      },
    ),
    {
      name: 'availability',
      description: 'Share of requests that are not 5xx, 429 rate limits left out: 99 % monthly (1 % error budget).',
      objective: 99,
      sli: { ratio: { errors: lib.httpErrors(), total: lib.httpTotal() } },
      alerting: {
        runbook: rb.apiErrors,
        priority: 'P1',
        min_events: 50,
        absent: '15m',
      },
    },
    lib.percentileSlo(
      'privacy-export-delete',
      'PII export and delete requests complete within 60 s (request accepted → export ready or tombstone '
      + 'written), per kind. P95, the same percentile as the PrivacyExportDeleteSlow page.',
      sel(m.privacyDuration),
      { p95: '60s' },
      group_by=['kind'],
      alerting={
        runbook: rb.privacySlowness,  // Incident-003
        page: false,  // PrivacyExportDeleteSlow pages
        min_events: 5,  // privacy requests are rare
      },
    ),
    {
      // "Drill cadence: weekly during pilot". A drill is `bkctl rollback --drill --booking <id>`, counted with
      // drill="true" (the contract exports no last-success gauge, so the counter form). A week and a day without a
      // successful drill is stale: RollbackDrillOverdue tickets, and every stale minute costs budget. A counter
      // younger than 8 days counts as fresh (a new Prometheus does not ticket on its first evaluation); the
      // absence ticket covers a counter that stopped reporting. Needs 8 days of retention (the default is 15).
      name: 'rollback-drill',
      description: 'A successful rollback drill at least every 8 days (weekly, plus a day\'s grace): fresh 95 % '
                   + 'of the month, so drills a day late now and then keep it, a skipped week does not.',
      objective: 95,
      sli: {
        freshness: {
          successes: sel(m.rollbackDuration + '_count', ['drill="true"', 'outcome="success"']),
          every: '8d',
        },
      },
      alerting: {
        runbook: rb.rollback,
        priority: 'P2',  // a ticket, as the pilot document's drill cadence is not an outage
        absent: '1h',
        annotations: { action: 'Run `bkctl rollback --drill` and store the evidence in /ops/drills/YYYY-MM-DD.md.' },
      },
    },
  ],

  // Payments integrity and the operations flags come from the shared library, so launch keeps them.
  alerts: lib.sharedAlerts + [
    // ---- Pages -------------------------------------------------------------------------------
    lib.quantileAlert(
      'ApiLatencyP99High', 'page', 'P1',
      pilotHttpDuration, 0.99, '1s', '5m', '10m',
      'P99 latency of {{ $labels.route }} is above 1 s',
      'P99 of {{ $labels.route }} has been {{ $value | humanizeDuration }} (> 1 s) for 10 minutes. '
      + 'Follow Incident-004: enable the sampling profiler, warm caches, roll back the last feature flag.',
      rb.latencyRegression,
      group_by=['route'],
      // Pilot traffic is thin: over 5 minutes a route may see a dozen requests, and the P99 of a dozen is
      // the slowest one. With at least 100 requests, one slow request cannot lift the P99 above 1 s (the
      // 99th falls in a fast bucket): it takes more than 1 % slow. Below that, the latency SLOs' burn
      // alerts still see slow requests.
      min_events=100,
    ),
    lib.quantileAlert(
      'PrivacyExportDeleteSlow', 'page', 'P1',
      sel(m.privacyDuration), 0.95, '60s', '30m', '5m',
      'P95 of PII {{ $labels.kind }} requests is above 60 s',
      'P95 of privacy {{ $labels.kind }} requests over the last 30 minutes is {{ $value | humanizeDuration }} '
      + '(target ≤ 60 s). Follow Incident-003: scale the worker pool, prioritise the export/delete queue, '
      + 'verify the audit of accesses.',
      rb.privacySlowness,  // Incident-003
      group_by=['kind'],
    ),
    {
      // PrivacyExportDeleteSlow reads the histogram, which only sees requests that finished: a hung
      // worker finishes nothing and would never page. The age of the oldest waiting request sees it.
      name: 'PrivacyRequestStuck',
      expr: 'max by (kind) (%s) > 60' % sel(m.privacyOldestPendingAge),
      'for': '5m',
      severity: 'page',
      priority: 'P1',
      summary: 'A PII {{ $labels.kind }} request has been waiting {{ $value | humanizeDuration }}',
      description: 'The oldest pending privacy {{ $labels.kind }} request has waited more than 60 s (the target for '
                   + 'the whole request) for 5 minutes: the workers are stuck or gone, and finished-request '
                   + 'latency cannot show it. Follow Incident-003: scale the worker pool, prioritise the '
                   + 'export/delete queue.',
      runbook: rb.privacySlowness,  // Incident-003
      test: {
        series: [
          { series: 'bookiji_privacy_oldest_pending_age_seconds{job="bookiji", instance="app-1", kind="export"}', values: '0x10 120+60x30' },
        ],
        holds_from: '11m',
      },
    },

    // ---- Tickets -----------------------------------------------------------------------------
    lib.quantileAlert(
      'ApiLatencyP95High', 'ticket', 'P2',
      pilotHttpDuration, 0.95, '500ms', '15m', '1h',
      'P95 latency of {{ $labels.route }} is above 500 ms',
      'P95 of {{ $labels.route }} has been {{ $value | humanizeDuration }} (> 500 ms) for an hour. See Incident-004.',
      rb.latencyRegression,
      group_by=['route'],
      min_events=20,  // as above: from 20 requests on, one slow request is not yet "the P95"
    ),
    {
      name: 'AccessLogWriteErrorsHigh',
      expr: |||
        sum(rate(%(failed)s[5m])) / sum(rate(%(all)s[5m])) > 0.001
      ||| % {
        failed: sel(m.accessLogWriteFailures),
        all: sel(m.accessLogWrites),
      },
      'for': '15m',
      severity: 'ticket',
      priority: 'P2',
      summary: 'Access log write errors at {{ $value | humanizePercentage }}',
      description: 'More than 0.1 % of access-log writes failed for 15 minutes. Access logs (subject, actor, purpose, '
                   + 'timestamp) are the immutable privacy audit trail: find out which records were lost.',
      runbook: rb.accessLogWriteFailures,
      test: {
        series: [
          { series: 'bookiji_access_log_writes_total{job="bookiji"}', values: '0+1000x60' },
          { series: 'bookiji_access_log_write_failures_total{job="bookiji"}', values: '0x20 10+10x40' },
        ],
        holds_from: '21m',
      },
    },
    {
      // One ticket for a slow, flapping or dead primary: the adapter has already failed over, so users
      // get fallback tiles (a feature issue, P2), and Incident-002's steps are working-hours work.
      name: 'MapProviderFallbackHigh',
      expr: |||
        sum(rate(%(fallback)s[15m])) / sum(rate(%(all)s[15m])) > 0.1
      ||| % {
        fallback: sel(m.mapRequests, ['provider="fallback"']),
        all: sel(m.mapRequests),
      },
      'for': '15m',
      severity: 'ticket',
      priority: 'P2',
      summary: 'Map adapter serves {{ $value | humanizePercentage }} of requests from the fallback provider',
      description: 'More than 10 % of map requests (15-minute rate) went to the fallback provider for 15 minutes: the '
                   + 'primary is slow, flapping or down. Follow Incident-002: activate fallback map tiles, raise '
                   + 'the SLA breach banner, auto-cancel beyond T, notify the vendor.',
      runbook: rb.providerSlowDown,  // Incident-002
      test: {
        series: [
          { series: 'bookiji_map_adapter_requests_total{job="bookiji", provider="primary"}', values: '0+10x60' },
          { series: 'bookiji_map_adapter_requests_total{job="bookiji", provider="fallback"}', values: '0x20 1000+1000x40' },
        ],
        holds_from: '21m',
      },
    },
    lib.quantileAlert(
      'RollbackSlow', 'ticket', 'P2',
      sel(m.rollbackDuration), 0.99, '60s', '1d', null,
      'The p99 of rollbacks over the last day is above 60 s',
      '`bkctl rollback --booking <id>` (refund, state reversion, audit append) should finish within 60 s. The 99th '
      + 'percentile of the last day\'s rollbacks, interpolated within the histogram buckets (5 s … 300 s), is '
      + 'about {{ $value | humanizeDuration }}: at least 1 % of them took longer than 60 s. Attach the slow runs '
      + 'to the drill record in /ops/drills/.',
      rb.rollback,
    ),
    {
      name: 'PublicDirectoryFlagOn',
      expr: 'max by (flag) (%s) == 1' % sel(m.featureFlag, ['flag="beta.public_directory"']),
      'for': '15m',
      severity: 'ticket',
      priority: 'P2',
      summary: 'Feature flag beta.public_directory is ON during the pilot',
      description: 'Pilot setting: beta.public_directory OFF for the MVP. Turn it off, or move to the launch stage.',
      runbook: rb.featureFlags,
      test: {
        series: [
          { series: 'bookiji_feature_flag_enabled{job="bookiji", instance="app-1", flag="beta.public_directory"}', values: '0x10 1x30' },
        ],
        holds_from: '11m',
      },
    },
  ],

  dashboard: {
    url: lib.dashboards.pilot,
    rows: [
      {
        title: 'Pilot SLIs',
        panels: [
          {
            title: 'Quote / confirm latency P95 and P99',
            type: 'timeseries',
            unit: 's',
            queries: [
              {
                expr: 'histogram_quantile(0.95, sum by (route, le) (rate(%s[5m])))'
                      % sel(m.httpDuration + '_bucket', [lib.routeIn(pilotRoutes)]),
                legend: 'P95 {{route}}',
              },
              {
                expr: 'histogram_quantile(0.99, sum by (route, le) (rate(%s[5m])))'
                      % sel(m.httpDuration + '_bucket', [lib.routeIn(pilotRoutes)]),
                legend: 'P99 {{route}}',
              },
            ],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.5, color: 'orange' }, { value: 1, color: 'red' }],
          },
          {
            title: 'Availability (30d)',
            type: 'stat',
            unit: 'percentunit',
            queries: [{
              expr: '1 - sum(increase(%s[30d])) / sum(increase(%s[30d]))' % [lib.httpErrors(), lib.httpTotal()],
            }],
            thresholds: [{ value: 0, color: 'red' }, { value: 0.99, color: 'green' }],
          },
          {
            title: 'Request rate by code',
            type: 'timeseries',
            unit: 'reqps',
            queries: [{ expr: 'sum by (code) (rate(%s[5m]))' % sel(m.httpRequests), legend: '{{code}}' }],
          },
        ],
      },
      {
        title: 'Payments integrity',
        panels: [
          {
            title: 'Stripe webhook outcomes (success, failure, idempotent skip)',
            type: 'timeseries',
            unit: 'ops',
            queries: [{ expr: 'sum by (outcome) (rate(%s[5m]))' % sel(m.stripeWebhooks), legend: '{{outcome}}' }],
          },
          {
            title: 'Outbox state machine: queued, in flight, committed, DLQ',
            type: 'timeseries',
            unit: 'short',
            queries: [
              { expr: 'max by (state) (%s)' % sel(m.outboxMessages), legend: '{{state}}' },
              { expr: 'max(%s)' % sel(m.outboxDlqDepth), legend: 'DLQ' },
            ],
          },
          {
            title: 'Age of the oldest queued outbox message',
            type: 'timeseries',
            unit: 's',
            queries: [{ expr: 'max(%s)' % sel(m.outboxOldestQueuedAge), legend: 'oldest queued' }],
          },
          {
            title: 'DLQ depth',
            type: 'stat',
            unit: 'short',
            queries: [{ expr: 'max(%s)' % sel(m.outboxDlqDepth) }],
            thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }],
          },
          {
            title: 'Double charges (30d)',
            type: 'stat',
            unit: 'short',
            description: 'Must stay 0.',
            queries: [{ expr: 'sum(increase(%s[30d]))' % sel(m.doubleCharges) }],
            thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }],
          },
          {
            title: 'Double charges not yet refunded',
            type: 'stat',
            unit: 'short',
            description: 'Must stay 0. PaymentsDoubleCharge pages until it is.',
            queries: [{ expr: 'max(%s)' % sel(m.doubleChargesOpen) }],
            thresholds: [{ value: 0, color: 'green' }, { value: 1, color: 'red' }],
          },
        ],
      },
      {
        title: 'Privacy',
        panels: [
          {
            title: 'Export / delete P95',
            type: 'timeseries',
            unit: 's',
            queries: [{
              expr: 'histogram_quantile(0.95, sum by (kind, le) (rate(%s[30m])))' % sel(m.privacyDuration + '_bucket'),
              legend: '{{kind}}',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 60, color: 'red' }],
          },
          {
            title: 'Export / delete queue depth',
            type: 'timeseries',
            unit: 'short',
            queries: [{ expr: 'max by (kind) (%s)' % sel(m.privacyQueueDepth), legend: '{{kind}}' }],
          },
          {
            title: 'Age of the oldest pending export / delete',
            type: 'timeseries',
            unit: 's',
            description: 'PrivacyRequestStuck pages when it stays above 60 s for 5 minutes.',
            queries: [{ expr: 'max by (kind) (%s)' % sel(m.privacyOldestPendingAge), legend: '{{kind}}' }],
            thresholds: [{ value: 0, color: 'green' }, { value: 60, color: 'red' }],
          },
          {
            title: 'Access log writes/s',
            type: 'timeseries',
            unit: 'ops',
            queries: [
              { expr: 'sum(rate(%s[5m]))' % sel(m.accessLogWrites), legend: 'writes/s' },
              { expr: 'sum(rate(%s[5m]))' % sel(m.accessLogWriteFailures), legend: 'failures/s' },
            ],
          },
          {
            title: 'Access log write failure rate',
            type: 'timeseries',
            unit: 'percentunit',
            description: 'Failed writes / all writes. AccessLogWriteErrorsHigh tickets above 0.1 % for 15 minutes.',
            queries: [{
              expr: 'sum(rate(%s[5m])) / sum(rate(%s[5m]))' % [sel(m.accessLogWriteFailures), sel(m.accessLogWrites)],
              legend: 'failure rate',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.001, color: 'red' }],
          },
        ],
      },
      {
        title: 'Dependencies and operations',
        panels: [
          {
            title: 'Map adapter requests: primary vs fallback',
            type: 'timeseries',
            unit: 'reqps',
            queries: [{ expr: 'sum by (provider) (rate(%s[5m]))' % sel(m.mapRequests), legend: '{{provider}}' }],
          },
          {
            title: 'Map adapter fallback ratio',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [{
              expr: 'sum(rate(%s[5m])) / sum(rate(%s[5m]))'
                    % [sel(m.mapRequests, ['provider="fallback"']), sel(m.mapRequests)],
              legend: 'fallback',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.1, color: 'orange' }, { value: 0.9, color: 'red' }],
          },
          {
            title: 'Map provider health check',
            type: 'stat',
            unit: 'bool',
            queries: [{ expr: 'min by (provider) (%s)' % sel(m.mapProviderUp), legend: '{{provider}}' }],
          },
          {
            title: 'Rollback durations (7d)',
            type: 'table',
            unit: 's',
            description: 'p99 of the last 7 days, drills and real rollbacks apart. Weekly drills; evidence goes to '
                         + '/ops/drills/YYYY-MM-DD.md.',
            queries: [{
              expr: 'histogram_quantile(0.99, sum by (drill, outcome, le) (increase(%s[7d])))'
                    % sel(m.rollbackDuration + '_bucket'),
              legend: 'drill={{drill}} {{outcome}}',
            }],
          },
          {
            title: 'Successful drills, last 8 days',
            type: 'stat',
            unit: 'short',
            description: 'RollbackDrillOverdue tickets when this is 0.',
            queries: [{
              expr: 'sum(increase(%s[8d]))'
                    % sel(m.rollbackDuration + '_count', ['drill="true"', 'outcome="success"']),
            }],
            thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }],
          },
          {
            title: 'Feature flags',
            type: 'table',
            unit: 'bool',
            queries: [{ expr: 'min by (flag) (%s)' % sel(m.featureFlag), legend: '{{flag}}' }],
          },
        ],
      },
    ],
  },
}
