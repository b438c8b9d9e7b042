import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook delivery (HTTP header names are case-insensitive; sent in lower case). */
export const WEBHOOK_HEADER = {
  /** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`; several comma-separated values are accepted. */
  signature: 'x-claude-monitor-signature',
  /** Unix time in seconds when the request was signed; part of the signed text, so it cannot be swapped. */
  timestamp: 'x-claude-monitor-timestamp',
  /** The same for every attempt of one delivery: receivers deduplicate on it. */
  delivery: 'x-claude-monitor-delivery',
} as const;

export const SIGNATURE_VERSION = 'v1';

/** A signature older (or further in the future) than this is refused, so a captured request cannot be replayed later. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`. */
export const computeSignature = (secret: string, timestamp: number, body: string): string =>
  createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');

/** The headers that sign `body`, computed at `nowMs` (each attempt is signed anew). */
export const signatureHeaders = (secret: string, body: string, nowMs: number): Record<string, string> => {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    [WEBHOOK_HEADER.timestamp]: String(timestamp),
    [WEBHOOK_HEADER.signature]: `${SIGNATURE_VERSION}=${computeSignature(secret, timestamp, body)}`,
  };
};

/** A stable id of one notification's delivery to one channel, the same across retries. */
export const deliveryIdOf = (notificationId: string, channel: string): string =>
  createHash('sha256').update(`${notificationId}\n${channel}`).digest('hex').slice(0, 32);

export const VERIFY_FAILURE = {
  missingHeader: 'missing-header',
  badTimestamp: 'bad-timestamp',
  staleTimestamp: 'stale-timestamp',
  badSignature: 'bad-signature',
} as const;
export type VerifyFailure = (typeof VERIFY_FAILURE)[keyof typeof VERIFY_FAILURE];

export interface VerifyOptions {
  secret: string;
  /** The raw request body, exactly as received (before any JSON parsing). */
  body: string;
  /** Value of `x-claude-monitor-signature`. */
  signature: string | undefined;
  /** Value of `x-claude-monitor-timestamp`. */
  timestamp: string | undefined;
  /** @default Date.now() */
  nowMs?: number;
  /** @default 300 */
  toleranceSeconds?: number;
}

/**
 * Checks a delivery the way a receiver should: timestamp within the tolerance, then a constant-time
 * comparison of the HMAC. docs/notifications.md has the same check as a standalone snippet.
 */
export const verifySignature = (
  options: VerifyOptions,
): { ok: true } | { ok: false; reason: VerifyFailure } => {
  const { secret, body, signature, timestamp } = options;
  if (!signature || !timestamp) return { ok: false, reason: VERIFY_FAILURE.missingHeader };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: VERIFY_FAILURE.badTimestamp };
  const age = Math.abs((options.nowMs ?? Date.now()) / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) {
    return { ok: false, reason: VERIFY_FAILURE.staleTimestamp };
  }
  const expected = Buffer.from(computeSignature(secret, Number(timestamp), body), 'hex');
  const matches = signature
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.startsWith(`${SIGNATURE_VERSION}=`))
    .some((part) => {
      const given = Buffer.from(part.slice(SIGNATURE_VERSION.length + 1), 'hex');
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  return matches ? { ok: true } : { ok: false, reason: VERIFY_FAILURE.badSignature };
};
