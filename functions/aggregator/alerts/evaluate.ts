import { type CallRecord, countersOfItem, type RollupCounters } from 'claude-monitor/domain';
import { readRollupValues } from '../../shared/rollup-values';
import { reconcileTargets, reconcileWindows } from '../budgets/reconcile';
import type { AggregatorDeps } from '../deps';
import { type RollupKey, rollupKeyId } from '../rollup-keys';
import { fireAlerts, publishEntries } from './outbox';
import { alertProbesOf, crossedAlerts } from './probes';
import { refusalAlerts } from './refusals';

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
  // Transactions return no values: the rollups are read back after the commit, strongly consistent.
  const values = new Map<string, RollupCounters>();
  const read = await readRollupValues(deps.client, deps.tableName, [...keys.values()], {
    consistentRead: true,
  });
  for (const [id, item] of read) values.set(id, countersOfItem(item));
  const time = new Date((deps.now ?? Date.now)()).toISOString();
  if (targets.length > 0) await reconcileWindows(deps, targets, values);
  const entries = await fireAlerts(deps, [
    ...crossedAlerts(probes, values, time),
    ...refusalAlerts(records, time),
  ]);
  await publishEntries(deps, entries);
  return entries.length;
};
