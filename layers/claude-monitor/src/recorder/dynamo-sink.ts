import type { DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { awsClientConfig } from '../aws/client-config';
import { requireAwsSdk } from '../aws/require-aws-sdk';
import { type CallItem, toCallItem } from '../domain/call-item';
import type { CallRecord } from '../domain/call-record';
import { DEFAULT_FLUSH_TIMEOUT_MS, DEFAULT_RETENTION_DAYS, ENV, readPositiveInt } from '../domain/env';
import { drainDeferred } from './deferred';
import { emfDocuments } from './emf';
import { NOT_WRITTEN_MESSAGE, reportMonitorFailure, takeMonitorFailures, writeLogLine } from './log-line';
import { registerSink } from './registry';
import type { FlushResult, RecordSink } from './sink';

/** DynamoDB's limit on items per `BatchWriteItem` request. */
export const BATCH_SIZE = 25;

export interface DynamoSinkOptions {
  /** Table for call records. @default process.env.CLAUDE_MONITOR_TABLE */
  tableName?: string;
  /** @default a DynamoDB client (local endpoint when configured) with 2 attempts and the flush timeout per request */
  client?: DynamoDBClient;
  /** Upper bound on one flush, ms. @default CLAUDE_MONITOR_FLUSH_TIMEOUT_MS, else 2000 */
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

const MAX_WRITE_ROUNDS = 6;
const FIRST_BACKOFF_MS = 25;

interface AwsModules {
  client: DynamoDBClient;
  BatchWriteItemCommand: typeof import('@aws-sdk/client-dynamodb').BatchWriteItemCommand;
  marshall: typeof import('@aws-sdk/util-dynamodb').marshall;
}

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    timer.unref();
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });

const readSetting = (
  env: NodeJS.ProcessEnv,
  name: typeof ENV.flushTimeoutMs | typeof ENV.retentionDays,
  fallback: number,
) => {
  try {
    return readPositiveInt(env, name, fallback);
  } catch (error) {
    reportMonitorFailure('config', error);
    return fallback;
  }
};

/**
 * The recorder: buffers call records and writes them with `BatchWriteItem`, retrying unprocessed items with
 * exponential backoff. Every write is bounded by the flush timeout; records that still cannot be stored are
 * written as one JSON log line each (`"message": "claude-monitor: record not written"`, with the full item),
 * so they can be replayed. The AWS SDK is imported on the first write only.
 */
export const createDynamoSink = (options: DynamoSinkOptions = {}): RecordSink => {
  const env = options.env ?? process.env;
  const tableName = options.tableName ?? env[ENV.tableName]?.trim();
  const timeoutMs = options.flushTimeoutMs ?? readSetting(env, ENV.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS);
  const retentionDays = options.retentionDays ?? readSetting(env, ENV.retentionDays, DEFAULT_RETENTION_DAYS);
  const intervalMs = options.flushIntervalMs ?? 1_000;
  let buffer: CallRecord[] = [];
  const inflight = new Set<Promise<FlushResult>>();
  let timer: NodeJS.Timeout | undefined;
  let aws: Promise<AwsModules> | undefined;

  const loadAws = (): Promise<AwsModules> => {
    aws ??= Promise.resolve().then(() => {
      const dynamo = requireAwsSdk<typeof import('@aws-sdk/client-dynamodb')>('@aws-sdk/client-dynamodb');
      return {
        client:
          options.client ??
          new dynamo.DynamoDBClient(
            awsClientConfig(ENV.dynamodbEndpoint, env, { maxAttempts: 2, requestTimeoutMs: timeoutMs }),
          ),
        BatchWriteItemCommand: dynamo.BatchWriteItemCommand,
        marshall,
      };
    });
    return aws;
  };

  const writeChunk = async (items: CallItem[], modules: AwsModules, signal: AbortSignal) => {
    const bySortKey = new Map(items.map((item) => [item.sk, item]));
    let pending: WriteRequest[] = items.map((item) => ({
      PutRequest: { Item: modules.marshall(item, { removeUndefinedValues: true }) },
    }));
    let reason = 'timeout';
    for (let round = 0; round < MAX_WRITE_ROUNDS && pending.length > 0 && !signal.aborted; round++) {
      if (round > 0) await sleep(FIRST_BACKOFF_MS * 2 ** (round - 1), signal);
      if (signal.aborted) break;
      try {
        const output = await modules.client.send(
          new modules.BatchWriteItemCommand({ RequestItems: { [tableName!]: pending } }),
          { abortSignal: signal },
        );
        pending = output.UnprocessedItems?.[tableName!] ?? [];
        reason = 'unprocessed items after retries';
      } catch (error) {
        reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        break;
      }
    }
    const failed = pending.map((request) => bySortKey.get(request.PutRequest?.Item?.sk?.S ?? '')!);
    return { written: items.length - failed.length, failed: failed.filter(Boolean), reason };
  };

  const logNotWritten = (items: CallItem[], reason: string): void => {
    for (const item of items) {
      writeLogLine({
        level: 'ERROR',
        message: NOT_WRITTEN_MESSAGE,
        reason,
        tableName,
        item,
      });
    }
  };

  const write = async (records: CallRecord[]): Promise<FlushResult> => {
    const items = records.map((record) => toCallItem(record, retentionDays));
    let written = 0;
    let notWritten = 0;
    if (!tableName) {
      logNotWritten(items, `${ENV.tableName} is not set`);
      notWritten = items.length;
    } else {
      const abort = new AbortController();
      const deadline = setTimeout(() => abort.abort(), timeoutMs);
      deadline.unref();
      try {
        const modules = await loadAws();
        const chunks: CallItem[][] = [];
        for (let i = 0; i < items.length; i += BATCH_SIZE) chunks.push(items.slice(i, i + BATCH_SIZE));
        const results = await Promise.all(chunks.map((chunk) => writeChunk(chunk, modules, abort.signal)));
        for (const result of results) {
          written += result.written;
          notWritten += result.failed.length;
          logNotWritten(result.failed, result.reason);
        }
      } catch (error) {
        reportMonitorFailure('recorder', error);
        logNotWritten(items, 'recorder failure');
        written = 0;
        notWritten = items.length;
      } finally {
        clearTimeout(deadline);
      }
    }
    for (const document of emfDocuments(records, {
      recordsNotWritten: notWritten,
      monitorFailures: takeMonitorFailures(),
    })) {
      writeLogLine(document);
    }
    return { written, notWritten };
  };

  const startWrite = (): Promise<FlushResult> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const records = buffer;
    buffer = [];
    const running = write(records).catch((error) => {
      reportMonitorFailure('recorder', error);
      return { written: 0, notWritten: records.length };
    });
    inflight.add(running);
    void running.finally(() => inflight.delete(running));
    return running;
  };

  const sink: RecordSink = {
    add: (record) => {
      buffer.push(record);
      if (buffer.length >= BATCH_SIZE) {
        void startWrite();
      } else if (!timer) {
        timer = setTimeout(() => void startWrite(), intervalMs);
        timer.unref();
      }
    },
    flush: async () => {
      drainDeferred();
      if (buffer.length > 0) startWrite();
      const results = await Promise.all([...inflight]);
      return results.reduce(
        (sum, r) => ({ written: sum.written + r.written, notWritten: sum.notWritten + r.notWritten }),
        {
          written: 0,
          notWritten: 0,
        },
      );
    },
  };
  registerSink(sink);
  return sink;
};
