/**
 * A local stand-in for the Anthropic Messages API (and the Bedrock runtime's invoke and converse endpoints), served over
 * real HTTP on loopback. Tests, the demo and the benchmarks drive the real SDK against it.
 *
 * What each request gets is decided, in this order, by:
 * 1. the next reply queued with `stub.enqueue(...)` (first in, first out, one per HTTP request, so a retried
 *    call consumes one reply per attempt);
 * 2. the `x-stub-reply` request header holding a JSON {@link StubReply} (set through the SDK's `headers`);
 * 3. the stub's default reply: a successful message.
 * Streaming follows the request body's `stream` flag (and the Bedrock path), as the real API does.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import {
  BEDROCK_PATH,
  sendBedrockError,
  sendConverse,
  sendConverseStream,
  sendInvokeStream,
} from './bedrock-stub';

/** Token and server-tool counts of a scripted reply; omitted counts use realistic defaults. */
export interface StubUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_5m_tokens?: number;
  cache_1h_tokens?: number;
  cache_read_input_tokens?: number;
  web_search_requests?: number;
  web_fetch_requests?: number;
  service_tier?: string;
  speed?: string | null;
  inference_geo?: string;
}

/** A successful reply: a JSON message, or an SSE stream when the request asked for one. */
export interface StubMessageReply {
  kind: 'message';
  /** Served model; the requested one when omitted. */
  model?: string;
  /** @default 'Hello from the stub.' */
  text?: string;
  usage?: StubUsage;
  /** @default 'end_turn' */
  stopReason?: string;
  /** Streams only: an `error` event is sent after this many text deltas, then the stream ends. */
  errorAfterDeltas?: number;
  /** Streams only: the connection is cut after this many text deltas (no final usage, no end). */
  cutAfterDeltas?: number;
  /** Streams only: pause between events, so a consumer can break or abort mid-stream. @default 0 */
  eventDelayMs?: number;
}

/** An error response with Anthropic's JSON error body. */
export interface StubErrorReply {
  kind: 'error';
  status: number;
  /** @default derived from the status, e.g. `rate_limit_error` for 429 */
  errorType?: string;
  message?: string;
}

/** No response at all until the client gives up (timeouts). */
export interface StubHangReply {
  kind: 'hang';
}

export type StubReply = StubMessageReply | StubErrorReply | StubHangReply;

/** One request as the stub received it. */
export interface StubRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Raw request body text. */
  rawBody: string;
  body: unknown;
}

export interface AnthropicStubOptions {
  /**
   * Reply used when nothing is queued and no `x-stub-reply` header is set.
   * @default { kind: 'message' }
   */
  defaultReply?: StubReply;
  /**
   * Keep the request log (disable it for long benchmark runs).
   * @default true
   */
  logRequests?: boolean;
}

/** One entry of a scripted Message Batch's results. */
export interface StubBatchResult {
  customId: string;
  /** A message reply gives a `succeeded` result; an error reply an `errored` one. */
  reply: StubMessageReply | StubErrorReply;
  /** Model of the request. @default 'claude-sonnet-4-6' */
  model?: string;
}

export interface AnthropicStub {
  /** Base URL for the SDK's `baseURL`, e.g. `http://127.0.0.1:43121`. */
  url: string;
  port: number;
  /**
   * The same stand-in over HTTP/2 without TLS, for the AWS SDK's Bedrock runtime client, which speaks HTTP/2
   * (set it as the client's `endpoint`).
   */
  http2Url: string;
  /** Every request received, in order. */
  requests: StubRequest[];
  /** Requests whose headers arrived (HTTP/1.1 and HTTP/2), counted before their body is read. */
  arrivals: () => number;
  /** Queues replies for the next requests. */
  enqueue: (...replies: StubReply[]) => void;
  /** Drops the replies still queued: those of a call that was never sent (a budget refused it). */
  clearQueue: () => void;
  /** Scripts an ended Message Batch: `GET /v1/messages/batches/<id>` and its `/results` (JSONL). */
  addBatch: (id: string, results: StubBatchResult[]) => void;
  close: () => Promise<void>;
}

export const STUB_REPLY_HEADER = 'x-stub-reply';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

const requestId = (): string => `req_stub_${randomUUID().replaceAll('-', '')}`;

