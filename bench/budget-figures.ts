import type Anthropic from '@anthropic-ai/sdk';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { localCredentials } from 'claude-monitor/aws';
import { type BudgetConfig, ITEM_TYPE, KEY } from 'claude-monitor/domain';
import { median, pairwiseDifferences, percentile } from '../functions/shared/stats';
import { LOCAL_REGION } from '../infra/local/dynamodb-local';
import {
  type BudgetOptions,
  createMemorySink,
  flush,
  MonitoredAnthropic,
} from '../layers/claude-monitor/src';
import { BenchVerificationError } from './errors';
import { budgetKey, ENFORCED_LIMIT_COUNTS, type EnforcedLimitCount, type FigureKey } from './figures';
import { writeUnits } from './item-size';
import { scanItemsOfType } from './local-table';

/** What enforcing `n` limits adds to a call, against the same monitored client without budgets. */
export interface EnforcementFigures {
  /** Median over rounds of (this call − the call without budgets in the same round), ms. */
  addedMedianMs: number;
  /** p99 of these calls − p99 of the calls without budgets, ms. */
  addedP99Ms: number;
  /** Median added to the end of the invocation (`flush()`, which waits for the settlements), ms. */
  flushAddedMedianMs: number;
  /** DynamoDB requests per call: reservations, settlements, the sweep's minute markers (amortised). */
  requestsPerCall: number;
  /**
   * Reads of the run-time budget definitions during the timed rounds: one per refresh interval per process
   * (60 s by default), whatever the number of calls, so not counted per call.
   */
  definitionReads: number;
  /** Write units AWS would bill per call for those requests, from the sizes of the items written. */
  writeUnitsPerCall: number;
}

export interface BudgetFigures {
  byLimits: Record<EnforcedLimitCount, EnforcementFigures>;
  /** Median of one bare `UpdateItem` on the same DynamoDB Local, timed in the same rounds: the unit of cost. */
  updateMedianMs: number;
  /** Calls made per configuration in the timed rounds. */
  calls: number;
}

export interface BudgetFigureOptions {
  stubUrl: string;
  /** DynamoDB Local's endpoint; each configuration gets a client of its own there, to count its requests. */
  endpoint: string;
  tableName: string;
  rounds: number;
  warmupRounds: number;
}

const MODEL = 'claude-sonnet-4-6';
const REQUEST = {
  model: MODEL,
  max_tokens: 256,
  messages: [{ role: 'user' as const, content: 'Summarise the budget of this sprint in one line.' }],
};
const ATTRIBUTION = { tenantId: 'bench-tenant', userId: 'bench-user' };
/** Far above anything the run spends: every call must pass, so each one pays for a reservation and a settlement. */
const USD = 1_000_000;

/** The enforced budgets that apply to the bench's calls, for each count; 0 has budgets, all for someone else. */
const LIMITS: Record<EnforcedLimitCount, BudgetConfig[]> = {
  0: [
    { scope: 'tenant', id: 'another-tenant', period: 'day', usd: USD, mode: 'enforce' },
    { scope: 'user', id: 'another-user', period: 'month', usd: USD, mode: 'enforce' },
  ],
  1: [{ scope: 'tenant', id: ATTRIBUTION.tenantId, period: 'day', usd: USD, mode: 'enforce' }],
  3: [
    { scope: 'account', period: 'month', usd: USD, mode: 'enforce' },
    { scope: 'tenant', id: ATTRIBUTION.tenantId, period: 'day', usd: USD, mode: 'enforce' },
    { scope: 'user', id: ATTRIBUTION.userId, period: 'day', usd: USD, mode: 'enforce' },
  ],
};

const NO_BUDGETS = 'no budgets';
type ConfigurationName = typeof NO_BUDGETS | EnforcedLimitCount;

interface Configuration {
  name: ConfigurationName;
  client: Anthropic;
  /** The DynamoDB client of its budget store, and the requests it sent by command. */
  dynamo?: DynamoDBClient;
  requests: Map<string, number>;
}

