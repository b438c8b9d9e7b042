import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flush, networkSettled, withMonitoring } from '../../../layers/claude-monitor/src';
import { type MonitoredSetup, startMonitoredSetup, thrownBy, USER_MESSAGE } from '../../helpers/anthropic';

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

/** Six words: the stub streams one content delta per word, and reports 40 output tokens. */
const LONG_REPLY = {
  kind: 'message' as const,
  text: 'one two three four five six',
  usage: { input_tokens: 90, output_tokens: 40 },
};
const FULL_USAGE = { inputTokens: 90, outputTokens: 40 };

describe('calls Anthropic bills that the caller did not see through', () => {
  it('records a create() that is never awaited, with the usage of its response', async () => {
    // Prepare
    setup.stub.enqueue(LONG_REPLY);

    // Act
    void setup.client.messages.create(USER_MESSAGE);
    await flush();

    // Assess
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({ status: 'success', usage: FULL_USAGE, callerRead: 'none' });
    expect(setup.sink.records[0]!.usageIncomplete).toBeUndefined();
  });

  it('records a stream that is never read, with its full usage', async () => {
    // Prepare
    setup.stub.enqueue(LONG_REPLY);

    // Act
    await setup.client.messages.create({ ...USER_MESSAGE, stream: true });
    await flush();

    // Assess
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      operation: 'stream',
      status: 'success',
      usage: FULL_USAGE,
      callerRead: 'none',
    });
  });

  it('records a stream read partly and then dropped, with the usage the rest of it reported', async () => {
    // Prepare
    setup.stub.enqueue(LONG_REPLY);

    // Act: two events read, then the stream is left alone (no break, no abort)
    const stream = await setup.client.messages.create({ ...USER_MESSAGE, stream: true });
    const events = stream[Symbol.asyncIterator]();
    await events.next();
    await events.next();
    await flush();

    // Assess
    expect(setup.sink.records).toHaveLength(1);
    expect(setup.sink.records[0]).toMatchObject({
      status: 'success',
      usage: FULL_USAGE,
      callerRead: 'partial',
    });
  });

  it('records asResponse() with its usage, even when the promise is awaited a macrotask later', async () => {
    // Prepare
    setup.stub.enqueue(LONG_REPLY, LONG_REPLY);

    // Act
    const later = setup.client.messages.create(USER_MESSAGE).asResponse();
    await new Promise((resolve) => setImmediate(resolve));
    const response = await later;
    const body = (await response.json()) as { usage: { output_tokens: number } };
    const unread = await setup.client.messages.create(USER_MESSAGE).asResponse();
    await flush();

    // Assess
    expect(body.usage.output_tokens).toBe(40);
    expect(unread.bodyUsed).toBe(false);
    expect(setup.sink.records.map((record) => [record.status, record.usage.outputTokens])).toEqual([
      ['success', 40],
      ['success', 40],
    ]);
  });

  it('records an aborted stream as an abort, with output tokens no fewer than the content seen, marked incomplete', async () => {
    // Prepare: slow events, so the abort lands before the final usage
    setup.stub.enqueue({ ...LONG_REPLY, eventDelayMs: 25 });
    let deltas = 0;

    // Act
    const stream = setup.client.messages.stream(USER_MESSAGE);
    stream.on('text', () => {
      if (++deltas === 3) stream.controller.abort();
    });
    await stream.done().catch(() => undefined);
    await flush();

    // Assess
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({ status: 'error', errorType: 'aborted', usageIncomplete: 'aborted' });
    expect(record.usage.inputTokens).toBe(90);
    expect(record.usage.outputTokens).toBeGreaterThanOrEqual(3);
    expect(record.usage.outputTokens).toBeLessThan(40);
  });

  it('records a stream whose connection dropped as a connection error, with the usage that arrived, marked', async () => {
    // Prepare
    setup.stub.enqueue({ ...LONG_REPLY, cutAfterDeltas: 3 });

    // Act
    const error = await thrownBy(async () => {
      for await (const _event of await setup.client.messages.create({ ...USER_MESSAGE, stream: true })) {
        // Read until the connection drops.
      }
    });

    // Assess
    expect(error).toBeInstanceOf(Error);
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({
      status: 'error',
      errorType: 'connection',
      usageIncomplete: 'interrupted',
      usage: { inputTokens: 90, outputTokens: 3 },
    });
  });

  it('records a break out of a stream whose body had fully arrived as an abort, with the full usage', async () => {
    // Prepare
    setup.stub.enqueue(LONG_REPLY);

    // Act: the whole body has arrived before the caller breaks out (the SDK then aborts the request)
    const stream = await setup.client.messages.create({ ...USER_MESSAGE, stream: true });
    for await (const _event of stream) {
      await networkSettled();
      break;
    }
    await flush();

    // Assess
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({ status: 'error', errorType: 'aborted', usage: FULL_USAGE });
    expect(record.usageIncomplete).toBeUndefined();
  });

  it('records a break out of a MessageStream as the abort the SDK reports, never as a success', async () => {
    // Prepare
    setup.stub.enqueue(LONG_REPLY);

    // Act
    const stream = setup.client.messages.stream(USER_MESSAGE);
    let thrown: unknown;
    try {
      for await (const _event of stream) break;
      await stream.finalMessage();
    } catch (error) {
      thrown = error;
    }
    await flush();

    // Assess: full usage if the body had arrived by then, else what arrived, marked
    expect((thrown as Error).constructor.name).toBe('APIUserAbortError');
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({ status: 'error', errorType: 'aborted' });
    if (record.usageIncomplete === undefined) expect(record.usage).toMatchObject(FULL_USAGE);
    else expect(record.usageIncomplete).toBe('aborted');
  });

  it('leaves alone the calls of another invocation running side by side in the process', async () => {
    // Prepare: invocation b reads one event, then waits for invocation a to end before reading on
    setup.stub.enqueue(LONG_REPLY);
    let aEnded!: () => void;
    const afterA = new Promise<void>((resolve) => {
      aEnded = resolve;
    });
    let bStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      bStarted = resolve;
    });
    const b = withMonitoring(async () => {
      const events = (await setup.client.messages.create({ ...USER_MESSAGE, stream: true }))[
        Symbol.asyncIterator
      ]();
      await events.next();
      bStarted();
      await afterA;
      while (!(await events.next()).done) {
        // Read on to the end.
      }
    });
    const a = withMonitoring(async () => 'a');
    const context = (awsRequestId: string) =>
      ({ awsRequestId, getRemainingTimeInMillis: () => 60_000 }) as never;

    // Act
    const bRun = b({}, context('invocation-b'));
    await started;
    await a({}, context('invocation-a'));
    aEnded();
    await bRun;

    // Assess: b's call was not ended by a's end: read whole, complete usage
    expect(setup.sink.records).toHaveLength(1);
    const record = setup.sink.records[0]!;
    expect(record).toMatchObject({ awsRequestId: 'invocation-b', status: 'success', usage: FULL_USAGE });
    expect(record.callerRead).toBeUndefined();
  });
});
