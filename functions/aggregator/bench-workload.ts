import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { type CallRecord, EMPTY_USAGE, KEY, resolveAlertConfig, toCallItem } from 'claude-monitor/domain';
import { aggregateStreamBatch } from './aggregate';
import { NO_METRICS, SILENT_LOGGER } from './deps';
import { preAggregate } from './pre-aggregate';

export interface MeasureAggregationOptions {
  client: DynamoDBClient;
  tableName: string;
  /** @default 10000 */
  calls?: number;
  /** Records per handler invocation. @default 1000 */
  batchSize?: number;
  /** The records to aggregate, in stream order. @default benchWorkload(calls) */
  records?: readonly CallRecord[];
  /** The records in the batches to hand over one per invocation, instead of `records` cut by `batchSize`. */
  batches?: readonly (readonly CallRecord[])[];
}

export interface AggregationMeasurement {
  calls: number;
  invocations: number;
  transactions: number;
  /** DynamoDB write API calls (TransactWriteItems, PutItem, UpdateItem, DeleteItem, BatchWriteItem). */
  writeRequests: number;
  /** Write capacity units DynamoDB reported as consumed by those calls. */
  writeUnits: number;
  /** Ledger writes inside transactions: one per session entry or call entry a transaction marks calls in. */
  ledgerWrites: number;
  rollupUpdates: number;
  /** Rollup updates by family (`<dimension>/<granularity>`, e.g. `session/hour`). */
  rollupUpdatesByFamily: Record<string, number>;
  /**
   * Rollup items written whole outside transactions, by family: the day sums of `syncDays`, each attempt
   * (a write its condition refuses is billed too).
   */
  rollupPutsByFamily: Record<string, number>;
  /** Puts inside transactions that are not ledger entries (alert markers, outbox entries). */
  otherTransactionalPuts: number;
  /** Write units DynamoDB reported for other writes outside transactions (error streaks, outbox clean-up). */
  plainWriteUnits: number;
  /** Distinct rollup keys each invocation's batch touched. */
  distinctKeysPerBatch: number[];
  readRequests: number;
  readUnits: number;
  writeRequestsPerCall: number;
  writeUnitsPerCall: number;
  /** Writes to the account-wide "this hour" rollup per 1,000 calls (one per transaction). */
  hotKeyWritesPer1000Calls: number;
  /** Records aggregated per second of handler time, averaged over the invocations. */
  recordsPerSecond: number;
  /** Bytes of the EMF metric lines the invocations printed for the calls they counted (newlines included). */
  metricLogBytes: number;
}

const MODELS = ['claude-sonnet-4-5-20250929', 'claude-haiku-4-5-20251001', 'claude-opus-4-1-20250805'];
const WRITE_COMMANDS = new Set([
  'TransactWriteItemsCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
]);
const READ_COMMANDS = new Set(['BatchGetItemCommand', 'GetItemCommand', 'QueryCommand']);

/** The workload: calls spread over one hour, 3 models, 200 sessions, 50 users, 5 tenants, 4 functions, 2% errors. */
export const benchWorkload = (calls: number): CallRecord[] =>
  Array.from({ length: calls }, (_, i) => {
    const session = i % 200;
    const user = session % 50;
    const failed = i % 50 === 7;
    return {
      callId: `bench-${i}`,
      timestamp: new Date(
        Date.UTC(2026, 10, 29, 10, 0, 0, Math.floor((i * 3_600_000) / calls)),
      ).toISOString(),
      operation: 'create',
      beta: false,
      provider: 'anthropic',
      requestedModel: MODELS[i % 3]!,
      model: MODELS[i % 3]!,
      status: failed ? 'error' : 'success',
      ...(failed ? { errorType: 'overloaded' as const, httpStatus: 529 } : {}),
      usage: failed
        ? { ...EMPTY_USAGE }
        : { ...EMPTY_USAGE, inputTokens: 1_200 + (i % 700), outputTokens: 300 + (i % 250) },
      cost: {
        inputNanoUsd: failed ? 0 : 3_600_000,
        outputNanoUsd: failed ? 0 : 4_500_000,
        cacheWrite5mNanoUsd: 0,
        cacheWrite1hNanoUsd: 0,
        cacheReadNanoUsd: 0,
        webSearchNanoUsd: 0,
        totalNanoUsd: failed ? 0 : 8_100_000,
        priced: true,
        priceVersion: 'bench',
        modifiers: [],
      },
      latencyMs: 300 + ((i * 37) % 9_000),
      attempts: 1,
      sessionId: `bench-session-${session}`,
      userId: `bench-user-${user}`,
      tenantId: `bench-tenant-${user % 5}`,
      functionName: `bench-fn-${session % 4}`,
    };
  });

/** Stream records as Lambda delivers them for the workload's inserts. */
export const streamRecordsOf = (records: readonly CallRecord[], offset: number): DynamoDBRecord[] =>
  records.map((record, i) => {
    const item = marshall(toCallItem(record, 90), { removeUndefinedValues: true });
    return {
      eventID: `bench-${offset + i}`,
      eventName: 'INSERT',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      dynamodb: {
        ApproximateCreationDateTime: Math.floor(Date.parse(record.timestamp) / 1000),
        Keys: { pk: item.pk, sk: item.sk } as never,
        NewImage: item as never,
        SequenceNumber: String(100_000_000_000 + offset + i),
        StreamViewType: 'NEW_IMAGE',
      },
      eventSourceARN: 'arn:aws:dynamodb:us-east-1:000000000000:table/bench/stream/local',
    };
  });

