import {
  COUNTER,
  ERROR_CLASS,
  errorCounter,
  histogramPercentile,
  LATENCY_BUCKETS_MS,
  latencyBucketCounter,
  nanoToUsd,
  type RollupCounters,
  ttftBucketCounter,
} from 'claude-monitor/domain';

/** Usage and cost figures, as every endpoint names them. */
export interface UsageTotals {
  calls: number;
  cost_usd: number;
  cost_nano_usd: number;
  input_tokens: number;
  output_tokens: number;
  cache_write_5m_tokens: number;
  cache_write_1h_tokens: number;
  cache_read_tokens: number;
  total_tokens: number;
  web_search_requests: number;
  web_fetch_requests: number;
}

/** The full set of summary figures: the token and request totals of `UsageTotals`, and more. */
export interface SummaryTotals extends Omit<UsageTotals, 'calls' | 'cost_usd' | 'cost_nano_usd'> {
  total_calls: number;
  successful_calls: number;
  failed_calls: number;
  /** Percent of calls that succeeded, 0–100 (0 when there were no calls). */
  success_rate: number;
  total_cost_usd: number;
  total_cost_nano_usd: number;
  unpriced_calls: number;
  average_latency_ms: number | null;
  p50_latency_ms: number | null;
  p95_latency_ms: number | null;
  p99_latency_ms: number | null;
  average_ttft_ms: number | null;
  p50_ttft_ms: number | null;
  p95_ttft_ms: number | null;
  p99_ttft_ms: number | null;
  errors_by_class: Record<string, number>;
}

const n = (counters: RollupCounters, name: string): number => counters[name] ?? 0;

const average = (sum: number, count: number): number | null =>
  count === 0 ? null : Math.round((sum / count) * 10) / 10;

export const usageOf = (c: RollupCounters): UsageTotals => {
  const tokens = {
    input_tokens: n(c, COUNTER.inputTokens),
    output_tokens: n(c, COUNTER.outputTokens),
    cache_write_5m_tokens: n(c, COUNTER.cacheWrite5mTokens),
    cache_write_1h_tokens: n(c, COUNTER.cacheWrite1hTokens),
    cache_read_tokens: n(c, COUNTER.cacheReadTokens),
  };
  return {
    calls: n(c, COUNTER.calls),
    cost_usd: nanoToUsd(n(c, COUNTER.costNanoUsd)),
    cost_nano_usd: n(c, COUNTER.costNanoUsd),
    ...tokens,
    total_tokens: Object.values(tokens).reduce((a, b) => a + b, 0),
    web_search_requests: n(c, COUNTER.webSearchRequests),
    web_fetch_requests: n(c, COUNTER.webFetchRequests),
  };
};

export const summaryOf = (c: RollupCounters): SummaryTotals => {
  const usage = usageOf(c);
  const calls = usage.calls;
  const percentile = (bucket: (i: number) => string, p: number): number | null =>
    histogramPercentile(c, bucket, LATENCY_BUCKETS_MS, p) ?? null;
  return {
    total_calls: calls,
    successful_calls: n(c, COUNTER.successes),
    failed_calls: n(c, COUNTER.errors),
    success_rate: calls === 0 ? 0 : Math.round((n(c, COUNTER.successes) / calls) * 10_000) / 100,
    total_cost_usd: usage.cost_usd,
    total_cost_nano_usd: usage.cost_nano_usd,
    input_tokens: usage.input_tokens,
    output_tokens: usage.output_tokens,
    cache_write_5m_tokens: usage.cache_write_5m_tokens,
    cache_write_1h_tokens: usage.cache_write_1h_tokens,
    cache_read_tokens: usage.cache_read_tokens,
    total_tokens: usage.total_tokens,
    web_search_requests: usage.web_search_requests,
    web_fetch_requests: usage.web_fetch_requests,
    unpriced_calls: n(c, COUNTER.unpricedCalls),
    average_latency_ms: average(n(c, COUNTER.latencySumMs), n(c, COUNTER.latencyCount)),
    p50_latency_ms: percentile(latencyBucketCounter, 50),
    p95_latency_ms: percentile(latencyBucketCounter, 95),
    p99_latency_ms: percentile(latencyBucketCounter, 99),
    average_ttft_ms: average(n(c, COUNTER.ttftSumMs), n(c, COUNTER.ttftCount)),
    p50_ttft_ms: percentile(ttftBucketCounter, 50),
    p95_ttft_ms: percentile(ttftBucketCounter, 95),
    p99_ttft_ms: percentile(ttftBucketCounter, 99),
    errors_by_class: Object.fromEntries(
      Object.values(ERROR_CLASS).map((cls) => [cls, n(c, errorCounter(cls))]),
    ),
  };
};
