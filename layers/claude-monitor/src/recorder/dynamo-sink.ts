import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { awsClientConfig } from '../aws/client-config';
import { requireAwsSdk } from '../aws/require-aws-sdk';
import { type CallItem, toCallItem } from '../domain/call-item';
import type { CallRecord } from '../domain/call-record';
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_RETENTION_DAYS, ENV } from '../domain/env';
import { boundCallRecord } from '../domain/record-check';
import { type AwsModules, BATCH_SIZE, type ItemsWithReason, writeChunk } from './batch-writer';
import { drainDeferred } from './deferred';
import { healthDocument } from './emf';
import { readLayerSetting } from './layer-setting';
import {
  NOT_WRITTEN_MESSAGE,
  REJECTED_MESSAGE,
  reportMonitorFailure,
  takeMonitorFailures,
  UNCONFIRMED_MESSAGE,
  writeLogLine,
} from './log-line';
import { registerSink } from './registry';
import { addFlushResults, EMPTY_FLUSH, type FlushOptions, type FlushResult, type RecordSink } from './sink';

export { BATCH_SIZE } from './batch-writer';

export interface DynamoSinkOptions {
  /** Table for call records. @default process.env.CLAUDE_MONITOR_TABLE */
  tableName?: string;
  /** @default a DynamoDB client (local endpoint when configured) with 2 attempts */
  client?: DynamoDBClient;
  /**
   * Upper bound on a write that no flush deadline covers, ms.
   * @default CLAUDE_MONITOR_FLUSH_TIMEOUT_MS, else 2000
   */
  flushTimeoutMs?: number;
  /** Days before TTL removes a record. @default CLAUDE_MONITOR_RETENTION_DAYS, else 90 */
  retentionDays?: number;
  /**
   * Outside an explicit flush, buffered records are written in the background after this delay, so a
   * long-running process does not hold them indefinitely. The timer never keeps the process alive.
   * @default 1000
   */
  flushIntervalMs?: number;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** A write in progress: its deadline can be moved by a flush that knows how long the invocation has left. */
interface Write {
  setDeadline(deadline: number): void;
  done: Promise<FlushResult>;
}

/**
 * The recorder: buffers call records and writes them with `BatchWriteItem`, retrying unprocessed items with
 * exponential backoff. Each record is first brought within the record bounds; one that breaks the record
 * rules is logged as rejected, and a request DynamoDB refuses for one item is split so that the others are
 * stored. Every write is bounded by a deadline: the flush's (`FlushOptions.deadline`, from the time the
 * invocation has left), else the flush timeout. Records that are certainly not stored are logged as one
 * JSON line each (`"message": "claude-monitor: record not written"`, with the full item), records whose
 * write went unanswered as `"claude-monitor: record unconfirmed"`; both kinds are replayed, each record at
 * most once. The AWS SDK is imported on the first write only.
 */
export const createDynamoSink = (options: DynamoSinkOptions = {}): RecordSink => {
  const env = options.env ?? process.env;
  const tableName = options.tableName ?? env[ENV.tableName]?.trim();
  const timeoutMs =
    options.flushTimeoutMs ?? readLayerSetting(env, ENV.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS);
  const retentionDays =
    options.retentionDays ?? readLayerSetting(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS);
  const intervalMs = options.flushIntervalMs ?? 1_000;
  let buffer: CallRecord[] = [];
  const inflight = new Set<Write>();
  let timer: NodeJS.Timeout | undefined;
  let aws: Promise<AwsModules> | undefined;

  const loadAws = (): Promise<AwsModules> => {
    aws ??= Promise.resolve().then(() => {
      const dynamo = requireAwsSdk<typeof import('@aws-sdk/client-dynamodb')>('@aws-sdk/client-dynamodb');
      return {
        // No per-request timeout: the write's deadline aborts it, and tells unanswered from refused.
        client:
          options.client ??
          new dynamo.DynamoDBClient(awsClientConfig(ENV.dynamodbEndpoint, env, { maxAttempts: 2 })),
        BatchWriteItemCommand: dynamo.BatchWriteItemCommand,
        marshall,
      };
    });
    return aws;
  };

  const logItems = (message: string, batches: readonly ItemsWithReason[]): number => {
    let count = 0;
    for (const { items, reason } of batches) {
      for (const item of items) writeLogLine({ level: 'ERROR', message, reason, tableName, item });
      count += items.length;
    }
    return count;
  };

  /** Bounds every record; a record that breaks the rules is logged and left out. */
  const itemsOf = (records: readonly CallRecord[]): { items: CallItem[]; rejected: number } => {
    const items: CallItem[] = [];
    let rejected = 0;
    let dropped = 0;
    for (const record of records) {
      try {
        const bounded = boundCallRecord(record);
        dropped += bounded.dropped;
        items.push(toCallItem(bounded.record, retentionDays));
      } catch (error) {
        rejected++;
        const reason = error instanceof Error ? error.message : String(error);
        writeLogLine({ level: 'ERROR', message: REJECTED_MESSAGE, reason, tableName, record });
      }
    }
    if (dropped > 0)
      reportMonitorFailure('attribution', `${dropped} tag or metadata entries over the bounds dropped`);
    return { items, rejected };
  };

  const write = async (records: CallRecord[], signal: AbortSignal): Promise<FlushResult> => {
    const { items, rejected } = itemsOf(records);
    const result: FlushResult = { ...EMPTY_FLUSH, notWritten: rejected };
    if (!tableName) {
      result.notWritten += logItems(NOT_WRITTEN_MESSAGE, [{ items, reason: `${ENV.tableName} is not set` }]);
    } else if (items.length > 0) {
      try {
        const modules = await loadAws();
        const chunks: CallItem[][] = [];
        for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE));
        const outcomes = await Promise.all(
          chunks.map((chunk) => writeChunk(chunk, tableName, modules, signal)),
        );
        for (const outcome of outcomes) {
          result.written += outcome.written;
          result.notWritten += logItems(NOT_WRITTEN_MESSAGE, outcome.notWritten);
          result.unconfirmed += logItems(UNCONFIRMED_MESSAGE, outcome.unconfirmed);
        }
      } catch (error) {
        reportMonitorFailure('recorder', error);
        result.notWritten += logItems(NOT_WRITTEN_MESSAGE, [{ items, reason: 'recorder failure' }]);
      }
    }
    const health = healthDocument(records[0]?.functionName ?? env.AWS_LAMBDA_FUNCTION_NAME, {
      recordsNotWritten: result.notWritten,
      recordsUnconfirmed: result.unconfirmed,
      monitorFailures: takeMonitorFailures(),
    });
    if (health) writeLogLine(health);
    return result;
  };

  const startWrite = (deadline: number): Write => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const records = buffer;
    buffer = [];
    const abort = new AbortController();
    let deadlineTimer: NodeJS.Timeout | undefined;
    const setDeadline = (at: number): void => {
      clearTimeout(deadlineTimer);
      deadlineTimer = setTimeout(() => abort.abort(), Math.max(0, at - Date.now()));
      deadlineTimer.unref();
    };
    setDeadline(deadline);
    const done = write(records, abort.signal)
      .catch((error: unknown) => {
        reportMonitorFailure('recorder', error);
        return { ...EMPTY_FLUSH, notWritten: records.length };
      })
      .finally(() => {
        clearTimeout(deadlineTimer);
        inflight.delete(running);
      });
    const running: Write = { setDeadline, done };
    inflight.add(running);
    return running;
  };

  const sink: RecordSink = {
    add: (record) => {
      buffer.push(record);
      if (buffer.length >= BATCH_SIZE) {
        startWrite(Date.now() + timeoutMs);
      } else if (!timer) {
        timer = setTimeout(() => startWrite(Date.now() + timeoutMs), intervalMs);
        timer.unref();
      }
    },
    flush: async (flushOptions: FlushOptions = {}) => {
      drainDeferred();
      const { deadline } = flushOptions;
      // The invocation's own deadline replaces the fixed bound of writes already on their way.
      if (deadline !== undefined) for (const running of inflight) running.setDeadline(deadline);
      if (buffer.length > 0) startWrite(deadline ?? Date.now() + timeoutMs);
      return addFlushResults(await Promise.all([...inflight].map((running) => running.done)));
    },
  };
  registerSink(sink);
  return sink;
};
