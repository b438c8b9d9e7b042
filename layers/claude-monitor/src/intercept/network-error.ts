import type { ErrorType } from '../domain/call-record';

const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'TimeoutError',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** The error and its causes (undici wraps the socket error: `TypeError: fetch failed` ← cause). */
const chain = (error: unknown): ErrorLike[] => {
  const links: ErrorLike[] = [];
  let current: unknown = error;
  while (typeof current === 'object' && current !== null && links.length < 4) {
    links.push(current as ErrorLike);
    current = (current as ErrorLike).cause;
  }
  return links;
};

/** Whether a network-side failure is an abort (a signal fired, or the request was destroyed on purpose). */
export const isAbortError = (error: unknown): boolean =>
  chain(error).some((link) => link.name === 'AbortError' || link.code === 'ABORT_ERR');

/** Error type of a failure below HTTP (no response): a timeout or a connection error. */
export const networkErrorType = (error: unknown): ErrorType =>
  chain(error).some((link) => TIMEOUT_CODES.has(String(link.code)) || TIMEOUT_CODES.has(String(link.name)))
    ? 'timeout'
    : 'connection';

/** A readable one-line description: the outermost message and the innermost cause's code. */
export const describeNetworkError = (error: unknown): string => {
  const links = chain(error);
  const outer = links[0];
  const inner = links.at(-1);
  const text = outer ? `${String(outer.name ?? 'Error')}: ${String(outer.message ?? '')}` : String(error);
  const code = inner && inner !== outer && inner.code !== undefined ? ` (${String(inner.code)})` : '';
  return `${text}${code}`;
};
