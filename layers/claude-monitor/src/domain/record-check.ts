import type { CallRecord } from './call-record';
import { MalformedCallRecordError } from './errors';
import { RECORD_LIMITS, shortenToBytes, shortenToLength, utf8Bytes } from './record-limits';

/** Fields whose value becomes part of a key (rollups, the session index, alert scopes). */
export const ID_FIELDS = [
  'sessionId',
  'userId',
  'tenantId',
  'functionName',
  'model',
  'requestedModel',
] as const;

/** Short descriptive strings. */
const TEXT_FIELDS = [
  'provider',
  'operation',
  'errorType',
  'requestId',
  'serviceTier',
  'speed',
  'inferenceGeo',
  'stopReason',
  'awsRequestId',
  'region',
] as const;

const CONTENT_FIELDS = ['prompt', 'completion'] as const;

/**
 * Optional markers of how a call was seen and how it ended: `instrumentation` (`zero-code`, `explicit`),
 * `usageIncomplete` (why usage is not the API's final report: `aborted`, `interrupted`, `unfinished`,
 * `unreadable`) and `callerRead` (`none`, `partial`). Each is one short word, so a layer that adds a value
 * is still read; a boolean is accepted too, as a bare yes/no marker.
 */
const MARKER_FIELDS = ['instrumentation', 'usageIncomplete', 'callerRead'] as const;

/** A marker's word: lower-case letters, digits, `-` and `_`, at most 32 characters. */
const MARKER_WORD = /^[a-z][a-z0-9_-]{0,31}$/;

const USAGE_FIELDS = [
  'inputTokens',
  'outputTokens',
  'cacheWrite5mTokens',
  'cacheWrite1hTokens',
  'cacheReadTokens',
  'webSearchRequests',
  'webFetchRequests',
] as const;

const COST_AMOUNTS = [
  'inputNanoUsd',
  'outputNanoUsd',
  'cacheWrite5mNanoUsd',
  'cacheWrite1hNanoUsd',
  'cacheReadNanoUsd',
  'webSearchNanoUsd',
] as const;

const COST_FIELDS = new Set<string>([
  ...COST_AMOUNTS,
  'totalNanoUsd',
  'priced',
  'pricedAs',
  'priceVersion',
  'modifiers',
]);

/** Every field of `CallRecord` this version knows; others are checked only for being bounded. */
const KNOWN_FIELDS = new Set<string>([
  ...ID_FIELDS,
  ...TEXT_FIELDS,
  ...CONTENT_FIELDS,
  ...MARKER_FIELDS,
  'callId',
  'timestamp',
  'beta',
  'status',
  'httpStatus',
  'errorMessage',
  'usage',
  'cost',
  'latencyMs',
  'ttftMs',
  'attempts',
  'tags',
  'metadata',
  'shortened',
]);

/** `toISOString()` output: the bucket of a record is read off these exact positions. */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

// A declaration (not an arrow function) so that TypeScript narrows after a call.
function fail(field: string, message: string): never {
  throw new MalformedCallRecordError(field, message);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const checkString = (value: unknown, field: string, maxBytes: number, required: boolean): void => {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || (required && value === '')) fail(field, 'is missing or not a string');
  if (utf8Bytes(value as string) > maxBytes) fail(field, `is longer than ${maxBytes} bytes`);
};

const checkInteger = (value: unknown, field: string, max: number, required = true, min = 0): void => {
  if (value === undefined && !required) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(field, 'is not a whole number');
  if ((value as number) < min || (value as number) > max) fail(field, `is not between ${min} and ${max}`);
};

const checkStringList = (value: unknown, field: string, maxEntries: number, maxBytes: number): void => {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail(field, 'is not a list');
  if (value.length > maxEntries) fail(field, `has more than ${maxEntries} entries`);
  for (const [i, entry] of value.entries()) checkString(entry, `${field}[${i}]`, maxBytes, true);
};

