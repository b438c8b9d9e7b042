import { type CallRecord, callIdPk, callPk } from 'claude-monitor/domain';
import { streamRecordsOf } from '../functions/aggregator/bench-workload';
import { STREAM_BATCHING_DEFAULTS } from '../infra/constructs/stream-batching';

/**
 * Lambda hands a stream batch to the function in one invocation, up to the payload limit of a synchronous
 * invocation: 6 MB. https://docs.aws.amazon.com/lambda/latest/api/API_CreateEventSourceMapping.html (BatchSize)
 */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/** How an event source batches a stream: at most `batchSize` records, waiting at most `windowSeconds`. */
export interface Batching {
  batchSize: number;
  windowSeconds: number;
}

/** As deployed now (`STREAM_BATCHING_DEFAULTS`). */
export const DEPLOYED_BATCHING: Batching = {
  batchSize: STREAM_BATCHING_DEFAULTS.batchSize,
  windowSeconds: STREAM_BATCHING_DEFAULTS.batchingWindowSeconds,
};

/** As deployed before the write-cost work widened the window: 1,000 records or 5 s. */
export const EARLIER_BATCHING: Batching = { batchSize: 1_000, windowSeconds: 5 };

/** Batching windows the report compares, in seconds (the deployed one among them). */
export const COMPARED_WINDOWS = [5, DEPLOYED_BATCHING.windowSeconds, 60] as const;

/** A stream ARN as a deployed table's has it (a CDK-generated table name and the stream's label). */
const DEPLOYED_STREAM_ARN =
  'arn:aws:dynamodb:us-east-1:123456789012:table/ClaudeMonitor-MonitorTableA1B2C3D4-1A2B3C4D5E6F7/stream/2026-12-02T18:00:00.000';

/**
 * Average bytes one call record takes in the invocation payload: the stream record as JSON (new image in
 * DynamoDB JSON, keys, sequence number, the stream's ARN), with the comma between records.
 */
export const eventRecordBytes = (records: readonly CallRecord[]): number => {
  const events = streamRecordsOf(records, 0).map((event) => ({
    ...event,
    // Stands in for the item's size, which DynamoDB puts there: only its digits count, 3 or 4 of them.
    dynamodb: { ...event.dynamodb, SizeBytes: 1_000 },
    eventSourceARN: DEPLOYED_STREAM_ARN,
  }));
  const bytes = events.reduce((sum, event) => sum + Buffer.byteLength(JSON.stringify(event)) + 1, 0);
  return bytes / Math.max(1, events.length);
};

/**
 * Records in one batch at `callsPerSecond`: what arrives within the window, at most the batch size and what
 * fits in the payload limit.
 */
export const recordsPerBatch = (callsPerSecond: number, batching: Batching, bytesPerRecord: number): number =>
  Math.max(
    1,
    Math.min(
      batching.batchSize,
      Math.floor(callsPerSecond * batching.windowSeconds),
      Math.floor(LAMBDA_PAYLOAD_LIMIT_BYTES / bytesPerRecord),
    ),
  );

/**
 * Stream shards the comparison spreads the call records over. A table's stream is split into shards that
 * follow its partitions, and a call record's partition follows from its partition key, of which an hour has
 * `CALL_PARTITIONS` (16): 1 is the one-shard stream every other figure assumes (a young table at a low rate),
 * 16 puts each of those keys on a shard of its own (a table grown to 16 partitions or more: about 160 GB, two
 * weeks of records at 200 calls/s).
 */
export const COMPARED_SHARDS = [1, 4, 16] as const;
export type ShardCount = (typeof COMPARED_SHARDS)[number];

/** How call records are keyed: by session (`callPk`, now) or by call id (`callIdPk`, layer versions before). */
export const RECORD_KEYINGS = { session: callPk, callId: callIdPk } as const;
export type RecordKeying = keyof typeof RECORD_KEYINGS;

/**
 * The shard of a partition key. DynamoDB maps keys to partitions by a hash of its own; the key's spread index
 * modulo the shards stands in for it (any fixed map of the 16 keys onto the shards does).
 */
const shardOfKey = (pk: string, shards: number): number => Number(pk.slice(pk.lastIndexOf('#') + 1)) % shards;

/**
 * The batches an event source makes of `records` (in arrival order) spread over `shards` shards by their
 * partition keys: per shard, a batch holds what arrives within the window from its first record, at most the
 * batch size and what fits in the payload limit. Shards are read side by side, so the batches are returned in
 * the order they close.
 */
export const shardedBatches = (
  records: readonly CallRecord[],
  keying: RecordKeying,
  shards: number,
  batching: Batching,
  bytesPerRecord: number,
): CallRecord[][] => {
  const limit = Math.max(
    1,
    Math.min(batching.batchSize, Math.floor(LAMBDA_PAYLOAD_LIMIT_BYTES / bytesPerRecord)),
  );
  const windowMs = batching.windowSeconds * 1_000;
  const open = new Map<number, { startMs: number; records: CallRecord[] }>();
  const closed: { closesMs: number; records: CallRecord[] }[] = [];
  for (const record of records) {
    const shard = shardOfKey(RECORD_KEYINGS[keying](record), shards);
    const atMs = Date.parse(record.timestamp);
    let batch = open.get(shard);
    if (batch && atMs >= batch.startMs + windowMs) {
      closed.push({ closesMs: batch.startMs + windowMs, records: batch.records });
      batch = undefined;
    }
    if (!batch) {
      batch = { startMs: atMs, records: [] };
      open.set(shard, batch);
    }
    batch.records.push(record);
    if (batch.records.length >= limit) {
      closed.push({ closesMs: atMs, records: batch.records });
      open.delete(shard);
    }
  }
  for (const batch of open.values())
    closed.push({ closesMs: batch.startMs + windowMs, records: batch.records });
  return closed.sort((a, b) => a.closesMs - b.closesMs).map((batch) => batch.records);
};
