import { randomUUID } from 'node:crypto';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { createSnsClient } from 'claude-monitor/aws';
import {
  type CallRecord,
  EMPTY_USAGE,
  type Provider,
  RECONCILIATION_STATUS_PK,
  reconciliationPk,
  type TokenUsage,
} from 'claude-monitor/domain';
import { computeCost, PRICE_TABLE } from 'claude-monitor/pricing';
import { createAdminClient } from '../../../functions/reconciler/anthropic/admin-client';
import { analyticsReader } from '../../../functions/reconciler/anthropic/analytics-report';
import { usageCostReader } from '../../../functions/reconciler/anthropic/usage-cost-report';
import { costExplorerReader } from '../../../functions/reconciler/bedrock/cost-explorer-report';
import type { MonitoredScope } from '../../../functions/reconciler/compare';
import { type ReportApi, resolveReconciliationConfig } from '../../../functions/reconciler/config';
import type { ReconciledSource, ReconcilerDeps } from '../../../functions/reconciler/reconcile';
import type { DayReconciliation, ReconciliationStatus } from '../../../functions/shared/reconciliation';
import { type BilledCall, billAtListPrice } from '../../../infra/local/admin-api-ledger';
import type { AdminApiStub } from '../../../infra/local/admin-api-stub';
import type { CostExplorerLine, CostExplorerStub } from '../../../infra/local/cost-explorer-stub';
import type { TestTable } from '../../helpers/dynamodb';
import type { SnsEmulator } from '../../helpers/sns';

export const ADMIN_KEY = 'sk-ant-admin01-standin';
/** The reconciled day, and the morning after it (the default run covers the days up to yesterday). */
export const DAY = '2026-11-20';
export const RUN_AT = new Date('2026-11-21T06:15:00Z');
export const MONITORED_KEY = 'apikey_01monitored';
export const OTHER_KEY = 'apikey_01batchjobs';
export const WORKSPACE = 'wrkspc_01production';

/** A call record as the layer writes it, priced by the real price table. */
export const recordOf = (options: {
  model: string;
  usage: Partial<TokenUsage>;
  provider?: Provider;
  at?: string;
}): CallRecord => {
  const usage = { ...EMPTY_USAGE, ...options.usage };
  const at = options.at ?? `${DAY}T10:00:00.000Z`;
  return {
    callId: randomUUID(),
    timestamp: at,
    operation: 'create',
    beta: false,
    provider: options.provider ?? 'anthropic',
    requestedModel: options.model,
    model: options.model,
    status: 'success',
    usage,
    cost: computeCost(options.model, usage, { at: new Date(at) }),
    latencyMs: 900,
    attempts: 1,
  };
};

/** What Anthropic bills for these records under one key: the same usage at list price, or dearer. */
export const billedAs = (
  records: readonly CallRecord[],
  apiKeyId: string | null,
  surchargePercent = 0,
): BilledCall[] =>
  records.map((record) =>
    billAtListPrice({
      at: record.timestamp,
      model: record.model,
      apiKeyId,
      workspaceId: WORKSPACE,
      usage: record.usage,
      surchargePercent,
    }),
  );

/** Cost Explorer lines for Bedrock records: their cost per token kind, under the model's Bedrock service. */
export const bedrockLines = (
  records: readonly CallRecord[],
  service: string,
  surchargePercent = 0,
): CostExplorerLine[] =>
  records.flatMap((record) => {
    const up = (nano: number) => Math.round((nano * (100 + surchargePercent)) / 100);
    const day = record.timestamp.slice(0, 10);
    return [
      {
        day,
        service,
        usageType: 'USE1-MP:USE1_InputTokenCount-Units',
        costNanoUsd: up(record.cost.inputNanoUsd),
      },
      {
        day,
        service,
        usageType: 'USE1-MP:USE1_OutputTokenCount-Units',
        costNanoUsd: up(record.cost.outputNanoUsd),
      },
      {
        day,
        service,
        usageType: 'USE1-MP:USE1_CacheReadInputTokenCount-Units',
        costNanoUsd: up(record.cost.cacheReadNanoUsd),
      },
    ];
  });

/** Metric values the run sent, by source and name. */
export type MetricLog = { source: string; name: string; value: number }[];

export interface DepsOptions {
  reportApi?: ReportApi;
  scope?: MonitoredScope | null;
  bedrock?: CostExplorerStub;
  /** Admin API retries; 0 keeps failure tests to one request per attempt. @default 1 */
  maxRetries?: number;
}

/** Reconciler deps on the test table and the stand-ins, as the runtime builds them from the environment. */
export const reconcilerDeps = (
  table: TestTable,
  admin: AdminApiStub,
  sns: SnsEmulator,
  options: DepsOptions = {},
): ReconcilerDeps & { metricLog: MetricLog; logs: string[] } => {
  const metricLog: MetricLog = [];
  const logs: string[] = [];
  const client = createAdminClient({
    adminKey: ADMIN_KEY,
    baseURL: admin.url,
    maxRetries: options.maxRetries ?? 1,
  });
  const reportApi = options.reportApi ?? 'analytics';
  const env = { CLAUDE_MONITOR_SNS_ENDPOINT: sns.endpoint, AWS_REGION: 'us-east-1' };
  const sources: ReconciledSource[] = [
    {
      source: 'anthropic',
      provider: 'anthropic',
      scope: options.scope === undefined ? null : options.scope,
      open: async () => ({
        reader: reportApi === 'analytics' ? analyticsReader(client) : usageCostReader(client),
      }),
    },
  ];
  if (options.bedrock) {
    const ce = new CostExplorerClient({
      region: 'us-east-1',
      endpoint: options.bedrock.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    sources.push({
      source: 'bedrock',
      provider: 'bedrock',
      scope: null,
      open: async () => ({ reader: costExplorerReader(ce, PRICE_TABLE) }),
    });
  }
  const log = (level: string) => (message: string, extra?: Record<string, unknown>) => {
    logs.push(`${level} ${message} ${JSON.stringify(extra ?? {})}`);
  };
  return {
    client: table.client,
    tableName: table.tableName,
    config: resolveReconciliationConfig({ anthropic: { reportApi } }),
    prices: PRICE_TABLE,
    sources,
    alerting: {
      sns: createSnsClient(env, { maxAttempts: 1 }),
      alertTopicArn: sns.topicArn,
      metrics: { addMetric: () => {} },
    },
    metrics: { put: (source, name, _unit, value) => metricLog.push({ source, name, value }) },
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    now: () => RUN_AT,
    metricLog,
    logs,
  };
};

/** The stored result of a day. */
export const storedDay = async (
  table: TestTable,
  source: string,
  day = DAY,
): Promise<DayReconciliation | undefined> => {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: marshall({ pk: reconciliationPk(source), sk: day }),
      ConsistentRead: true,
    }),
  );
  return out.Item ? (unmarshall(out.Item).result as DayReconciliation) : undefined;
};

/** The stored status of a source. */
export const storedStatus = async (
  table: TestTable,
  source: string,
): Promise<ReconciliationStatus | undefined> => {
  const out = await table.client.send(
    new GetItemCommand({
      TableName: table.tableName,
      Key: marshall({ pk: RECONCILIATION_STATUS_PK, sk: source }),
      ConsistentRead: true,
    }),
  );
  return out.Item ? (unmarshall(out.Item).status as ReconciliationStatus) : undefined;
};
