/**
 * Environment variable names shared by the layer, the functions and the infrastructure.
 * Infra sets them, code reads them: defined once here so the two can never disagree.
 */
export const ENV = {
  /** DynamoDB table that holds call records, rollups and alert state. */
  tableName: 'CLAUDE_MONITOR_TABLE',
  /** Endpoint override for DynamoDB (DynamoDB Local in development and tests). */
  dynamodbEndpoint: 'CLAUDE_MONITOR_DYNAMODB_ENDPOINT',
  /** Endpoint override for SNS (the local SNS emulator). */
  snsEndpoint: 'CLAUDE_MONITOR_SNS_ENDPOINT',
  /** `true` to store prompt and completion text. Off by default. */
  captureContent: 'CLAUDE_MONITOR_CAPTURE_CONTENT',
  /** Days a raw call record is kept before DynamoDB's TTL removes it. */
  retentionDays: 'CLAUDE_MONITOR_RETENTION_DAYS',
  /** JSON price overrides merged over the built-in price table (see `pricing/overrides`). */
  priceOverrides: 'CLAUDE_MONITOR_PRICE_OVERRIDES',
  /** Upper bound in milliseconds on the end-of-invocation flush. */
  flushTimeoutMs: 'CLAUDE_MONITOR_FLUSH_TIMEOUT_MS',
  /** `false` turns recording off without removing the layer. */
  enabled: 'CLAUDE_MONITOR_ENABLED',
  /**
   * Under the layer's Lambda wrapper or the `claude-monitor/auto` preload: `false` records only clients the
   * code monitors itself (`MonitoredAnthropic`, `monitor()`); default true, every Claude call is recorded.
   */
  autoInstrument: 'CLAUDE_MONITOR_AUTO',
  /** The function's own handler (`index.handler`), run by the layer's wrapper handler. */
  originalHandler: 'CLAUDE_MONITOR_HANDLER',
  /**
   * Longest wait, in milliseconds, at the end of an invocation for Claude calls still in flight (calls the
   * code did not await, streams it did not read) before they are recorded with what they have so far.
   */
  settleTimeoutMs: 'CLAUDE_MONITOR_SETTLE_TIMEOUT_MS',
  /** SNS topic ARN the aggregator publishes alerts to. */
  alertTopicArn: 'CLAUDE_MONITOR_ALERT_TOPIC_ARN',
  /** JSON alert rules and thresholds (see `AlertConfig`). */
  alertConfig: 'CLAUDE_MONITOR_ALERT_CONFIG',
  /** Bearer token accepted by the API (local stack); in AWS the authorizer reads it from Secrets Manager. */
  apiToken: 'CLAUDE_MONITOR_API_TOKEN',
  /** Secrets Manager secret ARN holding the API token (AWS). */
  apiTokenSecretArn: 'CLAUDE_MONITOR_API_TOKEN_SECRET_ARN',
  /** The only origin CORS allows (the dashboard's). */
  dashboardOrigin: 'CLAUDE_MONITOR_DASHBOARD_ORIGIN',
  /** JSON list of the notifier's channels (`NotifierChannel`: name, type, secret, queue, digest). */
  notifierChannels: 'CLAUDE_MONITOR_NOTIFIER_CHANNELS',
  /** Dashboard page URL that chat messages link to, filtered to the alert's scope. */
  dashboardUrl: 'CLAUDE_MONITOR_DASHBOARD_URL',
  /** Endpoint override for SQS (the local SNS/SQS emulator). */
  sqsEndpoint: 'CLAUDE_MONITOR_SQS_ENDPOINT',
  /**
   * JSON list of the deploy-time budgets (`BudgetConfig[]`, both modes), the same for the layer (which
   * enforces the `enforce` ones), the aggregator (alerts) and the API (shows them).
   */
  budgets: 'CLAUDE_MONITOR_BUDGETS',
  /** JSON budget enforcement settings (`BudgetEnforcementConfig`); set by `attach()`. */
  budgetEnforcement: 'CLAUDE_MONITOR_BUDGET_ENFORCEMENT',
  /** Endpoint override for Secrets Manager (a local stand-in). */
  secretsEndpoint: 'CLAUDE_MONITOR_SECRETS_ENDPOINT',
  /** JSON settings of the daily reconciliation with the bill (see `ReconciliationConfig`). */
  reconciliationConfig: 'CLAUDE_MONITOR_RECONCILIATION',
  /** Secrets Manager secret ARN holding the Anthropic Admin API key (AWS). */
  adminKeySecretArn: 'CLAUDE_MONITOR_ADMIN_KEY_SECRET_ARN',
  /** The Anthropic Admin API key itself (local stack); in AWS the reconciler reads it from Secrets Manager. */
  adminKey: 'CLAUDE_MONITOR_ADMIN_KEY',
  /** Base URL override of the Anthropic Admin API (the local stand-in). */
  adminApiUrl: 'CLAUDE_MONITOR_ADMIN_API_URL',
  /** Endpoint override for Cost Explorer (the local stand-in). */
  costExplorerEndpoint: 'CLAUDE_MONITOR_COST_EXPLORER_ENDPOINT',
} as const;

export type EnvName = (typeof ENV)[keyof typeof ENV];

/** Default number of days raw call records are kept. */
export const DEFAULT_RETENTION_DAYS = 90;
/** Default bound on the end-of-invocation flush. */
export const DEFAULT_FLUSH_TIMEOUT_MS = 2_000;
/** Default bound on the wait for Claude calls still in flight at the end of an invocation. */
export const DEFAULT_SETTLE_TIMEOUT_MS = 30_000;

/** Error raised when an environment variable holds a value that cannot be used. */
export class ConfigError extends Error {
  public readonly variable: string;
  public constructor(variable: string, message: string, options?: ErrorOptions) {
    super(`${variable}: ${message}`, options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

/** Reads a boolean flag; unset means `fallback`. Accepts true/false/1/0/yes/no. */
export const readBoolean = (env: NodeJS.ProcessEnv, name: EnvName, fallback: boolean): boolean => {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got "${env[name]}"`);
};

/** Reads a positive integer; unset means `fallback`. */
export const readPositiveInt = (env: NodeJS.ProcessEnv, name: EnvName, fallback: number): number => {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigError(name, `expected a positive whole number, got "${raw}"`);
  }
  return value;
};

/** Reads a required string. */
export const readRequired = (env: NodeJS.ProcessEnv, name: EnvName): string => {
  const raw = env[name]?.trim();
  if (!raw) throw new ConfigError(name, 'is not set');
  return raw;
};
