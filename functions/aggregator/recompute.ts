import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { countersOfItem, type Dimension, KEY, ROLLUP_PLAN, type RollupCounters } from 'claude-monitor/domain';
import { rewrittenHourVersion } from './day-sync';
import { counterDrift } from './drift';
import { ledgerMarksOf } from './ledger';
import { preAggregate, type RollupDelta } from './pre-aggregate';
import { recomputeBuckets } from './recompute-buckets';
import {
  readCallsOfHours,
  readRollupItems,
  rollupItemOf,
  type SkippedItem,
  storedRollupKeys,
  writeBatches,
} from './recompute-store';
import { CLOSE_GRACE_MS } from './recompute-window';
import { rollupKeyId } from './rollup-keys';

export const RECOMPUTE_MODE = { recompute: 'recompute', check: 'check' } as const;
export type RecomputeMode = (typeof RECOMPUTE_MODE)[keyof typeof RECOMPUTE_MODE];

export interface RecomputeOptions {
  client: DynamoDBClient;
  tableName: string;
  /** Start of the range, ISO 8601 (widened to the hour). */
  from: string;
  /** End of the range, exclusive, ISO 8601 (widened to the hour). */
  to: string;
  /** `check` only reports drift. @default 'recompute' */
  mode?: RecomputeMode;
  /**
   * A bucket is rewritten only once it ended this long ago, so records still in the stream are in.
   * @default 900000 (15 minutes)
   */
  closeGraceMs?: number;
  /** Clock, ms since the epoch. @default Date.now */
  now?: () => number;
}

export interface DriftEntry {
  pk: string;
  sk: string;
  differences: Record<string, { stored: number; expected: number }>;
}

export interface RecomputeReport {
  mode: RecomputeMode;
  from: string;
  to: string;
  /** Valid raw call records read (and compared). */
  records: number;
  /**
   * Raw items that break the record rules (the poison records of the stream): skipped, as the aggregator
   * skips them, so they cause no drift.
   */
  malformed: number;
  /** The first 100 of them, by key, with the reason. */
  rejected: SkippedItem[];
  /** Rollup keys compared. */
  keysChecked: number;
  /** Keys whose stored counters differ from the recomputation (before any rewrite). */
  drift: DriftEntry[];
  /** Rollup items rewritten or deleted (0 in check mode). */
  written: number;
  /** Rollup items DynamoDB refused to write, with the reason (recompute mode). */
  writeFailures: SkippedItem[];
  /** Buckets in the range skipped because they are not closed yet. */
  openBuckets: string[];
  /**
   * Raw records exist in the range but no rollup key was compared (e.g. every bucket still open): the run
   * proved nothing, and does not pass.
   */
  vacuous: boolean;
  /** No drift left unrepaired, not vacuous, every write done. */
  passed: boolean;
}

const DIMENSIONS = Object.keys(ROLLUP_PLAN) as Dimension[];

/**
 * Rebuilds rollups of closed buckets from the raw call records (e.g. after a price correction) or, in
 * `check` mode, reports where they drifted. The rollups are SET to the recomputed values (whole items are
 * replaced, stale keys deleted), never ADDed to; only keys that drifted are written. A session rollup keeps
 * the ledger marks it holds, so a redelivered call is still known as counted, and an hour of a day summed
 * from its hours a higher version (`rewrittenHourVersion`); such a day is written without a version, so the
 * next sum of its hours replaces it.
 */
export const recomputeRollups = async (options: RecomputeOptions): Promise<RecomputeReport> => {
  const { client, tableName } = options;
  const mode = options.mode ?? RECOMPUTE_MODE.recompute;
  const buckets = recomputeBuckets(
    options.from,
    options.to,
    (options.now ?? Date.now)(),
    options.closeGraceMs ?? CLOSE_GRACE_MS,
  );
  const { records, malformed, rejected } = await readCallsOfHours(client, tableName, buckets.hours);

  const inScope = new Set<string>();
  for (const granularity of ['hour', 'day', 'month'] as const) {
    for (const bucket of buckets.closed[granularity]) inScope.add(`${granularity}|${bucket}`);
  }
  const expected = new Map<string, RollupDelta>();
  for (const [id, delta] of preAggregate(records)) {
    if (inScope.has(`${delta.key.granularity}|${delta.key.bucket}`)) expected.set(id, delta);
  }

  const keys = new Map<string, { pk: string; sk: string }>();
  for (const [id, delta] of expected) keys.set(id, { pk: delta.key.pk, sk: delta.key.sk });
  for (const granularity of ['hour', 'day', 'month'] as const) {
    for (const bucket of buckets.closed[granularity]) {
      for (const dim of DIMENSIONS.filter((d) => ROLLUP_PLAN[d].includes(granularity))) {
        for (const key of await storedRollupKeys(client, tableName, granularity, dim, bucket))
          keys.set(rollupKeyId(key), key);
      }
    }
  }
  const stored = await readRollupItems(client, tableName, [...keys.values()]);

  const drift: DriftEntry[] = [];
  const writes: WriteRequest[] = [];
  for (const [id, key] of keys) {
    const storedItem = stored.get(id);
    const want = expected.get(id);
    const differences = counterDrift(
      storedItem ? countersOfItem(storedItem) : {},
      want?.counters ?? ({} as RollupCounters),
    );
    if (Object.keys(differences).length === 0) continue;
    drift.push({ ...key, differences });
    writes.push(
      want
        ? {
            PutRequest: {
              Item: marshall({
                ...rollupItemOf(want),
                ...ledgerMarksOf(storedItem),
                ...rewrittenHourVersion(want.key, storedItem),
              }),
            },
          }
        : { DeleteRequest: { Key: marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }) } },
    );
  }
  const writeFailures =
    mode === RECOMPUTE_MODE.recompute ? await writeBatches(client, tableName, writes) : [];
  const vacuous = records.length + malformed > 0 && keys.size === 0;
  return {
    mode,
    from: buckets.from,
    to: buckets.to,
    records: records.length,
    malformed,
    rejected,
    keysChecked: keys.size,
    drift,
    written: mode === RECOMPUTE_MODE.recompute ? writes.length - writeFailures.length : 0,
    writeFailures,
    openBuckets: buckets.open,
    vacuous,
    passed:
      !vacuous && writeFailures.length === 0 && (mode === RECOMPUTE_MODE.recompute || drift.length === 0),
  };
};

/** One line for people: what was compared and the verdict. */
export const summaryLine = (report: RecomputeReport): string => {
  const compared = `compared ${report.keysChecked} rollup keys with ${report.records} raw records (${report.from} to ${report.to})`;
  const skipped = report.malformed > 0 ? `; skipped ${report.malformed} malformed records` : '';
  const verdict = report.vacuous
    ? 'FAILED: raw records exist but no closed rollup key was compared'
    : report.writeFailures.length > 0
      ? `FAILED: ${report.writeFailures.length} rollup items could not be written`
      : report.drift.length === 0
        ? 'no drift'
        : report.mode === 'check'
          ? `FAILED: ${report.drift.length} keys drifted`
          : `${report.drift.length} drifted keys rewritten`;
  return `${report.mode}: ${compared}${skipped}: ${verdict}`;
};
