import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, KEY } from 'claude-monitor/domain';
import { sleep } from './deps';
import {
  LEDGER_MARKS,
  ledgerKeyId,
  ledgerKeyOf,
  markedIn,
  ownEntryKey,
  ROLLUP_MARKS_FULL,
  rollupFull,
  sessionRollupOf,
} from './ledger';

const BATCH_GET_LIMIT = 100;
/** Reads of keys DynamoDB left unprocessed (throttling), 20 ms apart and doubling, before the read fails. */
const LEDGER_READ_ATTEMPTS = 5;

/** What the ledger says of a batch before it commits. */
export interface LedgerState {
  /** Call ids it already holds (replays). */
  committed: Set<string>;
  /**
   * Session rollups (`rollupKeyId`) that take no more marks: `idsFull` is set, or the batch's other calls
   * of that session and hour would exceed `SESSION_ROLLUP_MARKS`. Their calls go to minute entries at once,
   * instead of a transaction finding the rollup full and being sent again.
   */
  fullSessionRollups: Set<string>;
}

type Owner = { kind: 'own' | 'minute' | 'rollup'; key: { pk: string; sk: string }; callIds: string[] };

/**
 * Reads the ledger items a batch's calls may be marked in: each call's entry of its own (`LEDGER#<id>`; for
 * calls with a session, the entry the layout before grouping wrote, kept `LEDGER_RETENTION_DAYS`), and each
 * session minute entry and session hour rollup the batch touches. For marks this is only an optimisation
 * where a transaction's condition checks them too (entries of their own, session rollups, minute entries
 * of full rollups). For calls with a session it is also the only check against the entries of the earlier
 * layouts, so a caller that cannot read must not commit those calls. Eventually consistent: a mark written
 * a moment ago may be missed, and is then found by the condition.
 */
export const committedCallIds = async (
  client: DynamoDBClient,
  tableName: string,
  records: readonly CallRecord[],
): Promise<LedgerState> => {
  const owners = new Map<string, Owner>();
  const own = (kind: Owner['kind'], key: { pk: string; sk: string }, callId: string) => {
    const id = ledgerKeyId(key);
    const owner = owners.get(id) ?? { kind, key, callIds: [] };
    owner.callIds.push(callId);
    owners.set(id, owner);
  };
  for (const record of records) {
    const entry = ledgerKeyOf(record);
    own(entry.grouped ? 'minute' : 'own', entry, record.callId);
    if (!entry.grouped) continue;
    own('own', ownEntryKey(record.callId), record.callId);
    const rollup = sessionRollupOf(record);
    if (rollup) own('rollup', rollup, record.callId);
  }
  const state: LedgerState = { committed: new Set(), fullSessionRollups: new Set() };
  const entries = [...owners.values()];
  for (let start = 0; start < entries.length; start += BATCH_GET_LIMIT) {
    let keys = entries
      .slice(start, start + BATCH_GET_LIMIT)
      .map(({ key }) => marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }));
    for (let attempt = 0; keys.length > 0; attempt++) {
      if (attempt === LEDGER_READ_ATTEMPTS) {
        throw new Error(
          `ledger read left ${keys.length} keys unprocessed after ${LEDGER_READ_ATTEMPTS} attempts`,
        );
      }
      const result = await client.send(
        new BatchGetItemCommand({
          RequestItems: {
            [tableName]: {
              Keys: keys,
              ProjectionExpression: '#pk, #sk, #ids, #full',
              ExpressionAttributeNames: {
                '#pk': KEY.partition,
                '#sk': KEY.sort,
                '#ids': LEDGER_MARKS,
                '#full': ROLLUP_MARKS_FULL,
              },
            },
          },
        }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        const owner = owners.get(
          ledgerKeyId({ pk: item[KEY.partition]?.S ?? '', sk: item[KEY.sort]?.S ?? '' }),
        );
        if (!owner) continue;
        const ids = owner.kind === 'own' ? owner.callIds : markedIn(item, owner.callIds);
        for (const id of ids) state.committed.add(id);
        if (owner.kind !== 'rollup') continue;
        if (rollupFull(item, owner.callIds.length - ids.length)) {
          state.fullSessionRollups.add(ledgerKeyId(owner.key));
        }
      }
      keys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (keys.length > 0) await sleep(20 * 2 ** attempt);
    }
  }
  return state;
};
