import Anthropic from '@anthropic-ai/sdk';
import type { Middleware } from '@anthropic-ai/sdk/core/middleware';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicStub, startAnthropicStub } from '../../../infra/local/anthropic-stub';
import { computeCost, createMemorySink, monitor, withAttribution } from '../../../layers/claude-monitor/src';
import { stubClientOptions, TEST_MODEL, USER_MESSAGE } from '../../helpers/anthropic';

let stub: AnthropicStub;

beforeAll(async () => {
  stub = await startAnthropicStub();
});
afterAll(async () => {
  await stub.close();
});

describe('monitor(existing client)', () => {
  it('monitors a client built elsewhere, once, keeping its own middleware', async () => {
    // Prepare
    const seen: string[] = [];
    const own: Middleware = async (request, next) => {
      seen.push(request.method ?? 'GET');
      return next(request);
    };
    const sink = createMemorySink();
    const client = new Anthropic({ ...stubClientOptions(stub), middleware: [own] });

    // Act
    const same = monitor(monitor(client, { sink }), { sink });
    await same.messages.create(USER_MESSAGE);

    // Assess
    expect(same).toBe(client);
    expect(seen).toEqual(['POST']);
    expect(sink.records).toHaveLength(1);
  });

  it('stores prompt and completion only with captureContent', async () => {
    // Prepare
    const privateSink = createMemorySink();
    const capturingSink = createMemorySink();
    const privateClient = monitor(new Anthropic(stubClientOptions(stub)), { sink: privateSink });
    const capturing = monitor(new Anthropic(stubClientOptions(stub)), {
      sink: capturingSink,
      captureContent: true,
    });

    // Act
    await privateClient.messages.create(USER_MESSAGE);
    await capturing.messages.create(USER_MESSAGE);

    // Assess
    expect(privateSink.records[0]).not.toHaveProperty('prompt');
    expect(privateSink.records[0]).not.toHaveProperty('completion');
    expect(capturingSink.records[0]!.prompt).toContain('Say hello.');
    expect(capturingSink.records[0]!.completion).toBe('Hello from the stub.');
  });

  it('passes calls straight through when disabled', async () => {
    // Prepare
    const sink = createMemorySink();
    const client = monitor(new Anthropic(stubClientOptions(stub)), { sink, enabled: false });

    // Act
    const message = await client.messages.create(USER_MESSAGE, withAttribution({ userId: 'u' }));

    // Assess
    expect(message.type).toBe('message');
    expect(sink.records).toHaveLength(0);
  });

  it('records batch results as batch_result calls priced with the batch discount', async () => {
    // Prepare
    const sink = createMemorySink();
    const client = monitor(new Anthropic(stubClientOptions(stub)), { sink });
    stub.addBatch('msgbatch_stub_1', [
      { customId: 'a', reply: { kind: 'message', usage: { input_tokens: 1_000, output_tokens: 200 } } },
      { customId: 'b', reply: { kind: 'error', status: 529 } },
    ]);

    // Act
    const decoder = await client.messages.batches.results('msgbatch_stub_1');
    const results: string[] = [];
    for await (const item of decoder) results.push(`${item.custom_id}:${item.result.type}`);

    // Assess
    expect(results).toEqual(['a:succeeded', 'b:errored']);
    expect(sink.records.map((r) => [r.operation, r.status, r.callId])).toEqual([
      ['batch_result', 'success', 'msgbatch_stub_1#a'],
      ['batch_result', 'error', 'msgbatch_stub_1#b'],
    ]);
    const succeeded = sink.records[0]!;
    expect(succeeded.cost.modifiers).toContain('batch');
    expect(succeeded.cost.totalNanoUsd).toBe(
      computeCost(TEST_MODEL, succeeded.usage, {
        batch: true,
        serviceTier: 'standard',
        inferenceGeo: 'global',
      }).totalNanoUsd,
    );
    expect(succeeded.metadata).toEqual({ batchId: 'msgbatch_stub_1', customId: 'a' });
    expect(sink.records[1]!.errorType).toBe('overloaded');
  });
});
