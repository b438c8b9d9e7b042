import { createServer, type Server, type Socket } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/dynamodb-local';
import {
  BudgetUnavailableError,
  flush,
  REFUSAL_ERROR_TYPE,
  withAttribution,
} from '../../../layers/claude-monitor/src';
import { USER_MESSAGE } from '../../helpers/anthropic';
import { type BudgetSetup, startBudgetSetup } from '../../helpers/budgets';

const LIMITS = [{ scope: 'tenant' as const, period: 'day' as const, usd: 5, mode: 'enforce' as const }];

let setup: BudgetSetup;
let refused: DynamoDBClient;
let silent: DynamoDBClient;
let blackHole: Server;
const sockets = new Set<Socket>();

const clientAt = (port: number) =>
  new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
  });

beforeAll(async () => {
  setup = await startBudgetSetup(LIMITS);
  // Nothing listens on this port: every request is refused at once.
  refused = clientAt(await freePort());
  // This one accepts connections and never answers: only the check's own time bound ends the wait.
  blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((done) => blackHole.listen(port, '127.0.0.1', done));
  silent = clientAt(port);
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((done) => blackHole.close(() => done()));
  refused.destroy();
  silent.destroy();
  await setup.close();
});
beforeEach(() => {
  setup.sink.clear();
});

describe('DynamoDB cannot be reached by the budget check', () => {
  it.each([
    ['refuses connections', () => refused],
    ['never answers', () => silent],
  ])(
    'when it %s, fail open (the default) sends the call unchecked and says so on its record',
    async (_, dynamo) => {
      // Prepare
      const client = setup.clientWith({ client: dynamo(), timeoutMs: 300 });
      const before = setup.stub.requests.length;

      // Act
      const message = await client.messages.create(USER_MESSAGE, withAttribution({ tenantId: 'open-co' }));
      await flush();

      // Assess
      expect(message.content[0]).toMatchObject({ type: 'text' });
      expect(setup.stub.requests.length).toBe(before + 1);
      expect(setup.sink.records[0]).toMatchObject({
        status: 'success',
        budget: {
          outcome: 'unavailable',
          reservedNanoUsd: 0,
          limits: ['tenant:open-co/day'],
          settled: false,
        },
      });
    },
  );

  it.each([
    ['refuses connections', () => refused],
    ['never answers', () => silent],
  ])('when it %s, fail closed refuses with BudgetUnavailableError and sends nothing', async (_, dynamo) => {
    // Prepare
    const client = setup.clientWith({ client: dynamo(), timeoutMs: 300, onUnavailable: 'closed' });
    const before = setup.stub.requests.length;

    // Act
    const caught = await client.messages
      .create(USER_MESSAGE, withAttribution({ tenantId: 'closed-co' }))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    await flush();

    // Assess
    expect(setup.stub.requests.length).toBe(before);
    expect(caught).toBeInstanceOf(BudgetUnavailableError);
    expect(caught).toBeInstanceOf(Anthropic.APIError);
    const error = caught as InstanceType<typeof Anthropic.APIError>;
    expect(error.status).toBe(503);
    expect(error.type).toBe(REFUSAL_ERROR_TYPE.unavailable);
    expect(error.name).toBe('BudgetUnavailableError');
    expect(setup.sink.records[0]).toMatchObject({
      status: 'error',
      errorType: 'budget_unavailable',
      attempts: 1,
      cost: { totalNanoUsd: 0 },
      budget: { outcome: 'unavailable' },
    });
  });
});
