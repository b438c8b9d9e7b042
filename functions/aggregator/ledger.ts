import { BatchGetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { ITEM_TYPE, KEY, LEDGER_RETENTION_DAYS } from 'claude-monitor/domain';
import { sleep } from './deps';

export const LEDGER_SORT_KEY = 'LEDGER';
export const ledgerPk = (callId: string): string => `LEDGER#${callId}`;

/** The ledger entry written in the same transaction as a record's rollup deltas. */
export const ledgerItem = (callId: string, nowMs: number): Record<string, unknown> => ({
  [KEY.partition]: ledgerPk(callId),
  [KEY.sort]: LEDGER_SORT_KEY,
  [KEY.type]: ITEM_TYPE.ledger,
  committedAt: new Date(nowMs).toISOString(),
  [KEY.ttl]: Math.floor(nowMs / 1000) + LEDGER_RETENTION_DAYS * 86_400,
});

const BATCH_GET_LIMIT = 100;

/**
 * Call ids of the batch that already have a ledger entry (replays). Only an optimisation: the ledger
 * Put's condition in the transaction is what guarantees exactly-once, so a read that fails or is left
 * unprocessed just means a few more cancelled transactions.
 */
export const committedCallIds = async (
  client: DynamoDBClient,
  tableName: string,
  callIds: readonly string[],
): Promise<Set<string>> => {
  const found = new Set<string>();
  for (let start = 0; start < callIds.length; start += BATCH_GET_LIMIT) {
    let keys = callIds
      .slice(start, start + BATCH_GET_LIMIT)
      .map((id) => marshall({ [KEY.partition]: ledgerPk(id), [KEY.sort]: LEDGER_SORT_KEY }));
    for (let attempt = 0; keys.length > 0 && attempt < 3; attempt++) {
      const result = await client.send(
        new BatchGetItemCommand({
          RequestItems: { [tableName]: { Keys: keys, ProjectionExpression: KEY.partition } },
        }),
      );
      for (const item of result.Responses?.[tableName] ?? []) {
        const pk = item[KEY.partition]?.S;
        if (pk) found.add(pk.slice('LEDGER#'.length));
      }
      keys = result.UnprocessedKeys?.[tableName]?.Keys ?? [];
      if (keys.length > 0) await sleep(20 * 2 ** attempt);
    }
  }
  return found;
};
