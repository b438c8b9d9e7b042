import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RECONCILIATION_STATUS_PK, reconciliationPk } from 'claude-monitor/domain';
import { queryAll } from '../shared/query-all';
import {
  type DayReconciliation,
  RECONCILIATION_SOURCES,
  type ReconciliationSource,
  type ReconciliationStatus,
} from '../shared/reconciliation';

/** What the reconciler stored for a range of days: each source's results and last run. */
export interface StoredReconciliation {
  source: ReconciliationSource;
  status?: ReconciliationStatus;
  days: DayReconciliation[];
}

/**
 * Reads the stored results of the UTC days in [firstDay, lastDay] for every source, and the sources' status
 * items: one query per source plus one for the statuses, a day item each, never a raw record.
 */
export const readReconciliation = async (
  client: DynamoDBClient,
  tableName: string,
  firstDay: string,
  lastDay: string,
): Promise<StoredReconciliation[]> => {
  const [statuses, ...results] = await Promise.all([
    queryAll(client, {
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: RECONCILIATION_STATUS_PK } },
    }),
    ...RECONCILIATION_SOURCES.map((source) =>
      queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': { S: reconciliationPk(source) },
          ':from': { S: firstDay },
          ':to': { S: lastDay },
        },
      }),
    ),
  ]);
  const bySource = new Map(
    (statuses ?? []).map((item) => {
      const status = item.status as ReconciliationStatus;
      return [status.source, status] as const;
    }),
  );
  return RECONCILIATION_SOURCES.map((source, i) => {
    const status = bySource.get(source);
    return {
      source,
      ...(status === undefined ? {} : { status }),
      days: (results[i] ?? []).map((item) => item.result as DayReconciliation),
    };
  });
};
