import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { awsClientConfig } from '../aws/client-config';
import { requireAwsSdk } from '../aws/require-aws-sdk';
import { type BudgetConfig, storedBudgetOf } from '../domain/budget';
import { figuresOf, type WindowFigures, type WindowRef, windowAttributes } from '../domain/budget-window';
import { ENV } from '../domain/env';
import {
  BUDGET_WINDOW_ATTRIBUTE as A,
  BUDGET_KEY,
  ITEM_TYPE,
  KEY,
  RESERVATION_SLOT_MS,
  reservationAttribute,
} from '../domain/table-schema';
import { reportMonitorFailure } from '../recorder/log-line';

type DynamoModule = typeof import('@aws-sdk/client-dynamodb');

/** How the store reaches DynamoDB: a client given by the caller, or one built from the environment. */
export interface BudgetStoreOptions {
  tableName: string;
  client?: DynamoDBClient;
  /** Per-request timeout of the client built from the environment, ms. */
  requestTimeoutMs: number;
  env: NodeJS.ProcessEnv;
}

/** Outcome of a reservation on one window. */
export type ReserveResult = { ok: true } | { ok: false; figures: WindowFigures };

const isConditionFailure = (error: unknown): boolean =>
  (error as { name?: string } | null)?.name === 'ConditionalCheckFailedException';

/**
 * The DynamoDB side of budget enforcement: one conditional `UpdateItem` per window to reserve, one `ADD` per
 * window to settle, and the marker that lets the sweep find a window's reservations. The AWS SDK is loaded on
 * first use, like the recorder's.
 */
export class BudgetStore {
  private modules: Promise<{ client: DynamoDBClient; sdk: DynamoModule }> | undefined;

  public constructor(private readonly options: BudgetStoreOptions) {}

  public get tableName(): string {
    return this.options.tableName;
  }

  /** Loads the AWS SDK (no request): done before a check's deadline starts, so a cold start is not a timeout. */
  public async ready(): Promise<void> {
    await this.load();
  }

