import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ITEM_TYPE, KEY } from 'claude-monitor/domain';
import type { AggregatorDeps } from '../deps';
import type { StreamCall } from '../parse-records';
import { ALERT_RULE, ALERT_UNIT, type Alert } from './alert';
import { fireAlerts, type OutboxEntry } from './outbox';
import { advanceStreak, EMPTY_STREAK, type StreakState, streakGroups } from './streaks';

const MAX_ATTEMPTS = 5;

const streakKey = (kind: string, value: string) => ({
  [KEY.partition]: `STREAK#${kind}#${value}`,
  [KEY.sort]: 'STATE',
});

/** What a streak pass did. */
export interface StreakPass {
  /** Outbox entries of the alerts fired, claimed by this invocation, to publish. */
  entries: OutboxEntry[];
  /** Records whose streaks could not be written, with the reason: report them so they are offered again. */
  failed: { call: StreamCall; reason: string }[];
}

type Deps = Pick<
  AggregatorDeps,
  'client' | 'tableName' | 'now' | 'sns' | 'alertTopicArn' | 'logger' | 'metrics'
>;

/**
 * Advances each function's and model's error streak over records whose rollups are committed: those this
 * invocation committed and those an earlier delivery did (duplicates). Each streak item keeps the mark of
 * the last record it counted, so a record is counted once however often it is offered: when an invocation
 * dies after its commit, the retried batch finds its records committed and counts them in the streak then.
 *
 * The alert of a streak that reaches the threshold is fired (fire-once marker and outbox entry) before the
 * streak is written as fired, so a crash in between fires it again on the retry, and the marker makes that
 * one message. Writes use an optimistic version check, so concurrent invocations never lose each other's
 * counts. A scope whose streak cannot be written after retries has its records returned as `failed`.
 */
export const updateStreaks = async (
  deps: Deps,
  calls: readonly StreamCall[],
  threshold: number,
): Promise<StreakPass> => {
  const pass: StreakPass = { entries: [], failed: [] };
  if (threshold <= 0) return pass;
  for (const group of streakGroups(calls).values()) {
    const key = marshall(streakKey(group.kind, group.value));
    const records = group.members.map((call) => call.record);
    try {
      for (let attempt = 1; ; attempt++) {
        const stored = await deps.client.send(
          new GetItemCommand({ TableName: deps.tableName, Key: key, ConsistentRead: true }),
        );
        const item = stored.Item ? unmarshall(stored.Item) : undefined;
        const version = (item?.version as number | undefined) ?? 0;
        const state: StreakState = item
          ? { count: item.count, startedAt: item.startedAt, fired: item.fired, mark: item.mark }
          : EMPTY_STREAK;
        const step = advanceStreak(state, records, threshold);
        if (step.state.mark === state.mark) break; // every record was counted before
        if (step.crossed) {
          const alert: Alert = {
            rule: ALERT_RULE.consecutiveErrors,
            scope: `${group.kind}:${group.value}`,
            window: step.crossed.startedAt,
            step: String(threshold),
            value: step.crossed.count,
            threshold,
            unit: ALERT_UNIT.count,
            time: new Date((deps.now ?? Date.now)()).toISOString(),
          };
          pass.entries.push(...(await fireAlerts(deps, [alert])));
        }
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
          break;
        } catch (error) {
          if (!(error instanceof ConditionalCheckFailedException) || attempt >= MAX_ATTEMPTS) throw error;
        }
      }
    } catch (error) {
      const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      pass.failed.push(...group.members.map((call) => ({ call, reason })));
    }
  }
  return pass;
};
