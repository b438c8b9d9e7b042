import { AnthropicBedrock } from '@anthropic-ai/bedrock-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { createMemorySink, monitor, withAttribution } from '../../../layers/claude-monitor/src';

const BEDROCK_MODEL = 'us.anthropic.claude-sonnet-4-5-20250929-v1:0';

let stub: AnthropicStub;
const sink = createMemorySink();
let client: AnthropicBedrock;

beforeAll(async () => {
  stub = await startAnthropicStub();
  client = monitor(
    new AnthropicBedrock({
      baseURL: stub.url,
      awsRegion: 'us-east-1',
      awsAccessKey: 'AKIDLOCAL',
      awsSecretKey: 'local-secret',
      maxRetries: 0,
    }),
    { sink },
  );
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  sink.clear();
});

const PARAMS = { model: BEDROCK_MODEL, max_tokens: 16, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('monitor(AnthropicBedrock)', () => {
  it('records a non-streaming invoke as a Bedrock call, priced by its Bedrock id', async () => {
    // Prepare
    stub.enqueue({
      kind: 'message',
      usage: { input_tokens: 40, output_tokens: 9, cache_read_input_tokens: 4 },
    });

    // Act
    const message = await client.messages.create(PARAMS, withAttribution({ tenantId: 'bedrock-tenant' }));

    // Assess
    expect(message.type).toBe('message');
    expect(decodeURIComponent(stub.requests.at(-1)!.path)).toBe(`/model/${BEDROCK_MODEL}/invoke`);
    expect(stub.requests.at(-1)?.rawBody).not.toContain('bedrock-tenant');
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      provider: 'bedrock',
      operation: 'create',
      requestedModel: BEDROCK_MODEL,
      tenantId: 'bedrock-tenant',
      status: 'success',
      usage: { inputTokens: 40, outputTokens: 9, cacheReadTokens: 4 },
    });
    expect(sink.records[0]!.cost.priced).toBe(true);
  });

  it('records a streamed invoke (AWS event-stream framing) once, with merged usage', async () => {
    // Prepare
    stub.enqueue({
      kind: 'message',
      text: 'streamed over bedrock',
      usage: { input_tokens: 12, output_tokens: 7 },
    });

    // Act
    const final = await client.messages.stream(PARAMS).finalMessage();

    // Assess
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'streamed over bedrock' });
    expect(stub.requests.at(-1)?.path).toContain('/invoke-with-response-stream');
    expect(sink.records).toHaveLength(1);
    expect(sink.records[0]).toMatchObject({
      provider: 'bedrock',
      operation: 'stream',
      status: 'success',
      usage: { inputTokens: 12, outputTokens: 7 },
    });
  });
});