  /**
   * Adds `amount` to the window's `committed` and to the minute's reservation attribute, if `committed`
   * leaves room for it under the limit; otherwise returns the window's figures as they were.
   */
  public async reserve(
    window: WindowRef,
    amount: number,
    slot: number,
    signal: AbortSignal,
  ): Promise<ReserveResult> {
    // A model missing from the price table reserves nothing, but is still refused once the limit is reached.
    const room = window.limitNanoUsd - Math.max(amount, 1);
    if (room < 0) return { ok: false, figures: await this.read(window, signal) };
    const { client, sdk } = await this.load();
    const d = windowAttributes(window);
    try {
      await client.send(
        new sdk.UpdateItemCommand({
          TableName: this.options.tableName,
          Key: this.key(window),
          UpdateExpression: `SET ${d.set} ADD #committed :amount, #slot :amount`,
          ConditionExpression: 'attribute_not_exists(#committed) OR #committed <= :room',
          ExpressionAttributeNames: {
            ...d.names,
            '#committed': A.committed,
            '#slot': reservationAttribute(slot),
          },
          ExpressionAttributeValues: marshall({ ...d.values, ':amount': amount, ':room': room }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: signal },
      );
      return { ok: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const item = (error as { Item?: Record<string, AttributeValue> }).Item;
      return { ok: false, figures: item ? figuresOf(unmarshall(item)) : await this.read(window, signal) };
    }
  }

  /** Gives a reservation back (the call was refused elsewhere, or never sent). */
  public async release(window: WindowRef, amount: number, slot: number, signal?: AbortSignal): Promise<void> {
    await this.settle(window, amount, slot, 0, signal);
  }

  /**
   * Settles a call to its exact cost: `committed` moves by (exact − reserved), `settled` grows by the exact
   * cost, and the reservation leaves its minute. When the sweep already released that minute (the call
   * outlived the reservation's expiry), only the exact cost is added.
   */
  public async settle(
    window: WindowRef,
    reserved: number,
    slot: number | undefined,
    exact: number,
    signal?: AbortSignal,
  ): Promise<void> {
    const { client, sdk } = await this.load();
    if (slot !== undefined) {
      try {
        await client.send(
          new sdk.UpdateItemCommand({
            TableName: this.options.tableName,
            Key: this.key(window),
            UpdateExpression: 'ADD #committed :delta, #settled :exact, #slot :release',
            ConditionExpression: 'attribute_exists(#slot)',
            ExpressionAttributeNames: {
              '#committed': A.committed,
              '#settled': A.settled,
              '#slot': reservationAttribute(slot),
            },
            ExpressionAttributeValues: marshall({
              ':delta': exact - reserved,
              ':exact': exact,
              ':release': -reserved,
            }),
          }),
          { abortSignal: signal },
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    if (exact > 0) await this.addSpend(window, exact, signal);
  }

  /** Adds a cost that had no reservation (a per-call override, an unchecked call). */
  public async addSpend(window: WindowRef, exact: number, signal?: AbortSignal): Promise<void> {
    const { client, sdk } = await this.load();
    const d = windowAttributes(window);
    await client.send(
      new sdk.UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key(window),
        UpdateExpression: `SET ${d.set} ADD #committed :exact, #settled :exact`,
        ExpressionAttributeNames: { ...d.names, '#committed': A.committed, '#settled': A.settled },
        ExpressionAttributeValues: marshall({ ...d.values, ':exact': exact }),
      }),
      { abortSignal: signal },
    );
  }

  /** Counts a refused call on the window that refused it. */
  public async countRefusal(window: WindowRef, signal?: AbortSignal): Promise<void> {
    const { client, sdk } = await this.load();
    const d = windowAttributes(window);
    await client.send(
      new sdk.UpdateItemCommand({
        TableName: this.options.tableName,
        Key: this.key(window),
        UpdateExpression: `SET ${d.set} ADD #refused :one`,
        ExpressionAttributeNames: { ...d.names, '#refused': A.refusedCalls },
        ExpressionAttributeValues: marshall({ ...d.values, ':one': 1 }),
      }),
      { abortSignal: signal },
    );
  }

  /**
   * Notes that `window` holds reservations made in minute `slot`, so the sweep finds them once they expire.
   * Idempotent; a process writes it once per window and minute.
   */
  public async markSlot(
    window: WindowRef,
    slot: number,
    ttlSeconds: number,
    signal: AbortSignal,
  ): Promise<void> {
    const { client, sdk } = await this.load();
    const expiresAt = Math.ceil(((slot + 1) * RESERVATION_SLOT_MS) / 1_000) + ttlSeconds + 86_400;
    await client.send(
      new sdk.PutItemCommand({
        TableName: this.options.tableName,
        Item: marshall({
          [KEY.partition]: BUDGET_KEY.slotPk(slot),
          [KEY.sort]: BUDGET_KEY.slotSk(window.pk, window.sk),
          [KEY.type]: ITEM_TYPE.budgetSlot,
          windowPk: window.pk,
          windowSk: window.sk,
          [KEY.ttl]: expiresAt,
        }),
      }),
      { abortSignal: signal },
    );
  }

  /** The window's figures now (strongly consistent). */
  public async read(window: WindowRef, signal?: AbortSignal): Promise<WindowFigures> {
    const { client, sdk } = await this.load();
    const result = await client.send(
      new sdk.GetItemCommand({
        TableName: this.options.tableName,
        Key: this.key(window),
        ConsistentRead: true,
      }),
      { abortSignal: signal },
    );
    return figuresOf(result.Item ? unmarshall(result.Item) : undefined);
  }

  /** The run-time budgets stored through the API; an invalid stored item is reported and skipped. */
  public async loadDefinitions(signal: AbortSignal): Promise<BudgetConfig[]> {
    const { client, sdk } = await this.load();
    const budgets: BudgetConfig[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await client.send(
        new sdk.QueryCommand({
          TableName: this.options.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': KEY.partition },
          ExpressionAttributeValues: marshall({ ':pk': BUDGET_KEY.definitionPk }),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
        { abortSignal: signal },
      );
      for (const raw of page.Items ?? []) {
        const { budget, problems } = storedBudgetOf(unmarshall(raw));
        if (budget) budgets.push(budget);
        else reportMonitorFailure('budget definitions', problems.join('; '));
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return budgets;
  }

  private key(window: WindowRef): Record<string, AttributeValue> {
    return marshall({ [KEY.partition]: window.pk, [KEY.sort]: window.sk });
  }

  private load(): Promise<{ client: DynamoDBClient; sdk: DynamoModule }> {
    this.modules ??= Promise.resolve().then(() => {
      const sdk = requireAwsSdk<DynamoModule>('@aws-sdk/client-dynamodb');
      const client =
        this.options.client ??
        new sdk.DynamoDBClient(
          awsClientConfig(ENV.dynamodbEndpoint, this.options.env, {
            maxAttempts: 2,
            requestTimeoutMs: this.options.requestTimeoutMs,
          }),
        );
      return { client, sdk };
    });
    return this.modules;
  }
}