const usageOf = (usage: StubUsage = {}, outputTokens?: number) => {
  const cache5m = usage.cache_5m_tokens ?? 0;
  const cache1h = usage.cache_1h_tokens ?? 0;
  return {
    input_tokens: usage.input_tokens ?? 25,
    output_tokens: outputTokens ?? usage.output_tokens ?? 12,
    cache_creation_input_tokens: cache5m + cache1h,
    cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
    cache_creation: { ephemeral_5m_input_tokens: cache5m, ephemeral_1h_input_tokens: cache1h },
    server_tool_use: {
      web_search_requests: usage.web_search_requests ?? 0,
      web_fetch_requests: usage.web_fetch_requests ?? 0,
    },
    service_tier: usage.service_tier ?? 'standard',
    ...(usage.speed === undefined ? {} : { speed: usage.speed }),
    inference_geo: usage.inference_geo ?? 'global',
  };
};

const messageOf = (reply: StubMessageReply, requestedModel: string) => ({
  id: `msg_stub_${randomUUID().slice(0, 12)}`,
  type: 'message',
  role: 'assistant',
  model: reply.model ?? requestedModel,
  content: [{ type: 'text', text: reply.text ?? 'Hello from the stub.' }],
  stop_reason: reply.stopReason ?? 'end_turn',
  stop_sequence: null,
  usage: usageOf(reply.usage),
});

/** The stream's events, in the order the API sends them; usage in `message_delta` is cumulative. */
const streamEventsOf = (reply: StubMessageReply, requestedModel: string): Record<string, unknown>[] => {
  const message = messageOf(reply, requestedModel);
  const text = message.content[0]!.text;
  const words = text.split(/(?<= )/);
  const startUsage = { ...message.usage, output_tokens: 1 };
  const events: Record<string, unknown>[] = [
    { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: startUsage } },
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
  ];
  words.forEach((word, i) => {
    if (reply.errorAfterDeltas !== undefined && i === reply.errorAfterDeltas) {
      events.push({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    }
    events.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: word } });
  });
  if (reply.errorAfterDeltas !== undefined) {
    const cut = events.findIndex((event) => event.type === 'error');
    return cut === -1 ? events : events.slice(0, cut + 1);
  }
  events.push(
    { type: 'content_block_stop', index: 0 },
    {
      type: 'message_delta',
      delta: { stop_reason: message.stop_reason, stop_sequence: null },
      usage: message.usage,
    },
    { type: 'message_stop' },
  );
  return events;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const parseJson = (text: string): unknown => {
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
};

const sendError = (res: ServerResponse, reply: StubErrorReply, id: string): void => {
  const type = reply.errorType ?? ERROR_TYPES[reply.status] ?? 'api_error';
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'request-id': id,
    // `retry-after: 0` alone makes the SDK fall back to its default backoff; 1 ms keeps retries fast.
    'retry-after': '0',
    'retry-after-ms': '1',
    'x-should-retry': reply.status === 429 || reply.status >= 500 ? 'true' : 'false',
  });
  res.end(
    JSON.stringify({
      type: 'error',
      error: { type, message: reply.message ?? `stub ${type}` },
      request_id: id,
    }),
  );
};

const sendSse = async (
  res: ServerResponse,
  events: Record<string, unknown>[],
  delayMs: number,
  cutAfterDeltas?: number,
) => {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let deltas = 0;
  for (const event of events) {
    if (res.destroyed) return;
    if (event.type === 'content_block_delta' && deltas++ === cutAfterDeltas) {
      // What the client sees when the connection drops: the body stops without its end.
      await new Promise<void>((resolve) => res.write('', () => resolve()));
      res.socket?.destroy();
      return;
    }
    res.write(`event: ${event.type as string}\ndata: ${JSON.stringify(event)}\n\n`);
    if (delayMs > 0) await sleep(delayMs);
  }
  res.end();
};

const BATCH_PATH = /^\/v1\/messages\/batches\/([^/]+)(\/results)?$/;

const batchResultLine = (result: StubBatchResult): string => {
  const model = result.model ?? 'claude-sonnet-4-6';
  const body =
    result.reply.kind === 'message'
      ? { type: 'succeeded', message: messageOf(result.reply, model) }
      : {
          type: 'errored',
          error: {
            type: 'error',
            error: {
              type: result.reply.errorType ?? ERROR_TYPES[result.reply.status] ?? 'api_error',
              message: 'x',
            },
          },
        };
  return JSON.stringify({ custom_id: result.customId, result: body });
};

