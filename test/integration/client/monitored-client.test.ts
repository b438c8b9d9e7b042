import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { computeCost } from '../../../layers/claude-monitor/src';
import { type MonitoredSetup, startMonitoredSetup, TEST_MODEL, USER_MESSAGE } from '../../helpers/anthropic';

let setup: MonitoredSetup;

beforeAll(async () => {
  setup = await startMonitoredSetup();
});
afterAll(async () => {
  await setup.stub.close();
});
beforeEach(() => {
  setup.sink.clear();
});

const CACHED_USAGE = {
  input_tokens: 100,
  output_tokens: 40,
  cache_5m_tokens: 300,
  cache_1h_tokens: 200,
  cache_read_input_tokens: 1_000,
  web_search_requests: 2,
  web_fetch_requests: 1,
  service_tier: 'priority',
  speed: 'standard',
  inference_geo: 'us',
};

describe('MonitoredAnthropic, successful calls', () => {
  it('records a plain create with every usage field and returns what the plain SDK returns', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'message', usage: CACHED_USAGE, text: 'Hi there.' });
    setup.stub.enqueue({ kind: 'message', usage: CACHED_USAGE, text: 'Hi there.' });

    // Act
    const monitored = await setup.client.messages.create(USER_MESSAGE);
    const plain = await setup.plain.messages.create(USER_MESSAGE);

    // Assess
    const { id: _a, ...monitoredRest } = monitored;
    const { id: _b, ...plainRest } = plain;
    expect(monitoredRest).toEqual(plainRest);
    expect(monitored._request_id).toMatch(/^req_stub_/);
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({
      operation: 'create',
      beta: false,
      provider: 'anthropic',
      requestedModel: TEST_MODEL,
      model: TEST_MODEL,
      status: 'success',
      stopReason: 'end_turn',
      attempts: 1,
      httpStatus: 200,
      requestId: monitored._request_id,
      serviceTier: 'priority',
      speed: 'standard',
      inferenceGeo: 'us',
      usage: {
        inputTokens: 100,
        outputTokens: 40,
        cacheWrite5mTokens: 300,
        cacheWrite1hTokens: 200,
        cacheReadTokens: 1_000,
        webSearchRequests: 2,
        webFetchRequests: 1,
      },
    });
    expect(record.cost).toEqual(
      computeCost(TEST_MODEL, record.usage, {
        serviceTier: 'priority',
        speed: 'standard',
        inferenceGeo: 'us',
        at: new Date(record.timestamp),
      }),
    );
    expect(record.cost.priced).toBe(true);
    expect(record.ttftMs).toBeUndefined();
    expect(record.prompt).toBeUndefined();
    expect(record.completion).toBeUndefined();
  });

  // The stub sends a `ping` between the first events; the SDK's stream drops it, as it does for the real API.
  it('records a `stream: true` call once, with usage merged from message_start and message_delta', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'message', usage: CACHED_USAGE, text: 'one two three' });

    // Act
    const stream = await setup.client.messages.create({ ...USER_MESSAGE, stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);

    // Assess
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({
      operation: 'stream',
      status: 'success',
      stopReason: 'end_turn',
      attempts: 1,
    });
    expect(record.usage).toMatchObject({ inputTokens: 100, outputTokens: 40, cacheWrite1hTokens: 200 });
    expect(record.ttftMs).toBeTypeOf('number');
    expect(record.ttftMs!).toBeLessThanOrEqual(record.latencyMs);
  });

  it('records messages.stream() once and keeps its helpers (on text, finalMessage)', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'message', text: 'alpha beta' });
    const texts: string[] = [];

    // Act
    const stream = setup.client.messages.stream(USER_MESSAGE).on('text', (text) => texts.push(text));
    const final = await stream.finalMessage();

    // Assess
    expect(texts.join('')).toBe('alpha beta');
    expect(final.content[0]).toMatchObject({ type: 'text', text: 'alpha beta' });
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      operation: 'stream',
      status: 'success',
      usage: { inputTokens: final.usage.input_tokens, outputTokens: final.usage.output_tokens },
    });
  });

  it('records beta calls with beta: true', async () => {
    // Prepare
    const params = { ...USER_MESSAGE, betas: ['context-management-2025-06-27'] };

    // Act
    const message = await setup.client.beta.messages.create(params);
    const streamed = await setup.client.beta.messages.stream(params).finalMessage();

    // Assess
    expect(message.type).toBe('message');
    expect(streamed.type).toBe('message');
    expect(setup.sink.records.map((r) => [r.operation, r.beta])).toEqual([
      ['create', true],
      ['stream', true],
    ]);
    expect(setup.stub.requests.at(-1)?.headers['anthropic-beta']).toBe('context-management-2025-06-27');
  });

  it('keeps withResponse() and records the call once', async () => {
    // Act
    const { data, response, request_id } = await setup.client.messages.create(USER_MESSAGE).withResponse();

    // Assess
    expect(data.type).toBe('message');
    expect(response.status).toBe(200);
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]!.requestId).toBe(request_id);
  });

  it('leaves the body of asResponse() to the caller and still records the call', async () => {
    // Act
    const response = await setup.client.messages.create(USER_MESSAGE).asResponse();
    const body = (await response.json()) as { type: string };

    // Assess
    expect(body.type).toBe('message');
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ status: 'success', httpStatus: 200 });
  });

  it('records the served model and an unknown model as unpriced, never as free', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'message', model: 'claude-imaginary-9' });

    // Act
    await setup.client.messages.create(USER_MESSAGE);

    // Assess
    const record = setup.sink.records[0]!;
    expect(record.requestedModel).toBe(TEST_MODEL);
    expect(record.model).toBe('claude-imaginary-9');
    expect(record.cost.priced).toBe(false);
  });

  it('keeps monitoring copies made with withOptions()', async () => {
    // Act
    await setup.client.withOptions({ timeout: 9_000 }).messages.create(USER_MESSAGE);

    // Assess
    expect(setup.sink.records).toHaveLength(1);
  });

  it('lets a request script its reply with the x-stub-reply header', async () => {
    // Prepare
    const reply = JSON.stringify({ kind: 'message', model: 'claude-opus-4-6', usage: { output_tokens: 3 } });

    // Act
    const message = await setup.client.messages.create(USER_MESSAGE, { headers: { 'x-stub-reply': reply } });

    // Assess
    expect(message.model).toBe('claude-opus-4-6');
    expect(setup.sink.records[0]).toMatchObject({ model: 'claude-opus-4-6', usage: { outputTokens: 3 } });
  });
});
