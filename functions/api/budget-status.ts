import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  ANY_ID,
  BUDGET_KEY,
  type BudgetConfig,
  budgetIdentity,
  budgetRollupRef,
  budgetWindow,
  COUNTER,
  figuresOf,
  modeOf,
  nanoToUsd,
  type StoredBudget,
  usdToNano,
  type WindowFigures,
} from 'claude-monitor/domain';
import { type ItemKey, itemKeyId } from '../shared/batch-get';
import { dimensionRollupsOfBucket } from '../shared/dimension-rollups';
import { type RollupRef, readRollupValues } from '../shared/rollup-values';

/** Ids listed under a budget for every tenant (user, function), the biggest spenders first. */
export const MAX_INSTANCES = 20;

/** Where a budget stands in its current window. Money in USD and in nano-dollars. */
export interface BudgetFigures {
  spent_usd: number;
  spent_nano_usd: number;
  /** Held by calls in flight (enforced budgets). */
  reserved_usd: number;
  reserved_nano_usd: number;
  remaining_usd: number;
  remaining_nano_usd: number;
  percent_used: number;
  /** Calls refused in the window (enforced budgets). */
  refused_calls: number;
  /** `ok`, `warning` (80 % or more), `exhausted` (spent reached the limit) or `refusing` (calls were refused). */
  status: 'ok' | 'warning' | 'exhausted' | 'refusing';
  /** When the limit is reached at the window's spending rate so far; null if not before the window resets. */
  projected_exhaustion_at: string | null;
}

export interface BudgetView extends Partial<BudgetFigures> {
  scope: string;
  /** Null for the account, and for a budget that applies to each tenant (user, session, function). */
  id: string | null;
  period: string;
  usd: number;
  limit_nano_usd: number;
  mode: string;
  downgrade_to: string | null;
  /** `deploy` (the `claudeMonitor` configuration) or `runtime` (set through this API). */
  source: 'deploy' | 'runtime';
  /** A run-time budget that takes the place of a deploy-time one with the same scope, id and period. */
  replaces_deploy_time: boolean;
  updated_at: string | null;
  updated_by: string | null;
  version: number | null;
  window: { bucket: string; start: string | null; resets_at: string | null };
  /** Budgets for every id: the ids with spend in the window, biggest first (null where not listable). */
  instances: (BudgetFigures & { id: string })[] | null;
}

/** The figures of one limited value, from the exact rollup and (enforced) the budget's counter. */
export const figuresFor = (
  budget: BudgetConfig,
  rollupCost: number,
  counter: WindowFigures | undefined,
  now: Date,
): BudgetFigures => {
  const limit = usdToNano(budget.usd);
  const enforced = modeOf(budget) === 'enforce';
  // The rollup is exact but a few seconds late; the counter already holds what clients settled since.
  const spent = Math.max(rollupCost, enforced && counter ? counter.settled + counter.unsettled : 0);
  const reserved = enforced && counter ? counter.reserved : 0;
  const committed = Math.max(spent + reserved, enforced && counter ? counter.committed : 0);
  const remaining = Math.max(0, limit - committed);
  const refused = enforced && counter ? counter.refusedCalls : 0;
  const percent = Math.round((spent * 10_000) / limit) / 100;
  const window = budgetWindow(budget.period, now);
  let projected: string | null = null;
  if (spent >= limit) projected = now.toISOString();
  else if (spent > 0 && window.start && window.resetsAt) {
    const start = Date.parse(window.start);
    const at = start + ((now.getTime() - start) * limit) / spent;
    if (at < Date.parse(window.resetsAt)) projected = new Date(Math.ceil(at)).toISOString();
  }
  return {
    spent_usd: nanoToUsd(spent, 9),
    spent_nano_usd: spent,
    reserved_usd: nanoToUsd(reserved, 9),
    reserved_nano_usd: reserved,
    remaining_usd: nanoToUsd(remaining, 9),
    remaining_nano_usd: remaining,
    percent_used: percent,
    refused_calls: refused,
    status: refused > 0 ? 'refusing' : spent >= limit ? 'exhausted' : percent >= 80 ? 'warning' : 'ok',
    projected_exhaustion_at: projected,
  };
};

const windowKey = (budget: BudgetConfig, value: string, bucket: string): ItemKey => ({
  pk: BUDGET_KEY.windowPk(budget.scope, value),
  sk: BUDGET_KEY.windowSk(budget.period, bucket),
});

/** Each listed budget's definition and source, before any figures. */
export interface ListedBudget {
  budget: BudgetConfig | StoredBudget;
  source: 'deploy' | 'runtime';
  replacesDeployTime: boolean;
}

