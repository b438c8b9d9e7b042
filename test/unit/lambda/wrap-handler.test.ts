import { describe, expect, it } from 'vitest';
import { currentScope } from '../../../layers/claude-monitor/src';
import { invocationBounds } from '../../../layers/claude-monitor/src/lambda/invocation-bounds';
import type { LambdaHandler } from '../../../layers/claude-monitor/src/lambda/load-handler';
import { wrapHandler } from '../../../layers/claude-monitor/src/lambda/wrap-handler';

const STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const context = (awsRequestId: string) => ({ awsRequestId, getRemainingTimeInMillis: () => 60_000 });

describe('wrapHandler keeps the shape the runtime reads', () => {
  it('keeps an async handler async, with its arity', async () => {
    // Prepare
    const original = async (event: unknown, _context: unknown) => ({ event, scope: currentScope() });
    // Act
    const wrapped = wrapHandler(original as LambdaHandler);
    const result = await wrapped({ n: 1 }, context('req-1'));
    // Assess
    expect(wrapped.constructor.name).toBe('AsyncFunction');
    expect(wrapped.length).toBe(2);
    expect(result).toEqual({ event: { n: 1 }, scope: { awsRequestId: 'req-1' } });
  });

  it('keeps a callback handler callback-style, answering only after the records are written', async () => {
    // Prepare
    const original = (event: unknown, _context: unknown, callback: (e: unknown, r: unknown) => void) => {
      callback(null, { echoed: event });
    };
    // Act
    const wrapped = wrapHandler(original as LambdaHandler);
    const answer = await new Promise((resolve) =>
      wrapped('hi', context('req-2'), (_e: unknown, r: unknown) => resolve(r)),
    );
    // Assess
    expect(wrapped.constructor.name).toBe('Function');
    expect(wrapped.length).toBe(3);
    expect(answer).toEqual({ echoed: 'hi' });
  });

  it('passes errors through unchanged, thrown or rejected', async () => {
    // Prepare
    const failure = new Error('the handler failed');
    const rejecting = wrapHandler((async () => {
      throw failure;
    }) as LambdaHandler);
    const throwing = wrapHandler((() => {
      throw failure;
    }) as LambdaHandler);
    // Act
    const rejected = await (rejecting(1, context('a')) as Promise<unknown>).catch((error: unknown) => error);
    const thrown = (() => {
      try {
        throwing(1, context('b'));
      } catch (error) {
        return error;
      }
    })();
    // Assess
    expect(rejected).toBe(failure);
    expect(thrown).toBe(failure);
  });

  it('keeps the streaming markers of awslambda.streamifyResponse', () => {
    // Prepare
    const original = Object.assign(
      async (_event: unknown, _stream: unknown, _context: unknown) => undefined,
      {
        [STREAMING]: 'response',
      },
    );
    // Act
    const wrapped = wrapHandler(original as unknown as LambdaHandler) as unknown as Record<symbol, unknown>;
    // Assess
    expect(wrapped[STREAMING]).toBe('response');
  });
});

describe('invocationBounds', () => {
  it('ends the work before Lambda would time out, keeping time for the writes', () => {
    // Act
    const bounds = invocationBounds({ getRemainingTimeInMillis: () => 3_000 }, {}, 1_000_000);
    // Assess
    expect(bounds.deadline).toBe(1_000_000 + 3_000 - 150);
    expect(bounds.settleBy).toBeLessThan(bounds.deadline);
    expect(bounds.settleBy).toBeGreaterThanOrEqual(1_000_000);
  });

  it('caps the wait for calls in flight with CLAUDE_MONITOR_SETTLE_TIMEOUT_MS, and never goes negative', () => {
    // Act
    const capped = invocationBounds(
      { getRemainingTimeInMillis: () => 900_000 },
      { CLAUDE_MONITOR_SETTLE_TIMEOUT_MS: '5000' },
      0,
    );
    const none = invocationBounds({ getRemainingTimeInMillis: () => 50 }, {}, 0);
    // Assess
    expect(capped.settleBy).toBe(5_000);
    expect(none).toEqual({ settleBy: 0, deadline: 0 });
  });
});
