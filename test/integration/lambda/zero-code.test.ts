import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type CallRecord, ENV, LAYER_PATHS } from 'claude-monitor/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { freePort } from '../../../infra/local/dynamodb-local';
import { buildLayerSync } from '../../../layers/claude-monitor/scripts/build-layer';
import { copyPackageClosure } from '../../../layers/claude-monitor/scripts/package-closure';
import { createTestTable, type TestTable } from '../../helpers/dynamodb';
import { createTempDir, type TempDir } from '../../helpers/lambda/fixture-dirs';
import { startLambdaFunction } from '../../helpers/lambda/lambda-function';
import { describeWithLambda } from '../../helpers/lambda/mount-namespace';
import type { LambdaRuntime } from '../../helpers/lambda/types';
import { REPO_ROOT } from '../../helpers/local-stack-process';
import { payloadOf } from './fixtures';
import {
  awsSdkFunction,
  bundledFunction,
  cjsFunction,
  esmFunction,
  type FunctionCode,
  PLANS,
  type Step,
} from './zero-code-fixtures';

const run = promisify(execFile);
const CLAUDE_MODEL = 'claude-sonnet-4-6';
const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
/** The stand-in's default answer: 12 output tokens; its stream has this many events, `ping` excluded. */
const OUTPUT_TOKENS = 12;

interface Case {
  name: string;
  runtime: LambdaRuntime;
  /** Handler redirection (what `attach()` sets) or the exec wrapper (the CLI steps). */
  via: 'handler' | 'exec-wrapper';
  model: string;
  provider: 'anthropic' | 'bedrock';
  code: (dir: string) => FunctionCode | Promise<FunctionCode>;
  environment?: (stub: AnthropicStub) => Record<string, string>;
  /**
   * The client reads responses through `fetch`, so what the code itself read is known. Over `node:http` the
   * client reads every body whole (node-fetch into its own buffer, the AWS SDK before it answers).
   */
  fetchBased: boolean;
}

const nodeModules = (dir: string) => join(dir, 'node_modules');

const CASES: Case[] = [
  {
    name: 'an ES module handler using the SDK from the layer',
    runtime: 'nodejs24.x',
    via: 'handler',
    model: CLAUDE_MODEL,
    provider: 'anthropic',
    code: esmFunction,
    fetchBased: true,
  },
  {
    name: 'a CommonJS handler at a nested path using the SDK from its own node_modules',
    runtime: 'nodejs22.x',
    via: 'exec-wrapper',
    model: CLAUDE_MODEL,
    provider: 'anthropic',
    code: (dir) => {
      copyPackageClosure(join(REPO_ROOT, 'node_modules/@anthropic-ai/sdk'), nodeModules(dir));
      return cjsFunction(dir);
    },
    fetchBased: true,
  },
  {
    name: 'a TypeScript handler bundled by esbuild with the SDK inside',
    runtime: 'nodejs24.x',
    via: 'exec-wrapper',
    model: CLAUDE_MODEL,
    provider: 'anthropic',
    code: (dir) => bundledFunction(dir, 'anthropic'),
    fetchBased: true,
  },
  {
    name: 'a handler with an older SDK (0.30, node-fetch) in its own node_modules',
    runtime: 'nodejs22.x',
    via: 'handler',
    model: CLAUDE_MODEL,
    provider: 'anthropic',
    code: (dir) => {
      copyPackageClosure(join(REPO_ROOT, 'node_modules/anthropic-sdk-0-30'), nodeModules(dir), {
        as: '@anthropic-ai/sdk',
      });
      return cjsFunction(dir);
    },
    fetchBased: false,
  },
  {
    name: 'a handler bundling the Bedrock SDK',
    runtime: 'nodejs24.x',
    via: 'handler',
    model: BEDROCK_MODEL,
    provider: 'bedrock',
    code: (dir) => bundledFunction(dir, 'bedrock'),
    environment: (stub) => ({ ANTHROPIC_BEDROCK_BASE_URL: stub.url }),
    fetchBased: true,
  },
  {
    name: "a handler calling Bedrock Converse through the runtime's AWS SDK",
    runtime: 'nodejs22.x',
    via: 'exec-wrapper',
    model: BEDROCK_MODEL,
    provider: 'bedrock',
    code: awsSdkFunction,
    environment: (stub) => ({ AWS_ENDPOINT_URL_BEDROCK_RUNTIME: stub.http2Url }),
    fetchBased: false,
  },
];

