import Anthropic from '@anthropic-ai/sdk';
import { ENV, formatUsd } from 'claude-monitor/domain';
import { computeCost, PRICE_TABLE, resolveModel } from 'claude-monitor/pricing';
import type { ReconcileReport } from '../../functions/reconciler/reconcile';
import { billAtListPrice } from './admin-api-ledger';
import { ADMIN_STAND_IN_ROUTES } from './admin-api-stub';
import type { AnthropicStub } from './anthropic-stub';
import { COST_EXPLORER_STAND_IN_ROUTE, type CostExplorerLine } from './cost-explorer-stub';
import { type BillableCall, usageOfResponse } from './demo-manifest';
import { type DemoCall, SURCHARGE_PERCENT, SURCHARGED_MODEL } from './demo-plan';
import { LOCAL_API_KEYS, LOCAL_RECONCILIATION_SETTINGS, LOCAL_WORKSPACE } from './local-reconciliation';
import { LocalStackError } from './local-stack-errors';
import type { MonitorApiClient } from './monitor-api-client';
import type { StackState } from './stack-state';

type Log = (line: string) => void;

/**
 * Calls another team makes with its own key and a plain SDK client: the Messages API serves (and bills)
 * them, the monitor never sees them.
 */
export const sendUnmonitored = async (
  stub: AnthropicStub,
  calls: DemoCall[],
  log: Log,
): Promise<BillableCall[]> => {
  const client = new Anthropic({
    apiKey: LOCAL_API_KEYS.unmonitored.secret,
    baseURL: stub.url,
    maxRetries: 0,
  });
  const billable: BillableCall[] = [];
  for (const call of calls) {
    stub.enqueue(...(call.replies ?? []));
    const at = new Date().toISOString();
    const message = await client.messages.create({
      model: call.model,
      max_tokens: call.maxTokens ?? 300,
      messages: [{ role: 'user', content: call.prompt }],
    });
    billable.push({ at, platform: 'anthropic', model: message.model, usage: usageOfResponse(message.usage) });
    const u = message.usage;
    log(
      `  ${'ok'.padEnd(7)}${'batch-job'.padEnd(15)}${call.model.padEnd(18)}${'create'.padEnd(7)}in ${u.input_tokens} out ${u.output_tokens}  (plain client, key ${LOCAL_API_KEYS.unmonitored.id}: not monitored)`,
    );
  }
  return billable;
};

const USAGE_TYPES = {
  input: 'USE1-MP:USE1_InputTokenCount-Units',
  output: 'USE1-MP:USE1_OutputTokenCount-Units',
  cacheRead: 'USE1-MP:USE1_CacheReadInputTokenCount-Units',
  cacheWrite: 'USE1-MP:USE1_CacheWriteInputTokenCount-Units',
} as const;

/** What Cost Explorer lists for a Bedrock call: a line per token kind, under the model's Bedrock service. */
const costExplorerLines = (call: BillableCall): CostExplorerLine[] => {
  const cost = computeCost(call.model, call.usage, { at: new Date(call.at) });
  const model = resolveModel(call.model)?.model;
  const service = `${model ? PRICE_TABLE.models[model]!.name : call.model} (Amazon Bedrock Edition)`;
  const day = call.at.slice(0, 10);
  return [
    { day, service, usageType: USAGE_TYPES.input, costNanoUsd: cost.inputNanoUsd },
    { day, service, usageType: USAGE_TYPES.output, costNanoUsd: cost.outputNanoUsd },
    { day, service, usageType: USAGE_TYPES.cacheRead, costNanoUsd: cost.cacheReadNanoUsd },
    {
      day,
      service,
      usageType: USAGE_TYPES.cacheWrite,
      costNanoUsd: cost.cacheWrite5mNanoUsd + cost.cacheWrite1hNanoUsd,
    },
  ].filter((line) => line.costNanoUsd !== 0);
};

const post = async (url: string, body: unknown, headers: Record<string, string> = {}): Promise<void> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok)
    throw new LocalStackError(
      `the billing stand-in refused ${url}: ${response.status} ${await response.text()}`,
    );
};

/**
 * Hands the demo's traffic to the stand-in bills: the monitored calls at list price under the monitored key,
 * except one model billed 5% dearer (a deliberate mismatch); the plain client's calls under their own key;
 * the Bedrock calls to Cost Explorer. Returns the first UTC day billed.
 */
