import {
  type DynamoDBClient,
  ScanCommand,
  type ScanCommandInput,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  type AlertConfig,
  type CallRecord,
  countersOfItem,
  fromCallItem,
  resolveAlertConfig,
} from 'claude-monitor/domain';
import type { AggregatorDeps } from '../../../functions/aggregator/deps';
import { preAggregate } from '../../../functions/aggregator/pre-aggregate';
import type { TestTable } from '../../helpers/dynamodb';

export interface LogEntry {
  level: 'info' | 'warn' | 'error';
  message: string;
  extra: Record<string, unknown>;
}

/** Alerts off, so aggregation tests see only rollup writes. */
export const NO_ALERTS: Partial<AlertConfig> = {
  sessionCostUsd: 0,
  consecutiveErrors: 0,
  unpricedModel: false,
};

/** Aggregator dependencies on the test table, with logs and metrics kept for assertions. */
export const testDeps = (
  table: TestTable,
  alerts: Partial<AlertConfig> = NO_ALERTS,
  extra: Partial<AggregatorDeps> = {},
): AggregatorDeps & { logs: LogEntry[]; metricCounts: Record<string, number>; metricLines: string[] } => {
  const logs: LogEntry[] = [];
  const metricCounts: Record<string, number> = {};
  const metricLines: string[] = [];
  const log =
    (level: LogEntry['level']) =>
    (message: string, fields: Record<string, unknown> = {}) => {
      logs.push({ level, message, extra: fields });
    };
  return {
    client: table.client,
    tableName: table.tableName,
    alertConfig: resolveAlertConfig(alerts),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    metrics: {
      addMetric: (name, _unit, value) => {
        metricCounts[name] = (metricCounts[name] ?? 0) + value;
      },
    },
    writeMetricLine: (line) => {
      metricLines.push(line);
    },
    baseBackoffMs: 5,
    ...extra,
    logs,
    metricCounts,
    metricLines,
  };
};

const scanAll = async (client: DynamoDBClient, tableName: string): Promise<Record<string, unknown>[]> => {
  const items: Record<string, unknown>[] = [];
  let start: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await client.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
};

/** Stored rollups and the rollups recomputed from the raw call records, both as key → counters. */
export const rollupsAndRecomputation = async (
  table: TestTable,
): Promise<{
  stored: Record<string, Record<string, number>>;
  recomputed: Record<string, Record<string, number>>;
}> => {
  const items = await scanAll(table.client, table.tableName);
  const calls: CallRecord[] = [];
  const stored: Record<string, Record<string, number>> = {};
  for (const item of items) {
    if (item.type === 'rollup') stored[`${item.pk}|${item.sk}`] = countersOfItem(item);
    if (item.type === 'call') {
      try {
        calls.push(fromCallItem(item));
      } catch {
        // Poison items are never summed, by the aggregator or by the recomputation.
      }
    }
  }
  const recomputed: Record<string, Record<string, number>> = {};
  for (const [id, delta] of preAggregate(calls)) recomputed[id] = delta.counters;
  return { stored, recomputed };
};

/** Makes a stored rollup drift: `ADD`s the amounts to its counters, as no aggregator or recompute would. */
export const driftRollup = async (
  table: TestTable,
  key: { pk: string; sk: string },
  amounts: Record<string, number>,
): Promise<void> => {
  const entries = Object.entries(amounts);
  await table.client.send(
    new UpdateItemCommand({
      TableName: table.tableName,
      Key: marshall(key),
      UpdateExpression: `ADD ${entries.map((_, i) => `#a${i} :a${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([name], i) => [`#a${i}`, name])),
      ExpressionAttributeValues: marshall(
        Object.fromEntries(entries.map(([, amount], i) => [`:a${i}`, amount])),
      ),
    }),
  );
};
