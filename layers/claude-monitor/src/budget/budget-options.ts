import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { currentPriceTable } from '../client/prices';
import { type BudgetConfig, modeOf, parseBudgets, validateBudgets } from '../domain/budget';
import {
  type BudgetEnforcementConfig,
  resolveBudgetEnforcement,
  validateBudgetEnforcement,
} from '../domain/budget-enforcement';
import { ConfigError, DEFAULT_FLUSH_TIMEOUT_MS, ENV } from '../domain/env';
import { reportMonitorFailure } from '../recorder/log-line';
import { BudgetStore } from './budget-store';
import { BudgetEnforcer } from './enforcer';
import { BudgetConfigError } from './errors';

/** Budget enforcement of a client (`monitor: { budgets: {...} }`); unset fields come from the environment. */
export interface BudgetOptions extends Partial<BudgetEnforcementConfig> {
  /**
   * Budgets to enforce (those with `mode: 'enforce'`), on top of the run-time budgets set through the API.
   * @default the deploy-time budgets in `CLAUDE_MONITOR_BUDGETS`
   */
  limits?: BudgetConfig[];
  /** Table holding the budget counters. @default `CLAUDE_MONITOR_TABLE` */
  tableName?: string;
  /** @default a DynamoDB client for the environment (DynamoDB Local when `CLAUDE_MONITOR_DYNAMODB_ENDPOINT` is set) */
  client?: DynamoDBClient;
}

const FIELDS = new Set([
  'limits',
  'tableName',
  'client',
  'onUnavailable',
  'timeoutMs',
  'reservationTtlSeconds',
  'runtimeRefreshSeconds',
]);

/** Checks explicit budget options; throws `BudgetConfigError` naming every bad field. */
export const checkBudgetOptions = (options: BudgetOptions, path = 'monitor.budgets'): void => {
  const problems: string[] = [];
  for (const key of Object.keys(options)) {
    if (!FIELDS.has(key)) problems.push(`${path}.${key} is not a budget option`);
  }
  const { limits, tableName, client: _client, ...settings } = options;
  const knownSettings = Object.fromEntries(Object.entries(settings).filter(([key]) => FIELDS.has(key)));
  problems.push(...validateBudgetEnforcement(knownSettings, path));
  if (limits !== undefined) problems.push(...validateBudgets(limits, `${path}.limits`));
  if (tableName !== undefined && (typeof tableName !== 'string' || tableName.trim() === '')) {
    problems.push(`${path}.tableName must be a table name`);
  }
  if (problems.length > 0) throw new BudgetConfigError(`invalid budget options: ${problems.join('; ')}`);
};

const readJson = <T>(env: NodeJS.ProcessEnv, name: typeof ENV.budgetEnforcement): Partial<T> | undefined => {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Partial<T>;
  } catch (cause) {
    throw new ConfigError(name, 'is not valid JSON', { cause });
  }
};

const envBudgets = (env: NodeJS.ProcessEnv): BudgetConfig[] => {
  const raw = env[ENV.budgets]?.trim();
  if (!raw) return [];
  try {
    return parseBudgets(raw, ENV.budgets);
  } catch (cause) {
    throw new ConfigError(ENV.budgets, cause instanceof Error ? cause.message : String(cause), { cause });
  }
};

/**
 * The enforcer a client's options call for, or undefined for none: `false` switches enforcement off; with
 * no options, it is on when the environment asks for it (`CLAUDE_MONITOR_BUDGET_ENFORCEMENT`, set by
 * `attach()`, or an enforced budget in `CLAUDE_MONITOR_BUDGETS`). Explicit options were checked already;
 * a bad environment is reported and leaves enforcement off, as the rest of the monitor treats bad settings.
 */
export const createEnforcer = (
  options: BudgetOptions | false | undefined,
  env: NodeJS.ProcessEnv,
): BudgetEnforcer | undefined => {
  if (options === false) return undefined;
  try {
    const fromEnv = readJson<BudgetEnforcementConfig>(env, ENV.budgetEnforcement);
    const limits = options?.limits ?? envBudgets(env);
    if (!options && !fromEnv && !limits.some((budget) => modeOf(budget) === 'enforce')) return undefined;
    const { limits: _limits, tableName: _table, client, ...explicit } = options ?? {};
    const settings = resolveBudgetEnforcement({ ...fromEnv, ...explicit }, ENV.budgetEnforcement);
    const tableName = options?.tableName ?? env[ENV.tableName]?.trim();
    if (!tableName)
      throw new ConfigError(ENV.tableName, 'is not set: budgets cannot be enforced without the table');
    const store = new BudgetStore({
      tableName,
      ...(client ? { client } : {}),
      requestTimeoutMs: Math.max(settings.timeoutMs, DEFAULT_FLUSH_TIMEOUT_MS),
      env,
    });
    return new BudgetEnforcer(store, limits, settings, currentPriceTable);
  } catch (error) {
    reportMonitorFailure('budget configuration', error);
    return undefined;
  }
};

/** One enforcer from the environment per process, shared by zero-code recording and clients without options. */
const DEFAULT_KEY = Symbol.for('claude-monitor.default-budget-enforcer');
const global = globalThis as { [DEFAULT_KEY]?: { enforcer: BudgetEnforcer | undefined } };

export const defaultEnforcer = (env: NodeJS.ProcessEnv = process.env): BudgetEnforcer | undefined => {
  global[DEFAULT_KEY] ??= { enforcer: createEnforcer(undefined, env) };
  return global[DEFAULT_KEY].enforcer;
};

/** Forgets the process-wide enforcer, so the next call builds it from the environment again (tests). */
export const resetDefaultEnforcer = (): void => {
  delete global[DEFAULT_KEY];
};
