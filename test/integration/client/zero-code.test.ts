import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import Anthropic from '@anthropic-ai/sdk';
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  InvokeModelCommand,
  InvokeModelWithResponseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import {
  createMemorySink,
  enableZeroCode,
  flush,
  MonitoredAnthropic,
} from '../../../layers/claude-monitor/src';
import { eventually, stubClientOptions, thrownBy, USER_MESSAGE } from '../../helpers/anthropic';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';
const REPLY = {
  kind: 'message' as const,
  text: 'alpha beta gamma',
  usage: { input_tokens: 30, output_tokens: 9 },
};

let stub: AnthropicStub;
const sink = createMemorySink();

beforeAll(async () => {
  stub = await startAnthropicStub();
  enableZeroCode({ sink });
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  sink.clear();
});

describe('zero-code recording: clients the code does not monitor', () => {
  it('records a plain Anthropic client', async () => {
    // Prepare
    stub.enqueue(REPLY);
    const client = new Anthropic(stubClientOptions(stub));

    // Act
    await client.messages.create(USER_MESSAGE);

    // Assess
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      instrumentation: 'zero-code',
      provider: 'anthropic',
      status: 'success',
      usage: { inputTokens: 30, outputTokens: 9 },
    });
  });

  it('records an explicitly monitored client once, in its own sink only', async () => {
    // Prepare
    const own = createMemorySink();
    const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink: own } });

    // Act
    await client.messages.create(USER_MESSAGE);
    await client.messages.stream(USER_MESSAGE).finalMessage();

    // Assess
    expect(own.records.map((record) => record.instrumentation)).toEqual(['explicit', 'explicit']);
    expect(sink.records).toHaveLength(0);
  });

  it('joins the retries of one call into one record, by the attempt marks the SDK sends', async () => {
    // Prepare
    stub.enqueue({ kind: 'error', status: 529 }, { kind: 'error', status: 500 }, REPLY);
    const client = new Anthropic(stubClientOptions(stub));

    // Act
    await client.messages.create(USER_MESSAGE);

    // Assess
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({ status: 'success', attempts: 3, httpStatus: 200 });
  });

  it('records a call whose retries ran out once, as the error of its last attempt', async () => {
    // Prepare
    stub.enqueue(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 429 })));
    const client = new Anthropic(stubClientOptions(stub));

    // Act
    const error = await thrownBy(() => client.messages.create(USER_MESSAGE));
    await flush();

    // Assess
    expect((error as Error).constructor.name).toBe('RateLimitError');
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({ status: 'error', errorType: 'rate_limit', attempts: 3 });
  });

  it("tells the SDK's timeout (retried, one record) from the caller's abort (not retried)", async () => {
    // Prepare: the stub never answers; the SDK's timeout is 1 s (announced in whole seconds)
    stub.enqueue({ kind: 'hang' }, { kind: 'hang' });
    const timingOut = new Anthropic({ ...stubClientOptions(stub), timeout: 1_000, maxRetries: 1 });
    const client = new Anthropic(stubClientOptions(stub));
    stub.enqueue({ kind: 'hang' });
    const controller = new AbortController();

    // Act
    const timeout = await thrownBy(() => timingOut.messages.create(USER_MESSAGE));
    const sent = stub.requests.length;
    const aborted = thrownBy(() => client.messages.create(USER_MESSAGE, { signal: controller.signal }));
    await eventually(() => stub.requests.length > sent);
    controller.abort();
    const abort = await aborted;
    await flush();

    // Assess
    expect((timeout as Error).constructor.name).toBe('APIConnectionTimeoutError');
    expect((abort as Error).constructor.name).toBe('APIUserAbortError');
    const outcomes = sink.records.map((record) => `${record.errorType} after ${record.attempts}`);
    expect(outcomes.sort()).toEqual(['aborted after 1', 'timeout after 2']);
  });

  it('records @anthropic-ai/bedrock-sdk calls as Bedrock calls priced by the Bedrock id', async () => {
    // Prepare
    stub.enqueue(REPLY);
    const client = new AnthropicBedrock({
      baseURL: stub.url,
      awsRegion: 'us-east-1',
      awsAccessKey: 'AKIDLOCAL',
      awsSecretKey: 'localsecret',
      maxRetries: 0,
    });

    // Act
    await client.messages.create({ ...USER_MESSAGE, model: BEDROCK_MODEL });

    // Assess
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      provider: 'bedrock',
      requestedModel: BEDROCK_MODEL,
      usage: { inputTokens: 30, outputTokens: 9 },
    });
    expect(sink.records[0]!.cost.priced).toBe(true);
  });
});

describe('zero-code recording: the AWS SDK Bedrock runtime client (over node:http)', () => {
  const bedrock = () =>
    new BedrockRuntimeClient({
      endpoint: stub.http2Url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'localsecret' },
    });
  const anthropicBody = JSON.stringify({
    anthropic_version: 'bedrock-2023-05-31',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
  });
  const converseInput = {
    modelId: BEDROCK_MODEL,
    messages: [{ role: 'user' as const, content: [{ text: 'hi' }] }],
    inferenceConfig: { maxTokens: 64 },
  };

  it('records InvokeModel and InvokeModelWithResponseStream', async () => {
    // Prepare
    stub.enqueue(REPLY, REPLY);
    const client = bedrock();

    // Act
    await client.send(new InvokeModelCommand({ modelId: BEDROCK_MODEL, body: anthropicBody }));
    const streamed = await client.send(
      new InvokeModelWithResponseStreamCommand({ modelId: BEDROCK_MODEL, body: anthropicBody }),
    );
    let chunks = 0;
    for await (const _event of streamed.body ?? []) chunks++;

    // Assess
    expect(chunks).toBeGreaterThan(3);
    expect(
      sink.records.map((record) => [record.provider, record.operation, record.usage.outputTokens]),
    ).toEqual([
      ['bedrock', 'create', 9],
      ['bedrock', 'stream', 9],
    ]);
  });

  it('records Converse and ConverseStream with their usage', async () => {
    // Prepare
    stub.enqueue(REPLY, REPLY);
    const client = bedrock();

    // Act
    const answer = await client.send(new ConverseCommand(converseInput));
    const streamed = await client.send(new ConverseStreamCommand(converseInput));
    let text = '';
    for await (const event of streamed.stream ?? []) text += event.contentBlockDelta?.delta?.text ?? '';

    // Assess
    expect(answer.usage?.outputTokens).toBe(9);
    expect(text).toBe('alpha beta gamma');
    expect(
      sink.records.map((record) => [record.operation, record.requestedModel, record.usage.inputTokens]),
    ).toEqual([
      ['create', BEDROCK_MODEL, 30],
      ['stream', BEDROCK_MODEL, 30],
    ]);
    expect(sink.records.every((record) => record.cost.priced && record.status === 'success')).toBe(true);
  });

  it("joins the AWS SDK's retries of a throttled call into one record", async () => {
    // Prepare
    stub.enqueue({ kind: 'error', status: 429 }, REPLY);
    const client = bedrock();

    // Act
    await client.send(new ConverseCommand(converseInput));

    // Assess
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({ status: 'success', attempts: 2 });
  });
});
