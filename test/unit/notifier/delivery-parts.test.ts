import { validateChannels } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { parseChannelSecret } from '../../../functions/notifier/channel-targets';
import type { NotifierChannel } from '../../../functions/notifier/config';
import { ChannelSecretError } from '../../../functions/notifier/errors';
import { isRetryableStatus, parseRetryAfter } from '../../../functions/notifier/http-delivery';
import { parseNotification } from '../../../functions/notifier/notification';
import { retryDelaySeconds } from '../../../functions/notifier/queue-batch';
import { digestReleaseAt, holdsForDigest, inQuietHours } from '../../../functions/notifier/quiet-hours';

const channel = (type: NotifierChannel['type']): NotifierChannel => ({
  name: 'c',
  type,
  secret: 's',
  queueArn: 'arn:q',
  queueUrl: 'http://q',
  deadLetterQueueUrl: 'http://dlq',
});

describe('notifier parts', () => {
  it('reads Retry-After as seconds or an HTTP date, capped at 12 hours', () => {
    // Prepare
    const now = Date.parse('2026-11-29T10:00:00Z');

    // Act
    const values = [
      parseRetryAfter('7', now),
      parseRetryAfter('Sun, 29 Nov 2026 10:00:30 GMT', now),
      parseRetryAfter('999999', now),
      parseRetryAfter('soon', now),
      parseRetryAfter(null, now),
    ];

    // Assess
    expect(values).toEqual([7, 30, 43_200, undefined, undefined]);
  });

  it('retries 429 and 5xx only; backs off 30 s doubling per receive up to 15 minutes unless told otherwise', () => {
    // Prepare / Act
    const retryable = [200, 301, 400, 403, 404, 410, 429, 500, 503].filter(isRetryableStatus);
    const delays = [1, 2, 3, 6, 7, 20].map((n) => retryDelaySeconds(n));

    // Assess
    expect(retryable).toEqual([429, 500, 503]);
    expect(delays).toEqual([30, 60, 120, 900, 900, 900]);
    expect(retryDelaySeconds(5, 42)).toBe(42);
  });

  it('holds for the digest only below the severity and, with quiet hours, only inside them (across midnight, in the zone)', () => {
    // Prepare
    const quiet = {
      belowSeverity: 'critical' as const,
      quietHours: { start: '22:00', end: '07:00', timeZone: 'Europe/Berlin' },
    };
    const berlinMidnight = Date.parse('2026-11-29T23:30:00Z'); // 00:30 in Berlin (UTC+1)
    const berlinNoon = Date.parse('2026-11-29T11:00:00Z');

    // Act / Assess
    expect(inQuietHours(berlinMidnight, quiet.quietHours)).toBe(true);
    expect(inQuietHours(berlinNoon, quiet.quietHours)).toBe(false);
    expect(holdsForDigest(quiet, 'warning', berlinMidnight)).toBe(true);
    expect(holdsForDigest(quiet, 'critical', berlinMidnight)).toBe(false);
    expect(holdsForDigest(quiet, 'warning', berlinNoon)).toBe(false);
    expect(new Date(digestReleaseAt(quiet, berlinMidnight)).toISOString()).toBe('2026-11-30T06:00:00.000Z');
    expect(new Date(digestReleaseAt({ belowSeverity: 'warning' }, berlinNoon + 1)).toISOString()).toBe(
      '2026-11-29T12:00:00.000Z',
    );
  });

  it('reads channel secrets: https or loopback http only, webhooks need a signing secret, never echoing the value', () => {
    // Prepare
    const secretUrl = 'https://hooks.slack.com/services/T/B/SECRETPART';

    // Act
    const slack = parseChannelSecret(channel('slack'), secretUrl);
    const webhook = parseChannelSecret(
      channel('webhook'),
      JSON.stringify({ url: 'https://x.example', signingSecret: 'a'.repeat(16) }),
    );
    const refused = [
      () => parseChannelSecret(channel('slack'), 'http://hooks.example.com/x'),
      () =>
        parseChannelSecret(
          channel('webhook'),
          JSON.stringify({ url: 'https://x.example', signingSecret: 'short' }),
        ),
      () => parseChannelSecret(channel('teams'), '{"url":'),
    ];

    // Assess
    expect(slack).toEqual({ url: secretUrl });
    expect(webhook.signingSecret).toBe('a'.repeat(16));
    expect(parseChannelSecret(channel('teams'), 'http://127.0.0.1:9/x')).toEqual({
      url: 'http://127.0.0.1:9/x',
    });
    for (const act of refused) {
      expect(act).toThrow(ChannelSecretError);
      expect(act).not.toThrow(/SECRETPART|short/);
    }
  });

  it('reads CloudWatch alarm notifications too, and refuses what is neither an alert nor an alarm', () => {
    // Prepare
    const alarm = JSON.stringify({
      Type: 'Notification',
      Subject: 'ALARM: x',
      Message: JSON.stringify({
        AlarmName: 'OnFailureQueueDepth',
        AlarmArn: 'arn:aws:cloudwatch:us-east-1:1:alarm:x',
        NewStateValue: 'ALARM',
        NewStateReason: 'Threshold Crossed',
        StateChangeTime: '2026-11-29T10:00:00.000+0000',
      }),
    });

    // Act
    const notification = parseNotification(alarm);

    // Assess
    expect(notification).toMatchObject({
      kind: 'alarm',
      severity: 'critical',
      subject: 'Claude monitor alarm: OnFailureQueueDepth is ALARM',
    });
    expect(() => parseNotification('{"Type":"Notification","Message":"hello"}')).toThrow('no alert payload');
    expect(() => parseNotification('not json')).toThrow('not an SNS envelope');
  });

  it('validates channels the same way for the stack and the notifier', () => {
    // Prepare / Act
    const problems = validateChannels([
      { name: 'ok', type: 'slack', secret: 'claude-monitor/ok' },
      { name: 'bad', type: 'webhook', secret: 'not a secret name!' },
    ]);

    // Assess
    expect(problems).toEqual(['alertChannels[1].secret must be the name or ARN of a Secrets Manager secret']);
  });
});
