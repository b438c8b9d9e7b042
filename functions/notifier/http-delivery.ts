/** How one channel's message is posted: attempts, their timeout and the waits between them. */
export interface DeliveryPolicy {
  /**
   * Bound on one HTTP attempt (connection, response and body), ms.
   * @default 10000
   */
  attemptTimeoutMs: number;
  /**
   * Attempts within one invocation before the message goes back to its queue to be retried later.
   * @default 3
   */
  maxAttempts: number;
  /**
   * First wait between attempts, ms; doubled each time, with jitter, when the endpoint sent no `Retry-After`.
   * @default 1000
   */
  baseBackoffMs: number;
  /**
   * Longest wait the invocation does itself. A longer `Retry-After` is honoured by making the message
   * invisible in its queue for that long instead of keeping the function running.
   * @default 15000
   */
  maxInlineWaitMs: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  attemptTimeoutMs: 10_000,
  maxAttempts: 3,
  baseBackoffMs: 1_000,
  maxInlineWaitMs: 15_000,
});

export const DELIVERY_RESULT = { delivered: 'delivered', retry: 'retry', refused: 'refused' } as const;

/** How a delivery ended. `retry`: try again later; `refused`: the endpoint will never accept it. */
export type DeliveryOutcome =
  | { result: 'delivered'; status: number; attempts: number }
  | { result: 'retry'; status?: number; reason: string; attempts: number; retryAfterSeconds?: number }
  | { result: 'refused'; status?: number; reason: string; attempts: number };

/** One HTTP request; built per attempt so that a signature carries the attempt's own timestamp. */
export interface OutgoingRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface HttpDeliveryDeps {
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** In [0, 1); jitter of the backoff. @default Math.random */
  random?: () => number;
}

/** Longest `Retry-After` honoured: SQS cannot hide a message for longer than 12 hours. */
const MAX_RETRY_AFTER_SECONDS = 12 * 60 * 60;
/** How much of an error response is kept for the log (Slack answers with short codes like `no_service`). */
const SNIPPET_CHARS = 200;

/**
 * Seconds to wait from a `Retry-After` header: delay-seconds or an HTTP date
 * (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after). `undefined` when absent or unreadable.
 */
export const parseRetryAfter = (value: string | null, nowMs: number): number | undefined => {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed), MAX_RETRY_AFTER_SECONDS);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, Math.ceil((date - nowMs) / 1000)), MAX_RETRY_AFTER_SECONDS);
};

/** 429 and 5xx are worth another try; any other 4xx (and a redirect, which is never followed) is not. */
export const isRetryableStatus = (status: number): boolean => status === 429 || status >= 500;

const readSnippet = async (response: Response): Promise<string> => {
  try {
    const reader = response.body?.getReader();
    if (!reader) return '';
    const decoder = new TextDecoder();
    let text = '';
    while (text.length < SNIPPET_CHARS) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel().catch(() => undefined);
    return text.slice(0, SNIPPET_CHARS).replace(/\s+/g, ' ').trim();
  } catch {
    return '';
  }
};

/** What went wrong with the connection, without the URL (which is a secret for Slack and Teams). */
const networkReason = (error: unknown, timeoutMs: number): string => {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: { code?: unknown } }).cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code ? `network error (${code})` : 'network error';
};

type AttemptResult =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status?: number; reason: string; retryAfterSeconds?: number }
  | { kind: 'refused'; status: number; reason: string };

const attempt = async (
  deps: HttpDeliveryDeps,
  request: OutgoingRequest,
  policy: DeliveryPolicy,
): Promise<AttemptResult> => {
  let response: Response;
  try {
    response = await (deps.fetch ?? fetch)(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(policy.attemptTimeoutMs),
    });
  } catch (error) {
    return { kind: 'retry', reason: networkReason(error, policy.attemptTimeoutMs) };
  }
  const status = response.status;
  const snippet = await readSnippet(response);
  if (status >= 200 && status < 300) return { kind: 'ok', status };
  const reason = `HTTP ${status}${snippet ? `: ${snippet}` : ''}`;
  if (!isRetryableStatus(status)) return { kind: 'refused', status, reason };
  const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), deps.now());
  return { kind: 'retry', status, reason, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
};

/**
 * Posts a message, retrying 429 and 5xx answers and network errors with exponential backoff (honouring
 * `Retry-After`), never a 4xx other than 429. Gives up for now, leaving the rest to the queue, when the
 * attempts are used up, when the endpoint asks for a longer wait than `maxInlineWaitMs`, or when the next
 * attempt could not finish before `deadlineMs`.
 */
export const postWithRetries = async (
  deps: HttpDeliveryDeps,
  build: () => OutgoingRequest,
  policy: DeliveryPolicy,
  deadlineMs: number,
): Promise<DeliveryOutcome> => {
  const random = deps.random ?? Math.random;
  for (let attempts = 1; ; attempts++) {
    const result = await attempt(deps, build(), policy);
    if (result.kind === 'ok') return { result: DELIVERY_RESULT.delivered, status: result.status, attempts };
    if (result.kind === 'refused') {
      return { result: DELIVERY_RESULT.refused, status: result.status, reason: result.reason, attempts };
    }
    const backoff = policy.baseBackoffMs * 2 ** (attempts - 1) * (0.5 + random() / 2);
    const waitMs = result.retryAfterSeconds === undefined ? backoff : result.retryAfterSeconds * 1000;
    const later = {
      result: DELIVERY_RESULT.retry,
      reason: result.reason,
      attempts,
      ...(result.status === undefined ? {} : { status: result.status }),
      ...(result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds }),
    };
    const fitsDeadline = deps.now() + waitMs + policy.attemptTimeoutMs <= deadlineMs;
    if (attempts >= policy.maxAttempts || waitMs > policy.maxInlineWaitMs || !fitsDeadline) return later;
    await deps.sleep(waitMs);
  }
};