const countingClient = (endpoint: string, requests: Map<string, number>): DynamoDBClient => {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: localCredentials() });
  client.middlewareStack.add(
    (next, context) => (args) => {
      const command = context.commandName ?? 'unknown';
      requests.set(command, (requests.get(command) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  return client;
};

const configure = (options: BudgetFigureOptions, name: ConfigurationName): Configuration => {
  const requests = new Map<string, number>();
  const sink = createMemorySink();
  const base = { baseURL: options.stubUrl, apiKey: 'sk-ant-bench', maxRetries: 0 };
  if (name === NO_BUDGETS) {
    return {
      name,
      requests,
      client: new MonitoredAnthropic({
        ...base,
        monitor: { sink, attribution: ATTRIBUTION, budgets: false },
      }),
    };
  }
  const dynamo = countingClient(options.endpoint, requests);
  const budgets: BudgetOptions = {
    limits: LIMITS[name],
    tableName: options.tableName,
    client: dynamo,
    // DynamoDB Local on a busy machine can take longer than the 1 s default; a check that timed out would
    // let its call through unchecked and the run would measure nothing.
    timeoutMs: 10_000,
  };
  return {
    name,
    requests,
    dynamo,
    client: new MonitoredAnthropic({ ...base, monitor: { sink, attribution: ATTRIBUTION, budgets } }),
  };
};

/** Makes one call and checks it was what it should be: answered, and reserved on every limit that applies. */
const call = async (configuration: Configuration): Promise<void> => {
  const message = await configuration.client.messages.create(REQUEST);
  if (message.usage.output_tokens <= 0)
    throw new BenchVerificationError(`${configuration.name} limits`, 'the stub answered without usage');
};

/** One conditional counter update like a reservation, on an item of its own. */
const bareUpdate = (dynamo: DynamoDBClient, tableName: string) =>
  dynamo.send(
    new UpdateItemCommand({
      TableName: tableName,
      Key: { [KEY.partition]: { S: 'BENCH#round-trip' }, [KEY.sort]: { S: 'COUNTER' } },
      UpdateExpression: 'ADD #n :one',
      ConditionExpression: 'attribute_not_exists(#n) OR #n >= :zero',
      ExpressionAttributeNames: { '#n': 'n' },
      ExpressionAttributeValues: { ':one': { N: '1' }, ':zero': { N: '0' } },
    }),
  );

const time = async (run: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  await run();
  return performance.now() - start;
};

/**
 * The enforcement overhead: the same monitored client with no budgets, and with 0 (budgets for other
 * scopes only), 1 and 3 enforced limits applying to the call, in interleaved rounds against the local stub
 * and DynamoDB Local. Each round is one invocation per configuration: the call, then `flush()`, which waits
 * for the settlements. Verifies that 0 limits sent no DynamoDB request and that every other call reserved.
 */
export const measureBudgetFigures = async (
  options: BudgetFigureOptions,
  dynamo: DynamoDBClient,
): Promise<BudgetFigures> => {
  const names: ConfigurationName[] = [NO_BUDGETS, ...ENFORCED_LIMIT_COUNTS];
  const configurations = names.map((name) => configure(options, name));
  const callMs = new Map(names.map((name) => [name, [] as number[]]));
  const flushMs = new Map(names.map((name) => [name, [] as number[]]));
  const updateMs: number[] = [];
  try {
    for (let round = 0; round < options.warmupRounds; round++) {
      for (const configuration of configurations) {
        await call(configuration);
        await flush();
      }
    }
    for (const c of configurations) c.requests.clear();
    for (let round = 0; round < options.rounds; round++) {
      // Rotating the order spreads whatever the previous call left behind over every configuration.
      for (let k = 0; k < configurations.length; k++) {
        const configuration = configurations[(round + k) % configurations.length]!;
        callMs.get(configuration.name)!.push(await time(() => call(configuration)));
        flushMs.get(configuration.name)!.push(await time(() => flush()));
      }
      updateMs.push(await time(() => bareUpdate(dynamo, options.tableName)));
    }
    const windowUnits = meanUnits(await scanItemsOfType(dynamo, options.tableName, ITEM_TYPE.budgetWindow));
    const slotUnits = meanUnits(await scanItemsOfType(dynamo, options.tableName, ITEM_TYPE.budgetSlot));
    const floor = callMs.get(NO_BUDGETS)!;
    const floorFlush = flushMs.get(NO_BUDGETS)!;
    const byLimits = Object.fromEntries(
      ENFORCED_LIMIT_COUNTS.map((n) => {
        const c = configurations.find((candidate) => candidate.name === n)!;
        const updates = c.requests.get('UpdateItemCommand') ?? 0;
        const puts = c.requests.get('PutItemCommand') ?? 0;
        const definitionReads = c.requests.get('QueryCommand') ?? 0;
        const all = [...c.requests.values()].reduce((sum, count) => sum + count, 0) - definitionReads;
        verifyRequests(n, updates, all, options.rounds);
        return [
          n,
          {
            addedMedianMs: median(pairwiseDifferences(callMs.get(n)!, floor)),
            addedP99Ms: percentile(callMs.get(n)!, 99) - percentile(floor, 99),
            flushAddedMedianMs: median(pairwiseDifferences(flushMs.get(n)!, floorFlush)),
            requestsPerCall: all / options.rounds,
            definitionReads,
            writeUnitsPerCall: (updates * windowUnits + puts * slotUnits) / options.rounds,
          },
        ];
      }),
    ) as Record<EnforcedLimitCount, EnforcementFigures>;
    return { byLimits, updateMedianMs: median(updateMs), calls: options.rounds };
  } finally {
    for (const c of configurations) c.dynamo?.destroy();
  }
};

const meanUnits = (items: Record<string, AttributeValue>[]): number =>
  items.length === 0 ? 0 : items.reduce((sum, item) => sum + writeUnits(item), 0) / items.length;

/**
 * The run proves the claim only if the figures come from real checks: no request for a call no limit
 * applies to (beyond the periodic read of the run-time definitions), and for `n` limits one reservation and one settlement per limit and call (a refusal or
 * a check that timed out and failed open would break the count).
 */
const verifyRequests = (n: EnforcedLimitCount, updates: number, all: number, calls: number): void => {
  const name = `${n} enforced limits`;
  if (n === 0 && all > 0)
    throw new BenchVerificationError(name, `${all} DynamoDB requests for calls no limit applies to`);
  if (n > 0 && updates !== 2 * n * calls)
    throw new BenchVerificationError(
      name,
      `${updates} updates for ${calls} calls, expected ${2 * n * calls}`,
    );
};

/** The phase's figures under their keys in `bench-results.json`. */
export const budgetFigureValues = (figures: BudgetFigures): Partial<Record<FigureKey, number>> =>
  Object.fromEntries([
    ['budgets.dynamodb_update_median_ms', figures.updateMedianMs],
    ...ENFORCED_LIMIT_COUNTS.flatMap((n) => {
      const f = figures.byLimits[n];
      return [
        [budgetKey('added_median_ms', n), f.addedMedianMs],
        [budgetKey('added_p99_ms', n), f.addedP99Ms],
        [budgetKey('flush_added_median_ms', n), f.flushAddedMedianMs],
        [budgetKey('requests_per_call', n), f.requestsPerCall],
        [budgetKey('write_units_per_call', n), f.writeUnitsPerCall],
      ];
    }),
  ]);
