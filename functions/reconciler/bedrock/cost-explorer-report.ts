import {
  type CostExplorerClient,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandOutput,
  GetDimensionValuesCommand,
} from '@aws-sdk/client-cost-explorer';
import type { PriceTable } from 'claude-monitor/pricing';
import type { BilledCostRow, BillingReader } from '../billed';
import { decimalToNano } from '../decimal';
import { BilledFigureError, BillingSourceError } from '../errors';
import { isClaudeOnBedrock, kindOfUsageType, modelOfService } from './service-names';

/** Cost Explorer answers a page at a time; a runaway cursor must not run up its $0.01-per-request fee. */
const MAX_PAGES = 50;
const COST_METRIC = 'UnblendedCost';

const costExplorerError = (what: string, error: unknown): BillingSourceError => {
  if (error instanceof BillingSourceError) return error;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  return new BillingSourceError(
    `Cost Explorer ${what} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${message}`,
    status === undefined ? { cause: error } : { cause: error, status },
  );
};

/** Every `Claude … (Amazon Bedrock Edition)` service with cost in the range. */
const claudeServices = async (client: CostExplorerClient, start: string, end: string): Promise<string[]> => {
  const services: string[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const out = await client.send(
      new GetDimensionValuesCommand({
        TimePeriod: { Start: start, End: end },
        Dimension: 'SERVICE',
        SearchString: 'Claude',
        Context: 'COST_AND_USAGE',
        ...(token ? { NextPageToken: token } : {}),
      }),
    );
    for (const value of out.DimensionValues ?? []) {
      if (value.Value && isClaudeOnBedrock(value.Value)) services.push(value.Value);
    }
    token = out.NextPageToken;
    if (!token) return services;
  }
  throw new BillingSourceError(`Cost Explorer returned more than ${MAX_PAGES} pages of service names`);
};

const rowsOf = (out: GetCostAndUsageCommandOutput, prices: PriceTable): BilledCostRow[] =>
  (out.ResultsByTime ?? []).flatMap((result) =>
    (result.Groups ?? []).map((group): BilledCostRow => {
      const [service = '', usageType = ''] = group.Keys ?? [];
      const metric = group.Metrics?.[COST_METRIC];
      if (metric?.Unit !== undefined && metric.Unit !== 'USD') {
        throw new BilledFigureError(`${COST_METRIC} of ${service} is in ${metric.Unit}, expected USD`);
      }
      return {
        day: result.TimePeriod?.Start ?? '',
        model: modelOfService(service, prices),
        apiKeyId: null,
        workspaceId: null,
        kind: kindOfUsageType(usageType),
        costNanoUsd: decimalToNano(metric?.Amount ?? '0', 'dollars', `${COST_METRIC} of ${service}`),
      };
    }),
  );

/**
 * Claude's Bedrock bill from Cost Explorer: `GetDimensionValues` finds the Claude services with cost in the
 * range, then `GetCostAndUsage` (DAILY, `UnblendedCost`, grouped by SERVICE and USAGE_TYPE, filtered to those
 * services) reads their cost per day, model and usage type, following `NextPageToken` to the last page.
 * Usage quantities are in each usage type's own unit, so Bedrock is compared in dollars only.
 *
 * Docs: docs.aws.amazon.com/aws-cost-management/latest/APIReference/API_GetCostAndUsage.html
 */
export const costExplorerReader =
  (client: CostExplorerClient, prices: PriceTable): BillingReader =>
  async (fromDay, toDay) => {
    let services: string[];
    try {
      services = await claudeServices(client, fromDay, toDay);
    } catch (error) {
      throw costExplorerError('GetDimensionValues', error);
    }
    if (services.length === 0)
      return { usage: [], costs: [], hasTokenCounts: false, costByApiKey: false, estimatedDays: [] };

    const costs: BilledCostRow[] = [];
    const estimated = new Set<string>();
    let token: string | undefined;
    try {
      for (let page = 0; ; page++) {
        if (page === MAX_PAGES) {
          throw new BillingSourceError(`Cost Explorer returned more than ${MAX_PAGES} pages of cost`);
        }
        const out = await client.send(
          new GetCostAndUsageCommand({
            TimePeriod: { Start: fromDay, End: toDay },
            Granularity: 'DAILY',
            Metrics: [COST_METRIC],
            Filter: { Dimensions: { Key: 'SERVICE', Values: services } },
            GroupBy: [
              { Type: 'DIMENSION', Key: 'SERVICE' },
              { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
            ],
            ...(token ? { NextPageToken: token } : {}),
          }),
        );
        costs.push(...rowsOf(out, prices));
        for (const result of out.ResultsByTime ?? []) {
          if (result.Estimated && result.TimePeriod?.Start) estimated.add(result.TimePeriod.Start);
        }
        token = out.NextPageToken;
        if (!token) break;
      }
    } catch (error) {
      throw costExplorerError('GetCostAndUsage', error);
    }
    return {
      usage: [],
      costs,
      hasTokenCounts: false,
      costByApiKey: false,
      estimatedDays: [...estimated].sort(),
    };
  };
