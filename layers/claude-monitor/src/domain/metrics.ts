/**
 * CloudWatch metric names (Embedded Metric Format) emitted by the layer and the functions.
 * The infrastructure's alarms and the docs refer to these, so they are defined once.
 */
export const METRIC_NAMESPACE = 'ClaudeMonitor';

export const METRIC = {
  /** Claude calls recorded by the layer. */
  calls: 'Calls',
  /** Claude calls that failed. */
  errors: 'Errors',
  /** Cost of the calls in USD (converted from nano-dollars only for the metric). */
  costUsd: 'CostUsd',
  inputTokens: 'InputTokens',
  outputTokens: 'OutputTokens',
  cacheReadTokens: 'CacheReadTokens',
  cacheWriteTokens: 'CacheWriteTokens',
  /** Calls whose model is not in the price table. */
  unpricedCalls: 'UnpricedCalls',
  /** Calls an enforced budget refused before they were sent (fail-closed refusals included). */
  budgetRefusals: 'BudgetRefusals',
  /** Calls sent unchecked because the budget check could not reach DynamoDB in time (fail open). */
  budgetChecksUnavailable: 'BudgetChecksUnavailable',
  /**
   * Records the layer certainly could not write to DynamoDB (refused, rejected, never sent): logged as JSON
   * lines instead. Its alarm counts only these definite failures.
   */
  recordsNotWritten: 'RecordsNotWritten',
  /** Records whose write was sent but not answered before the deadline: maybe stored; logged for replay. */
  recordsUnconfirmed: 'RecordsUnconfirmed',
  /** Logged records the replay function stored (they were not in the table yet). */
  recordsReplayed: 'RecordsReplayed',
  /** Logged records the replay function could not store, or lines it could not read. */
  replayFailures: 'ReplayFailures',
  /** Monitoring failures swallowed so as not to break the caller. */
  monitorFailures: 'MonitorFailures',
  /** Stream records the aggregator could not process (sent to the on-failure destination). */
  poisonRecords: 'PoisonRecords',
  /** Alerts published to SNS. */
  alertsPublished: 'AlertsPublished',
  /** Alerts whose publish failed and wait in the outbox. */
  alertsPending: 'AlertsPending',
  /** Notifications a channel accepted (dimension `Channel`). */
  notificationsDelivered: 'NotificationsDelivered',
  /** Notification attempts that will be retried (429, 5xx, timeouts, network errors). */
  notificationsRetried: 'NotificationsRetried',
  /** Notifications a channel refused for good (4xx other than 429, bad secret), sent to the dead-letter queue. */
  notificationsFailed: 'NotificationsFailed',
  /** Notifications held for a channel's digest. */
  notificationsDigested: 'NotificationsDigested',
  /** Reconciliation, per source and UTC day (use the Maximum statistic: a day is reconciled on several runs). */
  reconciledTrackedUsd: 'ReconciledTrackedUsd',
  reconciledBilledUsd: 'ReconciledBilledUsd',
  /** Sum over models of |billed − tracked|, in USD. */
  reconciliationDifferenceUsd: 'ReconciliationDifferenceUsd',
  /** Billed under API keys or workspaces outside the monitored ones, in USD. */
  unmonitoredSpendUsd: 'UnmonitoredSpendUsd',
  /** Runs of a source that failed (Admin API or Cost Explorer refused or unreachable). */
  reconciliationErrors: 'ReconciliationErrors',
} as const;

export const METRIC_DIMENSION = {
  functionName: 'FunctionName',
  model: 'Model',
  service: 'service',
  channel: 'Channel',
  /** Reconciliation source: `anthropic` or `bedrock`. */
  source: 'Source',
} as const;

/**
 * Service name of each function: its Powertools `service` (the dimension of the metrics it emits and the
 * name on its log lines). The infrastructure sets `POWERTOOLS_SERVICE_NAME` from the same names, and the
 * metrics dashboards query by them.
 */
export const SERVICE = {
  aggregator: 'claude-monitor-aggregator',
  outbox: 'claude-monitor-outbox',
  insights: 'claude-monitor-insights',
  recompute: 'claude-monitor-recompute',
  budgetSweep: 'claude-monitor-budget-sweep',
  notifier: 'claude-monitor-notifier',
  digest: 'claude-monitor-digest',
  reconciler: 'claude-monitor-reconciler',
  replay: 'claude-monitor-replay',
  api: 'claude-monitor-api',
} as const;
export type Service = (typeof SERVICE)[keyof typeof SERVICE];