/** Fields a newer layer may add: any JSON value, as long as every part of it is bounded. */
const checkExtra = (value: unknown, field: string, depth = 0): void => {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(field, 'is not a finite number');
    return;
  }
  if (typeof value === 'string') {
    checkString(value, field, RECORD_LIMITS.maxExtraStringBytes, false);
    return;
  }
  if (depth >= RECORD_LIMITS.maxExtraDepth) fail(field, 'is nested too deeply');
  const entries = Array.isArray(value)
    ? value.map((entry, i) => [String(i), entry] as const)
    : isPlainObject(value)
      ? Object.entries(value)
      : fail(field, `is of an unsupported type (${typeof value})`);
  if (entries.length > RECORD_LIMITS.maxExtraEntries) {
    fail(field, `has more than ${RECORD_LIMITS.maxExtraEntries} entries`);
  }
  for (const [key, entry] of entries) {
    checkString(key, `${field} key`, RECORD_LIMITS.maxShortTextBytes, true);
    checkExtra(entry, `${field}.${key}`, depth + 1);
  }
};

const checkTags = (value: unknown): void => {
  if (value === undefined) return;
  if (!Array.isArray(value)) fail('tags', 'is not a list');
  if (value.length > RECORD_LIMITS.maxTags) fail('tags', `has more than ${RECORD_LIMITS.maxTags} tags`);
  value.forEach((tag, i) => {
    if (typeof tag !== 'string' || tag.length > RECORD_LIMITS.maxTagLength) {
      fail(`tags[${i}]`, `is not a string of at most ${RECORD_LIMITS.maxTagLength} characters`);
    }
  });
};

const isMetadataValue = (value: unknown): boolean =>
  typeof value === 'boolean' ||
  (typeof value === 'number' && Number.isFinite(value)) ||
  (typeof value === 'string' && value.length <= RECORD_LIMITS.maxMetadataValueLength);

const checkMetadata = (value: unknown): void => {
  if (value === undefined) return;
  if (!isPlainObject(value)) fail('metadata', 'is not a map');
  const entries = Object.entries(value);
  if (entries.length > RECORD_LIMITS.maxMetadataKeys) {
    fail('metadata', `has more than ${RECORD_LIMITS.maxMetadataKeys} keys`);
  }
  for (const [key, entry] of entries) {
    if (key.length > RECORD_LIMITS.maxMetadataKeyLength) {
      fail('metadata', `key is longer than ${RECORD_LIMITS.maxMetadataKeyLength} characters`);
    }
    if (!isMetadataValue(entry)) {
      fail(`metadata.${key}`, 'is not a boolean, a finite number or a short string');
    }
  }
  if (utf8Bytes(JSON.stringify(value)) > RECORD_LIMITS.maxMetadataBytes) {
    fail('metadata', `is larger than ${RECORD_LIMITS.maxMetadataBytes} bytes`);
  }
};

const checkUsage = (value: unknown): void => {
  if (!isPlainObject(value)) fail('usage', 'is missing');
  for (const field of USAGE_FIELDS) checkInteger(value[field], `usage.${field}`, RECORD_LIMITS.maxCount);
  for (const [key, entry] of Object.entries(value)) {
    if (!(USAGE_FIELDS as readonly string[]).includes(key)) checkExtra(entry, `usage.${key}`, 1);
  }
};

const checkCost = (value: unknown): void => {
  if (!isPlainObject(value)) fail('cost', 'is missing');
  checkInteger(value.totalNanoUsd, 'cost.totalNanoUsd', RECORD_LIMITS.maxNanoUsd);
  for (const field of COST_AMOUNTS) {
    checkInteger(value[field], `cost.${field}`, RECORD_LIMITS.maxNanoUsd, false);
  }
  if (typeof value.priced !== 'boolean') fail('cost.priced', 'is not a boolean');
  checkString(value.pricedAs, 'cost.pricedAs', RECORD_LIMITS.maxShortTextBytes, false);
  checkString(value.priceVersion, 'cost.priceVersion', RECORD_LIMITS.maxShortTextBytes, false);
  checkStringList(
    value.modifiers,
    'cost.modifiers',
    RECORD_LIMITS.maxListEntries,
    RECORD_LIMITS.maxShortTextBytes,
  );
  for (const [key, entry] of Object.entries(value)) {
    if (!COST_FIELDS.has(key)) checkExtra(entry, `cost.${key}`, 1);
  }
};

const checkTimestamp = (value: unknown): void => {
  checkString(value, 'timestamp', RECORD_LIMITS.maxShortTextBytes, true);
  const text = value as string;
  const ms = Date.parse(text);
  if (!ISO_TIMESTAMP.test(text) || Number.isNaN(ms) || new Date(ms).toISOString() !== text) {
    fail('timestamp', 'is not an ISO 8601 UTC time with milliseconds');
  }
};

