import { type CallRecord, DEFAULT_ALERT_CONFIG, EMPTY_USAGE, type ErrorType } from 'claude-monitor/domain';
import { aggregateStreamBatch } from '../../functions/aggregator/aggregate';
import { NO_METRICS, SILENT_LOGGER } from '../../functions/aggregator/deps';
import { putCallRecords } from './call-records';
import type { TestTable } from './dynamodb';
import { readWholeStream } from './stream';

/** Models the generated calls use; the last one is missing from the price table (unpriced). */
export const SEED_MODELS = [
  'claude-sonnet-4-5-20250929',
  'claude-haiku-4-5-20251001',
  'claude-opus-4-5-20251101',
  'claude-future-9',
] as const;

const ERROR_TYPES: ErrorType[] = ['rate_limit', 'overloaded', 'server', 'client', 'timeout', 'aborted'];

/** Small deterministic generator, so that a failing test sees the same data again. */
const random = (seed: number) => {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export interface GenerateOptions {
  count: number;
  /** Calls are spread evenly over [startMs, endMs). */
  startMs: number;
  endMs: number;
  /** @default 1 */
  seed?: number;
  /** Prefix of call ids, so several sets can share a table. @default 'call' */
  idPrefix?: string;
}

/** Varied call records: several models, users, tenants, sessions, functions, errors, streams, cache use. */
export const generateCalls = (options: GenerateOptions): CallRecord[] => {
  const next = random(options.seed ?? 1);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const span = options.endMs - options.startMs;
  return Array.from({ length: options.count }, (_, i) => {
    const model = pick(SEED_MODELS);
    const priced = model !== 'claude-future-9';
    const failed = next() < 0.1;
    const stream = next() < 0.4;
    const usage = failed
      ? { ...EMPTY_USAGE }
      : {
          ...EMPTY_USAGE,
          inputTokens: 100 + Math.floor(next() * 5_000),
          outputTokens: 10 + Math.floor(next() * 1_500),
          cacheWrite5mTokens: next() < 0.3 ? Math.floor(next() * 2_000) : 0,
          cacheWrite1hTokens: next() < 0.1 ? Math.floor(next() * 2_000) : 0,
          cacheReadTokens: next() < 0.4 ? Math.floor(next() * 8_000) : 0,
          webSearchRequests: next() < 0.05 ? 1 + Math.floor(next() * 3) : 0,
        };
    const inputNano = priced ? usage.inputTokens * 3_000 : 0;
    const outputNano = priced ? usage.outputTokens * 15_000 : 0;
    const cacheNano = priced
      ? usage.cacheWrite5mTokens * 3_750 + usage.cacheWrite1hTokens * 6_000 + usage.cacheReadTokens * 300
      : 0;
    const searchNano = priced ? usage.webSearchRequests * 10_000_000 : 0;
    const latencyMs = 20 + Math.floor(next() * next() * 12_000);
    const record: CallRecord = {
      callId: `${options.idPrefix ?? 'call'}-${String(i).padStart(7, '0')}`,
      timestamp: new Date(options.startMs + Math.floor((i * span) / options.count)).toISOString(),
      operation: stream ? 'stream' : 'create',
      beta: false,
      provider: 'anthropic',
      requestedModel: model,
      model,
      status: failed ? 'error' : 'success',
      usage,
      cost: {
        inputNanoUsd: inputNano,
        outputNanoUsd: outputNano,
        cacheWrite5mNanoUsd: 0,
        cacheWrite1hNanoUsd: 0,
        cacheReadNanoUsd: cacheNano,
        webSearchNanoUsd: searchNano,
        totalNanoUsd: inputNano + outputNano + cacheNano + searchNano,
        priced,
        priceVersion: '2026-11-01',
        modifiers: [],
      },
      latencyMs,
      attempts: 1,
      functionName: pick(['fn-chat', 'fn-summarise', 'fn-batch']),
      tenantId: pick(['tenant-a', 'tenant-b']),
      sessionId: `session-${Math.floor(next() * 20)}`,
    };
    if (next() < 0.85) record.userId = `user-${Math.floor(next() * 6)}`;
    if (stream) record.ttftMs = Math.min(latencyMs, 10 + Math.floor(next() * 1_500));
    if (failed) {
      record.errorType = pick(ERROR_TYPES);
      record.errorMessage = 'request failed';
    }
    return record;
  });
};

/**
 * Raw records written to the table, then the table's stream read back and handed to the real aggregator in
 * Lambda-sized batches: the rollups the API reads are the ones production would have.
 */
export const seedThroughPipeline = async (
  table: TestTable,
  records: readonly CallRecord[],
): Promise<void> => {
  await putCallRecords(table.client, table.tableName, records, 12);
  const streamRecords = await readWholeStream(table.endpoint, table.streamArn);
  const deps = {
    client: table.client,
    tableName: table.tableName,
    alertConfig: DEFAULT_ALERT_CONFIG,
    logger: SILENT_LOGGER,
    metrics: NO_METRICS,
  };
  for (let i = 0; i < streamRecords.length; i += 100) {
    const result = await aggregateStreamBatch(deps, { Records: streamRecords.slice(i, i + 100) });
    if (result.batchItemFailures.length > 0) {
      throw new Error(`the aggregator failed ${result.batchItemFailures.length} stream records`);
    }
  }
};
