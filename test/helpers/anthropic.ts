import Anthropic from '@anthropic-ai/sdk';
import { type AnthropicStub, startAnthropicStub } from '../../infra/local/anthropic-stub';
import {
  createMemorySink,
  type MemorySink,
  MonitoredAnthropic,
  type MonitorOptions,
} from '../../layers/claude-monitor/src';

export const TEST_MODEL = 'claude-sonnet-4-6';

export const USER_MESSAGE = {
  model: TEST_MODEL,
  max_tokens: 64,
  messages: [{ role: 'user' as const, content: 'Say hello.' }],
};

/** SDK options pointing at the stub, with fast retries (the stub sends `retry-after: 0`). */
export const stubClientOptions = (stub: AnthropicStub) => ({
  baseURL: stub.url,
  apiKey: 'sk-ant-test',
  maxRetries: 2,
  timeout: 5_000,
});

export interface MonitoredSetup {
  stub: AnthropicStub;
  sink: MemorySink;
  client: MonitoredAnthropic;
  plain: Anthropic;
}

/** A stub, a memory sink, a monitored client and a plain client on the same stub. */
export const startMonitoredSetup = async (monitor: MonitorOptions = {}): Promise<MonitoredSetup> => {
  const stub = await startAnthropicStub();
  const sink = createMemorySink();
  const client = new MonitoredAnthropic({ ...stubClientOptions(stub), monitor: { sink, ...monitor } });
  const plain = new Anthropic(stubClientOptions(stub));
  return { stub, sink, client, plain };
};

/** Waits until `predicate` holds, polling the event loop (records of streams settle a tick after the end). */
export const eventually = async (predicate: () => boolean, tries = 200): Promise<void> => {
  for (let i = 0; i < tries && !predicate(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
};

/** Runs a call and returns what it threw, or undefined when it did not throw. */
export const thrownBy = async (call: () => Promise<unknown>): Promise<unknown> => {
  try {
    await call();
    return undefined;
  } catch (error) {
    return error;
  }
};
