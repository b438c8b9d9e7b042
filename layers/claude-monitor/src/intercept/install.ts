import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { reportMonitorFailure } from '../recorder/log-line';
import { TAPPED_FETCH, tapFetch } from './fetch-tap';
import { tapHttpRequest } from './http-tap';
import { tapHttp2Connect } from './http2-tap';

/**
 * Installs the taps below every Claude client: the global `fetch` (Anthropic SDKs from 0.50, the Bedrock and
 * Vertex SDKs, bundled or not), `node:http`/`node:https` (Anthropic SDKs before 0.50, over node-fetch) and
 * `node:http2` (the AWS SDK's Bedrock runtime client). Done once per process, whichever copy of the monitor asks first; a client built before
 * this ran keeps the `fetch` it captured, so the Lambda wrapper installs the taps before loading the handler.
 *
 * The taps record nothing by themselves: a request is recorded when it is made inside an explicitly
 * monitored client's call, or when zero-code recording is on (see `enableZeroCode`).
 */
const INSTALLED_KEY = Symbol.for('claude-monitor.interception-installed');
const global = globalThis as { [INSTALLED_KEY]?: true };

/** `get` as Node defines it (`request` then `end`), over the tapped `request`: Node's own `get` calls its
 * module-internal `request`, which no tap can reach. */
const getOver = (request: typeof http.request): typeof http.get =>
  function get(...args: unknown[]) {
    const req = (request as (...a: unknown[]) => ReturnType<typeof http.get>)(...args);
    req.end();
    return req;
  } as typeof http.get;

export const installInterception = (): void => {
  if (global[INSTALLED_KEY]) return;
  global[INSTALLED_KEY] = true;
  try {
    if (typeof globalThis.fetch === 'function') globalThis.fetch = tapFetch(globalThis.fetch);
    http.request = tapHttpRequest(http.request, 'http:');
    http.get = getOver(http.request);
    https.request = tapHttpRequest(https.request, 'https:');
    https.get = getOver(https.request);
    http2.connect = tapHttp2Connect(http2.connect);
    // ES modules that import `request` by name see the new function only after this.
    syncBuiltinESMExports();
  } catch (error) {
    reportMonitorFailure('install', error);
  }
};

/**
 * A client built before the taps were installed holds the platform's own `fetch`: give it the tapped one.
 * A custom `fetch` (a proxy agent, a polyfill) is left as is: it reaches the network through the global
 * `fetch` or `node:http`, which are tapped.
 */
export const useTappedFetch = (client: { fetch?: unknown }): void => {
  const tapped = globalThis.fetch as typeof fetch & { [TAPPED_FETCH]?: typeof fetch };
  const platform = tapped[TAPPED_FETCH];
  if (platform !== undefined && client.fetch === platform) client.fetch = tapped;
};
