import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import {
  type CallItem,
  type CallRecord,
  callIdPk,
  callPk,
  callSk,
  fromCallItem,
  KEY,
  REPLAYABLE_MESSAGES,
} from '../domain';

/** One input: its name (a file path) and its text. */
export interface LogInput {
  source: string;
  text: string;
}

export interface ReplayableLines {
  /**
   * Call items found in "not written" and "unconfirmed" lines, each once (a record logged twice, e.g. in
   * overlapping log exports, or first as unconfirmed and then as not written, counts once).
   */
  items: CallItem[];
  /** Lines that are not records of the monitor (other log output): left alone. */
  skipped: number;
  /** Lines that name the monitor's message but hold no valid call item, with where and why. */
  malformed: { source: string; line: number; reason: string }[];
}

/**
 * Lines of log text: raw lines (as printed, or with the text-format prefix of Lambda's logs), or the JSON
 * that `aws logs filter-log-events --output json` prints, whose `events[].message` are the lines.
 */
const linesOf = (text: string): string[] => {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') && trimmed.includes('"events"')) {
    try {
      const parsed = JSON.parse(trimmed) as { events?: { message?: unknown }[] };
      if (Array.isArray(parsed.events)) return parsed.events.map((event) => String(event.message ?? ''));
    } catch {
      // Not one JSON document: read it line by line.
    }
  }
  return text.split(/\r?\n/);
};

/** The call item of one line, or why there is none. */
const itemOfLine = (line: string): CallItem | string => {
  let document: { message?: unknown; item?: unknown };
  try {
    document = JSON.parse(line.slice(line.indexOf('{'))) as typeof document;
  } catch {
    return 'not a JSON document';
  }
  if (
    !REPLAYABLE_MESSAGES.includes(String(document.message)) ||
    typeof document.item !== 'object' ||
    !document.item
  ) {
    return 'no call item in the line';
  }
  const item = document.item as CallItem;
  let record: CallRecord;
  try {
    // The same rules as every other reader: an edited or older line gets no more trust than a stored item.
    record = fromCallItem(document.item as Record<string, unknown>);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  // The key must be the record's own, as this layer version or an earlier one (`callIdPk`) made it: another
  // key would slip past the "not stored yet" condition. The item is stored under today's key; `replayItems`
  // checks the earlier one too.
  if (
    (item.pk !== callPk(record) && item.pk !== callIdPk(record)) ||
    item.sk !== callSk(record.timestamp, record.callId)
  ) {
    return 'the item key is not the key of its record';
  }
  return { ...item, pk: callPk(record) };
};

/**
 * Finds the records the monitor printed because it could not write them or could not confirm the write
 * ("record not written" and "record unconfirmed" lines); each input is read on its own.
 */
export const replayableItems = (inputs: readonly LogInput[]): ReplayableLines => {
  const found = new Map<string, CallItem>();
  const malformed: ReplayableLines['malformed'] = [];
  let skipped = 0;
  for (const { source, text } of inputs) {
    linesOf(text).forEach((line, index) => {
      if (!line.includes('{') || !REPLAYABLE_MESSAGES.some((message) => line.includes(message))) {
        if (line.trim() !== '') skipped++;
        return;
      }
      const item = itemOfLine(line);
      if (typeof item === 'string') malformed.push({ source, line: index + 1, reason: item });
      else found.set(`${item.pk}|${item.sk}`, item);
    });
  }
  return { items: [...found.values()], skipped, malformed };
};

export interface ReplayResult {
  /** Items stored now. */
  written: number;
  /** Items already in the table (written after all, or replayed before): left untouched. */
  alreadyStored: number;
  /** Items not stored; `retryable` when trying again later may succeed (throttling, an outage). */
  failed: { callId: string; error: string; retryable: boolean }[];
}

/** Errors that the same request meets again however often it is sent. */
const PERMANENT_ERRORS = new Set([
  'ValidationException',
  'AccessDeniedException',
  'ResourceNotFoundException',
]);

/** True when a cancelled transaction failed on a condition (the record is stored), not on a conflict. */
const cancelledByCondition = (error: TransactionCanceledException): boolean =>
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');

/**
 * Stores one item only if its record is in the table under neither its key nor, when that differs, the key
 * earlier layer versions gave it (`callIdPk`): a record they stored and logged as unconfirmed stays once.
 * @returns false when the record is stored already.
 */
const putOnce = async (client: DynamoDBClient, tableName: string, item: CallItem): Promise<boolean> => {
  const notStored = {
    ConditionExpression: 'attribute_not_exists(#pk)',
    ExpressionAttributeNames: { '#pk': KEY.partition },
  };
  const earlierPk = callIdPk(item);
  try {
    if (earlierPk === item.pk) {
      await client.send(
        new PutItemCommand({
          TableName: tableName,
          Item: marshall(item, { removeUndefinedValues: true }),
          ...notStored,
        }),
      );
    } else {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: tableName,
                Key: marshall({ [KEY.partition]: earlierPk, [KEY.sort]: item.sk }),
                ...notStored,
              },
            },
            {
              Put: {
                TableName: tableName,
                Item: marshall(item, { removeUndefinedValues: true }),
                ...notStored,
              },
            },
          ],
        }),
      );
    }
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    if (error instanceof TransactionCanceledException && cancelledByCondition(error)) return false;
    throw error;
  }
};

/**
 * Stores the items, each only if its record is not in the table yet (`putOnce`), so replaying is safe to
 * repeat and never changes a stored record: the table stream sees one INSERT per record, and the aggregator
 * counts it once.
 */
export const replayItems = async (options: {
  client: DynamoDBClient;
  tableName: string;
  items: readonly CallItem[];
  /** @default 8 */
  concurrency?: number;
}): Promise<ReplayResult> => {
  const result: ReplayResult = { written: 0, alreadyStored: 0, failed: [] };
  let next = 0;
  const worker = async () => {
    while (next < options.items.length) {
      const item = options.items[next++]!;
      try {
        if (await putOnce(options.client, options.tableName, item)) result.written++;
        else result.alreadyStored++;
      } catch (error) {
        result.failed.push({
          callId: item.callId,
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
          retryable: !(error instanceof Error && PERMANENT_ERRORS.has(error.name)),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return result;
};
