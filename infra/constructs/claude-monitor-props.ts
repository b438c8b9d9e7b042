import type { RemovalPolicy } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type {
  AlertConfig,
  BudgetConfig,
  BudgetEnforcementConfig,
  EmailSubscriptionConfig,
  NotificationChannelConfig,
} from 'claude-monitor/domain';
import type { ReconciliationSettings } from '../../functions/reconciler/config';

/** How the aggregator reads the table's stream. */
export interface AggregatorProps {
  /**
   * Stream records per aggregator invocation (1 to 10,000). Larger batches pre-aggregate more calls into each
   * rollup write, which costs less and keeps hot rollup keys cool. Lambda also ends a batch at its 6 MB payload
   * limit (about 3,900 call records) and at the batching window.
   * @default 10000
   */
  readonly batchSize?: number;
  /**
   * Seconds the event source waits to fill a batch (0 to 300). Alerts, dashboards and the correction of
   * enforced budget windows are at most this late; a longer window puts more calls into each rollup write
   * (write units per call by window: docs/performance.md).
   * @default 30
   */
  readonly batchingWindowSeconds?: number;
  /**
   * Batches of one stream shard processed at the same time (1 to 10, Lambda's range). Records of one call
   * never share a key with another call's, so order within a shard does not matter for rollups; what grows
   * with the factor is concurrent transactions on the same hot rollups (retried on conflict). Raise it when
   * the aggregator's iterator age grows; see docs/performance.md for the measured conflicts at 10.
   * @default 1
   */
  readonly parallelizationFactor?: number;
}

/** How DynamoDB bills the table's reads and writes. */
export const CAPACITY_MODE = {
  /** Pay per request: nothing while idle, any burst absorbed. */
  onDemand: 'onDemand',
  /** Provisioned units scaled by Application Auto Scaling between a floor and a ceiling. */
  provisioned: 'provisioned',
} as const;
export type CapacityMode = (typeof CAPACITY_MODE)[keyof typeof CAPACITY_MODE];

/**
 * The table's capacity mode. Provisioned capacity costs less per write at a steady load above the break-even
 * rate in docs/performance.md, but its floor is billed while idle and a burst above the scaled capacity is
 * throttled until auto scaling catches up (minutes). The limits apply to the table and to each of its
 * global secondary indexes alike.
 */
export interface CapacityProps {
  /** @default 'onDemand' */
  readonly mode?: CapacityMode;
  /** Provisioned only: write units the table never scales below (1 to 40,000). @default 5 */
  readonly minWriteUnits?: number;
  /** Provisioned only: write units it never scales above (1 to 40,000). @default 1000 */
  readonly maxWriteUnits?: number;
  /** Provisioned only: read units floor (1 to 40,000). @default 5 */
  readonly minReadUnits?: number;
  /** Provisioned only: read units ceiling (1 to 40,000). @default 100 */
  readonly maxReadUnits?: number;
  /** Provisioned only: consumed ÷ provisioned that auto scaling keeps (20 to 90). @default 70 */
  readonly targetUtilizationPercent?: number;
}

/** Request limits of the HTTP API's default stage. */
export interface ApiThrottleProps {
  /**
   * Steady-state requests per second.
   * @default 20
   */
  readonly rateLimit?: number;
  /**
   * Burst of requests above the steady rate.
   * @default 40
   */
  readonly burstLimit?: number;
}

/**
 * The daily reconciliation of tracked spend with the Anthropic bill (Admin API) and, when enabled, the
 * Bedrock bill (Cost Explorer). Thresholds, monitored API keys and the rest: see `ReconciliationSettings`.
 */
export interface ReconciliationProps extends ReconciliationSettings {
  /**
   * Deploy the reconciler. Without an admin key it only records that none is configured.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * When it runs: an EventBridge schedule expression, `cron(...)` or `rate(...)`.
   * @default 'cron(15 6 * * ? *)' (daily, 06:15 UTC)
   */
  readonly schedule?: string;
  /**
   * ARN of an existing Secrets Manager secret holding the Anthropic Admin API key (the bare key, or JSON with
   * an `adminKey` field).
   * @default - the stack creates a secret holding "none"; put the key there, no deploy needed
   */
  readonly adminKeySecretArn?: string;
}

