import { type DynamoDBClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type AlertLogEntry, alertLogPk, KEY } from 'claude-monitor/domain';

/** Where a paged read of the alert log stands: the month being read and the sort key to continue after. */
export interface AlertLogPosition {
  /** `YYYY-MM`. */
  month: string;
  /** Sort key of the last item read in that month; absent to start at the month's newest. */
  after?: string;
}

export interface AlertLogQuery {
  client: DynamoDBClient;
  tableName: string;
  /** Fired at or after, ISO 8601 (UTC, milliseconds). */
  from: string;
  /** Fired at or before, ISO 8601 (UTC, milliseconds). */
  to: string;
  /** Only alerts of this rule. */
  rule?: string;
  limit: number;
  /** Where the previous page stopped; absent for the first page. */
  position?: AlertLogPosition;
}

export interface AlertLogPage {
  alerts: AlertLogEntry[];
  /** Where the next page starts; absent when the window has been read to its end. */
  next?: AlertLogPosition;
}

/** The month before `month` (`YYYY-MM`). */
export const previousMonth = (month: string): string => {
  const year = Number(month.slice(0, 4));
  const index = Number(month.slice(5, 7)) - 1;
  const date = new Date(Date.UTC(year, index - 1, 1));
  return date.toISOString().slice(0, 7);
};

const entryOf = (item: Record<string, unknown>): AlertLogEntry => {
  const { [KEY.partition]: _pk, [KEY.sort]: _sk, [KEY.type]: _type, [KEY.ttl]: _ttl, ...entry } = item;
  return entry as unknown as AlertLogEntry;
};

/**
 * One page of the alert log, newest first: the months of the window from the last back, each a Query of
 * its partition by sort key range (so the read costs the alerts listed, never a scan). A rule is a filter
 * on the partition's items; pages can then hold fewer than `limit` alerts, and are read on until full or
 * the window ends.
 */
export const readAlertLog = async (query: AlertLogQuery): Promise<AlertLogPage> => {
  const firstMonth = query.from.slice(0, 7);
  const alerts: AlertLogEntry[] = [];
  let month = query.position?.month ?? query.to.slice(0, 7);
  let start: QueryCommandInput['ExclusiveStartKey'] = query.position?.after
    ? marshall({ [KEY.partition]: alertLogPk(month), [KEY.sort]: query.position.after })
    : undefined;
  while (month >= firstMonth) {
    const remaining = query.limit - alerts.length;
    const result = await query.client.send(
      new QueryCommand({
        TableName: query.tableName,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :from AND :to',
        ...(query.rule ? { FilterExpression: '#rule = :rule' } : {}),
        ExpressionAttributeNames: {
          '#pk': KEY.partition,
          '#sk': KEY.sort,
          ...(query.rule ? { '#rule': 'rule' } : {}),
        },
        ExpressionAttributeValues: marshall({
          ':pk': alertLogPk(month),
          ':from': query.from,
          // Sort keys are `<firedAt>#<alertId>`: every alert of the last millisecond sorts below this.
          ':to': `${query.to}#\uffff`,
          ...(query.rule ? { ':rule': query.rule } : {}),
        }),
        ScanIndexForward: false,
        Limit: remaining,
        ExclusiveStartKey: start,
      }),
    );
    alerts.push(...(result.Items ?? []).map((item) => entryOf(unmarshall(item))));
    const last = result.LastEvaluatedKey
      ? (unmarshall(result.LastEvaluatedKey)[KEY.sort] as string)
      : undefined;
    if (alerts.length >= query.limit) {
      if (last !== undefined) return { alerts, next: { month, after: last } };
      const before = previousMonth(month);
      return before >= firstMonth ? { alerts, next: { month: before } } : { alerts };
    }
    if (last !== undefined) {
      start = result.LastEvaluatedKey;
      continue;
    }
    month = previousMonth(month);
    start = undefined;
  }
  return { alerts };
};
