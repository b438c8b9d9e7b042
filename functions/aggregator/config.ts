import {
  type AlertConfig,
  type BudgetConfig,
  ConfigError,
  ENV,
  readRequired,
  resolveAlertConfig,
} from 'claude-monitor/domain';
import { deployedBudgets } from '../shared/budget-definitions';

/** The aggregator's settings, read from the environment once at cold start. */
export interface AggregatorConfig {
  tableName: string;
  /** Absent locally without an SNS emulator: alerts then wait in the outbox. */
  alertTopicArn?: string;
  alertConfig: AlertConfig;
  /** Deploy-time budgets (`CLAUDE_MONITOR_BUDGETS`); run-time ones are read from the table. */
  budgets: BudgetConfig[];
}

/** Reads and validates the environment; throws a `ConfigError` naming the variable. */
export const readAggregatorConfig = (env: NodeJS.ProcessEnv = process.env): AggregatorConfig => {
  const tableName = readRequired(env, ENV.tableName);
  const raw = env[ENV.alertConfig]?.trim();
  let partial: Partial<AlertConfig> = {};
  if (raw) {
    try {
      partial = JSON.parse(raw) as Partial<AlertConfig>;
    } catch (cause) {
      throw new ConfigError(ENV.alertConfig, 'is not valid JSON', { cause });
    }
    if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
      throw new ConfigError(ENV.alertConfig, 'must be a JSON object');
    }
  }
  let alertConfig: AlertConfig;
  try {
    alertConfig = resolveAlertConfig(partial);
  } catch (cause) {
    throw new ConfigError(ENV.alertConfig, cause instanceof Error ? cause.message : String(cause), { cause });
  }
  const budgets = deployedBudgets(env);
  const alertTopicArn = env[ENV.alertTopicArn]?.trim() || undefined;
  return alertTopicArn
    ? { tableName, alertTopicArn, alertConfig, budgets }
    : { tableName, alertConfig, budgets };
};
