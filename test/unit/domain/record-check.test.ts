import {
  boundCallRecord,
  type CallRecord,
  fromCallItem,
  MalformedCallRecordError,
  RECORD_LIMITS,
  shortenToBytes,
  toCallItem,
  utf8Bytes,
} from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { makeCallRecord } from '../../helpers/call-records';

/** A record as a stored item would hold it, with one field replaced (bypassing every type). */
const storedWith = (field: string, value: unknown): Record<string, unknown> => ({
  ...toCallItem(makeCallRecord(), 90),
  [field]: value,
});

describe('shortenToBytes', () => {
  it('keeps a value that fits and shortens a longer one to exactly the bound, ending with a hash', () => {
    // Prepare
    const long = 'u'.repeat(1_500);

    // Act
    const kept = shortenToBytes('user-1', 256);
    const shortened = shortenToBytes(long, 256);

    // Assess
    expect(kept).toBe('user-1');
    expect(utf8Bytes(shortened)).toBe(256);
    expect(shortened).toMatch(/^u{239}~[A-Za-z0-9_-]{16}$/);
    expect(shortenToBytes(long, 256)).toBe(shortened);
  });

  it('keeps two long values that share their first kilobyte apart', () => {
    // Prepare
    const prefix = 'tenant-'.repeat(200);

    // Act
    const a = shortenToBytes(`${prefix}a`, 256);
    const b = shortenToBytes(`${prefix}b`, 256);

    // Assess
    expect(a).not.toBe(b);
    expect(a.slice(0, 239)).toBe(b.slice(0, 239));
  });

  it('never splits a character that takes several bytes', () => {
    // Act
    const shortened = shortenToBytes('é🙂'.repeat(200), 100);

    // Assess
    expect(utf8Bytes(shortened)).toBeLessThanOrEqual(100);
    expect(shortened).not.toContain('\uFFFD');
    expect(Buffer.from(shortened, 'utf8').toString('utf8')).toBe(shortened);
  });
});

describe('boundCallRecord: where records are made', () => {
  it('shortens long attribution values and model ids, names them, and keeps the rest unchanged', () => {
    // Prepare
    const record = makeCallRecord({
      userId: 'u'.repeat(5_000),
      tenantId: 't'.repeat(1_100),
      sessionId: 's'.repeat(2_100),
      model: `claude-typo-${'x'.repeat(1_200)}`,
      functionName: 'fn-chat',
    });

    // Act
    const { record: bounded } = boundCallRecord(record);

    // Assess
    for (const field of ['userId', 'tenantId', 'sessionId', 'model'] as const) {
      expect(utf8Bytes(bounded[field]!), field).toBeLessThanOrEqual(RECORD_LIMITS.maxIdBytes);
    }
    expect(bounded.shortened?.sort()).toEqual(['model', 'sessionId', 'tenantId', 'userId']);
    expect(bounded.functionName).toBe('fn-chat');
    expect(bounded.usage).toEqual(record.usage);
  });

  it('drops tags and metadata entries over their bounds and counts them', () => {
    // Prepare
    const record = makeCallRecord({
      tags: ['ok', 'x'.repeat(65), ...Array.from({ length: 25 }, (_, i) => `t${i}`)],
      metadata: { ok: 1, ['k'.repeat(65)]: 'long key', text: 'v'.repeat(300) },
    });

    // Act
    const { record: bounded, dropped } = boundCallRecord(record);

    // Assess
    expect(bounded.tags).toHaveLength(RECORD_LIMITS.maxTags);
    expect(bounded.tags?.[0]).toBe('ok');
    expect(bounded.metadata).toEqual({ ok: 1 });
    expect(dropped).toBe(27 - RECORD_LIMITS.maxTags + 2);
  });

  it.each([
    ['usage.inputTokens', { usage: { ...makeCallRecord().usage, inputTokens: Number.MAX_SAFE_INTEGER } }],
    ['usage.outputTokens', { usage: { ...makeCallRecord().usage, outputTokens: 1.5 } }],
    ['cost.totalNanoUsd', { cost: { ...makeCallRecord().cost, totalNanoUsd: 2 ** 53 - 1 } }],
    ['cost.totalNanoUsd', { cost: { ...makeCallRecord().cost, totalNanoUsd: Number.NaN } }],
    ['latencyMs', { latencyMs: -1 }],
    ['timestamp', { timestamp: '2026-11-29' }],
    ['tags', { tags: 'a b c' as unknown as string[] }],
  ] as [string, Partial<CallRecord>][])(
    'rejects %s out of its rule instead of reshaping it',
    (field, overrides) => {
      // Act
      const act = () => boundCallRecord(makeCallRecord(overrides));

      // Assess
      expect(act).toThrow(MalformedCallRecordError);
      expect(act).toThrow(field);
    },
  );

  it('keeps fields it does not know when they are bounded, and shortens a long one', () => {
    // Prepare
    const record = {
      ...makeCallRecord(),
      laterFlag: true,
      abortedBy: 'x'.repeat(3_000),
    } as unknown as CallRecord;

    // Act
    const { record: bounded } = boundCallRecord(record);

    // Assess
    expect(bounded).toMatchObject({ laterFlag: true });
    expect(utf8Bytes((bounded as unknown as { abortedBy: string }).abortedBy)).toBe(
      RECORD_LIMITS.maxExtraStringBytes,
    );
    expect(bounded.shortened).toEqual(['abortedBy']);
  });
});

