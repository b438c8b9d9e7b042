import type {
  AlertConfig,
  BudgetConfig,
  BudgetEnforcementConfig,
  EmailSubscriptionConfig,
  NotificationChannelConfig,
} from 'claude-monitor/domain';
import type { ReconciliationProps } from '../constructs/claude-monitor-props';

/**
 * The deployment configuration as written in `claude-monitor.config.json` or passed as the CDK context value
 * `claudeMonitor`. Plain JSON: the loader turns it into `ClaudeMonitorProps`, which validate every field.
 */
export interface MonitorConfig {
  /** Name of the CloudFormation stack. @default 'ClaudeMonitor-<stageName>' */
  stackName?: string;
  /** @default 'prod' */
  stageName?: string;
  /** Addresses, or `{ "address", "filter" }` to receive only some alerts. @default [] */
  alertEmails?: (string | EmailSubscriptionConfig)[];
  /** Slack, Teams and signed webhook channels (docs/notifications.md). @default [] */
  alertChannels?: NotificationChannelConfig[];
  /** HTTPS endpoints only. @default [] */
  alertWebhooks?: string[];
  /** Alert thresholds and budget alert steps. @default DEFAULT_ALERT_CONFIG */
  alerts?: Partial<AlertConfig>;
  /** Budgets, enforced or alert-only (docs/budgets.md). @default [] */
  budgets?: BudgetConfig[];
  /** How attached functions enforce budgets. @default DEFAULT_BUDGET_ENFORCEMENT */
  budgetEnforcement?: Partial<BudgetEnforcementConfig>;
  /** Days raw call records are kept. @default 90 */
  retentionDays?: number;
  /** Days logs are kept; one of CloudWatch Logs' allowed retentions. @default 30 */
  logRetentionDays?: number;
  /** @default { batchSize: 10000, batchingWindowSeconds: 30, parallelizationFactor: 1 } */
  aggregator?: { batchSize?: number; batchingWindowSeconds?: number; parallelizationFactor?: number };
  /** DynamoDB capacity mode. @default { mode: 'onDemand' } */
  capacity?: {
    mode?: 'onDemand' | 'provisioned';
    minWriteUnits?: number;
    maxWriteUnits?: number;
    minReadUnits?: number;
    maxReadUnits?: number;
    targetUtilizationPercent?: number;
  };
  /** @default { rateLimit: 20, burstLimit: 40 } */
  apiThrottle?: { rateLimit?: number; burstLimit?: number };
  /**
   * Reconciliation with the bill: `schedule`, `lookbackDays`, `differencePercent`, `differenceUsd`,
   * `anthropic.monitoredApiKeyIds`, `bedrock.enabled`, ... (docs/reconciliation.md).
   * @default daily, 1% or $1, Bedrock off
   */
  reconciliation?: ReconciliationProps;
  /** Only origin CORS allows. @default - CORS off */
  dashboardOrigin?: string;
  /** @default 'retain' */
  removalPolicy?: 'retain' | 'destroy';
  /** @default true */
  deletionProtection?: boolean;
  /**
   * Upgrades only: keep the earlier all-attributes `byDimension` index for one deploy (docs/deploy.md).
   * @default false
   */
  keepLegacyDimensionIndex?: boolean;
  /**
   * Upgrades only: keep the earlier session index `bySession` while another index changes (docs/deploy.md).
   * @default false
   */
  keepSessionIndex?: boolean;
  /**
   * The CloudWatch dashboard of the monitor's metrics ($3 a month beyond an account's first three).
   * @default true
   */
  metricsDashboard?: boolean;
}

/** File read from the repository root when present. */
export const CONFIG_FILE_NAME = 'claude-monitor.config.json';
/** CDK context key (`cdk deploy -c claudeMonitor='{"stageName":"dev"}'`); it overrides the file. */
export const CONFIG_CONTEXT_KEY = 'claudeMonitor';
