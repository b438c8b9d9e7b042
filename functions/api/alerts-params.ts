import { ALERT_LOG_RETENTION_DAYS } from 'claude-monitor/domain';
import { ALERT_RULE } from '../aggregator/alerts/alert';
import type { AlertLogPosition } from './alerts-reader';
import { BadRequestError } from './errors';
import { readChoice } from './params';

const DAY_MS = 86_400_000;

/** Days listed when `from` is not given. */
export const ALERTS_DEFAULT_DAYS = 7;

/** Page size of `GET /api/monitoring/alerts`. */
export const ALERTS_LIMIT = { default: 50, max: 200 } as const;

/** The rules `rule` may name. */
export const ALERT_RULES: readonly string[] = Object.values(ALERT_RULE);

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A date-time with its offset: without one, the instant would depend on where the server runs. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * An instant from `YYYY-MM-DD` (the day's start, or with `endOfDay` its last millisecond, UTC) or an
 * ISO 8601 date-time with `Z` or an offset; `fallback` when absent.
 */
export const readInstant = (
  parameter: string,
  raw: string | undefined,
  fallbackMs: number,
  endOfDay = false,
): number => {
  if (raw === undefined) return fallbackMs;
  const value = raw.trim();
  const ms = DATE.test(value)
    ? Date.parse(`${value}T00:00:00.000Z`) + (endOfDay ? DAY_MS - 1 : 0)
    : DATE_TIME.test(value)
      ? Date.parse(value)
      : Number.NaN;
  // Date.parse rolls 2026-02-30 over to March: a date must read back as itself.
  const valid =
    Number.isFinite(ms) && (!DATE.test(value) || new Date(ms).toISOString().slice(0, 10) === value);
  if (!valid) {
    throw new BadRequestError(
      parameter,
      `${parameter} must be a date (YYYY-MM-DD) or an ISO 8601 date-time with Z or an offset, got "${raw.length > 64 ? `${raw.slice(0, 64)}…` : raw}"`,
    );
  }
  return ms;
};

/** The window of an alerts listing, as ISO 8601 instants (UTC, milliseconds). */
export interface AlertsWindow {
  from: string;
  to: string;
}

/**
 * `from` and `to`: by default the last `ALERTS_DEFAULT_DAYS` days. `from` may not reach back further than
 * the alert log keeps alerts; `to` is cut at now (no alert has fired later).
 */
export const readAlertsWindow = (
  rawFrom: string | undefined,
  rawTo: string | undefined,
  now: Date,
): AlertsWindow => {
  const nowMs = now.getTime();
  const to = Math.min(readInstant('to', rawTo, nowMs, true), nowMs);
  const from = readInstant('from', rawFrom, nowMs - ALERTS_DEFAULT_DAYS * DAY_MS);
  const oldest = Math.floor(nowMs / DAY_MS) * DAY_MS - ALERT_LOG_RETENTION_DAYS * DAY_MS;
  if (from < oldest) {
    throw new BadRequestError(
      'from',
      `from must be within the last ${ALERT_LOG_RETENTION_DAYS} days (alerts are kept that long), got ${new Date(from).toISOString()}`,
    );
  }
  if (from > to) {
    throw new BadRequestError('from', `from must not be after to (${new Date(to).toISOString()})`);
  }
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
};

/** `rule`: one of the alert rules. */
export const readRule = (raw: string | undefined): string | undefined =>
  raw === undefined ? undefined : readChoice('rule', raw, ALERT_RULES, ALERT_RULES[0]!);

/** Where a paged alerts listing stands. Opaque to clients: base64url of this JSON. */
interface AlertsCursor {
  v: 1;
  /** Window, fixed by the first page so paging is stable. */
  s: string;
  e: string;
  /** Rule filter, `''` for every rule: a cursor only continues the listing it came from. */
  r: string;
  /** Month being read, `YYYY-MM`, and the sort key to continue after in it. */
  m: string;
  k?: string;
}

export const encodeAlertsCursor = (
  window: AlertsWindow,
  rule: string | undefined,
  next: AlertLogPosition,
): string => {
  const cursor: AlertsCursor = {
    v: 1,
    s: window.from,
    e: window.to,
    r: rule ?? '',
    m: next.month,
    ...(next.after === undefined ? {} : { k: next.after }),
  };
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
};

/**
 * Reads a cursor back, refusing anything this API did not hand out, a cursor of another listing (another
 * rule), and a window longer than a first page could have asked for.
 */
export const decodeAlertsCursor = (
  raw: string,
  rule: string | undefined,
): { window: AlertsWindow; position: AlertLogPosition } => {
  const invalid = (cause?: unknown) =>
    new BadRequestError('cursor', 'cursor is not a cursor returned by this API', { cause });
  let parsed: Partial<AlertsCursor>;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<AlertsCursor>;
  } catch (cause) {
    throw invalid(cause);
  }
  if (typeof parsed !== 'object' || parsed === null || parsed.v !== 1) throw invalid();
  const { s, e, r, m, k } = parsed;
  if (typeof s !== 'string' || typeof e !== 'string' || !ISO_MS.test(s) || !ISO_MS.test(e)) throw invalid();
  const span = Date.parse(e) - Date.parse(s);
  if (!(span >= 0) || span > (ALERT_LOG_RETENTION_DAYS + 1) * DAY_MS) throw invalid();
  if (typeof m !== 'string' || !/^\d{4}-\d{2}$/.test(m) || m < s.slice(0, 7) || m > e.slice(0, 7)) {
    throw invalid();
  }
  if (k !== undefined && (typeof k !== 'string' || k.length > 512)) throw invalid();
  if (typeof r !== 'string' || r !== (rule ?? '')) {
    throw new BadRequestError('cursor', 'cursor belongs to another listing: use it with the same rule');
  }
  return { window: { from: s, to: e }, position: { month: m, ...(k === undefined ? {} : { after: k }) } };
};
