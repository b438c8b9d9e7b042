import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeSignature,
  DEFAULT_TOLERANCE_SECONDS,
  verifySignature,
  WEBHOOK_HEADER,
} from '../../../functions/notifier/signature';
import { type NotifierHarness, sessionAlert, startNotifierHarness } from './harness';

describe('notifier: signed webhooks', () => {
  let h: NotifierHarness;

  beforeAll(async () => {
    h = await startNotifierHarness([
      { name: 'hook', type: 'webhook', signingSecret: 'whsec-test-0123456789abcdef' },
    ]);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('a delivery verifies; a tampered body, an old timestamp or another secret does not', async () => {
    // Prepare
    await h.publish(sessionAlert('signed'));
    await h.drain('hook');
    const request = h.receivers.requests(h.pathOf('hook'))[0]!;
    const signature = request.headers[WEBHOOK_HEADER.signature];
    const timestamp = request.headers[WEBHOOK_HEADER.timestamp];
    const secret = 'whsec-test-0123456789abcdef';
    const sentAtMs = Number(timestamp) * 1000;

    // Act
    const asReceived = verifySignature({ secret, body: request.body, signature, timestamp, nowMs: sentAtMs });
    const tampered = verifySignature({
      secret,
      body: request.body.replace('12.5', '1.25'),
      signature,
      timestamp,
      nowMs: sentAtMs,
    });
    const replayedLater = verifySignature({
      secret,
      body: request.body,
      signature,
      timestamp,
      nowMs: sentAtMs + (DEFAULT_TOLERANCE_SECONDS + 1) * 1000,
    });
    const timestampSwapped = verifySignature({
      secret,
      body: request.body,
      signature,
      timestamp: String(Number(timestamp) + 60),
      nowMs: sentAtMs,
    });
    const otherSecret = verifySignature({
      secret: 'another-secret-0123456789',
      body: request.body,
      signature,
      timestamp,
      nowMs: sentAtMs,
    });
    const unsigned = verifySignature({
      secret,
      body: request.body,
      signature: undefined,
      timestamp,
      nowMs: sentAtMs,
    });

    // Assess
    expect(request.signature).toEqual({ ok: true });
    expect(signature).toBe(`v1=${computeSignature(secret, Number(timestamp), request.body)}`);
    expect(asReceived).toEqual({ ok: true });
    expect(tampered).toEqual({ ok: false, reason: 'bad-signature' });
    expect(replayedLater).toEqual({ ok: false, reason: 'stale-timestamp' });
    expect(timestampSwapped).toEqual({ ok: false, reason: 'bad-signature' });
    expect(otherSecret).toEqual({ ok: false, reason: 'bad-signature' });
    expect(unsigned).toEqual({ ok: false, reason: 'missing-header' });
  });

  it('the body is JSON with the alert payload; every attempt is signed anew under one delivery id', async () => {
    // Prepare
    h.receivers.script(h.pathOf('hook'), { status: 503, headers: { 'retry-after': '1' } });
    await h.publish(sessionAlert('resent'));

    // Act
    await h.drain('hook');

    // Assess
    const attempts = h.receivers.requests(h.pathOf('hook')).filter((r) => r.body.includes('resent'));
    expect(attempts.map((r) => r.status)).toEqual([503, 200]);
    expect(attempts.map((r) => r.signature)).toEqual([{ ok: true }, { ok: true }]);
    expect(attempts[0]!.headers[WEBHOOK_HEADER.delivery]).toBe(attempts[1]!.headers[WEBHOOK_HEADER.delivery]);
    const body = JSON.parse(attempts[1]!.body);
    expect(body).toMatchObject({
      version: 1,
      type: 'notification',
      channel: 'hook',
      deliveryId: attempts[1]!.headers[WEBHOOK_HEADER.delivery],
    });
    expect(body.notifications[0]).toMatchObject({
      id: 'session-cost|session:resent|total|10',
      kind: 'alert',
      severity: 'warning',
      attributes: { rule: 'session-cost', tenant: 'acme', user: 'ann', severity: 'warning' },
      alert: { rule: 'session-cost', value: 12_500_000_000, valueUsd: 12.5 },
      dashboardUrl: 'https://monitor.example.com/dashboard/claude-monitoring/?session=resent',
    });
  });
});
