import { ConfigError, ENV } from 'claude-monitor/domain';

/**
 * Which Anthropic report API the reconciler reads. `analytics` is the Usage and Cost Analytics API
 * (`/v1/organizations/analytics/usage` and `/cost`, beta header `analytics-usage-cost-2026-08-24`), which
 * Anthropic recommends for new integrations and which reports cost per API key. `usage-cost` is the legacy
 * Usage and Cost API (`/v1/organizations/usage_report/messages` and `/cost_report`), still supported, for
 * organizations the beta refuses (HIPAA readiness); its cost report has no API-key dimension.
 */
export const REPORT_API = { analytics: 'analytics', usageCost: 'usage-cost' } as const;
export type ReportApi = (typeof REPORT_API)[keyof typeof REPORT_API];

/** Settings of the reconciliation with the bill, set at deploy time and read by the reconciler. */
export interface ReconciliationConfig {
  /**
   * Complete UTC days reconciled on every run, yesterday being the latest. Bills settle over a few days, so
   * each day is compared again on the next runs and its stored result replaced.
   * @default 3
   */
  lookbackDays: number;
  /**
   * A day alerts when |billed − tracked| (summed over models) is above both this percentage of the billed
   * cost and `differenceUsd`. 0 leaves only the other bound.
   * @default 1
   */
  differencePercent: number;
  /** @default 1 */
  differenceUsd: number;
  /**
   * Alert when spend appears under an API key or workspace outside the monitored ones (once per day and key).
   * @default true
   */
  unmonitoredAlerts: boolean;
  anthropic: {
    /** @default 'analytics' */
    reportApi: ReportApi;
    /**
     * API keys (`apikey_…`) the monitored functions use. Billed usage under any other key is reported as
     * unmonitored instead of being compared. Empty: every key counts as monitored. Needs `analytics`.
     * @default []
     */
    monitoredApiKeyIds: string[];
    /** Workspaces (`wrkspc_…`) whose usage counts as monitored, like `monitoredApiKeyIds`. @default [] */
    monitoredWorkspaceIds: string[];
  };
  bedrock: {
    /**
     * Compare Bedrock spend from Cost Explorer too. Off by default: Cost Explorer charges $0.01 per request.
     * @default false
     */
    enabled: boolean;
  };
}

export const DEFAULT_RECONCILIATION_CONFIG: Readonly<ReconciliationConfig> = Object.freeze({
  lookbackDays: 3,
  differencePercent: 1,
  differenceUsd: 1,
  unmonitoredAlerts: true,
  anthropic: { reportApi: REPORT_API.analytics, monitoredApiKeyIds: [], monitoredWorkspaceIds: [] },
  bedrock: { enabled: false },
});

