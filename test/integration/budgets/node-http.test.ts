import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
  ServiceQuotaExceededException,
} from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import Anthropic030 from 'anthropic-sdk-0-30';
import { localCredentials } from 'claude-monitor/aws';
import type { BudgetConfig, CallRecord } from 'claude-monitor/domain';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import {
  BudgetExceededError,
  disableZeroCode,
  enableZeroCode,
  flush,
  monitor,
  REFUSAL_ERROR_TYPE,
  runWithAttribution,
} from '../../../layers/claude-monitor/src';
import { stubClientOptions, thrownBy, USER_MESSAGE } from '../../helpers/anthropic';
import { type BudgetSetup, costOf, readWindow, startBudgetSetup } from '../../helpers/budgets';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** A millionth of a dollar: no call's reservation fits, so every checked call is refused. */
const EXHAUSTED_USD = 0.000001;
const RUN = `${process.pid}-${Date.now()}`;
/** Room for every call of this file. */
const RICH = `rich-${RUN}`;
const BROKE = `broke-${RUN}`;
const LIMITS: BudgetConfig[] = [
  { scope: 'tenant', id: RICH, period: 'day', usd: 100, mode: 'enforce' },
  { scope: 'tenant', id: BROKE, period: 'day', usd: EXHAUSTED_USD, mode: 'enforce' },
];
const CREDENTIALS = { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'localsecret' };
const INVOKE_BODY = JSON.stringify({
  anthropic_version: 'bedrock-2023-05-31',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'hi' }],
});
const CONVERSE_INPUT = {
  modelId: BEDROCK_MODEL,
  messages: [{ role: 'user' as const, content: [{ text: 'hi' }] }],
  inferenceConfig: { maxTokens: 64 },
};

let setup: BudgetSetup;
/** The AWS SDK's default transport for Bedrock Runtime: HTTP/2. */
let overHttp2: BedrockRuntimeClient;
let overHttp1: BedrockRuntimeClient;

const budgetOptions = (extra: Record<string, unknown> = {}) => ({
  limits: LIMITS,
  tableName: setup.table.tableName,
  client: setup.table.client,
  runtimeRefreshSeconds: 0,
  timeoutMs: 10_000,
  ...extra,
});

const drain = async (stream: AsyncIterable<unknown> | undefined) => {
  for await (const _ of stream ?? []) {
    // Read to the end, as a caller does.
  }
};

/** Every AWS SDK call the tests make, each read to its end. */
const AWS_CALLS: [string, (client: BedrockRuntimeClient) => Promise<{ $metadata: { attempts?: number } }>][] =
  [
    ['Converse', (client) => client.send(new ConverseCommand(CONVERSE_INPUT))],
    [
      'InvokeModel',
      (client) => client.send(new InvokeModelCommand({ modelId: BEDROCK_MODEL, body: INVOKE_BODY })),
    ],
    [
      'ConverseStream',
      async (client) => {
        const answer = await client.send(new ConverseStreamCommand(CONVERSE_INPUT));
        await drain(answer.stream);
        return answer;
      },
    ],
    [
      'InvokeModelWithResponseStream',
      async (client) => {
        const answer = await client.send(
          new InvokeModelWithResponseStreamCommand({ modelId: BEDROCK_MODEL, body: INVOKE_BODY }),
        );
        await drain(answer.body);
        return answer;
      },
    ],
  ];

/**
 * A TCP stand-in in front of DynamoDB Local that holds every connection until released, then joins it to the
 * real endpoint: a budget check that is received and not yet answered, for as long as the test needs.
 */
const startHeldTcp = async (target: string) => {
  const { hostname, port } = new URL(target);
  const held: Socket[] = [];
  const joined: Socket[] = [];
  let released = false;
  let arrived: (() => void) | undefined;
  const arrival = new Promise<void>((resolve) => (arrived = resolve));
  const join = (socket: Socket) => {
    const upstream = connect(Number(port), hostname);
    joined.push(socket, upstream);
    socket.pipe(upstream).pipe(socket);
    socket.on('error', () => upstream.destroy());
    upstream.on('error', () => socket.destroy());
  };
  let connections = 0;
  const server = createServer((socket) => {
    connections += 1;
    arrived?.();
    if (released) join(socket);
    else held.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    arrival,
    connections: () => connections,
    release: () => {
      released = true;
      for (const socket of held.splice(0)) join(socket);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of [...held, ...joined]) socket.destroy();
        server.close(() => resolve());
      }),
  };
};

