import type Anthropic from '@anthropic-ai/sdk';
import { ReportPageCursor } from '@anthropic-ai/sdk/core/pagination';
import {
  type AnthropicUsageFields,
  anthropicCostKind,
  anthropicTokens,
  type BilledCostRow,
  type BilledUsageRow,
  type BillingReader,
  dayOf,
  dayStart,
} from '../billed';
import { decimalToNano } from '../decimal';
import { BilledFigureError } from '../errors';
import { adminApiError } from './admin-client';

/** A daily bucket of the legacy reports: `{ starting_at, ending_at, results: [...] }`. */
interface Bucket<Result> {
  starting_at: string;
  ending_at: string;
  results: Result[] | null;
}

interface UsageResult extends AnthropicUsageFields {
  api_key_id?: string | null;
  workspace_id?: string | null;
  model?: string | null;
}

interface CostResult {
  amount: string;
  currency: string;
  workspace_id?: string | null;
  model?: string | null;
  cost_type?: string | null;
  token_type?: string | null;
}

export const LEGACY_PATHS = {
  usage: '/v1/organizations/usage_report/messages',
  cost: '/v1/organizations/cost_report',
} as const;

/** Daily buckets per page: the most `bucket_width=1d` allows. */
const BUCKETS_PER_PAGE = 31;

/**
 * Pages through a legacy report with the SDK's own cursor page, which reads `data`, `has_more` and
 * `next_page` and sends `page` — the documented pagination of these endpoints. This is the one place the
 * project calls the SDK's `getAPIList` with a path of its own (checked against @anthropic-ai/sdk 1.14.0,
 * whose typed resources no longer include the legacy reports); the stand-in tests page through it.
 */
const buckets = <Result>(client: Anthropic, path: string, query: Record<string, unknown>) =>
  client.getAPIList<Bucket<Result>, ReportPageCursor<Bucket<Result>>>(path, ReportPageCursor, { query });

/**
 * The bill from the legacy Usage and Cost API: `GET /v1/organizations/usage_report/messages` (grouped by
 * model, API key and workspace) and `GET /v1/organizations/cost_report` (grouped by workspace and
 * description, which breaks cost out by model, cost type and token type). The cost report has no API-key
 * dimension, so cost rows carry `apiKeyId: null`. Amounts are decimal strings of cents.
 *
 * Docs: platform.claude.com/docs/en/api/admin-api/usage-cost/get-messages-usage-report and
 * …/get-cost-report.
 */
export const usageCostReader =
  (client: Anthropic): BillingReader =>
  async (fromDay, toDay) => {
    const range = {
      starting_at: dayStart(fromDay),
      ending_at: dayStart(toDay),
      bucket_width: '1d',
      limit: BUCKETS_PER_PAGE,
    };
    const usage: BilledUsageRow[] = [];
    try {
      const pages = buckets<UsageResult>(client, LEGACY_PATHS.usage, {
        ...range,
        group_by: ['model', 'api_key_id', 'workspace_id'],
      });
      for await (const bucket of pages) {
        for (const result of bucket.results ?? []) {
          const { tokens, webSearch } = anthropicTokens(result);
          usage.push({
            day: dayOf(bucket.starting_at),
            model: result.model ?? null,
            apiKeyId: result.api_key_id ?? null,
            workspaceId: result.workspace_id ?? null,
            tokens,
            webSearchRequests: webSearch,
          });
        }
      }
    } catch (error) {
      throw adminApiError('usage report', error);
    }

    const costs: BilledCostRow[] = [];
    try {
      const pages = buckets<CostResult>(client, LEGACY_PATHS.cost, {
        ...range,
        group_by: ['workspace_id', 'description'],
      });
      for await (const bucket of pages) {
        for (const result of bucket.results ?? []) {
          if (result.currency !== 'USD') {
            throw new BilledFigureError(`cost report currency is ${result.currency}, expected USD`);
          }
          costs.push({
            day: dayOf(bucket.starting_at),
            model: result.model ?? null,
            apiKeyId: null,
            workspaceId: result.workspace_id ?? null,
            kind: anthropicCostKind(result.cost_type ?? null, result.token_type ?? null),
            costNanoUsd: decimalToNano(result.amount, 'cents', 'amount'),
          });
        }
      }
    } catch (error) {
      throw adminApiError('cost report', error);
    }
    return { usage, costs, hasTokenCounts: true, costByApiKey: false, estimatedDays: [] };
  };
