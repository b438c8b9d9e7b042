import type { CallRecord } from './call-record';
import { MalformedCallRecordError } from './errors';
import { boundCallRecord, checkCallRecord } from './record-check';
import { CALL_PARTITIONS, ITEM_TYPE, KEY, LEGACY_INDEX } from './table-schema';

/** A call record as stored: the record itself plus its keys, type and TTL. */
export type CallItem = CallRecord & {
  pk: string;
  sk: string;
  type: typeof ITEM_TYPE.call;
  expiresAt: number;
};

/** FNV-1a: a cheap, stable spread of session and call ids over the hour's partitions. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** What decides where a call record is stored. */
export type CallKeyFields = Pick<CallRecord, 'timestamp' | 'callId' | 'sessionId'>;

/**
 * Partition of a call record: the hour of its timestamp and a spread index, from the session id, or from the
 * call id for a call without a session. A session's calls of one hour share a partition key, so they share a
 * partition of the table and a shard of its stream, and reach the aggregator in the same batches: their
 * session rollup and ledger entry are written once per batch, and two shards never hold the same session's
 * calls at once. One session is bounded by a partition's 1,000 writes a second; a session calls far less.
 */
export const callPk = ({ timestamp, callId, sessionId }: CallKeyFields): string =>
  `CALL#${timestamp.slice(0, 13)}#${fnv1a(sessionId || callId) % CALL_PARTITIONS}`;

/**
 * The partition layer versions before the session spread gave a call record (spread by call id). Still
 * needed by replay, whose log lines may come from those versions: a record stored under it must not be
 * stored again under `callPk`.
 */
export const callIdPk = ({ timestamp, callId }: CallKeyFields): string =>
  `CALL#${timestamp.slice(0, 13)}#${fnv1a(callId) % CALL_PARTITIONS}`;

/** Every partition key that can hold calls of the given hour (`yyyy-mm-ddThh`). */
export const callPksOfHour = (hour: string): string[] =>
  Array.from({ length: CALL_PARTITIONS }, (_, p) => `CALL#${hour}#${p}`);

export const callSk = (timestamp: string, callId: string): string => `${timestamp}#${callId}`;

/**
 * The item stored for a record, with the record first brought within `RECORD_LIMITS` (`boundCallRecord`), so
 * no value from user land can push a key past DynamoDB's limits or an item past its size, whichever client
 * made the record.
 * @throws MalformedCallRecordError when the record breaks a rule that bounding cannot fix.
 */
export const toCallItem = (record: CallRecord, retentionDays: number): CallItem => {
  const bounded = boundCallRecord(record).record;
  return {
    ...bounded,
    [KEY.partition]: callPk(bounded),
    [KEY.sort]: callSk(bounded.timestamp, bounded.callId),
    [KEY.type]: ITEM_TYPE.call,
    [KEY.ttl]: Math.floor(Date.parse(bounded.timestamp) / 1000) + retentionDays * 86_400,
  };
};

/**
 * Reads an unmarshalled item as a call record, checking it against every rule of `checkCallRecord`: records
 * also come from older layer versions and from edited log lines, so nothing is trusted for being stored.
 * A record that fails here is rejected with the reason (a poison record for the aggregator), never summed.
 * @throws MalformedCallRecordError naming the field that breaks a rule.
 */
export const fromCallItem = (item: Record<string, unknown>): CallRecord => {
  if (item[KEY.type] !== ITEM_TYPE.call) throw new MalformedCallRecordError('type', 'is not "call"');
  const {
    [KEY.partition]: _pk,
    [KEY.sort]: _sk,
    [KEY.type]: _type,
    [KEY.ttl]: _ttl,
    // Session-index keys that records of earlier versions carry.
    [LEGACY_INDEX.bySession.partition]: _g1,
    [LEGACY_INDEX.bySession.sort]: _g2,
    ...record
  } = item;
  return checkCallRecord(record);
};
