import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDueDigests } from '../../../functions/notifier/digest';
import { verifySignature, WEBHOOK_HEADER } from '../../../functions/notifier/signature';
import { adaptiveCardProblems } from '../../helpers/adaptive-card';
import { blockKitProblems } from '../../helpers/block-kit';
import {
  budgetAlert,
  type NotifierHarness,
  sessionAlert,
  startNotifierHarness,
  streakAlert,
} from './harness';

const HOUR_MS = 3_600_000;

describe('notifier: hourly digests and quiet hours', () => {
  let h: NotifierHarness;
  let clock = Date.now();

  beforeAll(async () => {
    h = await startNotifierHarness(
      [
        { name: 'digest-slack', type: 'slack', digest: { belowSeverity: 'critical' } },
        { name: 'digest-teams', type: 'teams', digest: { belowSeverity: 'critical' } },
        // Quiet all day in UTC except 00:00-00:01, so that the test does not depend on the hour it runs at.
        {
          name: 'quiet',
          type: 'webhook',
          filter: { tenants: ['quiet-tenant'] },
          digest: {
            belowSeverity: 'critical',
            quietHours: { start: '00:01', end: '00:00', timeZone: 'UTC' },
          },
        },
      ],
      { now: () => clock },
    );
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('holds alerts below the severity and sends them as one digest when the hour is over, once', async () => {
    // Prepare
    clock = Date.now();
    await h.publish(sessionAlert('digest-a'));
    await h.publish(budgetAlert('acme', 50));
    await h.publish(streakAlert('digest-fn'));
    await h.drain('digest-slack');
    await h.drain('digest-teams');
    const immediate = h.receivers.requests(h.pathOf('digest-slack')).length;
    const early = await sendDueDigests(h.deps, h.channels, clock + 60_000);

    // Act
    clock += HOUR_MS;
    const due = await sendDueDigests(h.deps, h.channels, clock + 60_000);
    const again = await sendDueDigests(h.deps, h.channels, clock + 60_000);

    // Assess: the critical streak at once; the warning and the info in one digest per channel, once.
    expect(immediate).toBe(1);
    expect(early).toEqual({ sent: 0, pending: 0 });
    expect(due.sent).toBeGreaterThanOrEqual(2);
    expect(again).toEqual({ sent: 0, pending: 0 });
    const slack = h.receivers.requests(h.pathOf('digest-slack')).map((r) => JSON.parse(r.body));
    expect(slack).toHaveLength(2);
    expect(slack[1].text).toBe('Claude monitor digest: 2 alerts (1 warning, 1 info)');
    expect(blockKitProblems(slack[1])).toEqual([]);
    const teams = h.receivers.requests(h.pathOf('digest-teams')).map((r) => JSON.parse(r.body));
    expect(teams).toHaveLength(2);
    expect(adaptiveCardProblems(teams[1].attachments[0].content)).toEqual([]);
  });

  it('during quiet hours holds what is below the severity until the window ends', async () => {
    // Prepare: 12:00 UTC is inside the window; it ends at 00:00.
    const noon = Date.parse('2026-11-29T12:00:00.000Z');
    clock = noon;
    await h.publish(sessionAlert('quiet-a', 'quiet-tenant'));
    await h.publish(budgetAlert('quiet-tenant', 100));
    await h.drain('quiet');
    const duringQuiet = h.receivers.requests(h.pathOf('quiet')).length;

    // Act
    clock = Date.parse('2026-11-29T23:59:00.000Z');
    const beforeEnd = await sendDueDigests(h.deps, [h.channel('quiet')], clock + 60_000);
    clock = Date.parse('2026-11-30T00:00:30.000Z');
    const afterEnd = await sendDueDigests(h.deps, [h.channel('quiet')], clock + 60_000);

    // Assess: the critical budget at once, the warning when the window closed, signed like any delivery.
    expect(duringQuiet).toBe(1);
    expect(beforeEnd.sent).toBe(0);
    expect(afterEnd.sent).toBe(1);
    const requests = h.receivers.requests(h.pathOf('quiet'));
    const digest = JSON.parse(requests[1]!.body);
    expect(digest.type).toBe('digest');
    expect(digest.notifications.map((n: { id: string }) => n.id)).toEqual([
      'session-cost|session:quiet-a|total|10',
    ]);
    // Signed at the test's clock, so checked at it (the receiver's own check uses the real time).
    const signed = verifySignature({
      secret: h.signingSecretOf('quiet'),
      body: requests[1]!.body,
      signature: requests[1]!.headers[WEBHOOK_HEADER.signature],
      timestamp: requests[1]!.headers[WEBHOOK_HEADER.timestamp],
      nowMs: clock,
    });
    expect(signed).toEqual({ ok: true });
  });
});
