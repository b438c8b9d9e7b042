import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BillingSourceError } from './errors';

/**
 * The value the stack stores in the admin-key secret until an operator puts a key there: a secret cannot be
 * created empty, and a random value would be sent to Anthropic and refused every day.
 */
export const ADMIN_KEY_PLACEHOLDER = 'none';

/** The admin key, or why there is none. */
export type AdminKey = { configured: true; key: string } | { configured: false; hint: string };

/** Where to put the key, for the status the API and dashboard show. */
export const adminKeyHint = (secretArn?: string): string =>
  secretArn
    ? `No Anthropic admin key is configured. Store an Admin API key (sk-ant-admin…) in the secret ${secretArn}: aws secretsmanager put-secret-value --secret-id ${secretArn} --secret-string <key>. No deploy is needed; the next run uses it.`
    : 'No Anthropic admin key is configured. Set the admin key secret of the deployment (docs/reconciliation.md).';

/** The bare key, or the `adminKey` field of a JSON secret. */
const keyOf = (secret: string): string => {
  const text = secret.trim();
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { adminKey?: unknown };
    return typeof parsed.adminKey === 'string' ? parsed.adminKey.trim() : '';
  } catch {
    return '';
  }
};

const configured = (value: string, hint: string): AdminKey =>
  value === '' || value === ADMIN_KEY_PLACEHOLDER
    ? { configured: false, hint }
    : { configured: true, key: value };

/** A key given directly (local stack, tests). */
export const staticAdminKey = (key: string | undefined): AdminKey =>
  configured(keyOf(key ?? ''), adminKeyHint());

/**
 * The key from Secrets Manager, read on every run: runs are hours apart, and a key put there or rotated is
 * used by the next run without a deploy.
 *
 * @throws BillingSourceError when the secret cannot be read (the run records it and the next run retries)
 */
export const secretAdminKey = async (client: SecretsManagerClient, secretArn: string): Promise<AdminKey> => {
  let secret: string | undefined;
  try {
    const out = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    secret = out.SecretString;
  } catch (cause) {
    const status = (cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new BillingSourceError(
      `the admin key secret cannot be read: ${(cause as Error).name}`,
      status === undefined ? { cause } : { cause, status },
    );
  }
  return configured(keyOf(secret ?? ''), adminKeyHint(secretArn));
};
