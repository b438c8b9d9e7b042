import Anthropic from '@anthropic-ai/sdk';
import { APIConnectionError, APIError } from '@anthropic-ai/sdk/core/error';
import { BillingSourceError } from '../errors';

export interface AdminClientOptions {
  /** An Admin API key (`sk-ant-admin…`). */
  adminKey: string;
  /** @default Anthropic's API; the local stand-in in development and tests */
  baseURL?: string;
  /**
   * Retries of 408/409/429/5xx and connection errors, with the SDK's backoff (which honours `retry-after`).
   * @default 2
   */
  maxRetries?: number;
  /**
   * Per request, ms.
   * @default 60000
   */
  timeoutMs?: number;
}

/**
 * The Admin API through the Anthropic SDK itself: the SDK sends the key as `x-api-key` with
 * `anthropic-version`, retries what can be retried, and pages the report endpoints.
 */
export const createAdminClient = (options: AdminClientOptions): Anthropic =>
  new Anthropic({
    apiKey: options.adminKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries ?? 2,
    timeout: options.timeoutMs ?? 60_000,
  });

const REASON: Readonly<Record<number, string>> = {
  400: 'rejected the request',
  401: 'refused the admin key',
  403: 'refused access (the key needs the Admin role)',
  404: 'does not know the endpoint',
  429: 'kept rate-limiting the requests',
};

/** What went wrong, in one line an operator can act on, with the HTTP status kept for the metric. */
export const adminApiError = (what: string, error: unknown): BillingSourceError => {
  if (error instanceof APIConnectionError) {
    return new BillingSourceError(
      `the Anthropic Admin API could not be reached (${what}): ${error.message}`,
      {
        cause: error,
      },
    );
  }
  if (error instanceof APIError && error.status !== undefined) {
    const reason = REASON[error.status] ?? (error.status >= 500 ? 'failed' : 'answered with an error');
    const type = (error.error as { error?: { type?: unknown } } | undefined)?.error?.type;
    return new BillingSourceError(
      `the Anthropic Admin API ${reason} (${what}: HTTP ${error.status}${typeof type === 'string' ? ` ${type}` : ''})`,
      { cause: error, status: error.status },
    );
  }
  if (error instanceof BillingSourceError) return error;
  return new BillingSourceError(
    `the Anthropic Admin API answer could not be read (${what}): ${String(error)}`,
    {
      cause: error,
    },
  );
};