/** `ROLLUP#<granularity>#<dim>#<value>` → `<dim>/<granularity>`. */
export const rollupFamilyOf = (pk: string): string => {
  const [, granularity, dim] = pk.split('#');
  return `${dim}/${granularity}`;
};

interface TransactAction {
  Put?: { Item?: Record<string, { S?: string }> };
  Update?: { Key?: Record<string, { S?: string }> };
}

const unitsOf = (capacity: unknown): number => {
  const list = Array.isArray(capacity) ? capacity : capacity ? [capacity] : [];
  return list.reduce((sum: number, entry: { CapacityUnits?: number }) => sum + (entry.CapacityUnits ?? 0), 0);
};

/**
 * Runs the benchmark workload through the aggregator against the given table and counts what DynamoDB
 * reports (`ReturnConsumedCapacity: TOTAL` is added to every call by a client middleware, removed after).
 */
export const measureAggregation = async (
  options: MeasureAggregationOptions,
): Promise<AggregationMeasurement> => {
  const calls = options.calls ?? 10_000;
  const batchSize = options.batchSize ?? 1_000;
  const counts = {
    writeRequests: 0,
    writeUnits: 0,
    ledgerWrites: 0,
    rollupUpdates: 0,
    otherTransactionalPuts: 0,
    plainWriteUnits: 0,
    readRequests: 0,
    readUnits: 0,
  };
  const rollupUpdatesByFamily: Record<string, number> = {};
  const rollupPutsByFamily: Record<string, number> = {};
  let metricLogBytes = 0;
  const middlewareName = 'claudeMonitorBenchCapacity';
  options.client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as Record<string, unknown>;
      const counted = WRITE_COMMANDS.has(command) || READ_COMMANDS.has(command);
      if (counted) input.ReturnConsumedCapacity = 'TOTAL';
      if (command === 'TransactWriteItemsCommand') {
        for (const item of (input.TransactItems as TransactAction[]) ?? []) {
          const putPk = item.Put?.Item?.[KEY.partition]?.S;
          const updatePk = item.Update?.Key?.[KEY.partition]?.S;
          if (putPk?.startsWith('LEDGER#') || updatePk?.startsWith('LEDGER#')) counts.ledgerWrites++;
          else if (item.Put) counts.otherTransactionalPuts++;
          else if (item.Update) {
            counts.rollupUpdates++;
            const family = rollupFamilyOf(item.Update.Key?.[KEY.partition]?.S ?? '');
            rollupUpdatesByFamily[family] = (rollupUpdatesByFamily[family] ?? 0) + 1;
          }
        }
      }
      const putPk =
        command === 'PutItemCommand'
          ? (input.Item as Record<string, { S?: string }>)?.[KEY.partition]?.S
          : '';
      const isRollupPut = putPk?.startsWith('ROLLUP#') ?? false;
      if (isRollupPut) {
        const family = rollupFamilyOf(putPk ?? '');
        rollupPutsByFamily[family] = (rollupPutsByFamily[family] ?? 0) + 1;
      }
      const result = await next(args);
      const units = unitsOf((result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity);
      if (WRITE_COMMANDS.has(command)) {
        counts.writeRequests++;
        counts.writeUnits += units;
        if (command !== 'TransactWriteItemsCommand' && !isRollupPut) counts.plainWriteUnits += units;
      } else if (READ_COMMANDS.has(command)) {
        counts.readRequests++;
        counts.readUnits += units;
      }
      return result;
    },
    { step: 'initialize', name: middlewareName },
  );
  const deps = {
    client: options.client,
    tableName: options.tableName,
    alertConfig: resolveAlertConfig({}),
    logger: SILENT_LOGGER,
    metrics: NO_METRICS,
    writeMetricLine: (line: string) => {
      metricLogBytes += Buffer.byteLength(line) + 1;
    },
  };
  const workload = options.batches?.flat() ?? options.records ?? benchWorkload(calls);
  const batches =
    options.batches ??
    Array.from({ length: Math.ceil(workload.length / batchSize) }, (_, i) =>
      workload.slice(i * batchSize, (i + 1) * batchSize),
    );
  const distinctKeysPerBatch: number[] = [];
  let transactions = 0;
  let handlerMs = 0;
  let invocations = 0;
  let offset = 0;
  try {
    for (const batch of batches) {
      distinctKeysPerBatch.push(preAggregate(batch).size);
      const event = { Records: streamRecordsOf(batch, offset) };
      offset += batch.length;
      const began = performance.now();
      const result = await aggregateStreamBatch(deps, event);
      handlerMs += performance.now() - began;
      transactions += result.summary.transactions;
      invocations++;
    }
  } finally {
    options.client.middlewareStack.remove(middlewareName);
  }
  return {
    calls: workload.length,
    invocations,
    transactions,
    ...counts,
    rollupUpdatesByFamily,
    rollupPutsByFamily,
    distinctKeysPerBatch,
    writeRequestsPerCall: counts.writeRequests / workload.length,
    writeUnitsPerCall: counts.writeUnits / workload.length,
    hotKeyWritesPer1000Calls: (transactions / workload.length) * 1_000,
    recordsPerSecond: workload.length / (handlerMs / 1_000),
    metricLogBytes,
  };
};