const sendBatch = (
  res: ServerResponse,
  baseUrl: string,
  id: string,
  results: StubBatchResult[],
  lines: boolean,
) => {
  if (lines) {
    res.writeHead(200, { 'content-type': 'application/binary', 'request-id': requestId() });
    res.end(results.map((result) => `${batchResultLine(result)}\n`).join(''));
    return;
  }
  const count = (kind: string) => results.filter((result) => result.reply.kind === kind).length;
  res.writeHead(200, { 'content-type': 'application/json', 'request-id': requestId() });
  res.end(
    JSON.stringify({
      id,
      type: 'message_batch',
      processing_status: 'ended',
      request_counts: {
        processing: 0,
        succeeded: count('message'),
        errored: count('error'),
        canceled: 0,
        expired: 0,
      },
      created_at: '2026-11-29T00:00:00Z',
      ended_at: '2026-11-29T01:00:00Z',
      expires_at: '2026-11-30T00:00:00Z',
      archived_at: null,
      cancel_initiated_at: null,
      results_url: `${baseUrl}/v1/messages/batches/${id}/results`,
    }),
  );
};

const replyFromHeader = (req: IncomingMessage): StubReply | undefined => {
  const raw = req.headers[STUB_REPLY_HEADER];
  return typeof raw === 'string' ? (parseJson(raw) as StubReply | undefined) : undefined;
};

/** Starts the stub on 127.0.0.1 with a free port. */
export const startAnthropicStub = async (options: AnthropicStubOptions = {}): Promise<AnthropicStub> => {
  const queue: StubReply[] = [];
  const requests: StubRequest[] = [];
  const batches = new Map<string, StubBatchResult[]>();
  let baseUrl = '';
  const logRequests = options.logRequests ?? true;
  const defaultReply = options.defaultReply ?? { kind: 'message' };

  let arrivals = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    arrivals += 1;
    const rawBody = await readBody(req);
    const body = parseJson(rawBody) as Record<string, unknown> | undefined;
    const url = new URL(req.url ?? '/', 'http://stub');
    if (logRequests) {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody, body });
    }
    const batch = BATCH_PATH.exec(url.pathname);
    if (req.method === 'GET' && batch && batches.has(batch[1]!)) {
      sendBatch(res, baseUrl, batch[1]!, batches.get(batch[1]!)!, batch[2] !== undefined);
      return;
    }
    const bedrock = BEDROCK_PATH.exec(url.pathname);
    if (req.method !== 'POST' || !(url.pathname.endsWith('/messages') || bedrock)) {
      sendError(res, { kind: 'error', status: 404, message: `no route ${req.method} ${url.pathname}` }, '');
      return;
    }
    const reply = queue.shift() ?? replyFromHeader(req) ?? defaultReply;
    const id = requestId();
    if (reply.kind === 'hang') return;
    if (reply.kind === 'error') {
      if (bedrock) return sendBedrockError(res, reply.status, reply.message ?? 'stub error', id);
      return sendError(res, reply, id);
    }
    const model = bedrock ? decodeURIComponent(bedrock[1]!) : String(body?.model ?? 'unknown');
    const action = bedrock?.[2];
    if (action === 'converse') return sendConverse(res, messageOf(reply, model), id);
    if (action === 'converse-stream') {
      res.setHeader('x-amzn-requestid', id);
      return sendConverseStream(res, messageOf(reply, model), reply.eventDelayMs ?? 0);
    }
    const streamed = bedrock ? action === 'invoke-with-response-stream' : body?.stream === true;
    if (!streamed) {
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': id });
      res.end(JSON.stringify(messageOf(reply, model)));
      return;
    }
    res.setHeader('request-id', id);
    const events = streamEventsOf(reply, model);
    if (bedrock) await sendInvokeStream(res, events, reply.eventDelayMs ?? 0);
    else await sendSse(res, events, reply.eventDelayMs ?? 0, reply.cutAfterDeltas);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  server.keepAliveTimeout = 5_000;
  // The HTTP/2 compatibility API gives the handler request and response objects of the same shape.
  const http2Server = createHttp2Server((req, res) => {
    const response = res as unknown as ServerResponse;
    handle(req as unknown as IncomingMessage, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http2Server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;
  return {
    url: baseUrl,
    port,
    http2Url: `http://127.0.0.1:${(http2Server.address() as AddressInfo).port}`,
    requests,
    arrivals: () => arrivals,
    enqueue: (...replies) => {
      queue.push(...replies);
    },
    clearQueue: () => {
      queue.length = 0;
    },
    addBatch: (id, results) => {
      batches.set(id, results);
    },
    close: async () => {
      await Promise.all([
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
        new Promise<void>((resolve) => http2Server.close(() => resolve())),
      ]);
    },
  };
};