/**
 * Checks a call record (without its table keys) against the rules every reader relies on: required fields
 * present, counts whole and within `RECORD_LIMITS`, every string bounded, tags a list of short strings and
 * metadata a small map. Fields this version does not know are accepted when every part of them is bounded,
 * so records of a newer layer are not rejected for carrying more.
 * @throws MalformedCallRecordError naming the first field that breaks a rule.
 */
export const checkCallRecord = (value: Record<string, unknown>): CallRecord => {
  checkString(value.callId, 'callId', RECORD_LIMITS.maxCallIdBytes, true);
  checkTimestamp(value.timestamp);
  for (const field of ['model', 'requestedModel', 'provider', 'operation', 'status']) {
    checkString(value[field], field, RECORD_LIMITS.maxShortTextBytes, true);
  }
  if (value.status !== 'success' && value.status !== 'error') {
    fail('status', 'is neither success nor error');
  }
  for (const field of ID_FIELDS) checkString(value[field], field, RECORD_LIMITS.maxIdBytes, false);
  for (const field of TEXT_FIELDS) checkString(value[field], field, RECORD_LIMITS.maxShortTextBytes, false);
  for (const field of CONTENT_FIELDS) {
    if (
      value[field] !== undefined &&
      (typeof value[field] !== 'string' || (value[field] as string).length > RECORD_LIMITS.maxContentLength)
    ) {
      fail(field, `is not a string of at most ${RECORD_LIMITS.maxContentLength} characters`);
    }
  }
  for (const field of MARKER_FIELDS) {
    const marker = value[field];
    if (marker !== undefined && typeof marker !== 'boolean') {
      if (typeof marker !== 'string' || !MARKER_WORD.test(marker)) {
        fail(field, 'is not a boolean or one short word (a-z, 0-9, - and _, at most 32 characters)');
      }
    }
  }
  checkString(value.errorMessage, 'errorMessage', RECORD_LIMITS.maxErrorMessageBytes, false);
  if (value.beta !== undefined && typeof value.beta !== 'boolean') fail('beta', 'is not a boolean');
  checkInteger(value.httpStatus, 'httpStatus', 599, false, 100);
  checkInteger(value.latencyMs, 'latencyMs', RECORD_LIMITS.maxDurationMs);
  checkInteger(value.ttftMs, 'ttftMs', RECORD_LIMITS.maxDurationMs, false);
  checkInteger(value.attempts, 'attempts', RECORD_LIMITS.maxAttempts, false);
  checkUsage(value.usage);
  checkCost(value.cost);
  checkTags(value.tags);
  checkMetadata(value.metadata);
  checkStringList(
    value.shortened,
    'shortened',
    RECORD_LIMITS.maxListEntries,
    RECORD_LIMITS.maxShortTextBytes,
  );
  const extra = Object.entries(value).filter(([key]) => !KNOWN_FIELDS.has(key));
  for (const [key, entry] of extra) {
    checkString(key, 'field name', RECORD_LIMITS.maxShortTextBytes, true);
    checkExtra(entry, key);
  }
  if (
    extra.length > 0 &&
    utf8Bytes(JSON.stringify(Object.fromEntries(extra))) > RECORD_LIMITS.maxExtraBytes
  ) {
    fail(
      extra.map(([key]) => key).join(', '),
      `are larger than ${RECORD_LIMITS.maxExtraBytes} bytes together`,
    );
  }
  return value as unknown as CallRecord;
};

/** Keeps tags that are short strings, up to `maxTags`; counts the rest. */
const boundTags = (tags: unknown[]): { tags: string[]; dropped: number } => {
  const kept = tags
    .filter((tag): tag is string => typeof tag === 'string' && tag.length <= RECORD_LIMITS.maxTagLength)
    .slice(0, RECORD_LIMITS.maxTags);
  return { tags: kept, dropped: tags.length - kept.length };
};