/** What the function's code saw of each step, without the monitor as with it. */
const expectedSeen = (step: Step, awsSdk: boolean): unknown => {
  switch (step) {
    case 'create':
      return OUTPUT_TOKENS;
    case 'stream':
      return awsSdk ? 8 : 9;
    case 'unawaited':
      return 'sent';
    case 'dropped':
      return awsSdk ? 'messageStart' : 'message_start';
    case 'raw':
      return 200;
  }
};

let stub: AnthropicStub;
let table: TestTable;
let layer: TempDir;
let work: TempDir;

const callRecordsOf = async (functionName: string): Promise<CallRecord[]> => {
  const records: CallRecord[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await table.client.send(
      new ScanCommand({ TableName: table.tableName, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const value = unmarshall(item) as CallRecord & { type?: string };
      if (value.type === 'call' && value.functionName === functionName) records.push(value);
    }
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return records;
};

interface RunResult {
  requestIds: string[];
  payloads: unknown[];
  logs: string[];
}

/** Starts the function, invokes it once per plan (frozen in between), then kills it without notice. */
const runFunction = async (
  testCase: Case,
  functionName: string,
  dynamoEndpoint: string,
): Promise<RunResult> => {
  const code = await testCase.code(join(work.path, functionName));
  const environment: Record<string, string> = {
    [ENV.tableName]: table.tableName,
    [ENV.dynamodbEndpoint]: dynamoEndpoint,
    ANTHROPIC_BASE_URL: stub.url,
    ANTHROPIC_API_KEY: 'sk-ant-lambda',
    MODEL: testCase.model,
    ...testCase.environment?.(stub),
  };
  let handler = code.handler;
  if (testCase.via === 'handler') {
    environment[ENV.originalHandler] = code.handler;
    handler = LAYER_PATHS.wrapperHandler;
  } else {
    environment.AWS_LAMBDA_EXEC_WRAPPER = LAYER_PATHS.execWrapper;
  }
  const fn = await startLambdaFunction({
    runtime: testCase.runtime,
    taskDir: code.taskDir,
    layerDir: layer.path,
    handler,
    functionName,
    environment,
    timeoutSeconds: 120,
  });
  try {
    const requestIds: string[] = [];
    const payloads: unknown[] = [];
    for (const plan of PLANS) {
      const result = await fn.invoke({ plan });
      requestIds.push(result.requestId);
      payloads.push(payloadOf(result));
    }
    return { requestIds, payloads, logs: fn.logs() };
  } finally {
    await fn.kill();
  }
};

const expectedPayloads = (testCase: Case) =>
  PLANS.map((plan) => plan.map((step) => expectedSeen(step, testCase.code === awsSdkFunction)));

const CALLS = PLANS.reduce((sum, plan) => sum + plan.length, 0);

describeWithLambda('zero-code: existing functions, no code change, every billed call recorded once', () => {
  beforeAll(async () => {
    stub = await startAnthropicStub({ logRequests: false });
    table = await createTestTable('lambda-zero-code');
    layer = createTempDir('zero-code-layer-');
    buildLayerSync(layer.path);
    work = createTempDir('zero-code-functions-');
  }, 300_000);
  afterAll(async () => {
    await stub?.close();
    layer?.remove();
    work?.remove();
  });

  describe.each(CASES)('$name ($runtime, $via)', (testCase) => {
    const functionName = `zc-${CASES.indexOf(testCase)}`;
    let result: RunResult;
    let records: CallRecord[];

    beforeAll(async () => {
      result = await runFunction(testCase, functionName, table.endpoint);
      records = await callRecordsOf(functionName);
    }, 300_000);

    it("returns what the function's code returns, call by call", () => {
      // Assess
      expect(result.payloads).toEqual(expectedPayloads(testCase));
    });

    it('has exactly one record per call, each with its invocation, function, request id and cost', () => {
      // Prepare
      const perInvocation = new Map<string, number>();
      for (const record of records) {
        perInvocation.set(record.awsRequestId ?? '', (perInvocation.get(record.awsRequestId ?? '') ?? 0) + 1);
      }
      // Assess
      expect(records).toHaveLength(CALLS);
      expect(new Set(records.map((record) => record.callId)).size).toBe(CALLS);
      expect(result.requestIds.map((id) => perInvocation.get(id) ?? 0)).toEqual(
        PLANS.map((plan) => plan.length),
      );
      for (const record of records) {
        expect(record).toMatchObject({
          functionName,
          instrumentation: 'zero-code',
          provider: testCase.provider,
          status: 'success',
          usage: { outputTokens: OUTPUT_TOKENS },
        });
        expect(record.requestId).toMatch(/^req_stub_/);
        expect(record.cost.priced).toBe(true);
        expect(record.cost.totalNanoUsd).toBeGreaterThan(0);
        expect(record.usageIncomplete).toBeUndefined();
      }
    });

    it.runIf(testCase.fetchBased)('says which calls the code never read, or read in part', () => {
      // Prepare
      const steps = PLANS.flat();
      const count = (read: string | undefined) =>
        records.filter((record) => record.callerRead === read).length;
      // Assess: never awaited and raw responses unread, dropped streams read in part, the rest whole
      expect(count('none')).toBe(steps.filter((step) => step === 'unawaited' || step === 'raw').length);
      expect(count('partial')).toBe(steps.filter((step) => step === 'dropped').length);
      expect(count(undefined)).toBe(steps.filter((step) => step === 'create' || step === 'stream').length);
    });
  });

  describe('with DynamoDB unreachable', () => {
    const replay = async (logFile: string) => {
      const env = {
        ...process.env,
        [ENV.dynamodbEndpoint]: table.endpoint,
        AWS_REGION: 'us-east-1',
      };
      const args = ['run', '--silent', 'replay-records', '--', '--table', table.tableName, logFile];
      const { stdout } = await run('npm', args, { cwd: REPO_ROOT, env });
      return JSON.parse(stdout) as { written: number; alreadyStored: number };
    };

    it.each(CASES)(
      '$name: the same results, every record a log line, replayed once',
      async (testCase) => {
        // Prepare: nothing listens on this port, so every write is refused at once
        const functionName = `zc-down-${CASES.indexOf(testCase)}`;
        const refused = `http://127.0.0.1:${await freePort()}`;
        // Act
        const result = await runFunction(testCase, functionName, refused);
        const stored = await callRecordsOf(functionName);
        const logFile = join(work.path, `${functionName}.log`);
        writeFileSync(logFile, `${result.logs.join('\n')}\n`);
        const first = await replay(logFile);
        const second = await replay(logFile);
        const replayed = await callRecordsOf(functionName);
        // Assess
        expect(result.payloads).toEqual(expectedPayloads(testCase));
        expect(stored).toHaveLength(0);
        expect(first).toMatchObject({ written: CALLS, alreadyStored: 0 });
        expect(second).toMatchObject({ written: 0, alreadyStored: CALLS });
        expect(replayed).toHaveLength(CALLS);
        expect(new Set(replayed.map((record) => record.awsRequestId))).toEqual(new Set(result.requestIds));
      },
      300_000,
    );
  });
});
