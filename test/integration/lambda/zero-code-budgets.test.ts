import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, ENV, LAYER_PATHS } from 'claude-monitor/domain';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { buildLayerSync } from '../../../layers/claude-monitor/scripts/build-layer';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { createTempDir, type TempDir, writeFileTree } from '../../helpers/lambda/fixture-dirs';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import { payloadOf } from './fixtures';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const FUNCTION_NAME = 'zc-budget-converse';

/** The runtime's AWS SDK calling Converse, with no code for the monitor; it returns what the SDK threw. */
const HANDLER = `const { BedrockRuntimeClient, ConverseCommand } = require('@aws-sdk/client-bedrock-runtime');
const client = new BedrockRuntimeClient({});
exports.handler = async () => {
  const input = { modelId: process.env.MODEL, messages: [{ role: 'user', content: [{ text: 'Say hello.' }] }], inferenceConfig: { maxTokens: 64 } };
  try {
    const answer = await client.send(new ConverseCommand(input));
    return { sent: answer.$metadata.httpStatusCode };
  } catch (error) {
    return { name: error.name, fault: error.$fault, status: error.$metadata?.httpStatusCode, attempts: error.$metadata?.attempts, budgetError: error.budgetError, message: error.message };
  }
};
`;

let stub: AnthropicStub;
let table: TestTable;
let layer: TempDir;
let work: TempDir;

const callRecords = async (): Promise<CallRecord[]> => {
  const page = await table.client.send(new ScanCommand({ TableName: table.tableName }));
  return (page.Items ?? [])
    .map((item) => unmarshall(item) as CallRecord & { type?: string })
    .filter((value) => value.type === 'call' && value.functionName === FUNCTION_NAME);
};

describeWithLambda('zero-code: an enforced budget refuses an AWS SDK Converse call (node:http2)', () => {
  beforeAll(async () => {
    stub = await startAnthropicStub({ logRequests: false });
    table = await createTestTable('lambda-zero-code-budgets');
    layer = createTempDir('zero-code-budget-layer-');
    buildLayerSync(layer.path);
    work = createTempDir('zero-code-budget-function-');
  }, 300_000);
  afterAll(async () => {
    await stub?.close();
    layer?.remove();
    work?.remove();
  });

  it('throws the SDK own ServiceQuotaExceededException after one attempt, sends nothing, and records the refusal once', async () => {
    // Prepare: a lifetime-of-the-day limit of a millionth of a dollar on the function: no call fits
    writeFileTree(work.path, { 'index.js': HANDLER });
    const fn = await startLambdaFunction({
      runtime: 'nodejs22.x',
      taskDir: work.path,
      layerDir: layer.path,
      handler: 'index.handler',
      functionName: FUNCTION_NAME,
      environment: {
        AWS_LAMBDA_EXEC_WRAPPER: LAYER_PATHS.execWrapper,
        AWS_ENDPOINT_URL_BEDROCK_RUNTIME: stub.http2Url,
        MODEL: BEDROCK_MODEL,
        [ENV.tableName]: table.tableName,
        [ENV.dynamodbEndpoint]: table.endpoint,
        [ENV.budgets]: JSON.stringify([
          { scope: 'function', id: FUNCTION_NAME, period: 'day', usd: 0.000001, mode: 'enforce' },
        ]),
        [ENV.budgetEnforcement]: JSON.stringify({ timeoutMs: 10_000, runtimeRefreshSeconds: 0 }),
      },
      timeoutSeconds: 120,
    });

    // Act
    let payload: Record<string, unknown>;
    try {
      payload = payloadOf(await fn.invoke({}));
    } finally {
      await fn.kill();
    }
    const records = await callRecords();

    // Assess
    expect(stub.arrivals()).toBe(0);
    expect(payload).toMatchObject({
      name: 'ServiceQuotaExceededException',
      fault: 'client',
      status: 400,
      attempts: 1,
      budgetError: 'exceeded',
    });
    expect(payload.message).toMatch(/^Claude monitor: the daily budget of function zc-budget-converse/);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      instrumentation: 'zero-code',
      provider: 'bedrock',
      status: 'error',
      errorType: 'budget_exceeded',
      budget: { outcome: 'refused', reservedNanoUsd: 0 },
    });
    expect(records[0]!.cost.totalNanoUsd).toBe(0);
  }, 300_000);
});