beforeAll(async () => {
  setup = await startBudgetSetup([]);
  overHttp2 = new BedrockRuntimeClient({
    endpoint: setup.stub.http2Url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
  });
  overHttp1 = new BedrockRuntimeClient({
    endpoint: setup.stub.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    requestHandler: new NodeHttpHandler(),
  });
});
afterAll(async () => {
  disableZeroCode();
  overHttp2.destroy();
  overHttp1.destroy();
  await setup.close();
});
beforeEach(() => {
  setup.sink.clear();
  enableZeroCode({ sink: setup.sink, budgets: budgetOptions() });
});

const transports = () =>
  [
    ['HTTP/2 (the default)', overHttp2],
    ['HTTP/1.1', overHttp1],
  ] as const;

describe('the AWS SDK Bedrock Runtime client, with no code change', () => {
  it.each(AWS_CALLS)('sends %s under the limit unchanged over HTTP/2 and HTTP/1.1', async (_, call) => {
    for (const [transport, client] of transports()) {
      // Prepare
      setup.sink.clear();
      const before = setup.stub.arrivals();

      // Act
      const answer = await runWithAttribution({ tenantId: RICH }, () => call(client));
      await flush();

      // Assess
      expect(answer.$metadata, transport).toMatchObject({ httpStatusCode: 200, attempts: 1 });
      expect(setup.stub.arrivals() - before, transport).toBe(1);
      expect(setup.sink.records, transport).toHaveLength(1);
      expect(setup.sink.records[0], transport).toMatchObject({
        tenantId: RICH,
        provider: 'bedrock',
        status: 'success',
        httpStatus: 200,
        budget: { outcome: 'allowed', limits: [`tenant:${RICH}/day`] },
      });
      expect(setup.sink.records[0]!.budget!.reservedNanoUsd).toBeGreaterThan(
        setup.sink.records[0]!.cost.totalNanoUsd,
      );
    }
  });

  it.each(AWS_CALLS)(
    'refuses %s at the limit with a typed, unretried error, sending nothing',
    async (_, call) => {
      for (const [transport, client] of transports()) {
        // Prepare
        setup.sink.clear();
        const before = setup.stub.arrivals();

        // Act
        const error = (await thrownBy(() =>
          runWithAttribution({ tenantId: BROKE }, () => call(client)),
        )) as ServiceQuotaExceededException & { budget?: Record<string, unknown>; budgetError?: string };
        await flush();

        // Assess
        expect(setup.stub.arrivals() - before, transport).toBe(0);
        expect(error, transport).toBeInstanceOf(ServiceQuotaExceededException);
        expect(error.$metadata, transport).toMatchObject({ httpStatusCode: 400, attempts: 1 });
        expect(error.message).toMatch(/^Claude monitor: the daily budget of tenant broke-.* has no room/);
        expect(error.budgetError).toBe('exceeded');
        expect(error.budget).toMatchObject({
          scope: 'tenant',
          scope_id: BROKE,
          period: 'day',
          limit_nano_usd: 1_000,
        });
        expect(setup.sink.records, transport).toHaveLength(1);
        const record = setup.sink.records[0]!;
        expect(record).toMatchObject({
          tenantId: BROKE,
          provider: 'bedrock',
          status: 'error',
          errorType: 'budget_exceeded',
          errorMessage: error.message,
          budget: { outcome: 'refused', reservedNanoUsd: 0 },
        });
        expect(record.httpStatus).toBeUndefined();
        expect(record.requestId).toBeUndefined();
        expect(record.cost.totalNanoUsd).toBe(0);
      }
    },
  );

  it('leaves the spent figure equal, to the nano-dollar, to the sum of the call records', async () => {
    // Prepare
    const tenantId = `sum-${RUN}`;
    enableZeroCode({
      sink: setup.sink,
      budgets: budgetOptions({
        limits: [{ scope: 'tenant', id: tenantId, period: 'day', usd: 100, mode: 'enforce' }],
      }),
    });

    // Act
    for (const [, client] of transports()) {
      for (const [, call] of AWS_CALLS) await runWithAttribution({ tenantId }, () => call(client));
    }
    await flush();
    const window = await readWindow(setup.table, 'tenant', tenantId, 'day');

    // Assess
    const records: CallRecord[] = setup.sink.records;
    expect(records).toHaveLength(AWS_CALLS.length * 2);
    expect(records.every((record) => record.budget?.settled !== false)).toBe(true);
    expect(costOf(records)).toBeGreaterThan(0);
    expect(window.settled).toBe(costOf(records));
    expect(window.reserved).toBe(0);
  });
});

