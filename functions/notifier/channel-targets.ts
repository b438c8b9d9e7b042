import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { CHANNEL_TYPE } from 'claude-monitor/domain';
import type { NotifierChannel } from './config';
import { ChannelSecretError, SecretReadError } from './errors';

/** Where a channel's messages go. Secret: never logged, never part of an error message. */
export interface ChannelTarget {
  url: string;
  /** Webhooks only: the HMAC key. */
  signingSecret?: string;
}

/** Resolves a channel's target; throws `ChannelSecretError` (permanent) or `SecretReadError` (retry). */
export type ChannelTargets = (channel: NotifierChannel) => Promise<ChannelTarget>;

/** A signing secret shorter than this is refused: HMAC keys should not be guessable. */
export const MIN_SIGNING_SECRET_LENGTH = 16;

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

const isLoopback = (url: URL): boolean =>
  LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);

/**
 * Reads a secret's text into a target: JSON `{"url", "signingSecret"}`, or (Slack, Teams) the bare URL.
 * Only https is accepted, except plain http to a loopback address for the local stack and tests.
 */
export const parseChannelSecret = (channel: NotifierChannel, secretString: string): ChannelTarget => {
  const trimmed = secretString.trim();
  let url: unknown = trimmed;
  let signingSecret: unknown;
  if (trimmed.startsWith('{')) {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(trimmed) as Record<string, unknown>;
    } catch {
      throw new ChannelSecretError(channel.name, 'its secret is not valid JSON');
    }
    url = parsed.url;
    signingSecret = parsed.signingSecret;
  }
  if (typeof url !== 'string' || url === '')
    throw new ChannelSecretError(channel.name, 'its secret has no url');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    throw new ChannelSecretError(channel.name, 'the url in its secret is not a URL');
  }
  const allowed =
    parsedUrl.protocol === 'https:' || (parsedUrl.protocol === 'http:' && isLoopback(parsedUrl));
  if (!allowed) throw new ChannelSecretError(channel.name, 'the url in its secret must use https');
  if (channel.type !== CHANNEL_TYPE.webhook) return { url };
  if (typeof signingSecret !== 'string' || signingSecret.length < MIN_SIGNING_SECRET_LENGTH) {
    throw new ChannelSecretError(
      channel.name,
      `a webhook secret needs a signingSecret of at least ${MIN_SIGNING_SECRET_LENGTH} characters`,
    );
  }
  return { url, signingSecret };
};

export interface SecretTargetsOptions {
  client: SecretsManagerClient;
  /**
   * How long a secret is reused, ms: warm invocations do not call Secrets Manager, and a rotated URL is
   * picked up within this time.
   * @default 300000
   */
  ttlMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/** Channel targets read from Secrets Manager and kept in memory for `ttlMs`. */
export const secretChannelTargets = (options: SecretTargetsOptions): ChannelTargets => {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { target: ChannelTarget; until: number }>();
  return async (channel) => {
    const cached = cache.get(channel.name);
    if (cached && cached.until > now()) return cached.target;
    let secretString: string | undefined;
    try {
      const out = await options.client.send(new GetSecretValueCommand({ SecretId: channel.secret }));
      secretString = out.SecretString;
    } catch (cause) {
      throw new SecretReadError(channel.name, { cause });
    }
    if (secretString === undefined)
      throw new ChannelSecretError(channel.name, 'its secret has no string value');
    const target = parseChannelSecret(channel, secretString);
    cache.set(channel.name, { target, until: now() + ttlMs });
    return target;
  };
};
