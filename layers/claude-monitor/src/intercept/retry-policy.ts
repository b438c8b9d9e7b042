import type { Exchange, HeaderLookup } from './exchange';

/** Which attempt of its call a request is, as the client marked it. */
export interface AttemptMark {
  /** 0 for the first attempt. */
  retry: number;
  /** Attempts the client allows in all, when it says (the AWS SDK does). */
  maxAttempts?: number;
  /** Id shared by every attempt of one call (the AWS SDK's `amz-sdk-invocation-id`). */
  invocationId?: string;
}

const AMZ_REQUEST = /attempt=(\d+)(?:;\s*max=(\d+))?/;

/**
 * Reads the attempt marks clients put on each request: Stainless-built Anthropic SDKs (0.30 and later, every
 * variant) send `x-stainless-retry-count`; the AWS SDK v3 sends `amz-sdk-request: attempt=N; max=M` and one
 * `amz-sdk-invocation-id` for all attempts of a call.
 */
export const attemptMark = (header: HeaderLookup): AttemptMark => {
  const stainless = Number(header('x-stainless-retry-count'));
  if (Number.isInteger(stainless) && stainless >= 0) return { retry: stainless };
  const amz = AMZ_REQUEST.exec(header('amz-sdk-request') ?? '');
  if (amz) {
    const invocationId = header('amz-sdk-invocation-id');
    return {
      retry: Math.max(0, Number(amz[1]) - 1),
      ...(amz[2] === undefined ? {} : { maxAttempts: Number(amz[2]) }),
      ...(invocationId ? { invocationId } : {}),
    };
  }
  return { retry: 0 };
};

/**
 * Whether a client would try a failed attempt again, by the rules the Anthropic SDKs follow (the server's
 * `x-should-retry` first; then 408, 409, 429, 5xx, connection errors and timeouts) — the AWS SDK's standard
 * retry strategy retries the same classes (throttling, 5xx, transient network errors). A caller's abort is
 * never retried.
 */
export const mayBeRetried = (exchange: Exchange): boolean => {
  if (exchange.abortedByCaller()) return false;
  if (exchange.status === undefined) return exchange.failed;
  const should = exchange.responseHeader('x-should-retry');
  if (should === 'true') return true;
  if (should === 'false') return false;
  const status = exchange.status;
  return status === 408 || status === 409 || status === 429 || status >= 500;
};
