import { randomUUID } from 'node:crypto';
import {
  type AttributeValue,
  type DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
  type TransactWriteItem,
  TransactWriteItemsCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import {
  BUDGET_KEY,
  type BudgetConfig,
  budgetIdentity,
  ITEM_TYPE,
  KEY,
  type StoredBudget,
  storedBudgetOf,
} from 'claude-monitor/domain';
import { queryAll } from '../shared/query-all';
import { ConflictError, NotFoundError, PreconditionFailedError } from './errors';

/** Who made a change, as the audit trail keeps it. */
export interface ChangeSource {
  /** The `X-Changed-By` header: the person or system the caller says it acts for. */
  changedBy: string;
  /** Client address as API Gateway (or the local server) saw it, when known. */
  sourceIp?: string;
  userAgent?: string;
}

/** One change of a run-time budget, kept in the audit trail. */
export interface BudgetChange {
  changeId: string;
  action: 'put' | 'delete';
  budget: string;
  changedAt: string;
  changedBy: string;
  sourceIp?: string;
  userAgent?: string;
  /** The budget before the change (absent for a new one) and after it (absent for a deletion). */
  before?: StoredBudget;
  after?: StoredBudget;
}

/** Attempts of a change without `If-Match` when other changes of the same budget keep landing first. */
const MAX_ATTEMPTS = 8;
/** Jittered pause between attempts, so that writers that collided do not collide again at once. */
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * 20 * 2 ** Math.min(attempt, 4)));
/** Days an audit entry is kept. */
export const AUDIT_RETENTION_DAYS = 400;

const definitionKey = (identity: string) => ({
  [KEY.partition]: BUDGET_KEY.definitionPk,
  [KEY.sort]: identity,
});

const lostRace = (error: unknown): boolean =>
  error instanceof TransactionCanceledException &&
  (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');

/**
 * Run-time budgets as the API changes them: each change is one transaction of the definition (conditional on
 * the version read, so two changes never both apply to the same version) and an audit entry saying who
 * changed what, when, from what. The layer and the aggregator read the definitions; nothing else writes them.
 */
export class BudgetAdmin {
  public constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  /** The stored run-time budget with this scope, id and period, if any (strongly consistent). */
  public async get(identity: string): Promise<StoredBudget | undefined> {
    const result = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall(definitionKey(identity)),
        ConsistentRead: true,
      }),
    );
    return result.Item ? storedBudgetOf(unmarshall(result.Item)).budget : undefined;
  }

  /**
   * Creates or replaces a run-time budget. With `ifMatch`, only when that is the current version (0: only
   * when there is none). Returns the stored budget and whether it is new.
   * @throws PreconditionFailedError when `ifMatch` is not the current version
   * @throws ConflictError when concurrent changes kept landing first
   */
  public async put(
    budget: BudgetConfig,
    source: ChangeSource,
    ifMatch?: number,
  ): Promise<{ stored: StoredBudget; created: boolean }> {
    const identity = budgetIdentity(budget);
    return this.change(
      identity,
      ifMatch,
      (current, changedAt) => {
        const stored: StoredBudget = {
          ...budget,
          updatedAt: changedAt,
          updatedBy: source.changedBy,
          version: (current?.version ?? 0) + 1,
        };
        return {
          write: {
            Put: {
              TableName: this.tableName,
              Item: marshall(
                { ...definitionKey(identity), [KEY.type]: ITEM_TYPE.budget, ...stored },
                { removeUndefinedValues: true },
              ),
              ...this.onVersion(current),
            },
          },
          change: { action: 'put', ...(current ? { before: current } : {}), after: stored },
          result: { stored, created: current === undefined },
        };
      },
      source,
    );
  }

  /**
   * Deletes a run-time budget (a deploy-time budget of the same scope, id and period is then in force again).
   * @throws NotFoundError when there is no such run-time budget
   * @throws PreconditionFailedError when `ifMatch` is not the current version
   */
  public async delete(identity: string, source: ChangeSource, ifMatch?: number): Promise<StoredBudget> {
    return this.change(
      identity,
      ifMatch,
      (current) => {
        if (!current) {
          throw new NotFoundError(
            `no run-time budget ${identity}; deploy-time budgets change with the claudeMonitor configuration`,
          );
        }
        return {
          write: {
            Delete: {
              TableName: this.tableName,
              Key: marshall(definitionKey(identity)),
              ...this.onVersion(current),
            },
          },
          change: { action: 'delete', before: current },
          result: current,
        };
      },
      source,
    );
  }

  /** The audit trail, newest first. */
  public async audit(limit: number): Promise<BudgetChange[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': KEY.partition },
      ExpressionAttributeValues: { ':pk': { S: BUDGET_KEY.auditPk } },
      ScanIndexForward: false,
      Limit: limit,
    });
    return items
      .slice(0, limit)
      .map(
        ({ pk: _pk, sk: _sk, type: _type, expiresAt: _ttl, ...change }) => change as unknown as BudgetChange,
      );
  }

  private onVersion(current: StoredBudget | undefined): {
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    return current
      ? {
          ConditionExpression: '#version = :version',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: marshall({ ':version': current.version }),
        }
      : {
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': KEY.partition },
        };
  }

  /** Reads the current version, builds the change, writes it with its audit entry; again when raced. */
  private async change<R>(
    identity: string,
    ifMatch: number | undefined,
    build: (
      current: StoredBudget | undefined,
      changedAt: string,
    ) => { write: TransactWriteItem; change: Pick<BudgetChange, 'action' | 'before' | 'after'>; result: R },
    source: ChangeSource,
  ): Promise<R> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.get(identity);
      if (ifMatch !== undefined && ifMatch !== (current?.version ?? 0)) {
        throw new PreconditionFailedError(
          `budget ${identity} is at version ${current?.version ?? 0}, not ${ifMatch}; read it again before changing it`,
        );
      }
      const now = this.now();
      const changedAt = now.toISOString();
      const { write, change, result } = build(current, changedAt);
      const entry: BudgetChange = {
        changeId: randomUUID(),
        budget: identity,
        changedAt,
        ...source,
        ...change,
      };
      try {
        await this.client.send(
          new TransactWriteItemsCommand({
            TransactItems: [
              write,
              {
                Put: {
                  TableName: this.tableName,
                  Item: marshall(
                    {
                      [KEY.partition]: BUDGET_KEY.auditPk,
                      // One change per budget and version (the write's condition): a stable order within a millisecond.
                      [KEY.sort]: `${changedAt}#${identity}#${String((current?.version ?? 0) + 1).padStart(9, '0')}#${entry.changeId}`,
                      [KEY.type]: ITEM_TYPE.budgetAudit,
                      [KEY.ttl]: Math.floor(now.getTime() / 1_000) + AUDIT_RETENTION_DAYS * 86_400,
                      ...entry,
                    },
                    { removeUndefinedValues: true },
                  ),
                },
              },
            ],
          }),
        );
        return result;
      } catch (error) {
        if (!lostRace(error)) throw error;
        if (ifMatch !== undefined) {
          throw new PreconditionFailedError(`budget ${identity} changed while this change was being made`, {
            cause: error,
          });
        }
        await backoff(attempt);
      }
    }
    throw new ConflictError(`budget ${identity} kept changing; try again`);
  }
}
