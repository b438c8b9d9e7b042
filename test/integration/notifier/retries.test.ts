import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NotifierHarness, sessionAlert, startNotifierHarness } from './harness';

/**
 * How the notifier answers each kind of endpoint reply, through the real path: alert published to the SNS
 * emulator, the channel's SQS queue, the notifier's batch handler, a local HTTP receiver.
 */
describe('notifier: retries and refusals', () => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await startNotifierHarness([{ name: 'ops', type: 'slack' }]);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('429 with Retry-After: waits as long as asked, retries, delivers once', async () => {
    // Prepare
    const alert = sessionAlert('rate-limited');
    h.receivers.script(h.pathOf('ops'), {
      status: 429,
      headers: { 'retry-after': '1' },
      body: 'rate_limited',
    });
    const sleepsBefore = h.sleeps.length;
    await h.publish(alert);

    // Act
    const result = await h.poll('ops');

    // Assess
    const requests = h.receivers.requests(h.pathOf('ops')).filter((r) => r.body.includes('rate-limited'));
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    expect(h.sleeps.slice(sleepsBefore)).toEqual([1000]);
    expect(result).toEqual({ received: 1, failed: [] });
    expect(await h.marker(alert, 'ops')).toMatchObject({ state: 'delivered', httpStatus: 200 });
  });

  it('429 asking for a longer wait than an invocation should take: the queue holds the message that long', async () => {
    // Prepare
    const alert = sessionAlert('long-wait');
    h.receivers.script(h.pathOf('ops'), { status: 429, headers: { 'retry-after': '600' } });
    await h.publish(alert);

    // Act
    const result = await h.poll('ops');

    // Assess: one request, no in-process wait of 10 minutes, the message back in the queue but hidden.
    const requests = h.receivers.requests(h.pathOf('ops')).filter((r) => r.body.includes('long-wait'));
    expect(requests).toHaveLength(1);
    expect(result.failed).toHaveLength(1);
    expect(await h.queueDepth('ops')).toEqual({ visible: 0, inFlight: 1 });
    expect(await h.marker(alert, 'ops')).toMatchObject({ state: 'delivering', leaseUntil: 0 });
  });

  it('500 and then success: backs off once, delivers once', async () => {
    // Prepare
    const alert = sessionAlert('server-error');
    h.receivers.script(h.pathOf('ops'), { status: 500, body: 'internal_error' });
    const sleepsBefore = h.sleeps.length;
    await h.publish(alert);

    // Act
    const result = await h.poll('ops');

    // Assess
    const requests = h.receivers.requests(h.pathOf('ops')).filter((r) => r.body.includes('server-error'));
    expect(requests.map((r) => r.status)).toEqual([500, 200]);
    const waits = h.sleeps.slice(sleepsBefore);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(50);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(result.failed).toEqual([]);
    expect(await h.marker(alert, 'ops')).toMatchObject({ state: 'delivered' });
  });

  it('a permanent 404: one request, no retry, the message in the dead-letter queue with the reason', async () => {
    // Prepare
    const alert = sessionAlert('gone');
    h.receivers.script(h.pathOf('ops'), { status: 404, body: 'no_service' });
    await h.publish(alert);

    // Act
    const first = await h.poll('ops');
    await h.publish(alert);
    const again = await h.poll('ops');

    // Assess
    const requests = h.receivers.requests(h.pathOf('ops')).filter((r) => r.body.includes('gone'));
    expect(requests.map((r) => r.status)).toEqual([404]);
    expect(first.failed).toEqual([]);
    expect(again).toEqual({ received: 1, failed: [] });
    const dead = await h.deadLetters('ops');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.Body).toContain('session gone');
    expect(dead[0]!.MessageAttributes?.reason?.StringValue).toBe('HTTP 404: no_service');
    expect(dead[0]!.MessageAttributes?.channel?.StringValue).toBe('ops');
    expect(await h.marker(alert, 'ops')).toMatchObject({ state: 'failed', httpStatus: 404 });
  });

  it('500 on every attempt: gives up for now after the configured attempts and leaves it to the queue', async () => {
    // Prepare
    const alert = sessionAlert('always-failing');
    h.receivers.script(h.pathOf('ops'), { status: 503 }, { status: 502 }, { status: 500 });
    await h.publish(alert);

    // Act
    const result = await h.poll('ops');

    // Assess
    const requests = h.receivers.requests(h.pathOf('ops')).filter((r) => r.body.includes('always-failing'));
    expect(requests.map((r) => r.status)).toEqual([503, 502, 500]);
    expect(result.failed).toHaveLength(1);
    expect(await h.marker(alert, 'ops')).toMatchObject({ state: 'delivering', leaseUntil: 0, attempts: 1 });
  });
});
