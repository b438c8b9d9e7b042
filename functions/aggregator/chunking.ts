import type { CallRecord } from 'claude-monitor/domain';
import { transactionalRollupKeysOf } from './day-sync';
import { ledgerKeyId, ledgerKeyOf, sessionRollupOf } from './ledger';
import { rollupKeyId } from './rollup-keys';

/** DynamoDB's limit on the actions of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;
/**
 * Records per chunk, at most: a session's ledger write has one condition per call, and 100 of them keep
 * the condition expression within DynamoDB's 4 KB.
 */
export const MAX_CHUNK_RECORDS = 100;

const sortKeyOf = (record: CallRecord): string =>
  [record.tenantId, record.userId, record.sessionId, record.functionName, record.model, record.timestamp]
    .map((part) => part ?? '')
    .join('\u0000');

/**
 * Orders records so that those sharing tenant, user, session, function and model sit together: a chunk
 * then shares most of its rollup keys and fits more records into one transaction.
 */
export const sortForSharing = <T extends { record: CallRecord }>(calls: readonly T[]): T[] =>
  [...calls].sort((a, b) => {
    const left = sortKeyOf(a.record);
    const right = sortKeyOf(b.record);
    return left < right ? -1 : left > right ? 1 : 0;
  });

/**
 * The items a record's transaction writes: its rollups but the days summed after the batch, and the ledger
 * entry of a call without a session (a call with one is marked in its session rollup; the minute entries of
 * a full one are not planned for, and `commitChunk` splits a chunk they make too big).
 */
const itemsOf = (record: CallRecord): string[] => {
  const rollups = transactionalRollupKeysOf(record).map(rollupKeyId);
  return sessionRollupOf(record) ? rollups : [ledgerKeyId(ledgerKeyOf(record)), ...rollups];
};

/**
 * Splits records into chunks whose transaction (one write per distinct ledger entry and per distinct rollup
 * key) stays within `maxItems`, writing as few rollup updates in all as it can: each chunk is filled
 * with the record that adds the fewest rollup keys to it, again and again, until the next one no longer
 * fits (ties go to the earlier record, so sort with `sortForSharing` first). Every chunk rewrites the hot
 * rollups (account, model, function, tenant) its records touch, so packing records that share keys into
 * the same chunk means fewer chunks and fewer rewrites than filling chunks in stream order. The calls of one
 * session are marked in the hour rollup they share. Which records share a transaction does
 * not matter to exactly-once: each record's ledger mark commits with its deltas.
 */
export const chunkCalls = <T extends { record: CallRecord }>(
  calls: readonly T[],
  maxItems = MAX_TRANSACTION_ITEMS,
): T[][] => {
  const keysOf = calls.map((call) => itemsOf(call.record));
  /** Item (ledger entry or rollup) → the records that write it. */
  const holders = new Map<string, number[]>();
  keysOf.forEach((keys, i) => {
    for (const key of keys) {
      const list = holders.get(key);
      if (list) list.push(i);
      else holders.set(key, [i]);
    }
  });
  /** Items each record would add to the chunk being filled. */
  const added = keysOf.map((keys) => keys.length);
  const placed = calls.map(() => false);
  const chunks: T[][] = [];
  for (let left = calls.length; left > 0; ) {
    const chunk: number[] = [];
    const keys = new Set<string>();
    const lowered: number[] = [];
    for (;;) {
      let best = -1;
      for (let i = 0; i < calls.length; i++) {
        if (!placed[i] && (best < 0 || added[i]! < added[best]!)) best = i;
      }
      if (best < 0 || chunk.length === MAX_CHUNK_RECORDS) break;
      if (chunk.length > 0 && keys.size + added[best]! > maxItems) break;
      placed[best] = true;
      left--;
      chunk.push(best);
      for (const key of keysOf[best]!) {
        if (keys.has(key)) continue;
        keys.add(key);
        for (const holder of holders.get(key)!) {
          added[holder]!--;
          lowered.push(holder);
        }
      }
    }
    for (const holder of lowered) added[holder]!++;
    chunks.push(chunk.map((i) => calls[i]!));
  }
  return chunks;
};