describe('an AWS SDK call retried after a server error', () => {
  it('is checked once, keeps its one reservation, and settles once to the exact cost', async () => {
    for (const [transport, client] of transports()) {
      // Prepare
      setup.sink.clear();
      const tenantId = `retry-${transport.length}-${RUN}`;
      enableZeroCode({
        sink: setup.sink,
        budgets: budgetOptions({
          limits: [{ scope: 'tenant', id: tenantId, period: 'day', usd: 100, mode: 'enforce' }],
        }),
      });
      setup.stub.enqueue({ kind: 'error', status: 503, message: 'overloaded, try again' });
      const before = setup.stub.arrivals();

      // Act
      const answer = await runWithAttribution({ tenantId }, () =>
        client.send(new ConverseCommand(CONVERSE_INPUT)),
      );
      await flush();
      const window = await readWindow(setup.table, 'tenant', tenantId, 'day');

      // Assess
      expect(answer.$metadata, transport).toMatchObject({ httpStatusCode: 200, attempts: 2 });
      expect(setup.stub.arrivals() - before, transport).toBe(2);
      expect(setup.sink.records, transport).toHaveLength(1);
      const record = setup.sink.records[0]!;
      expect(record, transport).toMatchObject({
        status: 'success',
        attempts: 2,
        budget: { outcome: 'allowed' },
      });
      expect(record.cost.totalNanoUsd, transport).toBeGreaterThan(0);
      expect(window.settled, transport).toBe(record.cost.totalNanoUsd);
      expect(window.reserved, transport).toBe(0);
    }
  });
});

describe('an Anthropic SDK over node-fetch (0.30, node:http)', () => {
  it('refuses at the limit with the SDK own RateLimitError, unretried and sending nothing; sends under it', async () => {
    // Prepare
    const client = monitor(new Anthropic030(stubClientOptions(setup.stub)), {
      sink: setup.sink,
      budgets: budgetOptions(),
    });
    const before = setup.stub.arrivals();

    // Act
    const error = await thrownBy(() =>
      runWithAttribution({ tenantId: BROKE }, () => client.messages.create(USER_MESSAGE)),
    );
    const sentWhenRefused = setup.stub.arrivals() - before;
    const message = await runWithAttribution({ tenantId: RICH }, () => client.messages.create(USER_MESSAGE));
    await flush();

    // Assess
    expect(sentWhenRefused).toBe(0);
    expect(error).toBeInstanceOf(Anthropic030.RateLimitError);
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as BudgetExceededError).scopeId).toBe(BROKE);
    expect(message.content[0]).toMatchObject({ type: 'text' });
    expect(setup.stub.arrivals() - before).toBe(1);
    const [refused, sent] = setup.sink.records;
    expect(refused).toMatchObject({ tenantId: BROKE, errorType: 'budget_exceeded', attempts: 1 });
    expect(refused!.cost.totalNanoUsd).toBe(0);
    expect(sent).toMatchObject({ tenantId: RICH, status: 'success', budget: { outcome: 'allowed' } });
  });

  it('with no code change, the refusal is the SDK own RateLimitError of type budget_exceeded_error', async () => {
    // Prepare
    const client = new Anthropic030(stubClientOptions(setup.stub));
    const before = setup.stub.arrivals();

    // Act
    const error = await thrownBy(() =>
      runWithAttribution({ tenantId: BROKE }, () => client.messages.create(USER_MESSAGE)),
    );
    await flush();

    // Assess
    expect(setup.stub.arrivals() - before).toBe(0);
    expect(error).toBeInstanceOf(Anthropic030.RateLimitError);
    expect((error as { error?: { error?: { type?: string } } }).error?.error?.type).toBe(
      REFUSAL_ERROR_TYPE.exceeded,
    );
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ tenantId: BROKE, errorType: 'budget_exceeded' });
  });

  it('downgrades to the budget model by rewriting the held body, model and length both', async () => {
    // Prepare
    const tenantId = `downgrade-${RUN}`;
    const cheaper = 'claude-haiku-4-5';
    const client = new Anthropic030(stubClientOptions(setup.stub));
    enableZeroCode({
      sink: setup.sink,
      budgets: budgetOptions({
        limits: [
          {
            scope: 'tenant',
            id: tenantId,
            period: 'day',
            usd: 0.0005,
            mode: 'enforce',
            downgradeTo: cheaper,
          },
        ],
      }),
    });
    const before = setup.stub.arrivals();

    // Act
    const message = await runWithAttribution({ tenantId }, () =>
      client.messages.create({ ...USER_MESSAGE, max_tokens: 50 }),
    );
    await flush();

    // Assess
    expect(setup.stub.arrivals() - before).toBe(1);
    const sent = setup.stub.requests.at(-1)!;
    expect(sent.body).toMatchObject({ model: cheaper, max_tokens: 50 });
    expect(Number(sent.headers['content-length'])).toBe(Buffer.byteLength(sent.rawBody));
    expect(message.model).toBe(cheaper);
    expect(setup.sink.records[0]).toMatchObject({
      requestedModel: cheaper,
      budget: { outcome: 'downgraded', downgradedFrom: USER_MESSAGE.model },
    });
  });
});