/** Deploy-time budgets with the run-time ones merged over them, each marked with where it comes from. */
export const listBudgets = (
  deployed: readonly BudgetConfig[],
  runtime: readonly StoredBudget[],
): ListedBudget[] => {
  const byIdentity = new Map<string, ListedBudget>();
  for (const budget of deployed) {
    byIdentity.set(budgetIdentity(budget), { budget, source: 'deploy', replacesDeployTime: false });
  }
  for (const budget of runtime) {
    const identity = budgetIdentity(budget);
    byIdentity.set(identity, { budget, source: 'runtime', replacesDeployTime: byIdentity.has(identity) });
  }
  return [...byIdentity.values()];
};

/**
 * Every budget in force with where it stands now: spent (exact rollup, or the counter when it is ahead),
 * reserved, remaining, refused calls and the projected exhaustion; for a budget of every tenant (user,
 * function), the ids spending in the window. Reads O(budgets) items, in batches.
 */
export const budgetViews = async (
  client: DynamoDBClient,
  tableName: string,
  listed: readonly ListedBudget[],
  now: Date,
): Promise<BudgetView[]> => {
  const timestamp = now.toISOString();
  const named = new Set(
    listed.map(({ budget }) => `${budget.scope}#${budget.period}#${budget.id ?? ANY_ID}`),
  );
  const instancesOf = new Map<ListedBudget, { value: string; cost: number }[]>();
  for (const entry of listed) {
    const { budget } = entry;
    if (budget.scope === 'account' || budget.id !== undefined || budget.period === 'lifetime') continue;
    const ref = budgetRollupRef(budget, ANY_ID, timestamp);
    // A month's spend per value is the sum of its days (months are not stored).
    const rows = await dimensionRollupsOfBucket(client, tableName, ref);
    instancesOf.set(
      entry,
      rows
        .map((row) => ({ value: String(row.value), cost: Number(row[COUNTER.costNanoUsd] ?? 0) }))
        .filter(({ value }) => !named.has(`${budget.scope}#${budget.period}#${value}`))
        .sort((a, b) => b.cost - a.cost || a.value.localeCompare(b.value))
        .slice(0, MAX_INSTANCES),
    );
  }
  const keys: (ItemKey | RollupRef)[] = [];
  for (const { budget } of listed) {
    const bucket = budgetWindow(budget.period, now).bucket;
    const value = budget.scope === 'account' ? ANY_ID : budget.id;
    const enforced = modeOf(budget) === 'enforce';
    if (value !== undefined) {
      keys.push(budgetRollupRef(budget, value, timestamp));
      if (enforced) keys.push(windowKey(budget, value, bucket));
    }
  }
  for (const [{ budget }, instances] of instancesOf) {
    const bucket = budgetWindow(budget.period, now).bucket;
    if (modeOf(budget) === 'enforce')
      for (const { value } of instances) keys.push(windowKey(budget, value, bucket));
  }
  // Budget windows and spend in one batched read (a session's lifetime spend is the sum of its hours).
  const items = await readRollupValues(client, tableName, keys, { consistentRead: true });
  const counterOf = (budget: BudgetConfig, value: string, bucket: string) => {
    const item = items.get(itemKeyId(windowKey(budget, value, bucket)));
    return item ? figuresOf(item) : undefined;
  };
  return listed.map((entry) => {
    const { budget, source, replacesDeployTime } = entry;
    const window = budgetWindow(budget.period, now);
    const stored = source === 'runtime' ? (budget as StoredBudget) : undefined;
    const value = budget.scope === 'account' ? ANY_ID : budget.id;
    const view: BudgetView = {
      scope: budget.scope,
      id: budget.id ?? null,
      period: budget.period,
      usd: budget.usd,
      limit_nano_usd: usdToNano(budget.usd),
      mode: modeOf(budget),
      downgrade_to: budget.downgradeTo ?? null,
      source,
      replaces_deploy_time: replacesDeployTime,
      updated_at: stored?.updatedAt ?? null,
      updated_by: stored?.updatedBy ?? null,
      version: stored?.version ?? null,
      window: { bucket: window.bucket, start: window.start, resets_at: window.resetsAt },
      instances: null,
    };
    if (value !== undefined) {
      const rollup = items.get(itemKeyId(budgetRollupRef(budget, value, timestamp)));
      const cost = Number(rollup?.[COUNTER.costNanoUsd] ?? 0);
      Object.assign(view, figuresFor(budget, cost, counterOf(budget, value, window.bucket), now));
    }
    const instances = instancesOf.get(entry);
    if (instances) {
      view.instances = instances.map(({ value: id, cost }) => ({
        id,
        ...figuresFor(budget, cost, counterOf(budget, id, window.bucket), now),
      }));
    }
    return view;
  });
};