/** Keeps metadata entries in order while they fit every metadata bound; counts the rest. */
const boundMetadata = (metadata: Record<string, unknown>) => {
  const kept: Record<string, string | number | boolean> = {};
  let bytes = 2;
  let keys = 0;
  let dropped = 0;
  for (const [key, value] of Object.entries(metadata)) {
    const entryBytes =
      utf8Bytes(JSON.stringify(key)) + 1 + utf8Bytes(JSON.stringify(value) ?? '') + (keys > 0 ? 1 : 0);
    const fits =
      keys < RECORD_LIMITS.maxMetadataKeys &&
      key.length <= RECORD_LIMITS.maxMetadataKeyLength &&
      isMetadataValue(value) &&
      bytes + entryBytes <= RECORD_LIMITS.maxMetadataBytes;
    if (!fits) {
      dropped++;
      continue;
    }
    kept[key] = value as string | number | boolean;
    bytes += entryBytes;
    keys++;
  }
  return { metadata: kept, dropped };
};

/** A record brought within `RECORD_LIMITS`, and how many tag or metadata entries were dropped for it. */
export interface BoundedCallRecord {
  record: CallRecord;
  /** Tags and metadata entries over their bounds, left out (as the client's attribution caps do). */
  dropped: number;
}

/**
 * Brings a record made by any client within `RECORD_LIMITS`, where records are made (before they are
 * stored or logged): a string over its bound is shortened, ids with a hash of the whole value so that
 * distinct ids stay distinct, and each shortened field is named in `shortened`; tags and metadata entries
 * over their bounds are dropped and counted. Anything that cannot be bounded without changing what it
 * means (a count that is not a whole number in range, a missing field, a bad timestamp, tags that are not a
 * list) is not reshaped: the record is rejected.
 * @throws MalformedCallRecordError naming the field that breaks a rule.
 */
export const boundCallRecord = (record: CallRecord): BoundedCallRecord => {
  const bounded: Record<string, unknown> = { ...record };
  const shortened = new Set(record.shortened ?? []);
  const shorten = (field: string, next: string): void => {
    if (next === bounded[field]) return;
    bounded[field] = next;
    shortened.add(field);
  };
  for (const [fields, maxBytes] of [
    [ID_FIELDS, RECORD_LIMITS.maxIdBytes],
    [TEXT_FIELDS, RECORD_LIMITS.maxShortTextBytes],
    [['callId'], RECORD_LIMITS.maxCallIdBytes],
    [['errorMessage'], RECORD_LIMITS.maxErrorMessageBytes],
  ] as const) {
    for (const field of fields) {
      const value = bounded[field];
      if (typeof value === 'string') shorten(field, shortenToBytes(value, maxBytes));
    }
  }
  for (const field of CONTENT_FIELDS) {
    const value = bounded[field];
    if (typeof value === 'string') shorten(field, shortenToLength(value, RECORD_LIMITS.maxContentLength));
  }
  for (const [field, value] of Object.entries(bounded)) {
    if (!KNOWN_FIELDS.has(field) && typeof value === 'string') {
      shorten(field, shortenToBytes(value, RECORD_LIMITS.maxExtraStringBytes));
    }
  }
  if (isPlainObject(record.cost)) {
    const cost: Record<string, unknown> = { ...record.cost };
    for (const field of ['pricedAs', 'priceVersion']) {
      if (typeof cost[field] === 'string') {
        const next = shortenToBytes(cost[field] as string, RECORD_LIMITS.maxShortTextBytes);
        if (next !== cost[field]) shortened.add(`cost.${field}`);
        cost[field] = next;
      }
    }
    if (Array.isArray(cost.modifiers)) {
      const modifiers = cost.modifiers.map((m) =>
        typeof m === 'string' ? shortenToBytes(m, RECORD_LIMITS.maxShortTextBytes) : m,
      );
      if (modifiers.some((m, i) => m !== (cost.modifiers as unknown[])[i])) shortened.add('cost.modifiers');
      cost.modifiers = modifiers;
    }
    bounded.cost = cost;
  }
  let dropped = 0;
  if (Array.isArray(record.tags)) {
    const result = boundTags(record.tags);
    bounded.tags = result.tags;
    dropped += result.dropped;
  }
  if (isPlainObject(record.metadata)) {
    const result = boundMetadata(record.metadata);
    bounded.metadata = result.metadata;
    dropped += result.dropped;
  }
  if (shortened.size > 0) bounded.shortened = [...shortened];
  return { record: checkCallRecord(bounded), dropped };
};
