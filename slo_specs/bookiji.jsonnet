// Bookiji, launch stage (seed: "Bookiji Operations & SLOs").
// slo_specs/README.md maps every line of that document to this file, and lists what stays in CI
// (k6 load tests, visual regression, go/no-go checks) and why.
local lib = import 'lib/bookiji.libsonnet';
local m = lib.metrics;
local r = lib.routes;
local rb = lib.runbooks;
local runbookText = import 'lib/runbooks.libsonnet';
local sel = lib.sel;

// "Other APIs": every /api route except those with their own target (payment intent, confirm when
// charging) or their own budget (uploads).
local otherApis = ['route=~"/api/.+"', lib.routeNotIn([r.paymentIntent, r.confirm, r.upload])];

// Frontend and backend performance budgets open tickets only: they are budgets, and the user-facing
// SLOs above them page when users are hurt.
local budgetAlerting = { runbook: rb.performanceBudgets, page: false };

// Web vitals are judged at p75, so a quarter of page views is error budget. With the default ticket
// pair 1d/2h at 10 % (burn ×3) a ticket would need 75 % of views over budget; these pairs ticket when
// the p75 of the last day is ≥ 1.5× over budget (37.5 % of views) or the p75 of three days misses (25 %).
local webVitalsAlerting = budgetAlerting {
  windows: [
    { severity: 'ticket', long: '1d', short: '2h', budget: 5 },
    { severity: 'ticket', long: '3d', short: '6h', budget: 10 },
  ],
  min_events: 100,
};

// Seed "Maintenance Windows": monthly on the first Sunday, 02:00–04:00 UTC, announced 48 h ahead. Routing mutes
// its pages and tickets; the launch SLOs exclude it from their budgets (slo_specs/README.md §4).
local monthlyMaintenance = {
  name: 'monthly-maintenance', weekdays: ['sunday'], days_of_month: ['1:7'],
  times: [{ start: '02:00', end: '04:00' }], location: 'UTC',
};

