import { createHash } from 'node:crypto';

/**
 * Bounds of every value of a call record that comes from user land (attribution, model ids, SDK and API
 * output). They keep each record far below DynamoDB's item size (400 KB) and every key built from a record
 * far below DynamoDB's key limits (2,048 bytes for a partition key, 1,024 for a sort key), and keep rollup
 * sums exact. Records are bounded where they are made (`boundCallRecord`) and checked against the same
 * bounds wherever they are read (`checkCallRecord`).
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys
 */
export const RECORD_LIMITS = {
  /**
   * UTF-8 bytes of a value that becomes part of a key: session, user, tenant and function ids, model ids.
   * A longer value is stored shortened to this many bytes, ending with a hash of the whole value.
   */
  maxIdBytes: 256,
  /** UTF-8 bytes of a call id (batch results derive theirs from the caller's `custom_id`). */
  maxCallIdBytes: 256,
  /** UTF-8 bytes of short descriptive strings: request ids, stop reason, service tier, price version, etc. */
  maxShortTextBytes: 256,
  /** UTF-8 bytes of the error message. */
  maxErrorMessageBytes: 2_048,
  /** UTF-16 code units of captured prompt or completion text (the client's `CONTENT_LIMIT`). */
  maxContentLength: 32_768,
  /** Entries of `cost.modifiers` and of `shortened`. */
  maxListEntries: 32,
  maxTags: 20,
  /** Characters of one tag. */
  maxTagLength: 64,
  maxMetadataKeys: 20,
  /** Characters of a metadata key. */
  maxMetadataKeyLength: 64,
  /** Characters of a metadata string value. */
  maxMetadataValueLength: 256,
  /** Bytes of the metadata as JSON. */
  maxMetadataBytes: 2_048,
  /**
   * Largest token or request count of one call. The largest context window is 1 M tokens, so a count above
   * a billion is a fault, not usage; the bound keeps every rollup sum exact.
   */
  maxCount: 1_000_000_000,
  /** Largest cost of one call, nano-dollars ($10,000: a hundred times the dearest possible call). */
  maxNanoUsd: 10_000_000_000_000,
  /** Largest latency or time to first token, ms (24 hours). */
  maxDurationMs: 86_400_000,
  /** Most HTTP attempts of one call. */
  maxAttempts: 1_000,
  /** Fields a newer layer may add: UTF-8 bytes of any string inside them. */
  maxExtraStringBytes: 1_024,
  /** Fields a newer layer may add: entries of a list or map inside them, and nesting depth. */
  maxExtraEntries: 32,
  maxExtraDepth: 4,
  /** Fields a newer layer may add: UTF-8 bytes of all of them together, as JSON. */
  maxExtraBytes: 16_384,
} as const;

/** Characters between the kept prefix of a shortened value and its hash. */
export const SHORTENED_MARK = '~';
/** Base64url characters of the hash that ends a shortened value (96 bits). */
const HASH_LENGTH = 16;

export const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

/** The longest prefix of `text` of at most `maxBytes` UTF-8 bytes that does not split a character. */
const prefixOfBytes = (text: string, maxBytes: number): string => {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8Bytes(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
};

/**
 * `text` if it fits `maxBytes`, else a prefix of it followed by `~` and a hash of the whole text, together
 * exactly within `maxBytes`. Two different long values keep different hashes, so they never merge into one
 * rollup; the same value always shortens the same way, so its calls still add up.
 * @example shortenToBytes('a'.repeat(300), 32) // 'aaaaaaaaaaaaaaa~' + 16 hash characters
 */
export const shortenToBytes = (text: string, maxBytes: number): string => {
  if (utf8Bytes(text) <= maxBytes) return text;
  const hash = createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, HASH_LENGTH);
  return `${prefixOfBytes(text, maxBytes - HASH_LENGTH - SHORTENED_MARK.length)}${SHORTENED_MARK}${hash}`;
};

/** `text` cut to at most `maxLength` UTF-16 code units without splitting a surrogate pair. */
export const shortenToLength = (text: string, maxLength: number): string => {
  if (text.length <= maxLength) return text;
  const cut = text.slice(0, maxLength);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
};
