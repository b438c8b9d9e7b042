/**
 * A local stand-in for the Anthropic Admin API's report endpoints, over real HTTP on loopback, answering with
 * the documented shapes: the Usage and Cost Analytics API (`/v1/organizations/analytics/usage` and `/cost`,
 * beta header `analytics-usage-cost-2026-08-24`) and the legacy Usage and Cost API
 * (`/v1/organizations/usage_report/messages`, `/v1/organizations/cost_report`): daily buckets, grouping with
 * null dimensions, cost fan-out rows, amounts as decimal strings of cents, and `has_more` / `next_page`
 * paging. The reconciler reads it through the real Anthropic SDK.
 *
 * What it reports is the calls it was told were billed (`bill`, or `POST /_stand-in/calls` from another
 * process); `failNext` makes the next requests fail with an Admin API error.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BilledCall } from './admin-api-ledger';
import {
  analyticsCost,
  analyticsUsage,
  legacyCost,
  legacyUsage,
  type ReportPage,
  readReportQuery,
  StandInRequestError,
} from './admin-api-reports';

export const ANALYTICS_BETA = 'analytics-usage-cost-2026-08-24';

/** Control routes of the stand-in itself (not part of the Admin API). */
export const ADMIN_STAND_IN_ROUTES = { calls: '/_stand-in/calls', fail: '/_stand-in/fail' } as const;

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export interface AdminApiStubOptions {
  /** The admin key requests must carry (`x-api-key`, or `Authorization: Bearer`). */
  adminKey: string;
  /**
   * At most this many rows (analytics) or daily buckets (legacy) per page, whatever `limit` asks: the docs
   * allow a page to hold fewer than `limit`, and tests use it to make a report span several pages.
   * @default 1000
   */
  maxPerPage?: number;
}

/** One report request as the stand-in received it. */
export interface AdminApiRequest {
  path: string;
  query: URLSearchParams;
  status: number;
}

export interface AdminApiStub {
  url: string;
  /** Report requests received, in order, with the status answered. */
  requests: AdminApiRequest[];
  /** Adds calls to the bill. */
  bill(calls: readonly BilledCall[]): void;
  /** Forgets every billed call. */
  clear(): void;
  /** The next `count` report requests fail with `status` (Anthropic's error body; `retry-after: 0`). */
  failNext(status: number, count?: number): void;
  setMaxPerPage(max: number): void;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, {
    'content-type': 'application/json',
    'request-id': `req_stand_in_${Date.now()}`,
    ...headers,
  });
  res.end(JSON.stringify(body));
};

const sendError = (res: ServerResponse, status: number, message: string) =>
  // retry-after 0: the SDK retries at once, so a throttled run does not sleep in tests or the local stack.
  send(
    res,
    status,
    { type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } },
    {
      'retry-after': '0',
    },
  );

const readBody = async (req: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

type Report = (calls: readonly BilledCall[], url: URL, maxPerPage: number) => ReportPage;

const ROUTES: Record<string, { report: Report; beta: boolean }> = {
  '/v1/organizations/analytics/usage': {
    beta: true,
    report: (calls, url, max) =>
      analyticsUsage(calls, readReportQuery(url.searchParams, { default: 20, max: 1000 }, true), max),
  },
  '/v1/organizations/analytics/cost': {
    beta: true,
    report: (calls, url, max) =>
      analyticsCost(calls, readReportQuery(url.searchParams, { default: 20, max: 1000 }, true), max),
  },
  '/v1/organizations/usage_report/messages': {
    beta: false,
    report: (calls, url, max) =>
      legacyUsage(calls, readReportQuery(url.searchParams, { default: 7, max: 31 }, false), max),
  },
  '/v1/organizations/cost_report': {
    beta: false,
    report: (calls, url, max) =>
      legacyCost(calls, readReportQuery(url.searchParams, { default: 7, max: 31 }, false), max),
  },
};

/** Starts the stand-in on 127.0.0.1 with a free port. */
export const startAdminApiStub = async (options: AdminApiStubOptions): Promise<AdminApiStub> => {
  const calls: BilledCall[] = [];
  const requests: AdminApiRequest[] = [];
  const failures: number[] = [];
  let maxPerPage = options.maxPerPage ?? 1000;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    // The docs' curl examples send `x-api-key`; the SDK (1.14.0) sends the same key as a bearer token.
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if ((req.headers['x-api-key'] ?? bearer) !== options.adminKey) {
      return sendError(res, 401, 'invalid x-api-key');
    }
    if (req.method === 'POST' && url.pathname === ADMIN_STAND_IN_ROUTES.calls) {
      const body = JSON.parse(await readBody(req)) as BilledCall[];
      calls.push(...body);
      return send(res, 200, { billed: body.length });
    }
    if (req.method === 'POST' && url.pathname === ADMIN_STAND_IN_ROUTES.fail) {
      const { status, count = 1 } = JSON.parse(await readBody(req)) as { status: number; count?: number };
      for (let i = 0; i < count; i++) failures.push(status);
      return send(res, 200, { failing: failures.length });
    }
    if (req.method === 'DELETE' && url.pathname === ADMIN_STAND_IN_ROUTES.calls) {
      calls.length = 0;
      return send(res, 200, { billed: 0 });
    }
    const route = ROUTES[url.pathname];
    if (req.method !== 'GET' || route === undefined)
      return sendError(res, 404, `no route ${req.method} ${url.pathname}`);
    const log = (status: number) => requests.push({ path: url.pathname, query: url.searchParams, status });
    const failure = failures.shift();
    if (failure !== undefined) {
      log(failure);
      return sendError(res, failure, `stand-in failure ${failure}`);
    }
    const betas = String(req.headers['anthropic-beta'] ?? '').split(',');
    if (route.beta && !betas.includes(ANALYTICS_BETA)) {
      log(400);
      return sendError(res, 400, `this endpoint requires the anthropic-beta header ${ANALYTICS_BETA}`);
    }
    try {
      const page = route.report(calls, url, maxPerPage);
      log(200);
      return send(res, 200, {
        ...page,
        ...(route.beta ? { data_refreshed_at: new Date().toISOString() } : {}),
      });
    } catch (error) {
      if (!(error instanceof StandInRequestError)) throw error;
      log(400);
      return sendError(res, 400, error.message);
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => sendError(res, 500, String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    bill: (billed) => {
      calls.push(...billed);
    },
    clear: () => {
      calls.length = 0;
    },
    failNext: (status, count = 1) => {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    setMaxPerPage: (max) => {
      maxPerPage = max;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
