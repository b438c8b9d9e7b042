import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  type TransactWriteItem,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, ITEM_TYPE, KEY, LEDGER_RETENTION_DAYS } from 'claude-monitor/domain';
import { type RollupKey, rollupKeyId, rollupKeysOf } from './rollup-keys';

/**
 * The ledger says which calls' deltas are in the rollups. A call's mark is written in the same transaction
 * as its deltas, with a condition that it is not there yet, so a redelivered call commits nothing.
 *
 * - A call with a session is marked in its session's hour rollup: `ids`, a set of 12-byte digests of call
 *   ids, grown by the very update that adds the call's deltas, so marking it costs no write of its own. A
 *   session rollup holds at most `SESSION_ROLLUP_MARKS` marks, which keeps it within one write unit; from
 *   then on (`idsFull` set, never cleared) the session's further calls of that hour are marked in its
 *   entry of their minute, `LEDGER#S#…`, as every call with a session was before marks moved into rollups.
 * - A call without a session has an entry of its own, `LEDGER#<callId>`, as every call had before entries
 *   were grouped.
 */
export const LEDGER_SORT_KEY = 'LEDGER';
export const ledgerPk = (callId: string): string => `LEDGER#${callId}`;
const GROUP_PREFIX = 'LEDGER#S#';
/** The attribute of a session entry, and of a session's hour rollup, that holds the marks of its calls. */
export const LEDGER_MARKS = 'ids';
/** Set on a session's hour rollup once its further calls are marked in minute entries. Never cleared. */
export const ROLLUP_MARKS_FULL = 'idsFull';
/**
 * Marks a session's hour rollup holds at most. 24 × 12 bytes keep it within DynamoDB's 1 KB write unit:
 * over whole hours of the benchmark mix, 1 session rollup in 18,348 ends above 1 KB with 24 marks, 4.7 %
 * with 32 (the test of this constant measures it). A session with more calls in an hour marks the rest in
 * minute entries, one write per minute and batch.
 */
export const SESSION_ROLLUP_MARKS = 24;

/** Where a call's ledger entry lives. `grouped`: a session's entry of one minute, holding marks. */
export interface LedgerKey {
  pk: string;
  sk: string;
  grouped: boolean;
}

/** The hour rollup a call with a session is marked in; none for a call without a session. */
export const sessionRollupOf = (record: CallRecord): RollupKey | undefined =>
  record.sessionId
    ? rollupKeysOf(record).find((key) => key.dim === 'session' && key.granularity === 'hour')
    : undefined;

/** The entry of a call of its own: a sessionless call's, and every call's before entries were grouped. */
export const ownEntryKey = (callId: string): LedgerKey => ({
  pk: ledgerPk(callId),
  sk: LEDGER_SORT_KEY,
  grouped: false,
});

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

/**
 * The mark of a call in a session entry: 96 bits of its id's SHA-256. Two calls of one session and minute
 * share a mark with a chance of about n² / 2^97 for n calls, below 10^-20 for 50,000.
 */
export const callMark = (callId: string): Uint8Array => digest(callId).subarray(0, 12);

/**
 * The ledger entry of a call: its own, or for a call with a session its session's entry of that minute
 * (where it is marked once the session's hour rollup is full, and where the layout before marked it). The
 * session id is hashed into the key, so a long id cannot make a key too
 * long; two sessions sharing a hash only share an entry, never a mark. A minute bounds the entry's size:
 * one session would need about 550 calls a second to fill DynamoDB's 400 KB item with 12-byte marks.
 */
export const ledgerKeyOf = (record: CallRecord): LedgerKey =>
  record.sessionId
    ? {
        pk: `${GROUP_PREFIX}${digest(record.sessionId).toString('base64url').slice(0, 22)}`,
        sk: new Date(record.timestamp).toISOString().slice(0, 16),
        grouped: true,
      }
    : ownEntryKey(record.callId);

/** A string that identifies a ledger item: `rollupKeyId`'s form, so a chunk counts both kinds in one set. */
export const ledgerKeyId: (key: Pick<LedgerKey, 'pk' | 'sk'>) => string = rollupKeyId;

const expiresAt = (nowMs: number): number => Math.floor(nowMs / 1000) + LEDGER_RETENTION_DAYS * 86_400;

/**
 * The ledger write of the calls sharing one entry, for a transaction. A session entry gains the calls' marks
 * on condition that it holds none of them; an entry of its own is put on condition that it does not exist.
 */
export const ledgerWrite = (
  tableName: string,
  key: LedgerKey,
  callIds: readonly string[],
  nowMs: number,
): TransactWriteItem => {
  if (!key.grouped) {
    return {
      Put: {
        TableName: tableName,
        Item: marshall({
          [KEY.partition]: key.pk,
          [KEY.sort]: key.sk,
          [KEY.type]: ITEM_TYPE.ledger,
          committedAt: new Date(nowMs).toISOString(),
          [KEY.ttl]: expiresAt(nowMs),
        }),
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.partition },
      },
    };
  }
  const marks = callIds.map(callMark);
  const values: Record<string, AttributeValue> = {
    ':type': { S: ITEM_TYPE.ledger },
    ':ttl': { N: String(expiresAt(nowMs)) },
    ':marks': { BS: marks },
  };
  marks.forEach((mark, i) => {
    values[`:m${i}`] = { B: mark };
  });
  return {
    Update: {
      TableName: tableName,
      Key: marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }),
      UpdateExpression: 'SET #type = :type, #ttl = :ttl ADD #ids :marks',
      ConditionExpression: marks.map((_, i) => `NOT contains(#ids, :m${i})`).join(' AND '),
      ExpressionAttributeNames: { '#type': KEY.type, '#ttl': KEY.ttl, '#ids': LEDGER_MARKS },
      ExpressionAttributeValues: values,
    },
  };
};