/** What a deployment may set: any field, nested ones partly. */
export interface ReconciliationSettings extends Partial<Omit<ReconciliationConfig, 'anthropic' | 'bedrock'>> {
  anthropic?: Partial<ReconciliationConfig['anthropic']>;
  bedrock?: Partial<ReconciliationConfig['bedrock']>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const KNOWN = {
  top: ['lookbackDays', 'differencePercent', 'differenceUsd', 'unmonitoredAlerts', 'anthropic', 'bedrock'],
  anthropic: ['reportApi', 'monitoredApiKeyIds', 'monitoredWorkspaceIds'],
  bedrock: ['enabled'],
} as const;

const unknownKeys = (value: Record<string, unknown>, known: readonly string[], path: string): string[] =>
  Object.keys(value)
    .filter((key) => !known.includes(key))
    .map((key) => `${path}.${key} is not a known setting (expected ${known.join(', ')})`);

const idList = (value: unknown, path: string, prefix: string): string[] => {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return [`${path} must be a list of ids`];
  return value.flatMap((id, i) =>
    typeof id === 'string' && id.startsWith(prefix) && id.length <= 256
      ? []
      : [`${path}[${i}] must be an id starting with ${prefix}, got ${JSON.stringify(id)}`],
  );
};

/**
 * Every problem with (partial) settings, each naming the setting, e.g.
 * `reconciliation.lookbackDays must be a whole number from 1 to 31, got 0`. Empty means valid.
 */
export const validateReconciliationSettings = (settings: unknown, path = 'reconciliation'): string[] => {
  if (!isObject(settings)) return [`${path} must be an object`];
  const problems = unknownKeys(settings, KNOWN.top, path);
  const { lookbackDays, differencePercent, differenceUsd, unmonitoredAlerts, anthropic, bedrock } = settings;
  if (
    lookbackDays !== undefined &&
    !(Number.isSafeInteger(lookbackDays) && (lookbackDays as number) >= 1 && (lookbackDays as number) <= 31)
  ) {
    problems.push(`${path}.lookbackDays must be a whole number from 1 to 31, got ${String(lookbackDays)}`);
  }
  for (const [name, value, max] of [
    ['differencePercent', differencePercent, 100],
    ['differenceUsd', differenceUsd, 1_000_000],
  ] as const) {
    if (value !== undefined && !(typeof value === 'number' && value >= 0 && value <= max)) {
      problems.push(`${path}.${name} must be a number from 0 to ${max}, got ${String(value)}`);
    }
  }
  if (unmonitoredAlerts !== undefined && typeof unmonitoredAlerts !== 'boolean') {
    problems.push(`${path}.unmonitoredAlerts must be true or false`);
  }
  if (anthropic !== undefined) {
    if (!isObject(anthropic)) problems.push(`${path}.anthropic must be an object`);
    else {
      problems.push(...unknownKeys(anthropic, KNOWN.anthropic, `${path}.anthropic`));
      const api = anthropic.reportApi;
      if (api !== undefined && !Object.values(REPORT_API).includes(api as ReportApi)) {
        problems.push(`${path}.anthropic.reportApi must be analytics or usage-cost, got ${String(api)}`);
      }
      const keys = anthropic.monitoredApiKeyIds;
      problems.push(...idList(keys, `${path}.anthropic.monitoredApiKeyIds`, 'apikey_'));
      problems.push(
        ...idList(anthropic.monitoredWorkspaceIds, `${path}.anthropic.monitoredWorkspaceIds`, 'wrkspc_'),
      );
      if (api === REPORT_API.usageCost && Array.isArray(keys) && keys.length > 0) {
        problems.push(
          `${path}.anthropic.monitoredApiKeyIds needs reportApi analytics: the legacy cost report has no API-key dimension (use monitoredWorkspaceIds)`,
        );
      }
    }
  }
  if (bedrock !== undefined) {
    if (!isObject(bedrock)) problems.push(`${path}.bedrock must be an object`);
    else {
      problems.push(...unknownKeys(bedrock, KNOWN.bedrock, `${path}.bedrock`));
      if (bedrock.enabled !== undefined && typeof bedrock.enabled !== 'boolean') {
        problems.push(`${path}.bedrock.enabled must be true or false`);
      }
    }
  }
  return problems;
};

/** Defaults merged with `settings`; throws with every problem listed when they are invalid. */
export const resolveReconciliationConfig = (settings: ReconciliationSettings = {}): ReconciliationConfig => {
  const problems = validateReconciliationSettings(settings);
  if (problems.length > 0) throw new Error(`invalid reconciliation settings: ${problems.join('; ')}`);
  const defaults = DEFAULT_RECONCILIATION_CONFIG;
  return {
    ...defaults,
    ...settings,
    anthropic: { ...defaults.anthropic, ...settings.anthropic },
    bedrock: { ...defaults.bedrock, ...settings.bedrock },
  } as ReconciliationConfig;
};

/** The settings of the environment (`CLAUDE_MONITOR_RECONCILIATION`); throws a `ConfigError` naming it. */
export const readReconciliationConfig = (env: NodeJS.ProcessEnv = process.env): ReconciliationConfig => {
  const raw = env[ENV.reconciliationConfig]?.trim();
  let settings: unknown = {};
  if (raw) {
    try {
      settings = JSON.parse(raw);
    } catch (cause) {
      throw new ConfigError(ENV.reconciliationConfig, 'is not valid JSON', { cause });
    }
  }
  try {
    return resolveReconciliationConfig(settings as ReconciliationSettings);
  } catch (cause) {
    throw new ConfigError(ENV.reconciliationConfig, (cause as Error).message, { cause });
  }
};
