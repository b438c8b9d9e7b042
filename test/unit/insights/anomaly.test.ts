import type { RollupCounters } from 'claude-monitor/domain';
import { describe, expect, it } from 'vitest';
import {
  type Anomaly,
  binomialUpperTail,
  detectAnomalies,
  hourFiguresOf,
} from '../../../functions/shared/anomaly';
import { hourlyTraffic, type Spike } from './synthetic-traffic';

const WEEK = 168;
const WARMUP_WEEKS = 6;
const EVALUATED_HOURS = 30 * 24;

/** Runs the hourly check over every evaluated hour, as the scheduled job does, against 6 earlier weeks. */
const run = (traffic: readonly RollupCounters[]) => {
  const alerts: { hour: number; anomaly: Anomaly }[] = [];
  let judged = 0;
  for (let hour = WARMUP_WEEKS * WEEK; hour < traffic.length; hour++) {
    const baseline = Array.from({ length: WARMUP_WEEKS }, (_, k) =>
      hourFiguresOf(traffic[hour - (k + 1) * WEEK]!),
    );
    const current = hourFiguresOf(traffic[hour]!);
    if (current.calls >= 30) judged++;
    for (const anomaly of detectAnomalies(current, baseline)) alerts.push({ hour, anomaly });
  }
  return { alerts, judged };
};

const report = (text: string) => process.stdout.write(`anomaly: ${text}\n`);

describe('detectAnomalies on generated hourly traffic', () => {
  it('raises no alert on 30 days of steady traffic (five seeds)', () => {
    // Prepare
    let judged = 0;
    let alerts = 0;

    // Act
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = run(
        hourlyTraffic({ hours: WARMUP_WEEKS * WEEK + EVALUATED_HOURS, busyCalls: 120, seed }),
      );
      judged += result.judged;
      alerts += result.alerts.length;
    }

    // Assess
    report(`false alarms ${alerts} in ${judged} judged hours × 3 metrics (5 × 30 days steady traffic)`);
    expect(judged).toBeGreaterThan(5 * 600);
    expect(alerts).toBe(0);
  });

  it.each([
    ['spend', { costFactor: 4 }],
    ['error-rate', { errorRate: 0.25 }],
    ['p95-latency', { latencyFactor: 4 }],
  ] as const)('finds every injected %s spike in the hour it starts', (metric, change) => {
    // Prepare: ten 3-hour spikes at known busy hours (weekdays 10:00–13:00) of the evaluated month.
    const starts = [0, 1, 2, 3, 4, 7, 8, 9, 10, 11].map((day) => WARMUP_WEEKS * WEEK + day * 24 + 10);
    const spikes: Spike[] = starts.map((start) => ({ start, hours: 3, ...change }));
    const traffic = hourlyTraffic({
      hours: WARMUP_WEEKS * WEEK + EVALUATED_HOURS,
      busyCalls: 120,
      spikes,
      seed: 9,
    });

    // Act
    const { alerts } = run(traffic);

    // Assess: delay counted from the spike's start to the end of the hour whose check fires.
    const mine = alerts.filter((a) => a.anomaly.metric === metric);
    const delays = starts.map((start) => {
      const first = mine.find((a) => a.hour >= start && a.hour < start + 3);
      return first ? first.hour - start + 1 : Number.POSITIVE_INFINITY;
    });
    report(
      `${metric}: ${delays.filter(Number.isFinite).length}/10 spikes found, delays (hours) ${delays.join(' ')}`,
    );
    expect(delays).toEqual(starts.map(() => 1));
    expect(mine.every((a) => starts.some((s) => a.hour >= s && a.hour < s + 3))).toBe(true);
  });

  it('keeps a quiet scope quiet even through a tenfold spike', () => {
    // Prepare: about 3 calls an hour, below the minimum volume.
    const spikes: Spike[] = [{ start: WARMUP_WEEKS * WEEK + 10, hours: 5, costFactor: 10, errorRate: 1 }];
    const traffic = hourlyTraffic({
      hours: WARMUP_WEEKS * WEEK + EVALUATED_HOURS,
      busyCalls: 3,
      spikes,
      seed: 4,
    });

    // Act
    const { alerts, judged } = run(traffic);

    // Assess
    expect(judged).toBe(0);
    expect(alerts).toEqual([]);
  });

  it('says what is unusual against which baseline', () => {
    // Prepare
    const hour = { calls: 100, errors: 2, costNanoUsd: 10_000_000_000, p95LatencyMs: 2_000 };
    const baseline = [1, 1.1, 0.9, 1, 1.05].map((f) => ({ ...hour, costNanoUsd: f * 2_000_000_000 }));

    // Act
    const found = detectAnomalies(hour, baseline);

    // Assess: median $2, MAD $0.1 → scale max(0.148, 0.25 × 2 = 0.5) = $0.5; score (10 − 2) / 0.5 = 16.
    expect(found).toEqual([
      {
        metric: 'spend',
        value: 10_000_000_000,
        baselineMedian: 2_000_000_000,
        baselineScale: 500_000_000,
        baselineHours: 5,
        score: 16,
      },
    ]);
  });

  it('judges nothing without enough baseline hours', () => {
    // Act
    const found = detectAnomalies({ calls: 100, errors: 90, costNanoUsd: 1e12, p95LatencyMs: 60_000 }, [
      { calls: 100, errors: 0, costNanoUsd: 1e9, p95LatencyMs: 1_000 },
      { calls: 100, errors: 0, costNanoUsd: 1e9, p95LatencyMs: 1_000 },
    ]);

    // Assess
    expect(found).toEqual([]);
  });
});

describe('binomialUpperTail', () => {
  it.each([
    [2, 4, 0.5, 11 / 16],
    [0, 10, 0.3, 1],
    [11, 10, 0.3, 0],
    [3, 3, 0.1, 0.001],
  ])('P(X >= %i) for n=%i, p=%d is %d', (k, n, p, expected) => {
    // Act
    const tail = binomialUpperTail(k, n, p);

    // Assess
    expect(tail).toBeCloseTo(expected, 12);
  });
});