describe('calls no enforced budget applies to', () => {
  it('are sent as before, with no DynamoDB request and no budget on their record, over HTTP/2 and HTTP/1.1', async () => {
    // Prepare: the enforcer's DynamoDB holds every connection, so a request to it would never be answered
    const tcp = await startHeldTcp(setup.table.endpoint);
    const dynamo = new DynamoDBClient({
      endpoint: tcp.endpoint,
      region: LOCAL_REGION,
      credentials: localCredentials(),
      maxAttempts: 1,
    });
    enableZeroCode({ sink: setup.sink, budgets: budgetOptions({ client: dynamo }) });
    try {
      for (const [transport, client] of transports()) {
        setup.sink.clear();
        const before = setup.stub.arrivals();

        // Act
        const answer = await runWithAttribution({ tenantId: `free-${RUN}` }, () =>
          client.send(new ConverseCommand(CONVERSE_INPUT)),
        );
        await flush();

        // Assess
        expect(answer.$metadata.httpStatusCode, transport).toBe(200);
        expect(setup.stub.arrivals() - before, transport).toBe(1);
        expect(setup.sink.records[0], transport).toMatchObject({ status: 'success', httpStatus: 200 });
        expect(setup.sink.records[0]!.budget, transport).toBeUndefined();
        expect(tcp.connections(), transport).toBe(0);
      }
    } finally {
      dynamo.destroy();
      await tcp.close();
    }
  });
});

