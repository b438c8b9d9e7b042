import type { RollupCounters } from 'claude-monitor/domain';
import { summaryOf } from './totals';

/**
 * Reliability and speed of one time bucket: failures by error class and latency / time-to-first-token
 * percentiles, read off the bucket's summed rollup histograms (histograms add up, so the percentile of a
 * day or of every model together is exact to the bucket edge, like the summary's).
 */
export interface HealthPoint {
  bucket: string;
  calls: number;
  errors: number;
  /** Failed calls per error class (every class present, 0 included). */
  errors_by_class: Record<string, number>;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
  /** Null when no call of the bucket streamed (only streams have a time to first token). */
  p50_ttft_ms: number | null;
  p95_ttft_ms: number | null;
  p99_ttft_ms: number | null;
}

export const healthPointOf = (bucket: string, counters: RollupCounters | undefined): HealthPoint => {
  const s = summaryOf(counters ?? {});
  return {
    bucket,
    calls: s.total_calls,
    errors: s.failed_calls,
    errors_by_class: s.errors_by_class,
    p50_latency_ms: s.p50_latency_ms,
    p95_latency_ms: s.p95_latency_ms,
    p99_latency_ms: s.p99_latency_ms,
    p50_ttft_ms: s.p50_ttft_ms,
    p95_ttft_ms: s.p95_ttft_ms,
    p99_ttft_ms: s.p99_ttft_ms,
  };
};
