import { computeCost } from 'claude-monitor';
import { DEFAULT_RETENTION_DAYS, EMPTY_USAGE, NANO_PER_USD, type TokenUsage } from 'claude-monitor/domain';
import { AWS_PRICES, HOSTED_ALTERNATIVES } from './prices';

/** Assumptions of the cost model that are not measured; printed next to the figures. */
export const COST_ASSUMPTIONS = {
  /** Memory of the caller's Lambda, whose added duration monitoring pays for. */
  callerMemoryMb: 512,
  /** Memory of the aggregator and API functions, as the CDK stack deploys them. */
  aggregatorMemoryMb: 512,
  apiMemoryMb: 512,
  /** Summary requests (dashboard refreshes, scripts) per million monitored calls. */
  apiRequestsPerMillionCalls: 1_000,
  /** Days raw call records are kept (the default TTL). */
  retentionDays: DEFAULT_RETENTION_DAYS,
  /** Storage DynamoDB adds to every item, and to every index entry (DynamoDB's item-size rules). */
  itemOverheadBytes: 100,
} as const;

/** What the dollar figures are computed from: every number here is measured by the benchmark. */
export interface CostInputs {
  /** Write units of one call record (table only). */
  recordWriteUnits: number;
  /**
   * Write units per call of the record's session-index entry: none since records carry no session-index
   * keys; measured on the workload's records for the layout before.
   */
  sessionIndexWriteUnits: number;
  /** Average stored size of a call record, bytes. */
  recordBytes: number;
  aggregatorWriteUnitsPerCall: number;
  aggregatorReadUnitsPerCall: number;
  aggregatorRecordsPerSecond: number;
  /** Stream records per aggregator invocation, as measured (the deployed default). */
  aggregatorBatchSize: number;
  /** Records per flush in the measured invocations (one Claude call per invocation: the most flushes). */
  recordsPerFlush: number;
  /** Added median time of one call in the caller's Lambda, and of the flush at the invocation's end. */
  callerAddedMs: number;
  flushMs: number;
  /** Bytes of EMF metric log lines one healthy flush writes in the caller's log (none now). */
  metricLogBytesPerFlush: number;
  /** Bytes of EMF metric log lines the aggregator writes per call it counts (one document per batch and pair). */
  aggregatorMetricLogBytesPerCall: number;
  /** Items one 30-day summary reads, and its server-side median time. */
  summaryItems: number;
  summaryMs: number;
}

export interface DollarFigures {
  /** USD per million monitored calls, by part. */
  parts: {
    recordWrites: number;
    aggregatorDynamo: number;
    aggregatorLambda: number;
    callerLambdaDuration: number;
    metricLogs: number;
    api: number;
  };
  awsUsdPerMillionCalls: number;
  /** Storage of one million raw records kept for the retention period (not in the per-million figure). */
  storageUsdPerMillionCallsRetained: number;
  claudeUsdPerMillionCalls: number;
  awsShareOfClaudeSpendPercent: number;
  hosted: {
    name: string;
    plan: string;
    usdPerMillionCalls: number | undefined;
    assumption: string;
    source: string;
  }[];
}

/** A typical mix of calls: mostly Sonnet with prompt caching, some Haiku, a little Opus. */
export const TYPICAL_CALL_MIX: readonly { model: string; share: number; usage: TokenUsage }[] = [
  {
    model: 'claude-sonnet-4-6',
    share: 0.6,
    usage: { ...EMPTY_USAGE, inputTokens: 3_000, cacheReadTokens: 2_000, outputTokens: 500 },
  },
  { model: 'claude-haiku-4-5', share: 0.3, usage: { ...EMPTY_USAGE, inputTokens: 1_500, outputTokens: 300 } },
  {
    model: 'claude-opus-4-8',
    share: 0.1,
    usage: { ...EMPTY_USAGE, inputTokens: 5_000, cacheReadTokens: 10_000, outputTokens: 1_000 },
  },
];

const MILLION = 1_000_000;
const gbSeconds = (ms: number, memoryMb: number): number => (ms / 1_000) * (memoryMb / 1_024);

/** Claude spend of one million calls of `TYPICAL_CALL_MIX`, in USD, from the layer's own price table. */
export const claudeUsdPerMillionCalls = (): number =>
  TYPICAL_CALL_MIX.reduce((sum, { model, share, usage }) => {
    const cost = computeCost(model, usage);
    if (!cost.priced) throw new Error(`typical call mix names an unpriced model: ${model}`);
    return sum + (share * MILLION * cost.totalNanoUsd) / NANO_PER_USD;
  }, 0);

/** AWS charges of monitoring one million Claude calls, from measured counts and `AWS_PRICES`. */
export const computeDollars = (inputs: CostInputs): DollarFigures => {
  const a = COST_ASSUMPTIONS;
  const p = AWS_PRICES;
  const recordUnits = inputs.recordWriteUnits + inputs.sessionIndexWriteUnits;
  const invocations = MILLION / inputs.aggregatorBatchSize;
  const flushes = MILLION / inputs.recordsPerFlush;
  const aggregatorSeconds = MILLION / inputs.aggregatorRecordsPerSecond;
  const parts = {
    recordWrites: MILLION * recordUnits * p.dynamoWriteRequestUnit.usd,
    aggregatorDynamo:
      MILLION *
      (inputs.aggregatorWriteUnitsPerCall * p.dynamoWriteRequestUnit.usd +
        inputs.aggregatorReadUnitsPerCall * p.dynamoReadRequestUnit.usd),
    aggregatorLambda:
      invocations * p.lambdaRequest.usd +
      gbSeconds(aggregatorSeconds * 1_000, a.aggregatorMemoryMb) * p.lambdaArmGbSecond.usd,
    callerLambdaDuration:
      (MILLION * gbSeconds(Math.max(0, inputs.callerAddedMs), a.callerMemoryMb) +
        flushes * gbSeconds(inputs.flushMs, a.callerMemoryMb)) *
      p.lambdaArmGbSecond.usd,
    metricLogs:
      ((flushes * inputs.metricLogBytesPerFlush + MILLION * inputs.aggregatorMetricLogBytesPerCall) *
        p.cloudwatchLogsIngestGb.usd) /
      1024 ** 3,
    api:
      a.apiRequestsPerMillionCalls *
      (p.httpApiRequest.usd +
        p.lambdaRequest.usd +
        gbSeconds(inputs.summaryMs, a.apiMemoryMb) * p.lambdaArmGbSecond.usd +
        // Upper bound: one read unit per item (rollups are well under 4 KB).
        inputs.summaryItems * p.dynamoReadRequestUnit.usd),
  };
  const awsUsdPerMillionCalls = Object.values(parts).reduce((sum, usd) => sum + usd, 0);
  const claude = claudeUsdPerMillionCalls();
  const storedGb = (MILLION * (inputs.recordBytes + a.itemOverheadBytes)) / 1024 ** 3;
  return {
    parts,
    awsUsdPerMillionCalls,
    storageUsdPerMillionCallsRetained: storedGb * p.dynamoStorageGbMonth.usd * (a.retentionDays / 30),
    claudeUsdPerMillionCalls: claude,
    awsShareOfClaudeSpendPercent: (100 * awsUsdPerMillionCalls) / claude,
    hosted: HOSTED_ALTERNATIVES.map((h) => ({
      name: h.name,
      plan: h.plan,
      usdPerMillionCalls: h.usdForCalls(MILLION),
      assumption: h.assumption,
      source: h.source,
    })),
  };
};
