import { spawn } from 'node:child_process';
import { ENV } from 'claude-monitor/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepReservations } from '../../../functions/aggregator/budgets/sweep';
import { SILENT_LOGGER } from '../../../functions/aggregator/deps';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { readWindow } from '../../helpers/budgets';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { REPO_ROOT } from '../../helpers/local-stack-process';

const TTL_SECONDS = 1_200;

let table: TestTable;
let stub: AnthropicStub;

beforeAll(async () => {
  table = await createTestTable('budget-crash');
  stub = await startAnthropicStub({ defaultReply: { kind: 'hang' } });
});
afterAll(async () => {
  await stub.close();
});

/** Starts the caller with the environment `attach()` gives a function; resolves once its request is at the stub. */
const startCaller = async (tenantId: string) => {
  const before = stub.requests.length;
  const child = spawn(
    process.execPath,
    ['node_modules/tsx/dist/cli.mjs', 'test/fixtures/budget-caller.ts', stub.url, tenantId],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        [ENV.tableName]: table.tableName,
        [ENV.dynamodbEndpoint]: table.endpoint,
        AWS_REGION: 'us-east-1',
        [ENV.budgets]: JSON.stringify([{ scope: 'tenant', period: 'day', usd: 5, mode: 'enforce' }]),
        [ENV.budgetEnforcement]: JSON.stringify({
          timeoutMs: 10_000,
          reservationTtlSeconds: TTL_SECONDS,
          runtimeRefreshSeconds: 0,
        }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) =>
    child.once('exit', (_code, signal) => done(signal)),
  );
  // The request reaches the stub only after its reservation was written.
  await expect.poll(() => stub.requests.length, { timeout: 60_000, interval: 50 }).toBe(before + 1);
  return { child, exited, output: () => output };
};

describe('a crashed call', () => {
  it('keeps its reservation until the reservation expires, and then the sweep releases it', async () => {
    // Prepare: a caller killed (SIGKILL: no flush, no settlement) while its call waits for an answer.
    const tenantId = `crash-${Date.now()}`;
    const caller = await startCaller(tenantId);
    caller.child.kill('SIGKILL');
    expect(await caller.exited).toBe('SIGKILL');
    const held = await readWindow(table, 'tenant', tenantId, 'day');
    const deps = {
      client: table.client,
      tableName: table.tableName,
      reservationTtlSeconds: TTL_SECONDS,
      logger: SILENT_LOGGER,
    };

    // Act
    const early = await sweepReservations({ ...deps, now: () => Date.now() + (TTL_SECONDS - 120) * 1_000 });
    const afterEarly = await readWindow(table, 'tenant', tenantId, 'day');
    const late = await sweepReservations({ ...deps, now: () => Date.now() + (TTL_SECONDS + 120) * 1_000 });
    const afterLate = await readWindow(table, 'tenant', tenantId, 'day');
    const again = await sweepReservations({ ...deps, now: () => Date.now() + (TTL_SECONDS + 120) * 1_000 });

    // Assess
    expect(caller.output()).not.toContain('answered');
    expect(held.reserved).toBeGreaterThan(0);
    expect(held).toMatchObject({ committed: held.reserved, settled: 0 });
    expect(early.releasedNanoUsd).toBe(0);
    expect(afterEarly.reserved).toBe(held.reserved);
    expect(late).toMatchObject({ windowsReleased: 1, releasedNanoUsd: held.reserved });
    expect(afterLate).toMatchObject({ committed: 0, reserved: 0, settled: 0 });
    expect(again.releasedNanoUsd).toBe(0);
  }, 120_000);
});