describe('DynamoDB cannot be reached by the check', () => {
  let unreachable: DynamoDBClient;
  beforeAll(async () => {
    // Nothing listens on this port: every request is refused at once.
    unreachable = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${await freePort()}`,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
      maxAttempts: 1,
    });
  });
  afterAll(() => unreachable.destroy());

  it('fail open (the default) sends the AWS SDK call unchecked and says so on its record', async () => {
    for (const [transport, client] of transports()) {
      // Prepare
      setup.sink.clear();
      enableZeroCode({ sink: setup.sink, budgets: budgetOptions({ client: unreachable, timeoutMs: 300 }) });
      const before = setup.stub.arrivals();

      // Act
      const answer = await runWithAttribution({ tenantId: RICH }, () =>
        client.send(new ConverseCommand(CONVERSE_INPUT)),
      );
      await flush();

      // Assess
      expect(answer.$metadata.httpStatusCode, transport).toBe(200);
      expect(setup.stub.arrivals() - before, transport).toBe(1);
      expect(setup.sink.records[0], transport).toMatchObject({
        status: 'success',
        budget: { outcome: 'unavailable', reservedNanoUsd: 0, settled: false },
      });
    }
  });

  it('fail closed refuses the AWS SDK call with a typed, unretried error, sending nothing', async () => {
    for (const [transport, client] of transports()) {
      // Prepare
      setup.sink.clear();
      enableZeroCode({
        sink: setup.sink,
        budgets: budgetOptions({ client: unreachable, timeoutMs: 300, onUnavailable: 'closed' }),
      });
      const before = setup.stub.arrivals();

      // Act
      const error = (await thrownBy(() =>
        runWithAttribution({ tenantId: RICH }, () => client.send(new ConverseCommand(CONVERSE_INPUT))),
      )) as ServiceQuotaExceededException & { budgetError?: string };
      await flush();

      // Assess
      expect(setup.stub.arrivals() - before, transport).toBe(0);
      expect(error, transport).toBeInstanceOf(ServiceQuotaExceededException);
      expect(error.$metadata, transport).toMatchObject({ httpStatusCode: 400, attempts: 1 });
      expect(error.budgetError).toBe('unavailable');
      expect(error.message).toMatch(/could not reach DynamoDB in time and enforcement fails closed/);
      expect(setup.sink.records, transport).toHaveLength(1);
      expect(setup.sink.records[0], transport).toMatchObject({
        errorType: 'budget_unavailable',
        budget: { outcome: 'unavailable', reservedNanoUsd: 0 },
      });
    }
  });

  it('fail closed refuses a node-fetch call with the SDK own error, unretried, sending nothing', async () => {
    // Prepare
    const client = new Anthropic030(stubClientOptions(setup.stub));
    enableZeroCode({
      sink: setup.sink,
      budgets: budgetOptions({ client: unreachable, timeoutMs: 300, onUnavailable: 'closed' }),
    });
    const before = setup.stub.arrivals();

    // Act
    const error = await thrownBy(() =>
      runWithAttribution({ tenantId: RICH }, () => client.messages.create(USER_MESSAGE)),
    );
    await flush();

    // Assess
    expect(setup.stub.arrivals() - before).toBe(0);
    expect(error).toBeInstanceOf(Anthropic030.InternalServerError);
    expect((error as { status?: number }).status).toBe(503);
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ errorType: 'budget_unavailable', attempts: 1 });
  });
});

describe('a caller that gives up while its request is held', () => {
  it('sends nothing, records the call once and gives its reservation back', async () => {
    for (const [transport, client] of transports()) {
      // Prepare
      setup.sink.clear();
      const tenantId = `abort-${transport.length}-${RUN}`;
      const tcp = await startHeldTcp(setup.table.endpoint);
      const dynamo = new DynamoDBClient({
        endpoint: tcp.endpoint,
        region: LOCAL_REGION,
        credentials: localCredentials(),
        maxAttempts: 1,
      });
      enableZeroCode({
        sink: setup.sink,
        budgets: budgetOptions({
          client: dynamo,
          limits: [{ scope: 'tenant', id: tenantId, period: 'day', usd: 100, mode: 'enforce' }],
        }),
      });
      const controller = new AbortController();
      const before = setup.stub.arrivals();

      // Act: abort once the check is waiting on DynamoDB, then let the check answer
      const pending = thrownBy(() =>
        runWithAttribution({ tenantId }, () =>
          client.send(new ConverseCommand(CONVERSE_INPUT), { abortSignal: controller.signal }),
        ),
      );
      await tcp.arrival;
      controller.abort();
      const error = (await pending) as Error;
      tcp.release();
      await flush();
      const window = await readWindow(setup.table, 'tenant', tenantId, 'day');
      dynamo.destroy();
      await tcp.close();

      // Assess
      expect(error.name, transport).toBe('AbortError');
      expect(setup.stub.arrivals() - before, transport).toBe(0);
      expect(setup.sink.records, transport).toHaveLength(1);
      // With no code change the AWS SDK's own abort and its timeout look the same on the wire.
      expect(setup.sink.records[0], transport).toMatchObject({
        tenantId,
        status: 'error',
        errorType: expect.stringMatching(/^(aborted|timeout)$/),
        budget: { outcome: 'allowed' },
      });
      expect(setup.sink.records[0]!.budget!.settled, transport).not.toBe(false);
      expect(window.reserved, transport).toBe(0);
      expect(window.settled, transport).toBe(0);
    }
  });
});