export const sendBills = async (
  state: StackState,
  monitored: readonly BillableCall[],
  unmonitored: readonly BillableCall[],
): Promise<string> => {
  const admin = [
    ...monitored
      .filter((call) => call.platform === 'anthropic')
      .map((call) => ({ call, apiKeyId: LOCAL_API_KEYS.monitored.id })),
    ...unmonitored.map((call) => ({ call, apiKeyId: LOCAL_API_KEYS.unmonitored.id })),
  ].map(({ call, apiKeyId }) =>
    billAtListPrice({
      at: call.at,
      model: resolveModel(call.model)?.model ?? call.model,
      apiKeyId,
      workspaceId: LOCAL_WORKSPACE,
      usage: call.usage,
      surchargePercent:
        call.model === SURCHARGED_MODEL && apiKeyId === LOCAL_API_KEYS.monitored.id ? SURCHARGE_PERCENT : 0,
    }),
  );
  const lines = monitored.filter((call) => call.platform === 'bedrock').flatMap(costExplorerLines);
  await post(`${state.adminApiUrl}${ADMIN_STAND_IN_ROUTES.calls}`, admin, { 'x-api-key': state.adminKey });
  await post(`${state.costExplorerEndpoint}${COST_EXPLORER_STAND_IN_ROUTE}`, lines);
  return (
    [...monitored, ...unmonitored].map((call) => call.at.slice(0, 10)).sort()[0] ??
    new Date().toISOString().slice(0, 10)
  );
};

/**
 * Runs the reconciler of the stack for the days of the demo, today included (the schedule reconciles
 * complete days only): the same code as the Lambda function, against the stack's table, topic and stand-ins.
 */
export const reconcileDemoDays = async (state: StackState, from: string): Promise<ReconcileReport> => {
  Object.assign(process.env, {
    [ENV.snsEndpoint]: state.snsEndpoint,
    [ENV.alertTopicArn]: state.alertTopicArn,
    [ENV.adminKey]: state.adminKey,
    [ENV.adminApiUrl]: state.adminApiUrl,
    [ENV.costExplorerEndpoint]: state.costExplorerEndpoint,
    [ENV.reconciliationConfig]: JSON.stringify(LOCAL_RECONCILIATION_SETTINGS),
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
  });
  const { createReconcilerRuntime } = await import('../../functions/reconciler/runtime');
  const { reconcile } = await import('../../functions/reconciler/reconcile');
  return reconcile(createReconcilerRuntime(), { from, to: new Date().toISOString().slice(0, 10) });
};

interface ServedDay {
  day: string;
  tracked_cost_nano_usd: number;
  billed_cost_nano_usd: number;
  difference_nano_usd: number;
  threshold_nano_usd: number;
  within_threshold: boolean;
  models: {
    model: string;
    tracked: { cost_nano_usd: number };
    billed: { cost_nano_usd: number };
    difference_nano_usd: number;
  }[];
  unmonitored: { api_key_id: string | null; workspace_id: string | null; cost_nano_usd: number }[];
}
interface Served {
  sources: {
    source: string;
    message: string | null;
    last_error: { message: string } | null;
    days: ServedDay[];
  }[];
}

const signed = (nano: number): string =>
  nano === 0 ? '$0 (match to the nano-dollar)' : `${nano > 0 ? '+' : '-'}${formatUsd(Math.abs(nano))}`;
const TITLES: Record<string, string> = {
  anthropic: 'Claude API bill (Admin API stand-in)',
  bedrock: 'Bedrock bill (Cost Explorer stand-in)',
};

/** Prints what the API serves for the reconciled days: per source and model, tracked against billed. */
export const printReconciliation = async (log: Log, api: MonitorApiClient, days: number): Promise<void> => {
  const served = await api.json<Served>(`/api/monitoring/reconciliation?days=${days}`);
  log('\nTracked against billed (GET /api/monitoring/reconciliation):');
  for (const source of served.sources) {
    log(`  ${TITLES[source.source] ?? source.source}`);
    if (source.message) log(`    ${source.message}`);
    if (source.last_error) log(`    last run failed: ${source.last_error.message}`);
    for (const day of source.days.filter((d) => d.models.length > 0 || d.unmonitored.length > 0)) {
      const verdict = day.within_threshold ? 'within' : 'OVER';
      log(
        `    ${day.day}  tracked ${formatUsd(day.tracked_cost_nano_usd)}  billed ${formatUsd(day.billed_cost_nano_usd)}  difference ${signed(day.difference_nano_usd)}  (${verdict} the ${formatUsd(day.threshold_nano_usd)} tolerance)`,
      );
      for (const model of day.models) {
        const note =
          model.model === resolveModel(SURCHARGED_MODEL)?.model && model.difference_nano_usd > 0
            ? `  <- billed ${SURCHARGE_PERCENT}% above list price on purpose`
            : '';
        log(
          `      ${model.model.padEnd(28)} tracked ${model.tracked.cost_nano_usd} nano-USD, billed ${model.billed.cost_nano_usd}: ${signed(model.difference_nano_usd)}${note}`,
        );
      }
      for (const spend of day.unmonitored) {
        log(
          `      unmonitored: ${formatUsd(spend.cost_nano_usd)} under ${spend.api_key_id ?? `workspace ${spend.workspace_id}`}`,
        );
      }
    }
  }
};