/**
 * The marks of a session's calls, added to the transaction's update of the session's hour rollup, which
 * then carries their condition:
 * - `full` false: the marks join `ids` on condition that the rollup is not full, has room for them and
 *   holds none of them;
 * - `full` true: the calls' minute entries hold their marks (`ledgerWrite`); the update sets `idsFull` on
 *   condition that `ids` holds none of them, as it may from before the rollup filled up.
 */
export const withSessionMarks = (
  update: TransactWriteItem,
  callIds: readonly string[],
  full: boolean,
): TransactWriteItem => {
  const action = update.Update;
  if (!action) throw new Error('session marks go into the update of the session rollup');
  const marks = callIds.map(callMark);
  const names: Record<string, string> = { ...action.ExpressionAttributeNames, '#ids': LEDGER_MARKS };
  const values: Record<string, AttributeValue> = { ...action.ExpressionAttributeValues };
  const absent = marks.map((mark, i) => {
    values[`:k${i}`] = { B: mark };
    return `NOT contains(#ids, :k${i})`;
  });
  let expression = action.UpdateExpression ?? '';
  let conditions = absent;
  names['#idsFull'] = ROLLUP_MARKS_FULL;
  if (full) {
    values[':idsFull'] = { BOOL: true };
    expression = expression.replace(/^SET /, 'SET #idsFull = :idsFull, ');
  } else {
    values[':marks'] = { BS: marks };
    values[':room'] = { N: String(SESSION_ROLLUP_MARKS - marks.length) };
    expression = `${expression}, #ids :marks`;
    conditions = [
      'attribute_not_exists(#idsFull)',
      '(attribute_not_exists(#ids) OR size(#ids) <= :room)',
      ...absent,
    ];
  }
  return {
    Update: {
      ...action,
      UpdateExpression: expression,
      ConditionExpression: conditions.join(' AND '),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
};

const markId = (mark: Uint8Array): string => Buffer.from(mark).toString('base64');

/** The ids, among `callIds`, whose marks an item read from the table holds. */
export const markedIn = (
  item: Record<string, AttributeValue> | undefined,
  callIds: readonly string[],
): string[] => {
  const held = new Set((item?.[LEDGER_MARKS]?.BS ?? []).map(markId));
  return callIds.filter((id) => held.has(markId(callMark(id))));
};

/** Which of a session entry's calls it marks, read strongly consistent: after its condition failed. */
export const markedCallIds = async (
  client: DynamoDBClient,
  tableName: string,
  key: LedgerKey,
  callIds: readonly string[],
): Promise<string[]> => {
  const result = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: marshall({ [KEY.partition]: key.pk, [KEY.sort]: key.sk }),
      ProjectionExpression: '#ids',
      ExpressionAttributeNames: { '#ids': LEDGER_MARKS },
      ConsistentRead: true,
    }),
  );
  return markedIn(result.Item, callIds);
};

/** What a session's hour rollup says of some of its calls, read strongly consistent. */
export interface SessionRollupMarks {
  /** The calls among those asked about that it marks. */
  marked: string[];
  /** Whether it takes no more marks: `idsFull` is set, or the other calls' marks would exceed the cap. */
  full: boolean;
}

/** Reads a session's hour rollup after a condition on it failed: which calls it marks, and whether full. */
export const sessionRollupMarks = async (
  client: DynamoDBClient,
  tableName: string,
  rollup: Pick<RollupKey, 'pk' | 'sk'>,
  callIds: readonly string[],
): Promise<SessionRollupMarks> => {
  const result = await client.send(
    new GetItemCommand({
      TableName: tableName,
      Key: marshall({ [KEY.partition]: rollup.pk, [KEY.sort]: rollup.sk }),
      ProjectionExpression: '#ids, #full',
      ExpressionAttributeNames: { '#ids': LEDGER_MARKS, '#full': ROLLUP_MARKS_FULL },
      ConsistentRead: true,
    }),
  );
  const marked = markedIn(result.Item, callIds);
  return { marked, full: rollupFull(result.Item, callIds.length - marked.length) };
};

/**
 * Whether a session rollup read from the table takes no more marks: `idsFull` is set, or `unmarked` more
 * calls would take it past `SESSION_ROLLUP_MARKS`.
 */
export const rollupFull = (item: Record<string, AttributeValue> | undefined, unmarked: number): boolean =>
  item?.[ROLLUP_MARKS_FULL]?.BOOL === true ||
  (item?.[LEDGER_MARKS]?.BS?.length ?? 0) + unmarked > SESSION_ROLLUP_MARKS;

/** The ledger attributes of a stored (unmarshalled) rollup item, to carry over when it is rewritten. */
export const ledgerMarksOf = (item: Record<string, unknown> | undefined): Record<string, unknown> =>
  Object.fromEntries(
    [LEDGER_MARKS, ROLLUP_MARKS_FULL]
      .filter((name) => item?.[name] !== undefined)
      .map((name) => [name, item?.[name]]),
  );
