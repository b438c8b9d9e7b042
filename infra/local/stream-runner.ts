import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type _Record as StreamsRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { ITEM_TYPE, KEY } from 'claude-monitor/domain';

/**
 * What the local event source mapping calls, with the same event Lambda would pass. A result other than a
 * partial batch response (e.g. nothing) means every record succeeded, as with Lambda.
 */
export type StreamHandler = (event: DynamoDBStreamEvent) => Promise<unknown>;

const failedIdentifiers = (response: unknown): string[] => {
  const failures = (response as Partial<DynamoDBBatchResponse> | undefined)?.batchItemFailures;
  return Array.isArray(failures) ? failures.map((failure) => failure.itemIdentifier) : [];
};

/** A batch given up on after its retries: what Lambda sends to the on-failure destination, plus the records. */
export interface StreamFailure {
  shardId: string;
  reason: 'batchItemFailures' | 'functionError';
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  records: DynamoDBRecord[];
  error?: unknown;
}

export interface StreamRunnerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  handler: StreamHandler;
  /** Records per handler call. @default 100 */
  batchSize?: number;
  /** How long to gather records before calling the handler with a partial batch, ms. @default 0 */
  batchingWindowMs?: number;
  /** Where to begin on shards open at start. @default 'TRIM_HORIZON' */
  startFrom?: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failing batch before it goes to `onFailure`. @default 2 */
  maximumRetryAttempts?: number;
  /** Split a batch in halves when the handler throws. @default true */
  bisectOnError?: boolean;
  /**
   * Pause after a poll that found nothing, ms; it doubles while the stream stays idle, up to
   * `maxIdleIntervalMs`. `waitUntilIdle()` wakes the runner at once, so waiting never costs the pause.
   * @default 100
   */
  pollIntervalMs?: number;
  /**
   * Longest pause of an idle stream, ms. Every poll costs DynamoDB Local a few milliseconds of CPU per
   * shard, so an idle runner should not poll ten times a second.
   * @default 1000
   */
  maxIdleIntervalMs?: number;
  /**
   * How often the shard list is read again (`DescribeStream`) while nothing asks for it, ms. It is read at
   * once when a shard ends (its children follow it) and when `waitUntilIdle()` is called.
   * @default 5000
   */
  describeIntervalMs?: number;
  /** Event filter; the default is the aggregator's (INSERTs of call items). */
  filter?: (record: DynamoDBRecord) => boolean;
  /** The on-failure destination. @default a no-op */
  onFailure?: (failure: StreamFailure) => void | Promise<void>;
  /** Region put into the records. @default 'us-east-1' */
  region?: string;
}

export interface StreamRunner {
  /** Resolves once a full poll that began after the call found nothing new and nothing is in flight. */
  waitUntilIdle(): Promise<void>;
  /** Processes everything in the stream so far, then stops. */
  drain(): Promise<void>;
  /** Stops polling after the batch in flight; resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Last processed sequence number per shard. */
  checkpoints(): ReadonlyMap<string, string>;
}

/** The aggregator's event source filter: `{ eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['call'] } } } }`. */
export const callInsertFilter = (record: DynamoDBRecord): boolean =>
  record.eventName === 'INSERT' && record.dynamodb?.NewImage?.[KEY.type]?.S === ITEM_TYPE.call;

/** A DynamoDB Streams record in the shape Lambda delivers it (epoch seconds, lower-case identity). */
export const toLambdaRecord = (
  record: StreamsRecord,
  streamArn: string,
  region = 'us-east-1',
): DynamoDBRecord => {
  const stream = record.dynamodb ?? {};
  const created = stream.ApproximateCreationDateTime;
  return {
    eventID: record.eventID,
    eventName: record.eventName as DynamoDBRecord['eventName'],
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: record.awsRegion ?? region,
    dynamodb: {
      ...(created ? { ApproximateCreationDateTime: Math.floor(new Date(created).getTime() / 1000) } : {}),
      Keys: stream.Keys as never,
      ...(stream.NewImage ? { NewImage: stream.NewImage as never } : {}),
      ...(stream.OldImage ? { OldImage: stream.OldImage as never } : {}),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType as never,
    },
    eventSourceARN: streamArn,
    ...(record.userIdentity
      ? { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }
      : {}),
  };
};

const sequenceOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '0';
const bySequence = (a: string, b: string): number =>
  BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0;

interface ShardState {
  id: string;
  parentId?: string;
  iterator?: string;
  done: boolean;
  buffer: DynamoDBRecord[];
  bufferSince: number;
}

/**
 * A local stand-in for Lambda's DynamoDB event source mapping: polls every shard of the stream, filters,
 * batches, calls the handler and honours partial batch responses, bisection, bounded retries and the
 * on-failure destination, keeping a checkpoint per shard.
 */
