import type { CallRecord, TokenUsage } from './call-record';
import { CALL_PARTITIONS, INDEX, ITEM_TYPE, KEY } from './table-schema';

/** A call record as stored: the record itself plus its keys, type and TTL. */
export type CallItem = CallRecord & {
  pk: string;
  sk: string;
  type: typeof ITEM_TYPE.call;
  expiresAt: number;
  gsi1pk?: string;
  gsi1sk?: string;
};

/** FNV-1a: a cheap, stable spread of call ids over the hour's partitions. */
const fnv1a = (text: string): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
};

/** Partition of a call record: the hour of its timestamp and a spread index. */
export const callPk = (timestamp: string, callId: string): string =>
  `CALL#${timestamp.slice(0, 13)}#${fnv1a(callId) % CALL_PARTITIONS}`;

/** Every partition key that can hold calls of the given hour (`yyyy-mm-ddThh`). */
export const callPksOfHour = (hour: string): string[] =>
  Array.from({ length: CALL_PARTITIONS }, (_, p) => `CALL#${hour}#${p}`);

export const callSk = (timestamp: string, callId: string): string => `${timestamp}#${callId}`;

export const toCallItem = (record: CallRecord, retentionDays: number): CallItem => {
  const item: CallItem = {
    ...record,
    [KEY.partition]: callPk(record.timestamp, record.callId),
    [KEY.sort]: callSk(record.timestamp, record.callId),
    [KEY.type]: ITEM_TYPE.call,
    [KEY.ttl]: Math.floor(Date.parse(record.timestamp) / 1000) + retentionDays * 86_400,
  };
  if (record.sessionId) {
    item[INDEX.bySession.partition] = `SESSION#${record.sessionId}`;
    item[INDEX.bySession.sort] = item.sk;
  }
  return item;
};

/** Raised when a stored item cannot be read as a call record. */
export class MalformedCallRecordError extends Error {
  public readonly field: string;
  public constructor(field: string, message: string) {
    super(`malformed call record: ${field} ${message}`);
    this.name = 'MalformedCallRecordError';
    this.field = field;
  }
}

const USAGE_FIELDS: readonly (keyof TokenUsage)[] = [
  'inputTokens',
  'outputTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'cacheReadTokens',
  'webSearchRequests',
  'webFetchRequests',
];

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * Reads an unmarshalled item as a call record, checking every field the aggregator sums.
 * A record that fails here is a poison record: it is reported, never summed.
 */
export const fromCallItem = (item: Record<string, unknown>): CallRecord => {
  if (item[KEY.type] !== ITEM_TYPE.call) throw new MalformedCallRecordError('type', 'is not "call"');
  for (const field of ['callId', 'timestamp', 'model', 'requestedModel', 'provider', 'operation', 'status']) {
    if (typeof item[field] !== 'string' || item[field] === '') {
      throw new MalformedCallRecordError(field, 'is missing or not a string');
    }
  }
  if (Number.isNaN(Date.parse(item.timestamp as string))) {
    throw new MalformedCallRecordError('timestamp', 'is not a date');
  }
  if (item.status !== 'success' && item.status !== 'error') {
    throw new MalformedCallRecordError('status', 'is neither success nor error');
  }
  const usage = item.usage as Record<string, unknown> | undefined;
  if (typeof usage !== 'object' || usage === null) throw new MalformedCallRecordError('usage', 'is missing');
  for (const field of USAGE_FIELDS) {
    if (!isCount(usage[field])) throw new MalformedCallRecordError(`usage.${field}`, 'is not a count');
  }
  const cost = item.cost as Record<string, unknown> | undefined;
  if (typeof cost !== 'object' || cost === null) throw new MalformedCallRecordError('cost', 'is missing');
  if (!isCount(cost.totalNanoUsd)) throw new MalformedCallRecordError('cost.totalNanoUsd', 'is not a count');
  if (typeof cost.priced !== 'boolean') throw new MalformedCallRecordError('cost.priced', 'is not a boolean');
  if (!isCount(item.latencyMs)) throw new MalformedCallRecordError('latencyMs', 'is not a count');
  if (item.ttftMs !== undefined && !isCount(item.ttftMs)) {
    throw new MalformedCallRecordError('ttftMs', 'is not a count');
  }
  const {
    pk: _pk,
    sk: _sk,
    type: _type,
    expiresAt: _ttl,
    gsi1pk: _g1,
    gsi1sk: _g2,
    ...record
  } = item as unknown as CallItem;
  return record;
};
