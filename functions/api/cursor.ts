import { createHash } from 'node:crypto';
import { CALL_PARTITIONS } from 'claude-monitor/domain';
import { BadRequestError } from './errors';

/** Where a paged read of raw calls stands. Opaque to clients: base64url of this JSON. */
export interface CallsCursor {
  v: 1;
  /** Window: first and last hour start, epoch ms (fixed by the first page so paging is stable). */
  s: number;
  e: number;
  /** Hour being read, epoch ms. */
  h: number;
  /** Partition of that hour. */
  p: number;
  /** Sort key after which to continue in that partition. */
  k?: string;
  /** Order of the listing it belongs to: oldest hour first (export) or newest first (calls). */
  d: 'asc' | 'desc';
  /** The filters it was made with (`filtersKey`): a cursor only continues the listing it came from. */
  f: string;
}

/** A short, stable key of a set of filters, to tell cursors of different listings apart. */
export const filtersKey = (filters: readonly { name: string; value: string }[]): string =>
  createHash('sha256')
    .update(JSON.stringify(filters.map(({ name, value }) => [name, value])))
    .digest('base64url')
    .slice(0, 12);

export const encodeCursor = (cursor: CallsCursor): string =>
  Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

/** The hours a cursor may name: from 1970 to the last hour an ISO 8601 date with a 4-digit year can write. */
const FIRST_HOUR_MS = 0;
const LAST_HOUR_MS = Date.UTC(9999, 11, 31, 23);

const isHour = (value: unknown): value is number =>
  typeof value === 'number' &&
  Number.isSafeInteger(value) &&
  value % 3_600_000 === 0 &&
  value >= FIRST_HOUR_MS &&
  value <= LAST_HOUR_MS;

/** Reads a cursor back, refusing anything this API did not hand out. */
export const decodeCursor = (raw: string): CallsCursor => {
  const invalid = () => new BadRequestError('cursor', 'cursor is not a cursor returned by this API');
  let parsed: Partial<CallsCursor>;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Partial<CallsCursor>;
  } catch (cause) {
    throw new BadRequestError('cursor', 'cursor is not a cursor returned by this API', { cause });
  }
  if (typeof parsed !== 'object' || parsed === null || parsed.v !== 1) throw invalid();
  const { s, e, h, p, k, d, f } = parsed;
  if ((d !== 'asc' && d !== 'desc') || typeof f !== 'string' || f.length > 32) throw invalid();
  if (!isHour(s) || !isHour(e) || !isHour(h) || s > e || h < s || h > e) throw invalid();
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0 || p >= CALL_PARTITIONS) throw invalid();
  if (k !== undefined && (typeof k !== 'string' || k.length > 512)) throw invalid();
  return { v: 1, s, e, h, p, d, f, ...(k === undefined ? {} : { k }) };
};