export const startStreamRunner = (options: StreamRunnerOptions): StreamRunner => {
  const batchSize = options.batchSize ?? 100;
  const windowMs = options.batchingWindowMs ?? 0;
  const maxRetries = options.maximumRetryAttempts ?? 2;
  const filter = options.filter ?? callInsertFilter;
  const shards = new Map<string, ShardState>();
  const checkpoints = new Map<string, string>();
  const waiters: { fromCycle: number; resolve: () => void; reject: (error: unknown) => void }[] = [];
  let cycle = 0;
  let stopped = false;
  let firstDescribe = true;
  let failure: unknown;
  let describeDue = true;
  let describedAt = 0;
  let idleMs = options.pollIntervalMs ?? 100;
  let wake: (() => void) | undefined;

  /** A pause that `waitUntilIdle()` and `stop()` cut short. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      wake = done;
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
    });

  const fail = async (
    shardId: string,
    reason: StreamFailure['reason'],
    records: DynamoDBRecord[],
    error?: unknown,
  ) => {
    await options.onFailure?.({
      shardId,
      reason,
      firstSequenceNumber: sequenceOf(records[0]!),
      lastSequenceNumber: sequenceOf(records[records.length - 1]!),
      records,
      ...(error === undefined ? {} : { error }),
    });
  };

  const runBatch = async (shardId: string, batch: DynamoDBRecord[]): Promise<void> => {
    let pending = batch;
    for (let retries = 0; ; retries++) {
      let response: unknown;
      try {
        response = await options.handler({ Records: pending });
      } catch (error) {
        if ((options.bisectOnError ?? true) && pending.length > 1) {
          const middle = Math.ceil(pending.length / 2);
          await runBatch(shardId, pending.slice(0, middle));
          await runBatch(shardId, pending.slice(middle));
          return;
        }
        if (retries >= maxRetries) return fail(shardId, 'functionError', pending, error);
        continue;
      }
      const failed = failedIdentifiers(response);
      if (failed.length === 0) return;
      // Like Lambda: retry from the lowest failed sequence number; an unknown identifier fails the whole batch.
      const known = failed.every((id) => pending.some((record) => sequenceOf(record) === id));
      const lowest = known ? failed.sort(bySequence)[0] : undefined;
      const from = pending.findIndex((record) => sequenceOf(record) === lowest);
      if (retries >= maxRetries) return fail(shardId, 'batchItemFailures', pending.slice(Math.max(from, 0)));
      pending = pending.slice(Math.max(from, 0));
    }
  };

  const refreshShards = async (): Promise<void> => {
    if (!describeDue && Date.now() - describedAt < (options.describeIntervalMs ?? 5_000)) return;
    describeDue = false;
    describedAt = Date.now();
    const found: Shard[] = [];
    let start: string | undefined;
    do {
      const { StreamDescription } = await options.client.send(
        new DescribeStreamCommand({ StreamArn: options.streamArn, ExclusiveStartShardId: start }),
      );
      found.push(...(StreamDescription?.Shards ?? []));
      start = StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      const type = firstDescribe && options.startFrom === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON';
      const { ShardIterator } = await options.client.send(
        new GetShardIteratorCommand({
          StreamArn: options.streamArn,
          ShardId: shard.ShardId,
          ShardIteratorType: type,
        }),
      );
      shards.set(shard.ShardId, {
        id: shard.ShardId,
        ...(shard.ParentShardId ? { parentId: shard.ParentShardId } : {}),
        ...(ShardIterator ? { iterator: ShardIterator } : {}),
        done: !ShardIterator,
        buffer: [],
        bufferSince: 0,
      });
    }
    firstDescribe = false;
  };

  /** Polls one shard; returns how many records it read or still holds. */
  const pollShard = async (shard: ShardState): Promise<number> => {
    const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
    if (shard.done || (parent && !parent.done)) return 0;
    let read = 0;
    if (shard.iterator) {
      const result = await options.client.send(
        new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: 1000 }),
      );
      const records = (result.Records ?? []).map((r) => toLambdaRecord(r, options.streamArn, options.region));
      read = records.length;
      if (records.length > 0) {
        if (shard.buffer.length === 0) shard.bufferSince = Date.now();
        const kept = records.filter(filter);
        shard.buffer.push(...kept);
        // Filtered-out records are consumed too, as with Lambda's event filtering.
        if (kept.length === 0) checkpoints.set(shard.id, sequenceOf(records[records.length - 1]!));
      }
      if (result.NextShardIterator) shard.iterator = result.NextShardIterator;
      else delete shard.iterator;
    }
    const windowOver = Date.now() - shard.bufferSince >= windowMs || !shard.iterator;
    while (shard.buffer.length >= batchSize || (shard.buffer.length > 0 && windowOver)) {
      const batch = shard.buffer.splice(0, batchSize);
      await runBatch(shard.id, batch);
      checkpoints.set(shard.id, sequenceOf(batch[batch.length - 1]!));
      if (stopped) break;
    }
    if (!shard.iterator && shard.buffer.length === 0) {
      shard.done = true;
      // A closed shard's children may already exist: read the shard list on the next cycle.
      describeDue = true;
    }
    return read + shard.buffer.length;
  };

  const loop = async (): Promise<void> => {
    while (!stopped) {
      cycle++;
      const current = cycle;
      let busy = 0;
      await refreshShards();
      for (const shard of shards.values()) {
        if (stopped) break;
        busy += await pollShard(shard);
      }
      if (busy > 0) {
        idleMs = options.pollIntervalMs ?? 100;
        continue;
      }
      for (const waiter of waiters.filter((w) => w.fromCycle <= current)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (stopped) break;
      await pause(idleMs);
      idleMs = Math.min(idleMs * 2, options.maxIdleIntervalMs ?? 1_000);
    }
  };

  const running = loop().catch((error: unknown) => {
    failure = error;
    for (const waiter of waiters.splice(0)) waiter.reject(error);
  });

  const waitUntilIdle = (): Promise<void> => {
    if (failure !== undefined) return Promise.reject(failure);
    if (stopped) return Promise.resolve();
    return new Promise((resolve, reject) => {
      waiters.push({ fromCycle: cycle + 1, resolve, reject });
      // The caller may have just written records, maybe into a new shard: look at once, and everywhere.
      describeDue = true;
      wake?.();
    });
  };

  const stop = async (): Promise<void> => {
    stopped = true;
    wake?.();
    await running;
    for (const waiter of waiters.splice(0)) waiter.resolve();
  };

  return {
    waitUntilIdle,
    drain: async () => {
      await waitUntilIdle();
      await stop();
    },
    stop,
    checkpoints: () => checkpoints,
  };
};
