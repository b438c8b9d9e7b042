import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { CostExplorerClient } from '@aws-sdk/client-cost-explorer';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createDynamoClient, createSnsClient } from 'claude-monitor/aws';
import {
  ENV,
  METRIC_DIMENSION,
  METRIC_NAMESPACE,
  PROVIDER,
  readRequired,
  SERVICE,
} from 'claude-monitor/domain';
import { loadPriceTable, type PriceTable } from 'claude-monitor/pricing';
import { RECONCILIATION_SOURCE } from '../shared/reconciliation';
import { type AdminKey, secretAdminKey, staticAdminKey } from './admin-key';
import { createAdminClient } from './anthropic/admin-client';
import { analyticsReader } from './anthropic/analytics-report';
import { usageCostReader } from './anthropic/usage-cost-report';
import { costExplorerReader } from './bedrock/cost-explorer-report';
import { type ReconciliationConfig, readReconciliationConfig } from './config';
import type { ReconcilerMetrics } from './metrics';
import type { ReconciledSource, ReconcilerDeps } from './reconcile';

/** Cost Explorer has one endpoint for the commercial partition, in us-east-1. */
const COST_EXPLORER_REGION = 'us-east-1';
/** Local stand-ins accept any credentials made of letters and digits. */
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export const BEDROCK_OFF_HINT =
  'Bedrock spend is not compared: set reconciliation.bedrock.enabled to true (Cost Explorer charges $0.01 per request).';

const anthropicSource = (env: NodeJS.ProcessEnv, config: ReconciliationConfig): ReconciledSource => {
  const secretArn = env[ENV.adminKeySecretArn]?.trim();
  const secrets = secretArn ? new SecretsManagerClient({}) : undefined;
  const { monitoredApiKeyIds, monitoredWorkspaceIds, reportApi } = config.anthropic;
  return {
    source: RECONCILIATION_SOURCE.anthropic,
    provider: PROVIDER.anthropic,
    scope:
      monitoredApiKeyIds.length + monitoredWorkspaceIds.length === 0
        ? null
        : { apiKeyIds: monitoredApiKeyIds, workspaceIds: monitoredWorkspaceIds },
    open: async () => {
      const key: AdminKey =
        secrets && secretArn ? await secretAdminKey(secrets, secretArn) : staticAdminKey(env[ENV.adminKey]);
      if (!key.configured) return { hint: key.hint };
      const baseURL = env[ENV.adminApiUrl]?.trim();
      const client = createAdminClient({ adminKey: key.key, ...(baseURL ? { baseURL } : {}) });
      return { reader: reportApi === 'analytics' ? analyticsReader(client) : usageCostReader(client) };
    },
  };
};

const bedrockSource = (
  env: NodeJS.ProcessEnv,
  config: ReconciliationConfig,
  prices: PriceTable,
): ReconciledSource => {
  const endpoint = env[ENV.costExplorerEndpoint]?.trim();
  const client = config.bedrock.enabled
    ? new CostExplorerClient({
        region: COST_EXPLORER_REGION,
        ...(endpoint ? { endpoint, credentials: LOCAL_CREDENTIALS } : {}),
      })
    : undefined;
  return {
    source: RECONCILIATION_SOURCE.bedrock,
    provider: PROVIDER.bedrock,
    scope: null,
    open: async () => (client ? { reader: costExplorerReader(client, prices) } : { hint: BEDROCK_OFF_HINT }),
  };
};

/** The reconciler's dependencies from the environment, built once per cold start. */
export const createReconcilerRuntime = (env: NodeJS.ProcessEnv = process.env): ReconcilerDeps => {
  const config = readReconciliationConfig(env);
  const prices = loadPriceTable(env);
  const logger = new Logger({ serviceName: SERVICE.reconciler });
  const powertools = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE.reconciler });
  const metrics: ReconcilerMetrics = {
    // A single metric is flushed at once with its own dimensions, so two sources never share a set.
    put: (source, name, unit, value) => {
      const single = powertools.singleMetric();
      single.addDimension(METRIC_DIMENSION.source, source);
      single.addMetric(name, unit, value);
    },
  };
  const alertTopicArn = env[ENV.alertTopicArn]?.trim();
  return {
    client: createDynamoClient(env),
    tableName: readRequired(env, ENV.tableName),
    config,
    prices,
    sources: [anthropicSource(env, config), bedrockSource(env, config, prices)],
    alerting: {
      sns: createSnsClient(env, { maxAttempts: 2 }),
      ...(alertTopicArn ? { alertTopicArn } : {}),
      metrics: powertools,
    },
    metrics,
    logger: {
      info: (message, extra) => logger.info(message, extra ?? {}),
      warn: (message, extra) => logger.warn(message, extra ?? {}),
      error: (message, extra) => logger.error(message, extra ?? {}),
    },
    now: () => new Date(),
  };
};
