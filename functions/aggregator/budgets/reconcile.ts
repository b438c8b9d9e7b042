import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BUDGET_WINDOW_ATTRIBUTE as A,
  applicableBudgets,
  type BudgetConfig,
  type CallRecord,
  COUNTER,
  figuresOf,
  KEY,
  modeOf,
  type RollupCounters,
  type WindowRef,
  windowAttributes,
  windowRefOf,
} from 'claude-monitor/domain';
import { budgetRollupKey } from '../alerts/probes';
import type { AggregatorDeps } from '../deps';
import { type RollupKey, rollupKeyId } from '../rollup-keys';

/** An enforced budget window to correct from the rollup of the same span. */
export interface ReconcileTarget {
  window: WindowRef;
  rollup: RollupKey;
}

/** Outcomes that a client settled on its windows (the record says `settled: false` when that failed). */
const SETTLED_BY_CLIENT = new Set(['allowed', 'downgraded', 'override', 'unavailable']);

const settledByClient = (record: CallRecord, window: WindowRef): boolean =>
  record.budget !== undefined &&
  record.budget.settled !== false &&
  SETTLED_BY_CLIENT.has(record.budget.outcome) &&
  record.budget.limits.includes(window.label);

/**
 * The enforced windows that committed records added cost to without a client settling it there: calls made
 * by processes that do not enforce (another function, a Bedrock client over HTTP/2), and settlements that
 * could not be written. Pure; one target per window.
 */
export const reconcileTargets = (
  budgets: readonly BudgetConfig[],
  records: readonly CallRecord[],
): ReconcileTarget[] => {
  const enforced = budgets.filter((budget) => modeOf(budget) === 'enforce');
  const targets = new Map<string, ReconcileTarget>();
  if (enforced.length === 0) return [];
  for (const record of records) {
    if (record.cost.totalNanoUsd === 0) continue;
    for (const found of applicableBudgets(enforced, record)) {
      const window = windowRefOf(found, Date.parse(record.timestamp));
      if (settledByClient(record, window) || targets.has(`${window.pk}|${window.sk}`)) continue;
      targets.set(`${window.pk}|${window.sk}`, {
        window,
        rollup: budgetRollupKey(found.budget, found.value, record.timestamp),
      });
    }
  }
  return [...targets.values()];
};

const MAX_ATTEMPTS = 3;

/**
 * Raises each target window's `unsettled` (and `committed` with it) to what the exact rollup holds beyond the
 * client settlements, `rollup cost − settled`. The rollup values were read after the commit, and `settled` is
 * read after them: a settlement is written before its record, so a cost in the rollup that is not in
 * `settled` yet is one no client will settle, and the difference never counts a call twice. It only ever
 * rises (a conditional write on the value read), so concurrent invocations cannot lower each other's.
 * Returns how many windows were raised.
 */
export const reconcileWindows = async (
  deps: Pick<AggregatorDeps, 'client' | 'tableName'>,
  targets: readonly ReconcileTarget[],
  rollups: ReadonlyMap<string, RollupCounters>,
): Promise<number> => {
  let raised = 0;
  for (const { window, rollup } of targets) {
    const exact = rollups.get(rollupKeyId(rollup))?.[COUNTER.costNanoUsd] ?? 0;
    const key = marshall({ [KEY.partition]: window.pk, [KEY.sort]: window.sk });
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const read = await deps.client.send(
        new GetItemCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
      );
      const item = read.Item ? unmarshall(read.Item) : undefined;
      const figures = figuresOf(item);
      const target = exact - figures.settled;
      if (target <= figures.unsettled) break;
      const d = windowAttributes(window);
      try {
        await deps.client.send(
          new UpdateItemCommand({
            TableName: deps.tableName,
            Key: key,
            UpdateExpression: `SET ${d.set}, #unsettled = :target ADD #committed :raise`,
            ConditionExpression:
              item?.[A.unsettled] === undefined ? 'attribute_not_exists(#unsettled)' : '#unsettled = :old',
            ExpressionAttributeNames: { ...d.names, '#unsettled': A.unsettled, '#committed': A.committed },
            ExpressionAttributeValues: marshall({
              ...d.values,
              ':target': target,
              ':raise': target - figures.unsettled,
              ...(item?.[A.unsettled] === undefined ? {} : { ':old': figures.unsettled }),
            }),
          }),
        );
        raised++;
        break;
      } catch (error) {
        if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
      }
    }
  }
  return raised;
};
