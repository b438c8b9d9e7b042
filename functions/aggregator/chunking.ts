import type { CallRecord } from 'claude-monitor/domain';
import { rollupKeyId, rollupKeysOf } from './rollup-keys';

/** DynamoDB's limit on the actions of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

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
 * Splits records into chunks whose transaction (one ledger Put per record plus one update per distinct
 * rollup key) stays within `maxItems`. Greedy in the given order, so sort with `sortForSharing` first.
 */
export const chunkCalls = <T extends { record: CallRecord }>(
  calls: readonly T[],
  maxItems = MAX_TRANSACTION_ITEMS,
): T[][] => {
  const chunks: T[][] = [];
  let current: T[] = [];
  let keys = new Set<string>();
  for (const call of calls) {
    const ids = rollupKeysOf(call.record).map(rollupKeyId);
    const added = ids.filter((id) => !keys.has(id)).length;
    if (current.length > 0 && current.length + 1 + keys.size + added > maxItems) {
      chunks.push(current);
      current = [];
      keys = new Set();
    }
    current.push(call);
    for (const id of ids) keys.add(id);
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};
