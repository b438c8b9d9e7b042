import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type CallItem, fromCallItem, KEY } from '../domain';
import { NOT_WRITTEN_MESSAGE } from './log-line';

export interface NotWrittenLines {
  /** Call items found, each once (a line seen twice, e.g. in overlapping log exports, counts once). */
  items: CallItem[];
  /** Lines that are not records of the monitor (other log output): left alone. */
  skipped: number;
  /** Lines that name the monitor's message but hold no valid call item, with where and why. */
  malformed: { line: number; reason: string }[];
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

/** Finds the records the monitor printed because it could not write them. */
export const notWrittenItems = (text: string): NotWrittenLines => {
  const found = new Map<string, CallItem>();
  const malformed: NotWrittenLines['malformed'] = [];
  let skipped = 0;
  linesOf(text).forEach((line, index) => {
    const start = line.indexOf('{');
    if (start < 0 || !line.includes(NOT_WRITTEN_MESSAGE)) {
      if (line.trim() !== '') skipped++;
      return;
    }
    const problem = (reason: string) => malformed.push({ line: index + 1, reason });
    let document: { message?: unknown; item?: unknown };
    try {
      document = JSON.parse(line.slice(start)) as typeof document;
    } catch {
      problem('not a JSON document');
      return;
    }
    if (document.message !== NOT_WRITTEN_MESSAGE || typeof document.item !== 'object' || !document.item) {
      problem('no call item in the line');
      return;
    }
    const item = document.item as CallItem;
    try {
      fromCallItem(document.item as Record<string, unknown>);
    } catch (error) {
      problem(error instanceof Error ? error.message : String(error));
      return;
    }
    if (typeof item.pk !== 'string' || !item.pk.startsWith('CALL#') || typeof item.sk !== 'string') {
      problem('the item has no call-record key');
      return;
    }
    found.set(`${item.pk}|${item.sk}`, item);
  });
  return { items: [...found.values()], skipped, malformed };
};

export interface ReplayResult {
  /** Items stored now. */
  written: number;
  /** Items already in the table (written after all, or replayed before): left untouched. */
  alreadyStored: number;
  failed: { callId: string; error: string }[];
}

/**
 * Stores the items, each only if its key is not in the table yet, so replaying is safe to repeat and never
 * changes a stored record: the table stream sees one INSERT per record, and the aggregator counts it once.
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
        await options.client.send(
          new PutItemCommand({
            TableName: options.tableName,
            Item: marshall(item, { removeUndefinedValues: true }),
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': KEY.partition },
          }),
        );
        result.written++;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) result.alreadyStored++;
        else
          result.failed.push({
            callId: item.callId,
            error: error instanceof Error ? error.message : String(error),
          });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker));
  return result;
};
