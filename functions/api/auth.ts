import { createHash, timingSafeEqual } from 'node:crypto';

/** Cookie that carries the token for the dashboard's own requests. */
export const TOKEN_COOKIE = 'cm_token';
/** Query parameter accepted on the dashboard page only, swapped at once for the cookie. */
export const TOKEN_QUERY = 'token';

/** Where a request may carry the token. */
export interface Credentials {
  /** The `Authorization` header value. */
  authorization?: string | undefined;
  /** Cookies: a `Cookie` header or API Gateway's `cookies` array (payload v2). */
  cookies?: string | readonly string[] | undefined;
  /** `?token=`: pass it only for the dashboard page. */
  queryToken?: string | undefined;
}

/** Hashing first gives both sides the same length, so the comparison leaks neither content nor length. */
const sameToken = (given: string, expected: string): boolean =>
  timingSafeEqual(
    createHash('sha256').update(given).digest(),
    createHash('sha256').update(expected).digest(),
  );

const bearerOf = (header: string | undefined): string | undefined => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
};

/** Value of a cookie from a `Cookie` header or a list of `name=value` pairs. */
export const cookieValue = (cookies: Credentials['cookies'], name: string): string | undefined => {
  if (cookies === undefined) return undefined;
  const pairs = typeof cookies === 'string' ? cookies.split(';') : cookies.flatMap((c) => c.split(';'));
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at > 0 && pair.slice(0, at).trim() === name) {
      try {
        return decodeURIComponent(pair.slice(at + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
};

/**
 * True when any credential the request carries equals the expected token. An empty expected token
 * never matches, so a missing secret cannot open the API.
 */
export const isAuthorized = (credentials: Credentials, expectedToken: string): boolean => {
  if (expectedToken === '') return false;
  const candidates = [
    bearerOf(credentials.authorization),
    cookieValue(credentials.cookies, TOKEN_COOKIE),
    credentials.queryToken,
  ];
  // Every candidate is compared, so timing does not reveal which source was tried.
  let ok = false;
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate !== '' && sameToken(candidate, expectedToken)) ok = true;
  }
  return ok;
};

/** `Set-Cookie` value that keeps the token away from scripts and other sites. */
export const tokenCookie = (
  token: string,
  secure: boolean,
  path: string,
  maxAgeSeconds = 12 * 3600,
): string =>
  [
    `${TOKEN_COOKIE}=${encodeURIComponent(token)}`,
    `Path=${path}`,
    `Max-Age=${maxAgeSeconds}`,
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