/** Everything `ClaudeMonitor` can be configured with. Validated at synth time. */
export interface ClaudeMonitorProps {
  /**
   * Name of the deployment (e.g. `prod`, `dev`): lower-case letters, digits and dashes, starting with a letter,
   * at most 20 characters. It names the API and the SSM parameter that publishes the layer ARN.
   * @default 'prod'
   */
  readonly stageName?: string;
  /**
   * Email addresses subscribed to the alert topic, each a bare address or `{ address, filter }` to receive
   * only some alerts (e.g. `{ rules: ['budget'] }` for finance). Each address must confirm by email.
   * @default - no email subscriptions
   */
  readonly alertEmails?: readonly (string | EmailSubscriptionConfig)[];
  /**
   * Slack, Microsoft Teams and signed webhook channels that the notifier delivers alerts to, each with its
   * URL in a Secrets Manager secret, an optional filter and an optional digest (see docs/notifications.md).
   * @default - no channels, no notifier
   */
  readonly alertChannels?: readonly NotificationChannelConfig[];
  /**
   * HTTPS endpoints subscribed to the alert topic (SNS confirms them with a subscription request).
   * @default - no webhook subscriptions
   */
  readonly alertWebhooks?: readonly string[];
  /**
   * Alert thresholds and the budget alert steps, merged over the defaults of `DEFAULT_ALERT_CONFIG`.
   * @default DEFAULT_ALERT_CONFIG
   */
  readonly alerts?: Partial<AlertConfig>;
  /**
   * Budgets for the account, tenants, users, sessions or functions, per day, month or session lifetime, each
   * `enforce` (attached functions refuse calls past it) or `alert` (alerts at the `alerts.budgetSteps`
   * percentages only). Run-time budgets set through the API are merged over these. See docs/budgets.md.
   * @default - no deploy-time budgets
   */
  readonly budgets?: readonly BudgetConfig[];
  /**
   * How attached functions enforce budgets: fail open or closed when DynamoDB cannot be reached within
   * `timeoutMs`, the reservation expiry, how often run-time budgets are read.
   * @default DEFAULT_BUDGET_ENFORCEMENT (open, 1000 ms, 1200 s, 60 s)
   */
  readonly budgetEnforcement?: Partial<BudgetEnforcementConfig>;
  /**
   * Days raw call records are kept before the table's TTL removes them (1 to 3,650). Rollups are kept.
   * @default 90
   */
  readonly retentionDays?: number;
  /**
   * Retention of the functions' and the API's log groups.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /** Stream batching of the aggregator. @default - see `AggregatorProps` */
  readonly aggregator?: AggregatorProps;
  /** DynamoDB capacity mode of the table. @default - on-demand, see `CapacityProps` */
  readonly capacity?: CapacityProps;
  /** Throttling of the HTTP API. @default - see `ApiThrottleProps` */
  readonly apiThrottle?: ApiThrottleProps;
  /** Reconciliation with the bill. @default - see `ReconciliationProps` */
  readonly reconciliation?: ReconciliationProps;
  /**
   * The one origin allowed by CORS (e.g. `https://dashboard.example.com`), for a dashboard hosted elsewhere.
   * The built-in dashboard is served by the API itself and needs no CORS.
   * @default - CORS off
   */
  readonly dashboardOrigin?: string;
  /**
   * What happens to the table when it leaves the stack (`RETAIN` or `DESTROY`): cost history survives
   * `cdk destroy` unless asked otherwise.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * DynamoDB deletion protection on the table.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * Upgrades from a version whose group-by index copied every attribute: keep that index (`byDimension`)
   * for one deploy while CloudFormation adds its keys-only replacement, then deploy again without this
   * (docs/deploy.md, "Upgrading"). Nothing reads the old index.
   * @default false
   */
  readonly keepLegacyDimensionIndex?: boolean;
  /**
   * Upgrades from a version with the session index (`bySession`): keep it while another index is being
   * added or deleted, since CloudFormation changes only one index per update (docs/deploy.md, "Upgrading").
   * Nothing reads it and new records are not indexed in it.
   * @default false
   */
  readonly keepSessionIndex?: boolean;
  /**
   * Adds the CloudWatch dashboard of the layer's and the functions' metrics. CloudWatch bills $3 a month per
   * dashboard beyond an account's first three; `false` leaves it out (docs/grafana-dashboard.json charts the
   * same panels from Grafana).
   * @default true
   */
  readonly metricsDashboard?: boolean;
}
