/**
 * A local stand-in for AWS Cost Explorer's `GetCostAndUsage` and `GetDimensionValues` (AWS JSON 1.1 protocol,
 * `X-Amz-Target: AWSInsightsIndexService.<Operation>`), over real HTTP on loopback, answering with the
 * documented shapes: `ResultsByTime` per day (empty days included) with `Groups` keyed by the requested
 * dimensions, `Metrics` as `{ Amount, Unit }` decimal strings, `Estimated`, and `NextPageToken` paging.
 * The reconciler reads it through the real AWS SDK client.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Cost of one usage type of one service on one day. */
export interface CostExplorerLine {
  /** `YYYY-MM-DD` */
  day: string;
  /** e.g. `Claude Sonnet 4.5 (Amazon Bedrock Edition)` */
  service: string;
  /** e.g. `USE1-MP:USE1_InputTokenCount-Units` */
  usageType: string;
  costNanoUsd: number;
  /** In the usage type's own unit. @default 0 */
  quantity?: number;
}

export const COST_EXPLORER_STAND_IN_ROUTE = '/_stand-in/lines';

export interface CostExplorerStub {
  endpoint: string;
  /** Operations received, in order, with the status answered. */
  requests: { operation: string; body: Record<string, unknown>; status: number }[];
  add(lines: readonly CostExplorerLine[]): void;
  clear(): void;
  /** Days reported with `Estimated: true`. */
  setEstimated(days: readonly string[]): void;
  /** The next `count` requests fail with this AWS error code (e.g. `LimitExceededException`) and status. */
  failNext(code: string, status: number, count?: number): void;
  setMaxGroupsPerPage(max: number): void;
  close(): Promise<void>;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

class ValidationError extends Error {}

/** Nano-dollars as Cost Explorer writes amounts: a decimal string of dollars. */
export const nanoToDollars = (nano: number): string => {
  const digits = String(Math.abs(nano)).padStart(10, '0');
  return `${nano < 0 ? '-' : ''}${digits.slice(0, -9)}.${digits.slice(-9)}`;
};

const daysOf = (period: unknown): string[] => {
  const { Start, End } = (period ?? {}) as { Start?: unknown; End?: unknown };
  if (
    typeof Start !== 'string' ||
    typeof End !== 'string' ||
    !DAY.test(Start) ||
    !DAY.test(End) ||
    Start >= End
  ) {
    throw new ValidationError('TimePeriod must have Start < End, both YYYY-MM-DD');
  }
  const days: string[] = [];
  for (let ms = Date.parse(Start); ms < Date.parse(End); ms += 86_400_000) {
    days.push(new Date(ms).toISOString().slice(0, 10));
  }
  return days;
};

const tokenOf = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString('base64url');
const offsetOf = (token: unknown): number => {
  if (token === undefined) return 0;
  try {
    const { offset } = JSON.parse(Buffer.from(String(token), 'base64url').toString()) as { offset: number };
    if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Falls through to the error AWS gives for a token it did not issue.
  }
  throw new ValidationError('NextPageToken is invalid');
};

const serviceFilter = (filter: unknown): ((service: string) => boolean) => {
  if (filter === undefined) return () => true;
  const values = (filter as { Dimensions?: { Key?: string; Values?: string[] } }).Dimensions;
  if (values?.Key !== 'SERVICE' || !Array.isArray(values.Values)) {
    throw new ValidationError('the stand-in filters on Dimensions SERVICE only');
  }
  return (service) => values.Values!.includes(service);
};

const DIMENSION_OF = { SERVICE: 'service', USAGE_TYPE: 'usageType' } as const;

/** Starts the stand-in on 127.0.0.1 with a free port. */
export const startCostExplorerStub = async (): Promise<CostExplorerStub> => {
  const lines: CostExplorerLine[] = [];
  const requests: CostExplorerStub['requests'] = [];
  const failures: { code: string; status: number }[] = [];
  let estimated = new Set<string>();
  let maxGroups = 500;

  const getDimensionValues = (body: Record<string, unknown>) => {
    const days = new Set(daysOf(body.TimePeriod));
    if (body.Dimension !== 'SERVICE') throw new ValidationError('the stand-in serves Dimension SERVICE only');
    const search = String(body.SearchString ?? '').toLowerCase();
    const values = [...new Set(lines.filter((l) => days.has(l.day)).map((l) => l.service))]
      .filter((service) => service.toLowerCase().includes(search))
      .sort();
    return {
      DimensionValues: values.map((Value) => ({ Value, Attributes: {} })),
      ReturnSize: values.length,
      TotalSize: values.length,
    };
  };

  const getCostAndUsage = (body: Record<string, unknown>) => {
    const days = daysOf(body.TimePeriod);
    if (body.Granularity !== 'DAILY') throw new ValidationError('the stand-in serves DAILY granularity only');
    const metrics = body.Metrics as string[] | undefined;
    if (!Array.isArray(metrics) || metrics.length === 0) throw new ValidationError('Metrics is required');
    const groupBy = (body.GroupBy ?? []) as { Type: string; Key: keyof typeof DIMENSION_OF }[];
    if (groupBy.length > 2 || groupBy.some((g) => g.Type !== 'DIMENSION' || !(g.Key in DIMENSION_OF))) {
      throw new ValidationError('GroupBy: at most two of DIMENSION SERVICE, USAGE_TYPE');
    }
    const keep = serviceFilter(body.Filter);
    const units = days.flatMap((day) => {
      const groups = new Map<string, { keys: string[]; nano: number; quantity: number }>();
      for (const line of lines.filter((l) => l.day === day && keep(l.service))) {
        const keys = groupBy.map((g) => line[DIMENSION_OF[g.Key]]);
        const id = JSON.stringify(keys);
        const group = groups.get(id) ?? { keys, nano: 0, quantity: 0 };
        group.nano += line.costNanoUsd;
        group.quantity += line.quantity ?? 0;
        groups.set(id, group);
      }
      return [...groups.values()].map((group) => ({ day, group }));
    });
    const offset = offsetOf(body.NextPageToken);
    const slice = units.slice(offset, offset + maxGroups);
    const more = offset + maxGroups < units.length;
    const metricsOf = (nano: number, quantity: number) =>
      Object.fromEntries(
        metrics.map((name) => [
          name,
          name === 'UsageQuantity'
            ? { Amount: String(quantity), Unit: 'N/A' }
            : { Amount: nanoToDollars(nano), Unit: 'USD' },
        ]),
      );
    return {
      GroupDefinitions: groupBy,
      // Every day of the range is listed (empty ones on the first page), as Cost Explorer does.
      ResultsByTime: days
        .filter((day) => offset === 0 || slice.some((unit) => unit.day === day))
        .map((day) => ({
          TimePeriod: { Start: day, End: new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10) },
          Total: {},
          Groups: slice
            .filter((unit) => unit.day === day)
            .map(({ group }) => ({ Keys: group.keys, Metrics: metricsOf(group.nano, group.quantity) })),
          Estimated: estimated.has(day),
        })),
      DimensionValueAttributes: [],
      ...(more ? { NextPageToken: tokenOf(offset + maxGroups) } : {}),
    };
  };

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-requestid': `stand-in-${Date.now()}`,
    });
    res.end(JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && req.url === COST_EXPLORER_STAND_IN_ROUTE) {
      lines.push(...(JSON.parse(text) as CostExplorerLine[]));
      return send(res, 200, { lines: lines.length });
    }
    const operation = String(req.headers['x-amz-target'] ?? '').replace('AWSInsightsIndexService.', '');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const log = (status: number) => requests.push({ operation, body, status });
    if (!req.headers.authorization) {
      log(400);
      return send(res, 400, {
        __type: 'MissingAuthenticationTokenException',
        message: 'Missing Authentication Token',
      });
    }
    const failure = failures.shift();
    if (failure) {
      log(failure.status);
      return send(res, failure.status, { __type: failure.code, message: `stand-in failure ${failure.code}` });
    }
    try {
      const answer =
        operation === 'GetCostAndUsage'
          ? getCostAndUsage(body)
          : operation === 'GetDimensionValues'
            ? getDimensionValues(body)
            : undefined;
      if (answer === undefined) throw new ValidationError(`the stand-in does not serve ${operation}`);
      log(200);
      return send(res, 200, answer);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      log(400);
      return send(res, 400, { __type: 'ValidationException', message: error.message });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      send(res, 500, { __type: 'InternalFailure', message: String(error) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    add: (added) => {
      lines.push(...added);
    },
    clear: () => {
      lines.length = 0;
    },
    setEstimated: (days) => {
      estimated = new Set(days);
    },
    failNext: (code, status, count = 1) => {
      for (let i = 0; i < count; i++) failures.push({ code, status });
    },
    setMaxGroupsPerPage: (max) => {
      maxGroups = max;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
