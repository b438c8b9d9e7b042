import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type VerifyFailure, verifySignature, WEBHOOK_HEADER } from '../../functions/notifier/signature';
import { LocalStackError } from './local-stack-errors';

/** One request a local receiver got. */
export interface ReceivedRequest {
  /** Path of the receiver, e.g. `/slack/ops`. */
  path: string;
  headers: Record<string, string>;
  body: string;
  /** Answered status. */
  status: number;
  /** Webhook receivers with a signing secret: the result of checking the signature. */
  signature?: { ok: true } | { ok: false; reason: VerifyFailure };
  receivedAt: string;
}

/** A scripted answer; `hold` keeps the request open until it resolves (a slow endpoint). */
export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  hold?: Promise<void>;
}

export interface LocalReceivers {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Full URL of a receiver path. */
  urlFor(path: string): string;
  /** Answers the next requests to `path` with these responses, in order; then the default answer again. */
  script(path: string, ...responses: ScriptedResponse[]): void;
  /** Checks the signatures of requests to `path` with this secret. */
  setSigningSecret(path: string, secret: string): void;
  /** Requests received so far (of one path, or all). */
  requests(path?: string): ReceivedRequest[];
  /** Resolves once `path` has received `count` requests (bounded by the test's own timeout). */
  waitForRequests(path: string, count: number): Promise<ReceivedRequest[]>;
  stop(): Promise<void>;
}

/** What each kind of endpoint answers by default: Slack `200 ok`, Teams Workflows `202`, webhooks `200`. */
const defaultAnswer = (path: string): ScriptedResponse =>
  path.startsWith('/teams/')
    ? { status: 202 }
    : path.startsWith('/slack/')
      ? { status: 200, body: 'ok' }
      : { status: 200, body: '{"received":true}' };

/** Request bodies above this are refused, as real endpoints do (Slack and Teams accept well under 1 MB). */
const MAX_BODY_BYTES = 1_048_576;

const readBody = (request: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });

/**
 * Local stand-ins for Slack incoming webhooks, Teams Workflows webhooks and generic webhook receivers, on
 * 127.0.0.1: they record every request, check webhook signatures, and answer as scripted (429 with
 * `Retry-After`, 500, 404, or a request held open) so that the notifier's behaviour can be watched.
 */
export const startLocalReceivers = async (
  options: { onRequest?: (request: ReceivedRequest) => void } = {},
): Promise<LocalReceivers> => {
  const received: ReceivedRequest[] = [];
  const scripts = new Map<string, ScriptedResponse[]>();
  const secrets = new Map<string, string>();
  const waiters: { path: string; count: number; resolve: (requests: ReceivedRequest[]) => void }[] = [];
  const ofPath = (path: string) => received.filter((request) => request.path === path);

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const body = await readBody(request);
    if (request.method !== 'POST' || body === undefined) {
      response.writeHead(request.method === 'POST' ? 413 : 405).end();
      return;
    }
    const answer = scripts.get(path)?.shift() ?? defaultAnswer(path);
    await answer.hold;
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(',') : (value ?? ''),
      ]),
    );
    const secret = secrets.get(path);
    const entry: ReceivedRequest = {
      path,
      headers,
      body,
      status: answer.status,
      ...(secret
        ? {
            signature: verifySignature({
              secret,
              body,
              signature: headers[WEBHOOK_HEADER.signature],
              timestamp: headers[WEBHOOK_HEADER.timestamp],
            }),
          }
        : {}),
      receivedAt: new Date().toISOString(),
    };
    received.push(entry);
    options.onRequest?.(entry);
    response.writeHead(answer.status, answer.headers ?? {}).end(answer.body ?? '');
    for (const waiter of [...waiters]) {
      if (waiter.path === path && ofPath(path).length >= waiter.count) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(ofPath(path));
      }
    }
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
  } catch (cause) {
    throw new LocalStackError('the local webhook receivers could not start', { cause });
  }
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    urlFor: (path) => `${url}${path}`,
    script: (path, ...responses) => scripts.set(path, [...(scripts.get(path) ?? []), ...responses]),
    setSigningSecret: (path, secret) => secrets.set(path, secret),
    requests: (path) => (path === undefined ? [...received] : ofPath(path)),
    waitForRequests: (path, count) =>
      ofPath(path).length >= count
        ? Promise.resolve(ofPath(path))
        : new Promise((resolve) => waiters.push({ path, count, resolve })),
    stop: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
};
