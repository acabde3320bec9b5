// Bookiji's runbook pages and incident-response times: the `runbooks` section of bookiji.jsonnet
// (README §1.14). slogen writes each page as output/docs/runbooks/<page>.md, published at
// https://runbooks.bookiji.com/<page>, and copies it into the page of every alert that links to it.
//
// Sources: the launch document (000) "Incident Response" and "Runbooks", the pilot document (001)
// "Runbooks", "Rollback" and "Feature Flags", and the decisions in README §4. Steps the documents do not
// give are ours and say so. Markdown, written into the pages verbatim.

{
  // Launch document, "Incident Response".
  priorities:: {
    P0: { title: 'Critical (service down)', response: '5m', escalation: '0', recovery: '15m' },
    P1: { title: 'High (performance degradation)', response: '15m', escalation: '1h', recovery: '2h' },
    P2: { title: 'Medium (feature issues)', response: '2h', escalation: '4h', recovery: '24h' },
  },

  pages:: {
    // --- From the launch document (000), "Synthetic Monitoring" and "Runbooks" ---
    'synthetic-monitor-failures': {
      title: 'Synthetic monitor failures',
      text: |||
        The synthetic checks (`health`, `admin_guard`, `calendar_links`) run every 15 minutes from two
        regions: `us-east` (GitHub Actions) and `eu-west` (the secondary provider). An alert means a check
        failed twice in a row (the two-strike rule), or a region stopped reporting.

        1. Look at the alert's `check` and `region` labels. `health` failing in **every** region is P0: the
           service is down for everyone. In one region only, suspect that checker or its network path
           first: compare with the other region on the dashboard.
        2. `admin_guard` failing means an admin route answered without the `admin_only` guard: treat it as a
           security exposure, not an outage. Turn `ops.force_cancel` off if the guard does not hold.
        3. `calendar_links` failing is a feature issue (P2): check the calendar export endpoint and the
           last deployment.
        4. `SyntheticChecksMissing`: a region stopped reporting. Check the GitHub Actions schedule or the
           secondary provider's status before suspecting the application.
        5. Once the cause is fixed, the next two passing runs clear the alert (up to 30 minutes).
      |||,
    },
    'load-test-failures': {
      title: 'Load test failures (CI)',
      text: |||
        A CI gate, not an alert: k6 runs on every PR (20 RPS sustained, 200 RPS burst; thresholds
        < 0.5 % errors, p95 < 700 ms, p99 < 1.2 s).

        1. Check the k6 output for the specific failure points.
        2. Verify the test environment's connectivity.
        3. Review recent deployments for performance regressions.
        4. Scale resources if needed.
      |||,
    },
    'visual-regression-failures': {
      title: 'Visual regression failures (CI)',
      text: |||
        A CI gate, not an alert: screenshots of the home page themes at desktop (1280x800), tablet
        (768x1024) and mobile (375x667) on every PR; required for merges to main.

        1. Compare the screenshots to identify the changes.
        2. Determine whether the changes are intentional.
        3. Update the baseline screenshots if they are.
        4. Otherwise investigate the CSS and component changes.
      |||,
    },

    // --- From the pilot document (001), "Runbooks" ---
    'incident-001-stripe-dlq-growth': {
      title: 'Incident-001: Stripe DLQ growth',
      text: |||
        Paid bookings are stuck between Stripe and our ledger: outbox messages reached the dead-letter
        queue (`bookiji_outbox_dlq_depth` > 0), or Stripe webhooks are failing.

        1. Pause the confirm processor, so no new message joins the queue while you work.
        2. Drain the DLQ with exponential backoff.
        3. Verify the idempotent skips (`bookiji_stripe_webhooks_total{outcome="idempotent_skip"}`): a
           replayed message must not charge again.
        4. Reconcile the ledger. If reconciliation finds a double charge, `PaymentsDoubleCharge` pages:
           follow [payments-double-charge](https://runbooks.bookiji.com/payments-double-charge).
      |||,
    },
    'incident-002-provider-slow-down': {
      title: 'Incident-002: map provider slow or down',
      text: |||
        The map adapter is serving a large share of requests from the fallback provider.

        1. Activate the fallback map tiles for everyone, if the adapter has not already.
        2. Raise the SLA breach banner.
        3. Auto-cancel bookings that wait for the map longer than T.
        4. Notify the vendor.
      |||,
    },
    'incident-003-privacy-export-delete-slowness': {
      title: 'Incident-003: privacy export/delete slowness',
      text: |||
        PII export or delete requests take longer than 60 s (p95), or a request is stuck in the queue.

        1. Scale the worker pool.
        2. Prioritise the export/delete queue.
        3. Verify the audit of accesses: every access during the incident is in the access log
           (subject, actor, purpose, timestamp).
      |||,
    },
    'incident-004-latency-regression': {
      title: 'Incident-004: latency regression',
      text: |||
        Requests are slower than their latency objective.

        1. Enable the sampling profiler.
        2. Warm the caches.
        3. Roll back the last feature flag.
        4. If a deployment coincides with the start, roll it back too.
      |||,
    },

    // --- Written for the alerts the documents give no runbook for (README §3.3) ---
    'payments-double-charge': {
      title: 'Payments: double charge',
      text: |||
        A customer has been charged twice for one booking. Direct customer harm: P0, the target is 0.0 %.

        **How this page clears.** `PaymentsDoubleCharge` fires when `bookiji_payments_double_charge_total`
        increases and then stays firing while `bookiji_payments_double_charges_open` (ledger: double
        charges not yet refunded) is above 0. It does **not** resolve on its own, and it must not:

        1. Find the booking: the ledger reconciliation report lists every booking with more than one
           successful charge.
        2. **Refund the extra charge in Stripe** (or `bkctl rollback --booking <id>`, which refunds,
           reverts the state and appends to the audit log).
        3. Wait for the next reconciliation run: it sees the refund and brings
           `bookiji_payments_double_charges_open` to 0. The page clears by itself within 10 minutes after.
        4. **Silencing is not clearing.** A silence in Alertmanager only hides the page; the customer is
           still charged twice. Do not silence it; refund.
        5. Then find the broken idempotency path: check that `payments.outbox` is ON
           (`PaymentsOutboxFlagOff`), and look for webhook replays that were not idempotent skips.
      |||,
    },
    'access-log-write-failures': {
      title: 'Access log write failures',
      text: |||
        More than 0.1 % of access log writes failed for 15 minutes. Access logs record every access to
        personal data (subject id, actor id, purpose, timestamp) and are immutable: a lost write is a gap
        in the privacy audit that cannot be filled later.

        1. Check the access log store: disk space, write permissions, connection errors in the app logs.
        2. Writes must not be dropped silently: if the store is down, stop the features that read personal
           data (export, admin views) until it is back, rather than serving them unaudited.
        3. Once writes succeed again, record the failed interval (from
           `bookiji_access_log_write_failures_total`) in the incident report, for the privacy audit.
      |||,
    },
    'api-errors': {
      title: 'API errors (5xx)',
      text: |||
        The API returns too many 5xx responses: the error-rate SLO (99.5 %, 429 rate limits left out) is
        burning its budget, or a burst of 5xx (`Http5xxBurst`) is under way.

        1. Open the dashboard's "Errors by route and 429 rate limits" panel: one route or all of them?
        2. All routes: check the last deployment and roll it back; check the database pool and the
           dependencies on the "Dependencies and operations" row.
        3. One route: check its dependency (Stripe for payments, the map provider for quotes).
        4. 429s are not errors here: a client hitting the rate limit gets a graceful 429 with
           `Retry-After`, and does not burn the budget.
        5. The burn alerts clear once the short window (5 to 30 minutes) is back under the threshold.
      |||,
    },
    'paid-booking-flow-failures': {
      title: 'Paid booking ($1 flow) failures',
      text: |||
        Paid bookings that reached the payment step did not end confirmed: the $1 flow's hourly (99.5 %)
        or daily (99.9 %) objective is burning. Each failure is a customer who tried to pay and has no
        booking.

        1. Check Stripe's status and the webhook outcomes (`bookiji_stripe_webhooks_total{outcome}`).
        2. Check the outbox: messages queued or in the DLQ (`bookiji_outbox_messages{state}`); if the DLQ
           grows, follow [incident-001-stripe-dlq-growth](https://runbooks.bookiji.com/incident-001-stripe-dlq-growth).
        3. Check the confirm endpoint's errors and latency on the dashboard.
        4. A charged customer without a booking needs `bkctl rollback --booking <id>` (refund) or a manual
           confirmation: list the failed flows before closing the incident.
      |||,
    },
    rollback: {
      title: 'Rollback (`bkctl rollback`)',
      text: |||
        `bkctl rollback --booking <id>` refunds, reverts the booking's state and appends to the audit log.
        Target: 60 s or less. Drills run weekly during the pilot, with evidence in
        `/ops/drills/YYYY-MM-DD.md`.

        - **`RollbackSlow`**: the p99 of the last day's rollbacks (interpolated within the histogram's
          buckets) is over 60 s. Check which step is slow: the Stripe refund, the state reversion or the
          audit append; compare drills (`drill="true"`) with real rollbacks on the dashboard.
        - **`RollbackDrillOverdue`**: no successful drill in 8 days (a week and a day's grace). Run one
          (`bkctl rollback --drill --booking <id>`) and store the evidence in `/ops/drills/YYYY-MM-DD.md`.
          The ticket clears on the next evaluation after the drill succeeds.
      |||,
    },
    'feature-flags': {
      title: 'Feature flags',
      text: |||
        The pilot document fixes three flags:

        | flag | must be | alert |
        | --- | --- | --- |
        | `payments.outbox` | ON | `PaymentsOutboxFlagOff` (page P1): without the outbox, double charges become possible |
        | `ops.force_cancel` | ON, behind the `admin_only` guard | `ForceCancelFlagOff` (ticket) |
        | `beta.public_directory` | OFF for the MVP | `PublicDirectoryFlagOn` (ticket, pilot only) |

        1. The alert's `flag` label names the flag; the dashboard's "Feature flags" panel shows every
           instance.
        2. Set the flag back, on every instance, and find out who changed it and why.
        3. While `payments.outbox` was off, payments went around the outbox: run the ledger reconciliation
           and check for double charges ([payments-double-charge](https://runbooks.bookiji.com/payments-double-charge)).
      |||,
    },
    'performance-budgets': {
      title: 'Performance budgets',
      text: |||
        The launch document's performance budgets: FCP < 1.5 s, LCP < 2.5 s, CLS < 0.1 (judged at p75),
        database queries < 100 ms p95, external API calls < 500 ms p95, file uploads < 2 s for 5 MB. These
        open tickets, never pages: the budget is spending faster than it should, not an outage.

        1. Frontend (FCP, LCP, CLS): check the last frontend release and its bundle size; compare devices
           (`device` label) and pages on the dashboard.
        2. Database queries: find the slow `operation` on the dashboard; check missing indexes and the
           connection pool.
        3. External calls: the `dependency` label names the slow one; check its status page.
        4. Uploads: check the storage backend and the upload path for the 1–5 MB size class.
        5. Fix it within the ticket's P2 times, or plan the work and record why the budget was spent.
      |||,
    },
  },
}
