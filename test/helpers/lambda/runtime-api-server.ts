/**
 * A local Lambda Runtime API (https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html) on 127.0.0.1.
 * It speaks HTTP only: the environment (lambda-function.ts) decides what each request means.
 *
 * - `GET  /2018-06-01/runtime/invocation/next` is held until an event is delivered;
 * - `POST /2018-06-01/runtime/invocation/{id}/response` (at most 6 MB, else 413), `.../{id}/error` and
 *   `/2018-06-01/runtime/init/error` are answered with what the environment decides (202 when accepted);
 * - the Extensions, Telemetry and Logs APIs are refused with 403: the product does not use them, so a design
 *   that silently relied on one must fail loudly here;
 * - anything else is a 404.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { RuntimeProtocolError } from './errors';

/** Lambda's limit for a synchronous invocation's response (the figure in Lambda's own error message). */
export const RESPONSE_MAX_BYTES = 6_291_556;

const RUNTIME = '/2018-06-01/runtime';
const INVOCATION_PATH = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/;
const REFUSED_APIS = ['/2020-01-01/extension', '/2022-07-01/telemetry', '/2020-08-15/logs'];
const ERROR_TYPE_HEADER = 'lambda-runtime-function-error-type';

/** An event handed to the runtime as the answer to its held `next` request. */
export interface InvocationEvent {
  readonly requestId: string;
  readonly deadlineMs: number;
  readonly functionArn: string;
  readonly traceId: string;
  readonly body: string;
}

/** An X-Ray trace header value as Lambda passes it (`Lambda-Runtime-Trace-Id`), not sampled. */
export const newTraceId = (): string => {
  const epochSeconds = Math.floor(Date.now() / 1000).toString(16);
  return `Root=1-${epochSeconds}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=0`;
};

/** What the runtime reported. */
export type RuntimeReport =
  | {
      readonly kind: 'response';
      readonly requestId: string;
      readonly body: Buffer;
      readonly tooLarge: boolean;
    }
  | { readonly kind: 'error'; readonly requestId: string; readonly body: Buffer; readonly errorType?: string }
  | { readonly kind: 'init-error'; readonly body: Buffer; readonly errorType?: string };

/** The answer to a report: 202 when accepted, or an error status with Lambda's error body. */
export interface ReportVerdict {
  readonly status: number;
  readonly errorType?: string;
  readonly errorMessage?: string;
}

/** What the environment does with the runtime's requests. */
export interface RuntimeApiListener {
  /** The runtime asked for the next event; the request stays open until `deliver`. */
  nextRequested(): void;
  report(report: RuntimeReport): ReportVerdict;
  /** A call to an API the harness refuses (method and path). */
  refused(call: string): void;
}

const reply = (response: ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
};

/** Reads a request body, keeping at most `limit + 1` bytes so that an oversized body is noticed, not stored. */
const readBody = (request: IncomingMessage, limit: number): Promise<{ body: Buffer; tooLarge: boolean }> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit + 1) chunks.push(chunk);
    });
    request.on('end', () => resolve({ body: Buffer.concat(chunks), tooLarge: size > limit }));
    request.on('error', reject);
  });

export class RuntimeApiServer {
  private held: ServerResponse | undefined;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    private readonly listener: RuntimeApiListener,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /** Starts a server on 127.0.0.1 with a free port. */
  static async start(listener: RuntimeApiListener): Promise<RuntimeApiServer> {
    let api: RuntimeApiServer | undefined;
    const server = createServer((request, response) => {
      api?.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent)
          reply(response, 500, { errorType: 'ServerError', errorMessage: String(error) });
      });
    });
    api = new RuntimeApiServer(server, listener);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return api;
  }

  /** `host:port`, the value of `AWS_LAMBDA_RUNTIME_API`. */
  get address(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('the Runtime API is not listening');
    return `127.0.0.1:${address.port}`;
  }

  /** Whether the runtime is waiting on a `next` request. */
  get waiting(): boolean {
    return this.held !== undefined;
  }

  /** Answers the held `next` request with an event. */
  deliver(event: InvocationEvent): void {
    const held = this.held;
    if (held === undefined) throw new RuntimeProtocolError('the runtime is not waiting for an event');
    this.held = undefined;
    held.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(event.body),
      'Lambda-Runtime-Aws-Request-Id': event.requestId,
      'Lambda-Runtime-Deadline-Ms': String(event.deadlineMs),
      'Lambda-Runtime-Invoked-Function-Arn': event.functionArn,
      'Lambda-Runtime-Trace-Id': event.traceId,
    });
    held.end(event.body);
  }

  /** Drops every connection: the runtime process they belonged to is gone. */
  disconnectAll(): void {
    this.held = undefined;
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.disconnectAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?')[0] ?? '';
    if (REFUSED_APIS.some((prefix) => path.startsWith(prefix))) {
      await readBody(request, RESPONSE_MAX_BYTES);
      this.listener.refused(`${request.method} ${path}`);
      reply(response, 403, {
        errorType: 'LambdaHarness.ApiNotEmulated',
        errorMessage: `${path} is not emulated: the product must not depend on Lambda extensions`,
      });
      return;
    }
    if (request.method === 'GET' && path === `${RUNTIME}/invocation/next`) {
      this.holdNext(response);
      return;
    }
    const invocation = INVOCATION_PATH.exec(path);
    if (request.method === 'POST' && invocation !== null) {
      const { body, tooLarge } = await readBody(request, RESPONSE_MAX_BYTES);
      const requestId = decodeURIComponent(invocation[1] ?? '');
      const errorType = request.headers[ERROR_TYPE_HEADER] as string | undefined;
      const report: RuntimeReport =
        invocation[2] === 'response'
          ? { kind: 'response', requestId, body, tooLarge }
          : { kind: 'error', requestId, body, errorType };
      this.answer(response, this.listener.report(report));
      return;
    }
    if (request.method === 'POST' && path === `${RUNTIME}/init/error`) {
      const { body } = await readBody(request, RESPONSE_MAX_BYTES);
      const errorType = request.headers[ERROR_TYPE_HEADER] as string | undefined;
      this.answer(response, this.listener.report({ kind: 'init-error', body, errorType }));
      return;
    }
    reply(response, 404, {
      errorType: 'NotFound',
      errorMessage: `${request.method} ${path} is not a Runtime API path`,
    });
  }

  private holdNext(response: ServerResponse): void {
    if (this.held !== undefined) {
      reply(response, 403, {
        errorType: 'InvalidStateTransition',
        errorMessage: 'a next request is already waiting',
      });
      return;
    }
    this.held = response;
    response.once('close', () => {
      if (this.held === response) this.held = undefined;
    });
    this.listener.nextRequested();
  }

  private answer(response: ServerResponse, verdict: ReportVerdict): void {
    if (verdict.status === 202) {
      reply(response, 202, { status: 'OK' });
      return;
    }
    reply(response, verdict.status, { errorType: verdict.errorType, errorMessage: verdict.errorMessage });
  }
}