{
  apiVersion: 'slogen/v1',
  service: 'bookiji',
  description: 'Bookiji booking platform at launch: 99.9 % availability from synthetic checks in two regions, '
               + 'API latency and error rate, booking and payment user experience, the $1 flow, and frontend '
               + 'and backend performance budgets.',
  labels: { team: 'bookiji', stage: 'launch' },
  // Every selector of this stage also matches env="launch" (README §2): both stages can then share one
  // Prometheus, each reading only its own deployment's series, without double pages.
  scope: { env: 'launch' },
  period: '30d',
  // Planned maintenance is announced downtime: its minutes count against no launch SLO's budget (every SLO of
  // the service applies it). The P0 route stays unmuted, and strike alerts read the probes directly, so an
  // outage that outlasts the window or breaks health everywhere still pages.
  exclusions: [monthlyMaintenance],

  histograms: lib.histograms([
    m.httpDuration,
    m.bookingFlowDuration,
    m.confirmDuration,
    m.pageLoadDuration,
    m.fcp,
    m.lcp,
    m.cls,
    m.dbQueryDuration,
    m.externalDuration,
    m.uploadDuration,
  ]),

  alerting: {
    priority: 'P1',  // performance degradation; availability overrides to P0
    absent: '1h',
  },

  // How alerts reach people, for both stages (project-wide: one spec holds it). slo_specs/README.md §5
  // documents the fields; seed "Incident Response", "Alerting Channels" and "Maintenance Windows".
  routing: {
    // Debian ships Alertmanager 0.25. There the Discord receiver posts through Discord's Slack-compatible
    // endpoint, so its secret file must hold the Discord webhook URL with /slack appended (README §5.3).
    alertmanager_version: '0.25',
    // Alerts no team route matches (a service nobody routed yet) open a ticket, never a page, and slogen
    // validate warns about such a service (routing-team-unmatched). Email is "(Future)" in the launch
    // document, with no addresses or mail server yet: there is no email receiver until there are.
    default_receiver: 'tickets-slack',
    group_by: ['service', 'slo'],
    group_wait: '30s',
    group_interval: '5m',  // "Rate limiting: max 1 alert per 5 minutes", per group
    repeat_interval: '4h',
    // ALERT_WEBHOOK_URL is installed as a file on the Alertmanager host; specs and output name the file only.
    receivers: [
      { name: 'oncall-slack', type: 'slack', url_file: '/etc/alertmanager/secrets/alert-webhook-url', channel: '#bookiji-alerts' },
      { name: 'oncall-discord', type: 'discord', url_file: '/etc/alertmanager/secrets/alert-webhook-url-discord' },
      // The whole team and the engineering leads: where "Escalation" of the incident response goes.
      { name: 'escalation-slack', type: 'slack', url_file: '/etc/alertmanager/secrets/escalation-webhook-url', channel: '#bookiji-escalations' },
      // Slack incoming webhooks post to their own channel and ignore `channel`: every receiver that must
      // land in a channel of its own has a webhook (and secret file) of its own.
      { name: 'tickets-slack', type: 'slack', url_file: '/etc/alertmanager/secrets/ticket-webhook-url', channel: '#bookiji-tickets' },
    ],
    // Bookiji's team: both stages' alerts, each severity to the receivers the team has. First match wins.
    // Notifications go out within group_wait, well inside each response time. A notification group still
    // firing at the escalation time goes to the escalation receiver as well.
    teams: [{
      name: 'bookiji',
      match: { team: 'bookiji' },  // both stages' services carry labels.team
      routes: [
        // P0 service down: respond < 5 min, "immediate team notification", recover < 15 min. Not muted by
        // maintenance: maintenance must be zero-downtime (a 2 h outage is ~3× the monthly budget), so an
        // outage then is an incident.
        { severity: 'page', priority: 'P0', receivers: ['oncall-slack', 'oncall-discord'],
          group_wait: '10s', repeat_interval: '15m',
          escalate: { after: '0s', receivers: ['escalation-slack'] } },
        // P1 performance degradation: respond < 15 min, escalate within 1 h. Pages of any other priority too.
        { severity: 'page', receivers: ['oncall-slack', 'oncall-discord'],
          group_wait: '30s', repeat_interval: '1h', mute: ['monthly-maintenance'],
          escalate: { after: '1h', receivers: ['escalation-slack'] } },
        // P2 feature issues (every ticket): respond < 2 h, escalate within 4 h.
        { severity: 'ticket', receivers: ['tickets-slack'],
          group_wait: '5m', repeat_interval: '4h', mute: ['monthly-maintenance'],
          escalate: { after: '4h', receivers: ['escalation-slack'] } },
      ],
    }],
    routes: [],
    maintenance_windows: [monthlyMaintenance],
  },
  // The runbook pages under output/docs/runbooks/, published at lib.runbookBase, and the response times
  // of the seed's "Incident Response" (project-wide: one spec holds it). slo_specs/README.md §1.14.
  runbooks: {
    base_url: lib.runbookBase,
    priorities: runbookText.priorities,
    pages: runbookText.pages,
  },

  // Where the output is deployed (project-wide: one spec holds it). slo_specs/README.md §6. Bookiji runs
  // kube-prometheus-stack (release "kube-prometheus-stack" in namespace monitoring): its Prometheus selects
  // PrometheusRules and its Alertmanager AlertmanagerConfigs by the release label, and its Grafana sidecar
  // loads dashboards from ConfigMaps labelled grafana_dashboard: "1". The webhook URLs are keys of one Secret,
  // the Kubernetes form of the ALERT_WEBHOOK_URL secret of the seed's "Alerting Channels".
  targets: {
    'prometheus-operator': {
      namespace: 'monitoring',
      labels: { release: 'kube-prometheus-stack' },
      secrets: {
        'oncall-slack': { name: 'bookiji-alert-webhooks', key: 'alert-webhook-url' },
        'oncall-discord': { name: 'bookiji-alert-webhooks', key: 'alert-webhook-url-discord' },
        'escalation-slack': { name: 'bookiji-alert-webhooks', key: 'escalation-webhook-url' },
        'tickets-slack': { name: 'bookiji-alert-webhooks', key: 'ticket-webhook-url' },
      },
    },
    'grafana-sidecar': { namespace: 'monitoring', folder: 'Bookiji' },
  },

  slos: [
    // ---- Availability ------------------------------------------------------------------------
    {
      name: 'availability',
      description: 'Synthetic checks (health, admin guards, calendar links) every 15 minutes from each region: '
                   + '≥ 99.9 % of runs succeed per month (≈ 43 min of downtime). Two consecutive failures alert, '
                   + 'at the priority of the check.',
      objective: 99.9,
      // "99.9 % monthly": the budget is the calendar month's (UTC) and whole again on the 1st.
      period: { calendar: 'month' },
      group_by: ['region'],
      sli: {
        probe: {
          success: lib.selJob(lib.syntheticsJob, m.syntheticSuccess),
          interval: '15m',
          strikes: 2,
          // "P0 – Critical (Service Down)" is the service down for everyone: health failing from both
          // regions' checkers. Health failing from one region is that checker's or that network path's
          // trouble until the other agrees (the reason there are two regions). The admin guard protects
          // ops.force_cancel: broken, it is a security exposure, not an outage. Calendar links are a
          // feature ("P2 – Feature Issues"): a ticket. A check added later pages P1 until classified here.
          priorities: [
            { match: { check: 'health' }, in_every: 'region', priority: 'P0' },
            { match: { check: 'health' }, priority: 'P1' },
            { match: { check: 'admin_guard' }, priority: 'P1' },
            { match: { check: 'calendar_links' }, priority: 'P2' },
          ],
        },
      },
      alerting: {
        priority: 'P1',  // checks the priorities above do not name
        runbook: rb.syntheticMonitorFailures,
        // With 3 checks every 15 min a region has 12 runs an hour and ~8.6 failed runs of budget a
        // month, so the 5m/30m short windows of the defaults hold one run or less. The strike alert
        // (2 consecutive failures) is the only page: "Two-Strike Rule: alert only after 2 consecutive
        // failures", and a page pair would fire on one failed run of every check of a region (3 of 72
        // runs in 6 h). These ticket pairs catch flapping that never strikes twice:
        //   6h/30m, 25 % of budget → error ratio ≥ 3 % (≥ 3 failed runs in 6 h, one in the last 30 min)
        //   3d/6h,  50 % of budget → error ratio ≥ 0.5 % (≥ 5 failed runs in 3 days)
        windows: [
          { severity: 'ticket', long: '6h', short: '30m', budget: 25 },
          { severity: 'ticket', long: '3d', short: '6h', budget: 50 },
        ],
        // Four missed runs from one region: that region's checker is down, and the SLO and the go/no-go
        // "synthetics green in both regions" are blind there. Per region, so one region going quiet
        // tickets with its region label while the other still reports.
        absent: { 'for': '1h', expect: { region: lib.regions } },
      },
    },
    {
      name: 'error-rate',
      description: 'Share of HTTP responses that are not 5xx, 429 rate limits left out: ≥ 99.5 % (error rate < 0.5 %).',
      objective: 99.5,
      sli: { ratio: { errors: lib.httpErrors(), total: lib.httpTotal() } },
      alerting: { runbook: rb.apiErrors, min_events: 100, absent: '15m' },
    },

    // ---- API performance ---------------------------------------------------------------------
    lib.percentileSlo(
      'payment-intent-latency',
      'Create payment intent: p95 < 700 ms, p99 < 1.2 s.',
      sel(m.httpDuration, ['route="%s"' % r.paymentIntent]),
      { p95: '700ms', p99: '1.2s' },
      alerting={ runbook: rb.latencyRegression, min_events: 50 },
    ),
    lib.percentileSlo(
      'api-latency',
      'Every other /api route: p95 < 400 ms, p99 < 800 ms, per route. Payment intent, confirm and uploads have '
      + 'their own targets.',
      sel(m.httpDuration, otherApis),
      { p95: '400ms', p99: '800ms' },
      group_by=['route'],
      alerting={ runbook: rb.latencyRegression, min_events: 100 },
    ),

    // ---- User experience ---------------------------------------------------------------------
    lib.percentileSlo(
      'booking-flow-latency',
      'Booking flow, from "Book" to the payment screen rendered (browser timing): p95 < 1.5 s.',
      sel(m.bookingFlowDuration, ['step="payment_screen"']),
      { p95: '1.5s' },
      alerting={ runbook: rb.latencyRegression, min_events: 50 },
    ),
    lib.percentileSlo(
      'confirm-latency',
      'Booking confirmation when a card is actually charged (confirm request → booking confirmed): p95 < 2.0 s.',
      sel(m.confirmDuration, ['charged="true"']),
      { p95: '2s' },
      alerting={ runbook: rb.latencyRegression, min_events: 20 },
    ),
    lib.percentileSlo(
      'homepage-load',
      'Homepage load in the browser (navigation start → load event): p95 < 2.0 s, p99 < 3.5 s.',
      sel(m.pageLoadDuration, ['page="home"']),
      { p95: '2s', p99: '3.5s' },
      alerting={ runbook: rb.latencyRegression, min_events: 100 },
    ),

    // ---- Frontend performance budgets (Core Web Vitals, judged at p75 as web-vitals does) -------
    lib.percentileSlo(
      'fcp',
      'First Contentful Paint < 1.5 s for 75 % of page views.',
      sel(m.fcp),
      { p75: '1.5s' },
      alerting=webVitalsAlerting,
    ),
    lib.percentileSlo(
      'lcp',
      'Largest Contentful Paint < 2.5 s for 75 % of page views.',
      sel(m.lcp),
      { p75: '2.5s' },
      alerting=webVitalsAlerting,
    ),
    {
      name: 'cls',
      description: 'Cumulative Layout Shift < 0.1 for 75 % of page views: views in the le="0.1" bucket of the CLS '
                   + 'histogram over all views.',
      objective: 75,
      sli: {
        value: {  // a unitless histogram: 0.1 is checked against its declared buckets like a latency
          histogram: sel(m.cls),
          below: 0.1,
        },
      },
      alerting: webVitalsAlerting,
    },

    // ---- Backend performance budgets ---------------------------------------------------------
    lib.percentileSlo(
      'db-query-latency',
      'Database queries: p95 < 100 ms.',
      sel(m.dbQueryDuration),
      { p95: '100ms' },
      alerting=budgetAlerting { min_events: 1000 },
    ),
    lib.percentileSlo(
      'external-api-latency',
      'Calls to external APIs (Stripe, maps, email, calendar): p95 < 500 ms, per dependency.',
      sel(m.externalDuration),
      { p95: '500ms' },
      group_by=['dependency'],
      alerting=budgetAlerting { min_events: 50 },
    ),
    lib.percentileSlo(
      'upload-latency',
      'File uploads of 1–5 MB (size class le_5mb): p95 < 2 s. "< 2 s for 5 MB" is a budget for large files; '
      + 'uploads under 1 MB would dilute it, so they are left out.',
      sel(m.uploadDuration, ['size_class="le_5mb"']),
      { p95: '2s' },
      alerting=budgetAlerting { min_events: 20 },
    ),

    // ---- The $1 flow ----------------------------------------------------------------------
    // "$1 flow success > 99.5 % rolling 1h, > 99.9 % daily": a paid booking that reaches the payment
    // step ends confirmed. Flows the user abandons are neither good nor bad.
    {
      name: 'dollar-flow-1h',
      description: '$1 flow (paid booking → confirmed) success > 99.5 % over a rolling hour.',
      objective: 99.5,
      period: '1h',
      sli: {
        ratio: {
          errors: sel(m.paidBookingFlows, ['outcome="failed"']),
          total: sel(m.paidBookingFlows, ['outcome=~"confirmed|failed"']),
        },
      },
      alerting: {
        runbook: rb.paidBookingFlow,
        // The period is one hour, so "the SLO is breached" is the whole alert: 100 % of the hour's
        // budget gone in the last hour, and still failing in the last 5 minutes.
        windows: [{ severity: 'page', long: '1h', short: '5m', budget: 100 }],
        min_events: 10,  // one failure in a handful of flows is not an outage
      },
    },
    {
      name: 'dollar-flow-1d',
      description: '$1 flow (paid booking → confirmed) success > 99.9 % over a rolling day.',
      objective: 99.9,
      period: '1d',
      sli: {
        ratio: {
          errors: sel(m.paidBookingFlows, ['outcome="failed"']),
          total: sel(m.paidBookingFlows, ['outcome=~"confirmed|failed"']),
        },
      },
      alerting: {
        runbook: rb.paidBookingFlow,
        // Fast burns (≥ 0.5 % over an hour) already page through dollar-flow-1h. This SLO adds the
        // slow burns the hourly one tolerates:
        //   page:   6h/30m, 50 % of the day's budget (burn ×2, error ratio ≥ 0.2 % for 6 h): the day
        //           will be lost by the end of it unless someone acts;
        //   ticket: 1d/2h, 100 % (burn ×1, error ratio ≥ 0.1 % over the day): the daily target is
        //           missed; review it in working hours.
        windows: [
          { severity: 'page', long: '6h', short: '30m', budget: 50 },
          { severity: 'ticket', long: '1d', short: '2h', budget: 100 },
        ],
        min_events: 20,
      },
    },
  ],

  // Payments integrity and the operations flags are shared with the pilot (lib.sharedAlerts): they
  // must not disappear when the pilot stage is replaced by this one.
  alerts: lib.sharedAlerts + [
    {
      name: 'Http5xxBurst',
      expr: |||
        (
          sum(increase(%(errors)s[2m])) >= 10
        )
        and
        (
          sum(rate(%(errors)s[2m])) / sum(rate(%(total)s[2m])) > 0.05
        )
      ||| % { errors: lib.httpErrors(), total: lib.httpTotal() },
      'for': '1m',
      severity: 'page',
      priority: 'P1',
      summary: '5xx burst: {{ $value | humanizePercentage }} of requests failing',
      description: 'More than 5 % of non-429 requests (and at least 10) returned 5xx over 2 minutes, for a minute. '
                   + 'Under load Bookiji must shed with 429 + Retry-After, never 5xx. Bursts this short are diluted '
                   + 'in the 1 h burn-rate windows of error-rate, hence this alert.',
      runbook: rb.apiErrors,
      test: {
        series: [
          { series: 'bookiji_http_requests_total{job="bookiji", route="/api/quote", method="POST", code="200"}', values: '0+100x40' },
          { series: 'bookiji_http_requests_total{job="bookiji", route="/api/quote", method="POST", code="429"}', values: '0+500x40' },
          { series: 'bookiji_http_requests_total{job="bookiji", route="/api/quote", method="POST", code="500"}', values: '0x20 50+50x20' },
        ],
        holds_from: '21m',
      },
    },
  ],

  dashboard: {
    url: lib.dashboards.launch,
    rows: [
      {
        title: 'Availability and errors',
        panels: [
          {
            title: 'Synthetic checks, last 24 h (go/no-go: both regions green)',
            type: 'table',
            unit: 'percentunit',
            description: 'Share of successful runs per check and region over 24 h.',
            queries: [{
              expr: 'avg by (region, check) (avg_over_time(%s[24h]))'
                    % lib.selJob(lib.syntheticsJob, m.syntheticSuccess),
              legend: '{{region}} {{check}}',
            }],
            thresholds: [{ value: 0, color: 'red' }, { value: 1, color: 'green' }],
          },
          {
            title: 'Synthetic check duration',
            type: 'timeseries',
            unit: 's',
            queries: [{
              expr: 'max by (region, check) (%s)' % lib.selJob(lib.syntheticsJob, m.syntheticDuration),
              legend: '{{region}} {{check}}',
            }],
          },
          {
            title: 'Error ratio (5xx / non-429)',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [{
              expr: 'sum(rate(%s[5m])) / sum(rate(%s[5m]))' % [lib.httpErrors(), lib.httpTotal()],
              legend: 'error ratio',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.005, color: 'red' }],
          },
          {
            title: 'Errors by route and 429 rate limits',
            type: 'timeseries',
            unit: 'reqps',
            queries: [
              { expr: 'sum by (route) (rate(%s[5m]))' % lib.httpErrors(), legend: '5xx {{route}}' },
              { expr: 'sum by (route) (rate(%s[5m]))' % sel(m.httpRequests, ['code="429"']), legend: '429 {{route}}' },
            ],
          },
        ],
      },
      {
        title: 'API latency',
        panels: [
          {
            title: 'Create payment intent p95 / p99',
            type: 'timeseries',
            unit: 's',
            queries: [
              {
                expr: 'histogram_quantile(%s, sum by (le) (rate(%s[5m])))'
                      % [q, sel(m.httpDuration + '_bucket', ['route="%s"' % r.paymentIntent])],
                legend: 'p' + std.toString(q * 100),
              }
              for q in [0.95, 0.99]
            ],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.7, color: 'orange' }, { value: 1.2, color: 'red' }],
          },
          {
            title: 'Other APIs p95 by route',
            type: 'timeseries',
            unit: 's',
            queries: [{
              expr: 'histogram_quantile(0.95, sum by (route, le) (rate(%s[5m])))'
                    % sel(m.httpDuration + '_bucket', otherApis),
              legend: '{{route}}',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.4, color: 'red' }],
          },
        ],
      },
      {
        title: 'User experience',
        panels: [
          {
            title: 'Booking → payment screen p95, confirm (charged) p95',
            type: 'timeseries',
            unit: 's',
            queries: [
              {
                expr: 'histogram_quantile(0.95, sum by (le) (rate(%s[15m])))'
                      % sel(m.bookingFlowDuration + '_bucket', ['step="payment_screen"']),
                legend: 'booking → payment screen',
              },
              {
                expr: 'histogram_quantile(0.95, sum by (le) (rate(%s[15m])))'
                      % sel(m.confirmDuration + '_bucket', ['charged="true"']),
                legend: 'confirm (charged)',
              },
            ],
          },
          {
            title: 'Homepage load p95 / p99 by device',
            type: 'timeseries',
            unit: 's',
            queries: [
              {
                expr: 'histogram_quantile(%s, sum by (device, le) (rate(%s[15m])))'
                      % [q, sel(m.pageLoadDuration + '_bucket', ['page="home"'])],
                legend: 'p' + std.toString(q * 100) + ' {{device}}',
              }
              for q in [0.95, 0.99]
            ],
          },
          {
            title: 'Web vitals p75 (FCP, LCP)',
            type: 'timeseries',
            unit: 's',
            queries: [
              {
                expr: 'histogram_quantile(0.75, sum by (le) (rate(%s[1h])))' % sel(m.fcp + '_bucket'),
                legend: 'FCP',
              },
              {
                expr: 'histogram_quantile(0.75, sum by (le) (rate(%s[1h])))' % sel(m.lcp + '_bucket'),
                legend: 'LCP',
              },
            ],
          },
          {
            title: 'Page views with CLS < 0.1',
            type: 'stat',
            unit: 'percentunit',
            queries: [{
              expr: 'sum(rate(%s[1h])) / sum(rate(%s[1h]))'
                    % [sel(m.cls + '_bucket', ['le="0.1"']), sel(m.cls + '_count')],
            }],
            thresholds: [{ value: 0, color: 'red' }, { value: 0.75, color: 'green' }],
          },
        ],
      },
      {
        title: 'Payments',
        panels: [
          {
            title: '$1 flow success (1 h, 1 d)',
            type: 'stat',
            unit: 'percentunit',
            queries: [
              {
                expr: 'sum(increase(%s[%s])) / sum(increase(%s[%s]))'
                      % [sel(m.paidBookingFlows, ['outcome="confirmed"']), w,
                         sel(m.paidBookingFlows, ['outcome=~"confirmed|failed"']), w],
                legend: w,
              }
              for w in ['1h', '1d']
            ],
            thresholds: [{ value: 0, color: 'red' }, { value: 0.995, color: 'orange' }, { value: 0.999, color: 'green' }],
          },
          {
            title: 'Stripe webhook outcomes (go/no-go: deliveries answered 200)',
            type: 'timeseries',
            unit: 'ops',
            queries: [{ expr: 'sum by (outcome) (rate(%s[5m]))' % sel(m.stripeWebhooks), legend: '{{outcome}}' }],
          },
          {
            title: 'Outbox dead-letter queue',
            type: 'stat',
            unit: 'short',
            description: 'OutboxDLQNotEmpty pages after 5 minutes above 0.',
            queries: [{ expr: 'max(%s)' % sel(m.outboxDlqDepth) }],
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
          {
            title: 'Payment outcomes',
            type: 'timeseries',
            unit: 'ops',
            queries: [{ expr: 'sum by (outcome) (rate(%s[5m]))' % sel(m.payments), legend: '{{outcome}}' }],
          },
        ],
      },
      {
        title: 'Backend budgets',
        panels: [
          {
            title: 'DB query p95 by operation',
            type: 'timeseries',
            unit: 's',
            queries: [{
              expr: 'histogram_quantile(0.95, sum by (operation, le) (rate(%s[5m])))' % sel(m.dbQueryDuration + '_bucket'),
              legend: '{{operation}}',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.1, color: 'red' }],
          },
          {
            title: 'External API p95 by dependency',
            type: 'timeseries',
            unit: 's',
            queries: [{
              expr: 'histogram_quantile(0.95, sum by (dependency, le) (rate(%s[5m])))' % sel(m.externalDuration + '_bucket'),
              legend: '{{dependency}}',
            }],
            thresholds: [{ value: 0, color: 'green' }, { value: 0.5, color: 'red' }],
          },
          {
            title: 'Upload p95 by size class',
            type: 'timeseries',
            unit: 's',
            queries: [{
              expr: 'histogram_quantile(0.95, sum by (size_class, le) (rate(%s[15m])))' % sel(m.uploadDuration + '_bucket'),
              legend: '{{size_class}}',
            }],
          },
        ],
      },
      {
        title: 'Infrastructure',
        panels: [
          {
            title: 'App CPU (cores) per instance',
            type: 'timeseries',
            unit: 'short',
            queries: [{ expr: 'sum by (instance) (rate(process_cpu_seconds_total{job="bookiji"}[5m]))', legend: '{{instance}}' }],
          },
          {
            title: 'App resident memory per instance',
            type: 'timeseries',
            unit: 'bytes',
            queries: [{ expr: 'max by (instance) (process_resident_memory_bytes{job="bookiji"})', legend: '{{instance}}' }],
          },
          {
            title: 'Host disk and memory available',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [
              {
                expr: 'min by (instance) (node_filesystem_avail_bytes{job="node", fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{job="node", fstype!~"tmpfs|overlay"})',
                legend: 'disk free {{instance}}',
              },
              {
                expr: 'node_memory_MemAvailable_bytes{job="node"} / node_memory_MemTotal_bytes{job="node"}',
                legend: 'memory available {{instance}}',
              },
            ],
          },
          {
            title: 'Network throughput',
            type: 'timeseries',
            unit: 'Bps',
            queries: [
              { expr: 'sum by (instance) (rate(node_network_receive_bytes_total{job="node", device!="lo"}[5m]))', legend: 'rx {{instance}}' },
              { expr: 'sum by (instance) (rate(node_network_transmit_bytes_total{job="node", device!="lo"}[5m]))', legend: 'tx {{instance}}' },
            ],
          },
          {
            title: 'DB connection pool',
            type: 'timeseries',
            unit: 'short',
            queries: [
              { expr: 'sum by (state) (%s)' % sel(m.dbPoolConnections), legend: '{{state}}' },
              { expr: 'sum(%s)' % sel(m.dbPoolMax), legend: 'max' },
              { expr: 'sum(rate(%s[5m]))' % sel(m.dbPoolAcquireTimeouts), legend: 'acquire timeouts/s' },
            ],
          },
          {
            title: 'Cache hit ratio',
            type: 'timeseries',
            unit: 'percentunit',
            queries: [{
              expr: 'sum by (cache) (rate(%s[5m])) / sum by (cache) (rate(%s[5m]))'
                    % [sel(m.cacheRequests, ['result="hit"']), sel(m.cacheRequests)],
              legend: '{{cache}}',
            }],
          },
        ],
      },
      {
        title: 'Business',
        panels: [
          {
            title: 'Booking conversion (quote → confirmed, 1 d)',
            type: 'stat',
            unit: 'percentunit',
            queries: [{
              expr: 'sum(increase(%s[1d])) / sum(increase(%s[1d]))'
                    % [sel(m.bookingFunnel, ['step="confirmed"']), sel(m.bookingFunnel, ['step="quote"'])],
            }],
          },
          {
            title: 'Payment success rate (1 d)',
            type: 'stat',
            unit: 'percentunit',
            queries: [{
              expr: 'sum(increase(%s[1d])) / sum(increase(%s[1d]))'
                    % [sel(m.payments, ['outcome="succeeded"']), sel(m.payments, ['outcome=~"succeeded|failed"'])],
            }],
          },
          {
            title: 'Session duration p50 / p90',
            type: 'timeseries',
            unit: 's',
            queries: [
              {
                expr: 'histogram_quantile(%s, sum by (le) (rate(%s[1h])))' % [q, sel(m.sessionDuration + '_bucket')],
                legend: 'p' + std.toString(q * 100),
              }
              for q in [0.5, 0.9]
            ],
          },
          {
            title: 'Feature adoption (uses per day)',
            type: 'bargauge',
            unit: 'short',
            queries: [{ expr: 'sum by (feature) (increase(%s[1d]))' % sel(m.featureUsage), legend: '{{feature}}' }],
          },
        ],
      },
    ],
  },
}
