import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, KEY, type RollupCounters } from 'claude-monitor/domain';
import { reconcileTargets, reconcileWindows } from '../budgets/reconcile';
import { type AggregatorDeps, sleep } from '../deps';
import { type RollupKey, rollupKeyId } from '../rollup-keys';
import { fireAlerts, publishEntries } from './outbox';
import { alertProbesOf, crossedAlerts } from './probes';
import { refusalAlerts } from './refusals';

const BATCH_GET_LIMIT = 100;

/** Reads rollup items back (transactions return no values); strongly consistent, after the commit. */
const readRollups = async (
  deps: Pick<AggregatorDeps, 'client' | 'tableName'>,
  keys: readonly { pk: string; sk: string }[],
): Promise<Map<string, RollupCounters>> => {
  const values = new Map<string, RollupCounters>();
  for (let start = 0; start < keys.length; start += BATCH_GET_LIMIT) {
    let pending = keys
      .slice(start, start + BATCH_GET_LIMIT)
      .map((key) => marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 5) throw new Error('rollups could not be read back for alert evaluation');
      const result = await deps.client.send(
        new BatchGetItemCommand({
          RequestItems: { [deps.tableName]: { Keys: pending, ConsistentRead: true } },
        }),
      );
      for (const raw of result.Responses?.[deps.tableName] ?? []) {
        const item = unmarshall(raw);
        values.set(rollupKeyId({ pk: item.pk, sk: item.sk }), item as RollupCounters);
      }
      pending = result.UnprocessedKeys?.[deps.tableName]?.Keys ?? [];
      if (pending.length > 0) await sleep(20 * 2 ** attempt);
    }
  }
  return values;
};

/**
 * Evaluates the threshold rules (session cost, budgets, unpriced models; error streaks are counted by
 * `updateStreaks`) over records that were just committed, from the rollup values read back after the
 * commit. Thresholds are compared with totals, not with this batch's deltas, so a crossing is seen by
 * whichever invocation commits it, and the fire-once marker makes it one message however many see it.
 * The same read-back corrects enforced budget windows from the exact rollups (see `reconcileWindows`).
 */
export const evaluateAlerts = async (
  deps: AggregatorDeps,
  records: readonly CallRecord[],
): Promise<number> => {
  if (records.length === 0) return 0;
  const budgets = (await deps.budgets?.()) ?? [];
  const probes = alertProbesOf(deps.alertConfig, budgets, records);
  const targets = reconcileTargets(budgets, records);
  const keys = new Map<string, RollupKey>();
  for (const key of [...probes.map((probe) => probe.key), ...targets.map((target) => target.rollup)]) {
    keys.set(rollupKeyId(key), key);
  }
  const values = await readRollups(deps, [...keys.values()]);
  const time = new Date((deps.now ?? Date.now)()).toISOString();
  if (targets.length > 0) await reconcileWindows(deps, targets, values);
  const entries = await fireAlerts(deps, [
    ...crossedAlerts(probes, values, time),
    ...refusalAlerts(records, time),
  ]);
  await publishEntries(deps, entries);
  return entries.length;
};
