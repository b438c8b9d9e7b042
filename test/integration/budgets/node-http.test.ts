import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableZeroCode, flush, runWithAttribution } from '../../../layers/claude-monitor/src';
import { stubClientOptions, USER_MESSAGE } from '../../helpers/anthropic';
import { type BudgetSetup, startBudgetSetup } from '../../helpers/budgets';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** A millionth of a dollar: no call's reservation fits, so every checked call is refused. */
const EXHAUSTED_USD = 0.000001;

let setup: BudgetSetup;

beforeAll(async () => {
  setup = await startBudgetSetup([]);
});
afterAll(async () => {
  enableZeroCode({ enabled: false });
  await setup.close();
});

// docs/budgets.md, "Where the check runs": the check holds requests sent with fetch; node:http and
// node:http2 requests are recorded but not checked. This test holds both halves of that statement.
describe('where the budget check runs', () => {
  it('refuses a fetch-based call, and records a call of the AWS SDK Bedrock client (node:http or node:http2) unchecked', async () => {
    // Prepare
    const tenantId = `http-${process.pid}-${Date.now()}`;
    enableZeroCode({
      sink: setup.sink,
      budgets: {
        limits: [{ scope: 'tenant', id: tenantId, period: 'day', usd: EXHAUSTED_USD, mode: 'enforce' }],
        tableName: setup.table.tableName,
        client: setup.table.client,
        runtimeRefreshSeconds: 0,
        timeoutMs: 10_000,
      },
    });
    const viaFetch = new Anthropic(stubClientOptions(setup.stub));
    const viaAwsSdk = new BedrockRuntimeClient({
      endpoint: setup.stub.http2Url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'localsecret' },
    });
    const body = JSON.stringify({
      anthropic_version: 'bedrock-2023-05-31',
      max_tokens: 64,
      messages: [{ role: 'user', content: 'hi' }],
    });
    const before = setup.stub.requests.length;

    // Act
    const refused = await runWithAttribution({ tenantId }, () => viaFetch.messages.create(USER_MESSAGE)).then(
      () => undefined,
      (error: unknown) => error,
    );
    const sentFetch = setup.stub.requests.length - before;
    const answer = await runWithAttribution({ tenantId }, () =>
      viaAwsSdk.send(new InvokeModelCommand({ modelId: BEDROCK_MODEL, body })),
    );
    await flush();

    // Assess
    expect(refused).toBeInstanceOf(Anthropic.RateLimitError);
    expect(sentFetch).toBe(0);
    expect(answer.$metadata.httpStatusCode).toBe(200);
    expect(setup.stub.requests.length - before).toBe(1);
    const [fetchRecord, awsSdkRecord] = setup.sink.records;
    expect(fetchRecord).toMatchObject({ tenantId, errorType: 'budget_exceeded' });
    expect(awsSdkRecord).toMatchObject({ tenantId, provider: 'bedrock', status: 'success' });
    expect(awsSdkRecord!.budget).toBeUndefined();
    expect(awsSdkRecord!.cost.totalNanoUsd).toBeGreaterThan(0);
  });
});
