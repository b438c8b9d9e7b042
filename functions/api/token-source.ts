import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { TokenSourceError } from './errors';

/** Resolves the token the API accepts. */
export type TokenSource = () => Promise<string>;

/** A fixed token (local stack, tests). */
export const staticTokenSource =
  (token: string): TokenSource =>
  async () => {
    if (token.trim() === '') throw new TokenSourceError('the API token is empty');
    return token;
  };

export interface SecretTokenSourceOptions {
  client: SecretsManagerClient;
  secretArn: string;
  /**
   * How long a fetched token is reused, ms. Short enough that a rotated secret is picked up soon.
   * @default 300000
   */
  ttlMs?: number;
  /** @default Date.now */
  now?: () => number;
}

/**
 * The token from Secrets Manager, kept in memory for `ttlMs` so that warm invocations do not call
 * Secrets Manager. The secret is either the bare token or JSON with a `token` field.
 */
export const secretTokenSource = (options: SecretTokenSourceOptions): TokenSource => {
  const ttlMs = options.ttlMs ?? 300_000;
  const now = options.now ?? Date.now;
  let cached: { token: string; until: number } | undefined;
  return async () => {
    if (cached && cached.until > now()) return cached.token;
    let secret: string | undefined;
    try {
      const out = await options.client.send(new GetSecretValueCommand({ SecretId: options.secretArn }));
      secret = out.SecretString;
    } catch (cause) {
      throw new TokenSourceError('the API token secret cannot be read', { cause });
    }
    const token = parseSecret(secret ?? '');
    if (token === '') throw new TokenSourceError('the API token secret is empty');
    cached = { token, until: now() + ttlMs };
    return token;
  };
};

const parseSecret = (secret: string): string => {
  const trimmed = secret.trim();
  if (!trimmed.startsWith('{')) return trimmed;
  try {
    const parsed = JSON.parse(trimmed) as { token?: unknown };
    return typeof parsed.token === 'string' ? parsed.token.trim() : '';
  } catch {
    return '';
  }
};
