import type { AlertConfig } from 'claude-monitor/domain';

/**
 * The deployment configuration as written in `claude-monitor.config.json` or passed as the CDK context value
 * `claudeMonitor`. Plain JSON: the loader turns it into `ClaudeMonitorProps`, which validate every field.
 */
export interface MonitorConfig {
  /** Name of the CloudFormation stack. @default 'ClaudeMonitor-<stageName>' */
  stackName?: string;
  /** @default 'prod' */
  stageName?: string;
  /** @default [] */
  alertEmails?: string[];
  /** HTTPS endpoints only. @default [] */
  alertWebhooks?: string[];
  /** Thresholds and budgets. @default DEFAULT_ALERT_CONFIG */
  alerts?: Partial<AlertConfig>;
  /** Days raw call records are kept. @default 90 */
  retentionDays?: number;
  /** Days logs are kept; one of CloudWatch Logs' allowed retentions. @default 30 */
  logRetentionDays?: number;
  /** @default { batchSize: 1000, batchingWindowSeconds: 5, parallelizationFactor: 1 } */
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
  /** Only origin CORS allows. @default - CORS off */
  dashboardOrigin?: string;
  /** @default 'retain' */
  removalPolicy?: 'retain' | 'destroy';
  /** @default true */
  deletionProtection?: boolean;
}

/** File read from the repository root when present. */
export const CONFIG_FILE_NAME = 'claude-monitor.config.json';
/** CDK context key (`cdk deploy -c claudeMonitor='{"stageName":"dev"}'`); it overrides the file. */
export const CONFIG_CONTEXT_KEY = 'claudeMonitor';