describe('fromCallItem: wherever records are read', () => {
  it('reads a record made by toCallItem back unchanged', () => {
    // Prepare
    const record = makeCallRecord({ tags: ['a'], metadata: { plan: 'pro' }, ttftMs: 120 });

    // Act
    const read = fromCallItem({ ...toCallItem(record, 90) });

    // Assess
    expect(read).toEqual(record);
  });

  it.each([
    ['userId', 'u'.repeat(RECORD_LIMITS.maxIdBytes + 1)],
    ['model', 'm'.repeat(1_100)],
    ['tags', 'not-a-list'],
    ['tags', [1, 2]],
    ['metadata', ['a']],
    ['metadata', { big: 'v'.repeat(RECORD_LIMITS.maxMetadataValueLength + 1) }],
    ['errorMessage', 'e'.repeat(RECORD_LIMITS.maxErrorMessageBytes + 1)],
    ['httpStatus', 7_000],
    ['attempts', -3],
    ['usage', { inputTokens: 1 }],
    ['notes', 'n'.repeat(RECORD_LIMITS.maxExtraStringBytes + 1)],
    ['deep', { a: { b: { c: { d: { e: 1 } } } } }],
    ['instrumentation', 'zero-code'.repeat(5)],
    ['usageIncomplete', 42],
    ['callerRead', { none: true }],
    ['errorType', 'unfinished'.repeat(30)],
  ])('rejects a stored %s that breaks its rule, naming it', (field, value) => {
    // Act
    const act = () => fromCallItem(storedWith(field, value));

    // Assess
    expect(act).toThrow(MalformedCallRecordError);
    expect(act).toThrow(field);
  });

  it('reads the markers of zero-code records: how the call was seen, why usage is incomplete, what the caller read', () => {
    // Prepare: the values the zero-code layer writes ('unfinished' errors are newer than this type).
    const record = {
      ...makeCallRecord({ status: 'error', httpStatus: undefined }),
      errorType: 'unfinished',
      instrumentation: 'zero-code',
      usageIncomplete: 'unfinished',
    } as unknown as CallRecord;
    const read = { ...makeCallRecord(), instrumentation: 'explicit', callerRead: 'partial' } as CallRecord;

    // Act
    const unfinished = fromCallItem({ ...toCallItem(record, 90) });
    const partial = fromCallItem({ ...toCallItem(read, 90) });
    const flagged = fromCallItem(storedWith('usageIncomplete', true));

    // Assess
    expect(unfinished).toEqual(record);
    expect(partial).toEqual(read);
    expect(flagged).toMatchObject({ usageIncomplete: true });
  });

  it('accepts a record of a newer layer with extra bounded fields', () => {
    // Act
    const read = fromCallItem(storedWith('incomplete', { reason: 'stream_aborted', events: 3 }));

    // Assess
    expect(read).toMatchObject({ incomplete: { reason: 'stream_aborted', events: 3 } });
  });

  it('makes keys far within DynamoDB limits for the longest values a record may hold', () => {
    // Prepare
    const longest = 'é'.repeat(RECORD_LIMITS.maxCallIdBytes);

    // Act
    const item = toCallItem(makeCallRecord({ callId: longest, sessionId: longest }), 90);

    // Assess
    expect(utf8Bytes(item.pk)).toBeLessThanOrEqual(2_048);
    expect(utf8Bytes(item.sk)).toBeLessThanOrEqual(1_024);
  });
});
