import type Anthropic from '@anthropic-ai/sdk';
import {
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

/** Rows per page; the most the endpoints allow (fan-out rows of `cost_type`/`token_type` come on top). */
const PAGE_SIZE = 1000;

/**
 * The bill from the Usage and Cost Analytics API (beta `analytics-usage-cost-2026-08-24`, sent by the SDK):
 * `GET /v1/organizations/analytics/usage` and `/cost` with daily buckets, grouped by model, API key and
 * workspace (and cost by `cost_type` and `token_type`), every page read through the SDK's cursor.
 * Amounts are decimal strings of (fractional) cents, converted exactly.
 *
 * Docs: platform.claude.com/docs/en/api/beta/organization/analytics/usage/list and …/cost/list.
 */
export const analyticsReader =
  (client: Anthropic): BillingReader =>
  async (fromDay, toDay) => {
    const range = {
      starting_at: dayStart(fromDay),
      ending_at: dayStart(toDay),
      time_bucket_width: '1d' as const,
      limit: PAGE_SIZE,
    };
    const usage: BilledUsageRow[] = [];
    try {
      const pages = client.beta.organization.analytics.usage.list({
        ...range,
        group_by: ['model', 'api_key_id', 'workspace_id'],
      });
      for await (const row of pages) {
        const { tokens, webSearch } = anthropicTokens(row.usage);
        usage.push({
          day: dayOf(row.starting_at),
          model: row.group.model,
          apiKeyId: row.group.api_key_id,
          workspaceId: row.group.workspace_id,
          tokens,
          webSearchRequests: webSearch,
        });
      }
    } catch (error) {
      throw adminApiError('usage report', error);
    }

    const costs: BilledCostRow[] = [];
    try {
      const pages = client.beta.organization.analytics.cost.list({
        ...range,
        group_by: ['model', 'api_key_id', 'workspace_id', 'cost_type', 'token_type'],
      });
      for await (const row of pages) {
        if (row.cost.currency !== 'USD') {
          throw new BilledFigureError(`cost report currency is ${row.cost.currency}, expected USD`);
        }
        costs.push({
          day: dayOf(row.starting_at),
          model: row.group.model,
          apiKeyId: row.group.api_key_id,
          workspaceId: row.group.workspace_id,
          kind: anthropicCostKind(row.group.cost_type, row.group.token_type),
          costNanoUsd: decimalToNano(row.cost.amount, 'cents', 'cost.amount'),
        });
      }
    } catch (error) {
      throw adminApiError('cost report', error);
    }
    return { usage, costs, hasTokenCounts: true, costByApiKey: true, estimatedDays: [] };
  };
