import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, ITEM_TYPE, KEY } from 'claude-monitor/domain';
import type { AggregatorDeps } from '../deps';
import { ALERT_RULE, ALERT_UNIT, type Alert } from './alert';
import { advanceStreak, EMPTY_STREAK, type StreakState, streakGroups } from './streaks';

const MAX_ATTEMPTS = 5;

const streakKey = (kind: string, value: string) => ({
  [KEY.partition]: `STREAK#${kind}#${value}`,
  [KEY.sort]: 'STATE',
});

/**
 * Advances each function's and model's error streak over the newly committed records, with an optimistic
 * version check so concurrent invocations never overwrite each other's progress. Returns the alerts of the
 * streaks that reached the threshold.
 */
export const updateStreaks = async (
  deps: Pick<AggregatorDeps, 'client' | 'tableName' | 'now'>,
  records: readonly CallRecord[],
  threshold: number,
): Promise<Alert[]> => {
  if (threshold <= 0) return [];
  const alerts: Alert[] = [];
  for (const group of streakGroups(records).values()) {
    const key = marshall(streakKey(group.kind, group.value));
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await deps.client.send(
        new GetItemCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
      );
      const item = stored.Item ? unmarshall(stored.Item) : undefined;
      const version = (item?.version as number | undefined) ?? 0;
      const state: StreakState = item
        ? { count: item.count, startedAt: item.startedAt, fired: item.fired }
        : EMPTY_STREAK;
      const step = advanceStreak(state, group.records, threshold);
      try {
        await deps.client.send(
          new PutItemCommand({
            TableName: deps.tableName,
            Item: marshall(
              {
                ...streakKey(group.kind, group.value),
                [KEY.type]: ITEM_TYPE.streak,
                ...step.state,
                version: version + 1,
              },
              { removeUndefinedValues: true },
            ),
            ConditionExpression: item ? 'version = :version' : 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: item ? undefined : { '#pk': KEY.partition },
            ExpressionAttributeValues: item ? marshall({ ':version': version }) : undefined,
          }),
        );
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) continue;
        throw error;
      }
      if (step.crossed) {
        alerts.push({
          rule: ALERT_RULE.consecutiveErrors,
          scope: `${group.kind}:${group.value}`,
          window: step.crossed.startedAt,
          step: String(threshold),
          value: step.crossed.count,
          threshold,
          unit: ALERT_UNIT.count,
          time: new Date((deps.now ?? Date.now)()).toISOString(),
        });
      }
      break;
    }
  }
  return alerts;
};
