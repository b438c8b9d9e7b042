/**
 * Public list prices the dollar figures are computed from. AWS prices are for us-east-1 (N. Virginia),
 * on-demand, without free tiers or savings plans. Each entry names its source and the day it was checked;
 * update both together.
 */
export const PRICES_CHECKED_ON = '2026-11-29';
export const PRICE_REGION = 'us-east-1';

export interface ListPrice {
  readonly usd: number;
  readonly per: string;
  readonly source: string;
}

export const AWS_PRICES = {
  /** On-demand write request unit (1 KB standard write); halved on 2024-11-01. */
  dynamoWriteRequestUnit: {
    usd: 0.625 / 1_000_000,
    per: 'write request unit',
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million WRU since the 2024-11-01 cut; AWS News Blog post on DynamoDB on-demand, updated 2025-01-31)',
  },
  /** On-demand read request unit (4 KB strongly consistent, or two eventually consistent reads). */
  dynamoReadRequestUnit: {
    usd: 0.125 / 1_000_000,
    per: 'read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.125 per million RRU)',
  },
  /** Standard table class storage, first 25 GB free (not applied here). */
  dynamoStorageGbMonth: {
    usd: 0.25,
    per: 'GB-month',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/ (data storage, Standard table class)',
  },
  lambdaRequest: {
    usd: 0.2 / 1_000_000,
    per: 'invocation',
    source: 'https://aws.amazon.com/lambda/pricing/ ($0.20 per million requests)',
  },
  /** arm64, first 7.5 billion GB-seconds a month. */
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 'GB-second (arm64)',
    source: 'https://aws.amazon.com/lambda/pricing/ (Arm price, first 7.5 billion GB-s per month)',
  },
  /** HTTP API, first 300 million requests a month. */
  httpApiRequest: {
    usd: 1 / 1_000_000,
    per: 'request',
    source:
      'https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, $1.00 per million for the first 300 million)',
  },
  /** Standard log class ingestion; the layer's metrics are EMF log lines. */
  cloudwatchLogsIngestGb: {
    usd: 0.5,
    per: 'GB ingested',
    source: 'https://aws.amazon.com/cloudwatch/pricing/ (Logs, Standard class ingestion $0.50 per GB)',
  },
  /** Custom metrics are billed per metric-month, whatever the number of calls. */
  cloudwatchMetricMonth: {
    usd: 0.3,
    per: 'custom metric-month (first 10,000)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/ (metrics, $0.30 per metric per month)',
  },
} as const satisfies Record<string, ListPrice>;

/** A hosted alternative's bill for one month with a given number of traced calls. */
export interface HostedAlternative {
  readonly name: string;
  readonly plan: string;
  /** USD for one month with `calls` calls, or undefined when there is no public list price. */
  usdForCalls(calls: number): number | undefined;
  readonly assumption: string;
  readonly source: string;
}

/** Graduated price: `tiers` are [upper bound of the tier, USD per unit inside it]. */
const graduated = (units: number, tiers: readonly (readonly [number, number])[]): number => {
  let usd = 0;
  let lower = 0;
  for (const [upper, rate] of tiers) {
    if (units <= lower) break;
    usd += (Math.min(units, upper) - lower) * rate;
    lower = upper;
  }
  return usd;
};

export const HOSTED_ALTERNATIVES: readonly HostedAlternative[] = [
  {
    name: 'Helicone',
    plan: 'Pro ($79/month) + request tiers',
    usdForCalls: (calls) =>
      79 +
      graduated(calls, [
        [10_000, 0],
        [30_000, 0.0007],
        [90_000, 0.00035],
        [250_000, 0.000175],
        [800_000, 0.0000875],
        [2_500_000, 0.00004375],
        [Number.POSITIVE_INFINITY, 0.00002],
      ]),
    assumption:
      'one logged request per call; storage charges per GB come on top; hosted product in maintenance mode in 2026',
    source:
      'helicone.ai/pricing; request tiers from the Helicone repository, packages/pricing/tiers.ts (as of 2026-02-14); Pro $79/month per hivebook.wiki Helicone entry',
  },
  {
    name: 'Langfuse Cloud',
    plan: 'Core ($29/month, 100k units included)',
    usdForCalls: (calls) =>
      29 +
      graduated(2 * calls, [
        [100_000, 0],
        [1_000_000, 8 / 100_000],
        [10_000_000, 7 / 100_000],
        [50_000_000, 6.5 / 100_000],
        [Number.POSITIVE_INFINITY, 6 / 100_000],
      ]),
    assumption: 'two units per call (one trace, one generation); no scores',
    source:
      'langfuse.com/pricing (units: $8 per 100k to 1M, $7 to 10M), as verified 2026-06-09 by usagepricing.com/blueprint/langfuse',
  },
  {
    name: 'LiteLLM proxy',
    plan: 'open source, self-hosted',
    usdForCalls: () => undefined,
    assumption:
      'no per-call fee; you run the proxy (a server in the request path) and its PostgreSQL; Enterprise licence has no public list price',
    source: 'docs.litellm.ai/docs/enterprise',
  },
];
