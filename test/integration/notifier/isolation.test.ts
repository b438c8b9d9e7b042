import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DELIVERY_POLICY } from '../../../functions/notifier/http-delivery';
import { type NotifierHarness, sessionAlert, startNotifierHarness } from './harness';

describe('notifier: a slow or dead endpoint never delays the other channels', () => {
  let h: NotifierHarness;
  let dead: NotifierHarness;

  beforeAll(async () => {
    h = await startNotifierHarness([
      { name: 'slow', type: 'slack' },
      { name: 'fast', type: 'teams' },
    ]);
    // The attempt timeout is what is tested here: an endpoint that never answers is given up on after it.
    dead = await startNotifierHarness([{ name: 'dead', type: 'webhook' }], {
      policy: { ...DEFAULT_DELIVERY_POLICY, attemptTimeoutMs: 300, maxAttempts: 2, baseBackoffMs: 10 },
    });
  });

  afterAll(async () => {
    await h?.stop();
    await dead?.stop();
  });

  it('each channel has its own queue and invocation: the fast one is delivered while the slow one still waits', async () => {
    // Prepare: the slow endpoint answers only when released.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    h.receivers.script(h.pathOf('slow'), { status: 200, body: 'ok', hold: held });
    await h.publish(sessionAlert('isolated'));

    // Act
    let slowDone = false;
    const slow = h.poll('slow').then((result) => {
      slowDone = true;
      return result;
    });
    const fast = await h.poll('fast');
    const slowDoneWhenFastWas = slowDone;
    release();
    const slowResult = await slow;

    // Assess
    expect(fast).toEqual({ received: 1, failed: [] });
    expect(slowDoneWhenFastWas).toBe(false);
    expect(slowResult).toEqual({ received: 1, failed: [] });
    expect(h.receivers.requests(h.pathOf('fast'))).toHaveLength(1);
    expect(h.receivers.requests(h.pathOf('slow'))).toHaveLength(1);
  });

  it('an endpoint that never answers is given up on after the attempt timeout and retried later', async () => {
    // Prepare: both attempts are held open until the harness stops.
    const never = new Promise<void>(() => undefined);
    dead.receivers.script(dead.pathOf('dead'), { status: 200, hold: never }, { status: 200, hold: never });
    const alert = sessionAlert('no-answer');
    await dead.publish(alert);

    // Act
    const result = await dead.poll('dead');

    // Assess
    expect(result.failed).toHaveLength(1);
    expect(dead.sleeps).toHaveLength(1);
    expect(await dead.marker(alert, 'dead')).toMatchObject({ state: 'delivering', leaseUntil: 0 });
    expect(await dead.queueDepth('dead')).toEqual({ visible: 0, inFlight: 1 });
  });
});
