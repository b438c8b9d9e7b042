import { type AttributeValue, type DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, callPksOfHour, fromCallItem } from 'claude-monitor/domain';
import { type CallsCursor, encodeCursor, filtersKey } from './cursor';
import type { Filter } from './params';
import { type HourWindow, hourBucketOf } from './window';

const HOUR_MS = 3_600_000;

/** Record attribute each filter matches. */
const FILTER_ATTRIBUTE: Record<Filter['name'], string> = {
  model: 'model',
  user: 'userId',
  tenant: 'tenantId',
  session: 'sessionId',
  function: 'functionName',
};

/** Most skipped records a page names one by one; `count` covers them all. */
export const MAX_LISTED_SKIPS = 20;

/** Stored items of the window that break the record rules: left out of the page, named with the reason. */
export interface SkippedRecords {
  count: number;
  /** The first `MAX_LISTED_SKIPS`, by key. */
  records: { pk: string; sk: string; reason: string }[];
}

export interface CallsPageOptions {
  client: DynamoDBClient;
  tableName: string;
  window: HourWindow;
  filters: readonly Filter[];
  /** Most records in the page. */
  limit: number;
  /**
   * Stop the page once the records' JSON reaches this many bytes, whatever `limit` says, so a page with large
   * records still fits a Lambda response.
   * @default 4000000
   */
  maxBytes?: number;
  /**
   * Most DynamoDB queries per page, so that walking many empty hours cannot exhaust a request; the page then
   * comes back short, with a cursor.
   * @default 400
   */
  maxQueries?: number;
  /** Newest hour first (listings) instead of oldest first (exports). @default false */
  newestFirst?: boolean;
  cursor?: CallsCursor;
}

export interface CallsPage {
  calls: CallRecord[];
  /** Absent when the window has been read to the end. */
  nextCursor?: string;
  skipped: SkippedRecords;
}

/**
 * A stored item read under the same rule as everywhere else (`fromCallItem`): records also come from older
 * layers and edited log lines, and one that breaks the rule (say, `tags` that is not a list) must neither
 * fail the page nor reach a CSV row; it is left out and named instead.
 */
const readItem = (item: Record<string, AttributeValue>, skipped: SkippedRecords): CallRecord | undefined => {
  const raw = unmarshall(item);
  try {
    return fromCallItem(raw);
  } catch (error) {
    skipped.count++;
    if (skipped.records.length < MAX_LISTED_SKIPS) {
      skipped.records.push({
        pk: String(raw.pk),
        sk: String(raw.sk),
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    return undefined;
  }
};

/**
 * One page of raw call records of the window, read hour by hour and, within an hour, partition by partition
 * (so records are in hour order, and in time order within each partition). Memory is bounded by the page.
 */
export const readCallsPage = async (options: CallsPageOptions): Promise<CallsPage> => {
  const { window, limit } = options;
  const maxBytes = options.maxBytes ?? 4_000_000;
  const maxQueries = options.maxQueries ?? 400;
  const step = options.newestFirst ? -HOUR_MS : HOUR_MS;
  const position: CallsCursor = options.cursor ?? {
    v: 1,
    s: window.startMs,
    e: window.endMs,
    h: options.newestFirst ? window.endMs : window.startMs,
    p: 0,
    d: options.newestFirst ? 'desc' : 'asc',
    f: filtersKey(options.filters),
  };
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  const conditions = options.filters.map((filter, i) => {
    names[`#f${i}`] = FILTER_ATTRIBUTE[filter.name];
    values[`:f${i}`] = { S: filter.value };
    return `#f${i} = :f${i}`;
  });
  const calls: CallRecord[] = [];
  const skipped: SkippedRecords = { count: 0, records: [] };
  let bytes = 0;
  let queries = 0;
  const inWindow = (hour: number) => hour >= position.s && hour <= position.e;
  const query = (pk: string, startAfter: string | undefined) =>
    options.client.send(
      new QueryCommand({
        TableName: options.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: pk }, ...values },
        ...(conditions.length > 0
          ? { FilterExpression: conditions.join(' AND '), ExpressionAttributeNames: names }
          : {}),
        ScanIndexForward: !options.newestFirst,
        Limit: limit - calls.length,
        ...(startAfter ? { ExclusiveStartKey: { pk: { S: pk }, sk: { S: startAfter } } } : {}),
      }),
    );
  /** Reading goes on in partition `p` after sort key `k` (from the partition's start without one). */
  const moveTo = (p: number, k: string | undefined): void => {
    position.p = p;
    if (k === undefined) delete position.k;
    else position.k = k;
  };
  hours: while (inWindow(position.h)) {
    if (calls.length >= limit || bytes >= maxBytes || queries >= maxQueries) {
      return { calls, nextCursor: encodeCursor(position), skipped };
    }
    // Partition by partition; but when the first one read shows the hour to be sparse (the whole hour would
    // fit in what is left of the page), the rest of the hour is read at once: two round trips instead of
    // sixteen, at the price of rereading a little on the next page when this one ends inside the hour.
    const first = position.p;
    const pks = callPksOfHour(hourBucketOf(position.h));
    const head = await query(pks[first]!, position.k);
    const outs = [head];
    // Items evaluated, not matched: a filter makes few matches, not a small partition.
    const headSize = head.ScannedCount ?? head.Items?.length ?? 0;
    const left = pks.length - first;
    if (!head.LastEvaluatedKey && left > 1 && headSize * left < limit - calls.length) {
      outs.push(...(await Promise.all(pks.slice(first + 1).map((pk) => query(pk, undefined)))));
    }
    queries += outs.length;
    for (let i = 0; i < outs.length; i++) {
      const p = first + i;
      const items = outs[i]!.Items ?? [];
      let last = i === 0 ? position.k : undefined;
      for (const item of items) {
        if (calls.length >= limit || bytes >= maxBytes) {
          moveTo(p, last);
          return { calls, nextCursor: encodeCursor(position), skipped };
        }
        last = item.sk?.S;
        const record = readItem(item, skipped);
        if (record === undefined) continue;
        calls.push(record);
        bytes += Buffer.byteLength(JSON.stringify(record));
      }
      const more = outs[i]!.LastEvaluatedKey?.sk?.S;
      if (more) {
        // The partition has more than this query returned: carry on from there (the later partitions'
        // answers are dropped and read again).
        moveTo(p, more);
        continue hours;
      }
    }
    if (first + outs.length < pks.length) {
      moveTo(first + outs.length, undefined);
      continue;
    }
    moveTo(0, undefined);
    position.h += step;
  }
  return { calls, skipped };
};
