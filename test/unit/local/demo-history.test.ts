import type { CallRecord } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import { BASELINE_WEEKS } from '../../../functions/insights/anomaly-alerts';
import {
  DEFAULT_ANOMALY_OPTIONS,
  detectAnomalies,
  type HourFigures,
} from '../../../functions/shared/anomaly';
import { demoHistory } from '../../../infra/local/demo-history';
import { SPIKING_FUNCTION, STEADY_FUNCTION } from '../../../infra/local/demo-plan';

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
const NOW = Date.parse('2026-12-02T10:17:00.000Z');

/** An hour's figures as its rollup would give them (the p95 is the same in every hour by construction). */
const figures = (records: readonly CallRecord[]): HourFigures => ({
  calls: records.length,
  errors: records.filter((r) => r.status !== 'success').length,
  costNanoUsd: records.reduce((sum, r) => sum + r.cost.totalNanoUsd, 0),
  p95LatencyMs: records.length === 0 ? null : 960,
});

const hourStart = (record: CallRecord): number => Math.floor(Date.parse(record.timestamp) / HOUR) * HOUR;

describe('demo history', () => {
  it('puts the baseline in the same hour of the six weeks before the last complete hour, priced and successful', () => {
    // Act
    const history = demoHistory(NOW, 'run1');

    // Assess
    expect(new Date(history.judgedHourMs).toISOString()).toBe('2026-12-02T09:00:00.000Z');
    expect(new Set(history.recent.map(hourStart))).toEqual(new Set([history.judgedHourMs]));
    expect([...new Set(history.baseline.map(hourStart))].sort()).toEqual(
      Array.from({ length: BASELINE_WEEKS }, (_, k) => history.judgedHourMs - (BASELINE_WEEKS - k) * WEEK),
    );
    expect(
      [...history.recent, ...history.baseline].every((r) => r.cost.priced && r.status === 'success'),
    ).toBe(true);
    expect(new Set([...history.recent, ...history.baseline].map((r) => r.callId)).size).toBe(
      history.recent.length + history.baseline.length,
    );
    expect(demoHistory(NOW, 'run2').recent[0]!.callId).not.toBe(history.recent[0]!.callId);
  });

  it('makes the spiking function an anomaly of spend, and not the account (the steady function is too small to judge)', () => {
    // Prepare
    const history = demoHistory(NOW, 'run1');
    const of = (records: readonly CallRecord[], fn?: string) =>
      fn === undefined ? records : records.filter((r) => r.functionName === fn);
    const weeks = (fn?: string) =>
      Array.from({ length: BASELINE_WEEKS }, (_, k) =>
        figures(
          of(history.baseline, fn).filter((r) => hourStart(r) === history.judgedHourMs - (k + 1) * WEEK),
        ),
      );

    // Act
    const spiking = detectAnomalies(figures(of(history.recent, SPIKING_FUNCTION)), weeks(SPIKING_FUNCTION));
    const steady = detectAnomalies(figures(of(history.recent, STEADY_FUNCTION)), weeks(STEADY_FUNCTION));
    const account = detectAnomalies(figures(history.recent), weeks());

    // Assess
    expect(spiking.map((a) => [a.metric, a.score])).toEqual([['spend', 36]]);
    expect(spiking[0]!.score).toBeGreaterThanOrEqual(DEFAULT_ANOMALY_OPTIONS.threshold);
    expect([spiking[0]!.value, spiking[0]!.baselineMedian]).toEqual([480_000_000, 48_000_000]);
    // One price tier for every call: none crosses the long-context threshold.
    expect([...history.recent, ...history.baseline].every((r) => r.cost.modifiers.length === 0)).toBe(true);
    expect(steady).toEqual([]);
    expect(figures(of(history.recent, STEADY_FUNCTION)).calls).toBeLessThan(DEFAULT_ANOMALY_OPTIONS.minCalls);
    expect(account).toEqual([]);
    expect(figures(history.recent).calls).toBeGreaterThanOrEqual(DEFAULT_ANOMALY_OPTIONS.minCalls);
    expect(figures(of(history.recent, SPIKING_FUNCTION)).calls).toBeGreaterThanOrEqual(
      DEFAULT_ANOMALY_OPTIONS.minCalls,
    );
  });
});
