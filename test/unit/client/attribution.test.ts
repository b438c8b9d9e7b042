import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTION_LIMITS,
  capAttribution,
  currentScope,
  mergeAttribution,
  runWithAttribution,
  takeAttribution,
  withAttribution,
} from '../../../layers/claude-monitor/src/client/attribution';

describe('attribution scopes', () => {
  it('merges nested scopes across awaits and leaves no scope behind', async () => {
    // Prepare
    const seen: unknown[] = [];

    // Act
    await runWithAttribution({ tenantId: 't', tags: ['a'], metadata: { k: 1 } }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await runWithAttribution({ userId: 'u', tags: ['b'], metadata: { j: 'x' } }, async () => {
        await Promise.resolve();
        seen.push(currentScope());
      });
      seen.push(currentScope());
    });
    seen.push(currentScope());

    // Assess
    expect(seen).toEqual([
      { tenantId: 't', userId: 'u', tags: ['a', 'b'], metadata: { k: 1, j: 'x' } },
      { tenantId: 't', tags: ['a'], metadata: { k: 1 } },
      undefined,
    ]);
  });

  it('lets the inner value of a field win', () => {
    // Act
    const merged = mergeAttribution({ userId: 'outer', sessionId: 's' }, { userId: 'inner' });

    // Assess
    expect(merged).toEqual({ userId: 'inner', sessionId: 's' });
  });
});

describe('per-call attribution', () => {
  it('travels in request options and is removed before they reach the SDK', () => {
    // Prepare
    const options = withAttribution({ userId: 'u-1' }, { timeout: 1_000, headers: { 'x-a': 'b' } });

    // Act
    const taken = takeAttribution(options);

    // Assess
    expect(taken.attribution).toEqual({ userId: 'u-1' });
    expect(taken.options).toEqual({ timeout: 1_000, headers: { 'x-a': 'b' } });
    expect(Object.getOwnPropertySymbols(taken.options)).toHaveLength(0);
    expect(JSON.stringify(options)).not.toContain('u-1');
  });
});

describe('capAttribution', () => {
  it('drops metadata entries over the caps and counts them, keeping the rest in order', () => {
    // Prepare
    const metadata: Record<string, string | number | boolean> = {
      ok: 'yes',
      ['k'.repeat(ATTRIBUTION_LIMITS.maxKeyLength + 1)]: 1,
      long: 'v'.repeat(ATTRIBUTION_LIMITS.maxValueLength + 1),
      nested: { a: 1 } as unknown as string,
    };
    for (let i = 0; i < 30; i++) metadata[`n${i}`] = i;

    // Act
    const { attribution, dropped } = capAttribution({ metadata, tags: ['fine', 't'.repeat(65)] });

    // Assess
    const keys = Object.keys(attribution.metadata!);
    expect(keys).toHaveLength(ATTRIBUTION_LIMITS.maxMetadataKeys);
    expect(keys.slice(0, 3)).toEqual(['ok', 'n0', 'n1']);
    expect(attribution.tags).toEqual(['fine']);
    expect(dropped).toBe(3 + (30 - (ATTRIBUTION_LIMITS.maxMetadataKeys - 1)) + 1);
  });

  it('stops adding entries once the metadata reaches the byte cap', () => {
    // Prepare
    const metadata: Record<string, string> = {};
    for (let i = 0; i < 15; i++) metadata[`key${i}`] = 'x'.repeat(250);

    // Act
    const { attribution, dropped } = capAttribution({ metadata });

    // Assess
    expect(JSON.stringify(attribution.metadata).length).toBeLessThanOrEqual(
      ATTRIBUTION_LIMITS.maxMetadataBytes,
    );
    expect(Object.keys(attribution.metadata!).length + dropped).toBe(15);
    expect(dropped).toBeGreaterThan(0);
  });
});
