import { type DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ITEM_TYPE, KEY, RECONCILIATION_STATUS_PK, reconciliationPk } from 'claude-monitor/domain';
import type { DayReconciliation, ReconciliationStatus } from '../shared/reconciliation';

/**
 * Stores a day's result, replacing the earlier one: bills settle over days, so the latest comparison is the
 * one that counts. Results are small (a line per model, at most 100 unmonitored keys), far below DynamoDB's
 * 400 KB item limit.
 */
export const putDayResult = (client: DynamoDBClient, tableName: string, result: DayReconciliation) =>
  client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: marshall(
        {
          [KEY.partition]: reconciliationPk(result.source),
          [KEY.sort]: result.day,
          [KEY.type]: ITEM_TYPE.reconciliation,
          result,
        },
        { removeUndefinedValues: true },
      ),
    }),
  );

/** One run of one source, as the status item records it. */
export interface RunOutcome {
  source: ReconciliationStatus['source'];
  configured: boolean;
  setupHint?: string;
  /** ISO 8601. */
  at: string;
  /** Set when the run failed; a successful run clears the last error and records the days it reconciled. */
  error?: { message: string; status?: number };
  days?: string[];
}

/**
 * Records a run in the source's status item, merged with the stored one: a failed run keeps the time and
 * days of the last success, so the API can say how old the figures it shows are. Runs of a source are hours
 * apart, so a read followed by a put is enough.
 */
export const recordRun = async (
  client: DynamoDBClient,
  tableName: string,
  run: RunOutcome,
): Promise<void> => {
  const key = marshall({ [KEY.partition]: RECONCILIATION_STATUS_PK, [KEY.sort]: run.source });
  const stored = await client.send(
    new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
  );
  const previous = stored.Item ? (unmarshall(stored.Item).status as ReconciliationStatus) : undefined;
  const status: ReconciliationStatus = {
    source: run.source,
    configured: run.configured,
    ...(run.setupHint === undefined ? {} : { setupHint: run.setupHint }),
    lastRunAt: run.at,
    ...(previous?.lastSuccessAt === undefined ? {} : { lastSuccessAt: previous.lastSuccessAt }),
    ...(previous?.days === undefined ? {} : { days: previous.days }),
  };
  if (run.error !== undefined) status.lastError = { ...run.error, at: run.at };
  else if (run.configured) {
    status.lastSuccessAt = run.at;
    status.days = run.days ?? [];
  }
  await client.send(
    new PutItemCommand({
      TableName: tableName,
      Item: marshall(
        {
          [KEY.partition]: RECONCILIATION_STATUS_PK,
          [KEY.sort]: run.source,
          [KEY.type]: ITEM_TYPE.reconciliationStatus,
          status,
        },
        { removeUndefinedValues: true },
      ),
    }),
  );
};
