import type { BatchWriteItemCommand, DynamoDBClient, WriteRequest } from '@aws-sdk/client-dynamodb';
import type { marshall } from '@aws-sdk/util-dynamodb';
import type { CallItem } from '../domain/call-item';

/** DynamoDB's limit on items per `BatchWriteItem` request. */
export const BATCH_SIZE = 25;

const MAX_WRITE_ROUNDS = 6;
const FIRST_BACKOFF_MS = 25;

/** The AWS SDK parts a write needs, imported on the first write only. */
export interface AwsModules {
  client: DynamoDBClient;
  BatchWriteItemCommand: typeof BatchWriteItemCommand;
  marshall: typeof marshall;
}

/** Items of one write and why they were not stored. */
export interface ItemsWithReason {
  items: CallItem[];
  reason: string;
}

/** What became of the items of one chunk. */
export interface ChunkOutcome {
  written: number;
  /** Certainly not stored: refused by DynamoDB, left unprocessed after the retries, or never sent. */
  notWritten: ItemsWithReason[];
  /** Sent, but with no answer by the deadline (or an answer lost on the way): maybe stored. */
  unconfirmed: ItemsWithReason[];
}

/**
 * Node's codes for a connection that was never made: a request that failed with one of these never reached
 * DynamoDB. Any other failure without an HTTP status may have happened after DynamoDB took the request.
 * @see https://nodejs.org/api/errors.html#common-system-errors
 */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH']);

/** True when DynamoDB may have stored the items although the call failed. */
const outcomeUnknown = (error: unknown, signal: AbortSignal): boolean => {
  if (signal.aborted) return true;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  if (status !== undefined) return false;
  return !NEVER_CONNECTED.has(String((error as { code?: unknown }).code));
};

const describe = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

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

/**
 * Writes up to 25 items with `BatchWriteItem`, retrying unprocessed ones with exponential backoff until the
 * signal aborts. A request DynamoDB refuses as a whole for one item (`ValidationException`) is split until
 * that item stands alone, so the others are stored. Every item ends up written, not written (certain) or
 * unconfirmed (sent, unanswered when the signal aborted).
 */
export const writeChunk = async (
  items: readonly CallItem[],
  tableName: string,
  modules: AwsModules,
  signal: AbortSignal,
): Promise<ChunkOutcome> => {
  const bySortKey = new Map(items.map((item) => [item.sk, item]));
  const itemsOf = (requests: WriteRequest[]): CallItem[] =>
    requests
      .map((request) => bySortKey.get(request.PutRequest?.Item?.sk?.S ?? ''))
      .filter((i) => i !== undefined);
  const outcome: ChunkOutcome = { written: 0, notWritten: [], unconfirmed: [] };
  let pending: WriteRequest[] = items.map((item) => ({
    PutRequest: { Item: modules.marshall(item, { removeUndefinedValues: true }) },
  }));
  let sends = 0;
  for (let round = 0; round < MAX_WRITE_ROUNDS && pending.length > 0; round++) {
    if (round > 0) await sleep(FIRST_BACKOFF_MS * 2 ** (round - 1), signal);
    if (signal.aborted) break;
    sends++;
    try {
      const output = await modules.client.send(
        new modules.BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }),
        { abortSignal: signal },
      );
      const unprocessed = output.UnprocessedItems?.[tableName] ?? [];
      outcome.written += pending.length - unprocessed.length;
      pending = unprocessed;
    } catch (error) {
      const reason = describe(error);
      if (outcomeUnknown(error, signal)) {
        outcome.unconfirmed.push({ items: itemsOf(pending), reason });
      } else if (error instanceof Error && error.name === 'ValidationException' && pending.length > 1) {
        const middle = Math.ceil(pending.length / 2);
        const halves = [itemsOf(pending.slice(0, middle)), itemsOf(pending.slice(middle))];
        for (const half of halves) {
          const part = await writeChunk(half, tableName, modules, signal);
          outcome.written += part.written;
          outcome.notWritten.push(...part.notWritten);
          outcome.unconfirmed.push(...part.unconfirmed);
        }
      } else {
        outcome.notWritten.push({ items: itemsOf(pending), reason });
      }
      return outcome;
    }
  }
  if (pending.length > 0) {
    const reason = !signal.aborted
      ? 'unprocessed items after retries'
      : sends === 0
        ? 'deadline reached before the items were sent'
        : 'deadline reached before unprocessed items could be sent again';
    outcome.notWritten.push({ items: itemsOf(pending), reason });
  }
  return outcome;
};
