import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../../../infra/local/dynamodb-local';
import { MonitoredAnthropic } from '../../../layers/claude-monitor/src';
import {
  type MonitoredSetup,
  startMonitoredSetup,
  stubClientOptions,
  thrownBy,
  USER_MESSAGE,
} from '../../helpers/anthropic';

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

describe('MonitoredAnthropic, failed and retried calls', () => {
  it.each([
    [400, 'client', 'BadRequestError'],
    [401, 'authentication', 'AuthenticationError'],
    [429, 'rate_limit', 'RateLimitError'],
    [500, 'server', 'InternalServerError'],
    [529, 'overloaded', 'OverloadedError'],
  ])('records HTTP %i as %s and rethrows the SDK error unchanged', async (status, errorType, errorClass) => {
    // Prepare: one reply per attempt (retryable statuses are tried 3 times with maxRetries 2)
    const retried = status === 429 || status >= 500;
    const replies = Array.from({ length: retried ? 3 : 1 }, () => ({ kind: 'error' as const, status }));
    setup.stub.enqueue(...replies);

    // Act
    const monitoredError = (await thrownBy(() => setup.client.messages.create(USER_MESSAGE))) as Error;
    setup.stub.enqueue(...replies);
    const plainError = (await thrownBy(() => setup.plain.messages.create(USER_MESSAGE))) as Error;

    // Assess
    expect(monitoredError.constructor.name).toBe(errorClass);
    expect(monitoredError.constructor).toBe(plainError.constructor);
    const withoutIds = (message: string) => message.replace(/req_stub_\w+/g, 'req');
    expect(withoutIds(monitoredError.message)).toBe(withoutIds(plainError.message));
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({
      status: 'error',
      errorType,
      httpStatus: status,
      attempts: retried ? 3 : 1,
      requestId: (monitoredError as unknown as { requestID: string }).requestID,
    });
    expect(record.requestId).toMatch(/^req_stub_/);
  });

  it('counts the attempts of a call that succeeds after retries', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'error', status: 529 }, { kind: 'error', status: 500 }, { kind: 'message' });

    // Act
    const message = await setup.client.messages.create(USER_MESSAGE);

    // Assess
    expect(message.type).toBe('message');
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ status: 'success', attempts: 3, httpStatus: 200 });
  });

  it('records a refused connection as a connection error', async () => {
    // Prepare
    const port = await freePort(); // nothing listens there: connections are refused at once
    const client = new MonitoredAnthropic({
      ...stubClientOptions(setup.stub),
      baseURL: `http://127.0.0.1:${port}`,
      maxRetries: 1,
      monitor: { sink: setup.sink },
    });

    // Act
    const error = (await thrownBy(() => client.messages.create(USER_MESSAGE))) as Error;

    // Assess
    expect(error.constructor.name).toBe('APIConnectionError');
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ status: 'error', errorType: 'connection', attempts: 2 });
    expect(setup.sink.records[0]!.httpStatus).toBeUndefined();
  });

  it('records a timed-out call as a timeout', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'hang' });
    const client = new MonitoredAnthropic({
      ...stubClientOptions(setup.stub),
      timeout: 150,
      maxRetries: 0,
      monitor: { sink: setup.sink },
    });

    // Act
    const error = (await thrownBy(() => client.messages.create(USER_MESSAGE))) as Error;

    // Assess
    expect(error.constructor.name).toBe('APIConnectionTimeoutError');
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ status: 'error', errorType: 'timeout', attempts: 1 });
  });

  it('records a mid-stream error event once, with the usage seen before it', async () => {
    // Prepare
    setup.stub.enqueue({
      kind: 'message',
      text: 'a b c d',
      usage: { input_tokens: 77 },
      errorAfterDeltas: 2,
    });
    const seen: string[] = [];

    // Act
    const error = await thrownBy(async () => {
      const stream = await setup.client.messages.create({ ...USER_MESSAGE, stream: true });
      for await (const event of stream) seen.push(event.type);
    });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(seen.filter((type) => type === 'content_block_delta')).toHaveLength(2);
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      status: 'error',
      errorType: 'stream',
      usage: { inputTokens: 77 },
    });
  });

  it('records an early break out of a stream once, as aborted, with usage so far', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'message', text: 'one two three four five', usage: { input_tokens: 55 } });

    // Act
    const stream = await setup.client.messages.create({ ...USER_MESSAGE, stream: true });
    let deltas = 0;
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && ++deltas === 2) break;
    }

    // Assess
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      operation: 'stream',
      status: 'error',
      errorType: 'aborted',
      usage: { inputTokens: 55 },
    });
    expect(setup.sink.records[0]!.ttftMs).toBeTypeOf('number');
  });

  it('records an aborted messages.stream() once and rejects finalMessage() as the SDK does', async () => {
    // Prepare
    setup.stub.enqueue({ kind: 'message', text: 'one two three four five six', eventDelayMs: 20 });

    // Act
    const stream = setup.client.messages.stream(USER_MESSAGE);
    stream.on('text', () => stream.controller.abort());
    const error = (await thrownBy(() => stream.finalMessage())) as Error;

    // Assess
    expect(error.constructor.name).toBe('APIUserAbortError');
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      operation: 'stream',
      status: 'error',
      errorType: 'aborted',
    });
  });
});
