import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BUDGET_KEY,
  type BudgetConfig,
  type BudgetEnforcementConfig,
  ConfigError,
  ENV,
  KEY,
  mergeBudgets,
  parseBudgets,
  resolveBudgetEnforcement,
  type StoredBudget,
  storedBudgetOf,
} from 'claude-monitor/domain';
import { queryAll } from './query-all';

/** The deploy-time budgets the environment carries (`CLAUDE_MONITOR_BUDGETS`); none when unset. */
export const deployedBudgets = (env: NodeJS.ProcessEnv = process.env): BudgetConfig[] => {
  const raw = env[ENV.budgets]?.trim();
  if (!raw) return [];
  try {
    return parseBudgets(raw, ENV.budgets);
  } catch (cause) {
    throw new ConfigError(ENV.budgets, cause instanceof Error ? cause.message : String(cause), { cause });
  }
};

/** The run-time budgets stored through the API, and the problems of items that are not valid budgets. */
export const readStoredBudgets = async (
  client: DynamoDBClient,
  tableName: string,
  consistent = false,
): Promise<{ budgets: StoredBudget[]; problems: string[] }> => {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': KEY.partition },
    ExpressionAttributeValues: { ':pk': { S: BUDGET_KEY.definitionPk } },
    ConsistentRead: consistent,
  });
  const budgets: StoredBudget[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const parsed = storedBudgetOf(item);
    if (parsed.budget) budgets.push(parsed.budget);
    else problems.push(...parsed.problems);
  }
  return { budgets, problems };
};

/** Every budget in force: deploy-time ones with the run-time ones merged over them. */
export type BudgetSource = () => Promise<BudgetConfig[]>;

/**
 * A source that reads the run-time budgets at most once per `refreshMs` (a warm function keeps them that
 * long), and keeps the last ones read when a read fails. `onProblem` hears of invalid items and failed reads.
 */
export const cachedBudgetSource = (
  deployed: readonly BudgetConfig[],
  read: () => Promise<{ budgets: StoredBudget[]; problems: string[] }>,
  refreshMs: number,
  onProblem: (message: string) => void,
  now: () => number = Date.now,
): BudgetSource => {
  let runtime: BudgetConfig[] = [];
  let readAt = Number.NEGATIVE_INFINITY;
  return async () => {
    if (now() - readAt >= refreshMs) {
      try {
        const { budgets, problems } = await read();
        runtime = budgets;
        for (const problem of problems) onProblem(problem);
      } catch (error) {
        onProblem(`run-time budgets could not be read; the last ones known are used: ${String(error)}`);
      }
      readAt = now();
    }
    return mergeBudgets(deployed, runtime);
  };
};

/** The enforcement settings the environment carries (`CLAUDE_MONITOR_BUDGET_ENFORCEMENT`), defaults otherwise. */
export const enforcementSettings = (env: NodeJS.ProcessEnv = process.env): BudgetEnforcementConfig => {
  const raw = env[ENV.budgetEnforcement]?.trim();
  try {
    return resolveBudgetEnforcement(raw ? (JSON.parse(raw) as Partial<BudgetEnforcementConfig>) : {});
  } catch (cause) {
    throw new ConfigError(ENV.budgetEnforcement, cause instanceof Error ? cause.message : String(cause), {
      cause,
    });
  }
};
