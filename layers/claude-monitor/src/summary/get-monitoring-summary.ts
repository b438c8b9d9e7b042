import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { awsClientConfig } from '../aws/client-config';
import { requireAwsSdk } from '../aws/require-aws-sdk';
import { SummaryError } from '../client/errors';
import { callPksOfHour } from '../domain/call-item';
import type { CallRecord } from '../domain/call-record';
import { ENV } from '../domain/env';
import { nanoToUsd } from '../domain/money';

/** Longest window read from raw call records; longer periods belong to the API, which reads rollups. */
export const MAX_SUMMARY_HOURS = 24 * 31;

const HOURS_IN_PARALLEL = 4;

export interface SummaryQuery {
  /** Start of the window (inclusive). */
  startTime: Date;
  /** End of the window (exclusive). @default now */
  endTime?: Date;
  /** Only calls whose served or requested model is this id. @default every model */
  model?: string;
  /** @default process.env.CLAUDE_MONITOR_TABLE */
  tableName?: string;
  /** @default a DynamoDB client (the local endpoint when configured) */
  client?: DynamoDBClient;
}

export interface MonitoringSummary {
  startTime: string;
  endTime: string;
  model?: string;
  calls: number;
  errors: number;
  totalCostNanoUsd: number;
  /** `totalCostNanoUsd` in USD, for display. */
  totalCostUsd: number;
  /** Calls whose model had no price (not included in the cost). */
  unpricedCalls: number;
  /** Mean latency in ms, rounded; 0 when there were no calls. */
  averageLatencyMs: number;
  inputTokens: number;
  outputTokens: number;
}

const hoursOf = (start: Date, end: Date): string[] => {
  const hours: string[] = [];
  const cursor = new Date(start);
  cursor.setUTCMinutes(0, 0, 0);
  for (; cursor < end; cursor.setUTCHours(cursor.getUTCHours() + 1))
    hours.push(cursor.toISOString().slice(0, 13));
  return hours;
};

/**
 * Totals of the calls in a window, read back from the raw call records (every hour partition of the window),
 * like the original system's `get_monitoring_summary(start_time, model)`.
 * @throws SummaryError for an invalid window or when the table cannot be read
 */
export const getMonitoringSummary = async (query: SummaryQuery): Promise<MonitoringSummary> => {
  const end = query.endTime ?? new Date();
  if (Number.isNaN(query.startTime.getTime()) || Number.isNaN(end.getTime()) || query.startTime >= end) {
    throw new SummaryError('startTime must be a valid date before endTime');
  }
  const hours = hoursOf(query.startTime, end);
  if (hours.length > MAX_SUMMARY_HOURS) {
    throw new SummaryError(
      `the window spans ${hours.length} hours; at most ${MAX_SUMMARY_HOURS} are read from raw calls`,
    );
  }
  const tableName = query.tableName ?? process.env[ENV.tableName];
  if (!tableName) throw new SummaryError(`${ENV.tableName} is not set and no tableName was given`);
  const { DynamoDBClient, QueryCommand } =
    requireAwsSdk<typeof import('@aws-sdk/client-dynamodb')>('@aws-sdk/client-dynamodb');
  const client = query.client ?? new DynamoDBClient(awsClientConfig(ENV.dynamodbEndpoint, process.env, {}));
  const from = query.startTime.toISOString();
  const to = end.toISOString();
  const summary: MonitoringSummary = {
    startTime: from,
    endTime: to,
    ...(query.model ? { model: query.model } : {}),
    calls: 0,
    errors: 0,
    totalCostNanoUsd: 0,
    totalCostUsd: 0,
    unpricedCalls: 0,
    averageLatencyMs: 0,
    inputTokens: 0,
    outputTokens: 0,
  };
  let latencySum = 0;
  const add = (record: CallRecord): void => {
    if (query.model && record.model !== query.model && record.requestedModel !== query.model) return;
    summary.calls++;
    if (record.status === 'error') summary.errors++;
    if (!record.cost.priced) summary.unpricedCalls++;
    summary.totalCostNanoUsd += record.cost.totalNanoUsd;
    summary.inputTokens += record.usage.inputTokens;
    summary.outputTokens += record.usage.outputTokens;
    latencySum += record.latencyMs;
  };
  const readPartition = async (pk: string): Promise<void> => {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          // `sk` is `<timestamp>#<callId>`: the upper bound excludes calls at exactly `endTime`.
          ExpressionAttributeValues: { ':pk': { S: pk }, ':from': { S: from }, ':to': { S: to } },
          ExclusiveStartKey: startKey as never,
        }),
      );
      for (const item of page.Items ?? []) add(unmarshall(item) as CallRecord);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  };
  try {
    // A few hours at a time keeps the number of concurrent queries bounded (16 partitions per hour).
    for (let i = 0; i < hours.length; i += HOURS_IN_PARALLEL) {
      await Promise.all(
        hours
          .slice(i, i + HOURS_IN_PARALLEL)
          .flatMap(callPksOfHour)
          .map(readPartition),
      );
    }
  } catch (error) {
    throw new SummaryError(`cannot read call records from ${tableName}`, { cause: error });
  }
  summary.totalCostUsd = nanoToUsd(summary.totalCostNanoUsd);
  summary.averageLatencyMs = summary.calls === 0 ? 0 : Math.round(latencySum / summary.calls);
  return summary;
};
